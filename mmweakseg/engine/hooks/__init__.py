# Copyright (c) mmweakseg contributors. All rights reserved.
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channels_last_hook import ChannelsLastHook
from .decomposition_visualization_hook import DecompositionVisualizationHook
from .epoch_seed_hook import EpochSeedHook
from .main_process_logger_hook import MainProcessLoggerHook

__all__ = [
    'AtomicCheckpointHook', 'ChannelsLastHook',
    'DecompositionVisualizationHook', 'EpochSeedHook', 'MainProcessLoggerHook'
]
