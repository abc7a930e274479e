# Copyright (c) mmweakseg contributors. All rights reserved.
"""The two-stage workflow: point the classifier's and the segmentor's
configs at a dataset, train and test each stage through the tools, and
configure the model retrained on the pseudo-labels."""
from .classifier_health import (ClassifierHealth, check_classifier_health,
                                evaluate_classifier_health)
from .stage_runner import (TRAINING_FINISHED, evaluate_checkpoint, run_tool,
                           train_and_test)
from .training_budget import (TrainingBudget, apply_training_budget,
                              plan_training_budget, set_training_budget)
from .tool_scripts import configs_dir, demo_configs, tools_dir
from .two_stage_pipeline import (SPLITS, check_splits, check_stage_data,
                                 configure_retraining, configure_stage,
                                 find_checkpoint, has_test_metrics,
                                 match_test_refinement, read_test_metrics,
                                 set_cam_checkpoint, set_classifier_checkpoint,
                                 set_stage_data, split_dataset_cfgs)

__all__ = [
    'ClassifierHealth', 'check_classifier_health',
    'evaluate_classifier_health',
    'TRAINING_FINISHED', 'evaluate_checkpoint', 'run_tool', 'train_and_test',
    'TrainingBudget', 'apply_training_budget', 'plan_training_budget',
    'configs_dir', 'demo_configs', 'has_test_metrics', 'tools_dir', 'SPLITS', 'check_splits',
    'check_stage_data', 'configure_retraining', 'configure_stage',
    'find_checkpoint', 'match_test_refinement', 'read_test_metrics',
    'set_cam_checkpoint',
    'set_classifier_checkpoint', 'set_stage_data', 'set_training_budget',
    'split_dataset_cfgs'
]
