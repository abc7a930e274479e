# Copyright (c) mmweakseg contributors. All rights reserved.
from .checkpoint import load_local_checkpoint, register_local_checkpoint_loader
from .config import add_common_args, load_config
from .demo_data import make_demo_dataset

__all__ = [
    'load_local_checkpoint', 'register_local_checkpoint_loader',
    'add_common_args', 'load_config', 'make_demo_dataset'
]
