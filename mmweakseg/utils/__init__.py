# Copyright (c) mmweakseg contributors. All rights reserved.
"""The bottom layer: helpers that import nothing from the rest of the
package (checkpoint loading, atomic file backend, distributed helpers,
config and tool arguments, work dirs, palette, image suffixes)."""
from .atomic_local_backend import AtomicLocalBackend, atomic_write
from .checkpoint import load_local_checkpoint, register_local_checkpoint_loader
from .checkpoint_check import (CheckpointMismatchError, check_checkpoint,
                               checkpoint_to_load)
from .config import add_common_args, check_model_types, load_config
from .cpu_distributed_data_parallel import (CPUDistributedDataParallel,
                                            count_sync_batchnorm)
from .distributed import setup_cpu_distributed, teardown_cpu_distributed
from .image_files import IMAGE_SUFFIXES, is_image_file
from .palette import make_palette
from .tool_args import (add_dataset_args, add_model_args, add_retraining_args,
                        add_stage_config_args)
from .work_dir import created_or_removed

__all__ = [
    'AtomicLocalBackend', 'atomic_write', 'load_local_checkpoint',
    'register_local_checkpoint_loader', 'CheckpointMismatchError',
    'check_checkpoint', 'checkpoint_to_load', 'add_common_args',
    'check_model_types', 'load_config', 'CPUDistributedDataParallel',
    'count_sync_batchnorm', 'setup_cpu_distributed',
    'teardown_cpu_distributed', 'IMAGE_SUFFIXES', 'is_image_file',
    'make_palette', 'add_dataset_args', 'add_model_args',
    'add_retraining_args', 'add_stage_config_args',
    'created_or_removed'
]
