# Copyright (c) mmweakseg contributors. All rights reserved.
from .two_stage_pipeline import (SPLITS, check_splits, configure_stage,
                                 find_checkpoint, read_test_metrics,
                                 set_classifier_checkpoint,
                                 split_dataset_cfgs)

__all__ = [
    'SPLITS', 'check_splits', 'configure_stage', 'find_checkpoint',
    'read_test_metrics', 'set_classifier_checkpoint', 'split_dataset_cfgs'
]
