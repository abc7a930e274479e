# Copyright (c) mmweakseg contributors. All rights reserved.
from .hooks import DecompositionVisualizationHook

__all__ = ['DecompositionVisualizationHook']
