# Copyright (c) mmweakseg contributors. All rights reserved.
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channels_last_hook import ChannelsLastHook
from .decomposition_visualization_hook import DecompositionVisualizationHook
from .epoch_seed_hook import EpochSeedHook

__all__ = [
    'AtomicCheckpointHook', 'ChannelsLastHook',
    'DecompositionVisualizationHook', 'EpochSeedHook'
]
