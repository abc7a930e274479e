# Copyright (c) mmweakseg contributors. All rights reserved.
from .atomic_local_backend import AtomicLocalBackend, atomic_write
from .checkpoint import load_local_checkpoint, register_local_checkpoint_loader
from .checkpoint_check import (CheckpointMismatchError, check_checkpoint,
                               checkpoint_to_load)
from .config import add_common_args, check_model_types, load_config
from .cpu_distributed_data_parallel import (CPUDistributedDataParallel,
                                            count_sync_batchnorm)
from .demo_data import make_demo_dataset
from .distributed import setup_cpu_distributed, teardown_cpu_distributed
from .tool_args import add_dataset_args, add_model_args
from .work_dir import created_or_removed

__all__ = [
    'AtomicLocalBackend', 'atomic_write', 'load_local_checkpoint',
    'register_local_checkpoint_loader', 'CheckpointMismatchError',
    'check_checkpoint', 'checkpoint_to_load', 'add_common_args',
    'check_model_types', 'load_config', 'CPUDistributedDataParallel',
    'count_sync_batchnorm', 'make_demo_dataset', 'setup_cpu_distributed',
    'teardown_cpu_distributed', 'add_dataset_args', 'add_model_args',
    'created_or_removed'
]
