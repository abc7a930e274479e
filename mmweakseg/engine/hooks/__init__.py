# Copyright (c) mmweakseg contributors. All rights reserved.
from .decomposition_visualization_hook import DecompositionVisualizationHook

__all__ = ['DecompositionVisualizationHook']
