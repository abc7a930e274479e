# Copyright (c) mmweakseg contributors. All rights reserved.
from .hooks import ChannelsLastHook, DecompositionVisualizationHook
from .optimizers import BF16AmpOptimWrapper, set_amp_optim_wrapper

__all__ = [
    'BF16AmpOptimWrapper', 'ChannelsLastHook',
    'DecompositionVisualizationHook', 'set_amp_optim_wrapper'
]
