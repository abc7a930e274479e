# Copyright (c) mmweakseg contributors. All rights reserved.
from .reconstruction_segmentor import ReconstructionSegmentor

__all__ = ['ReconstructionSegmentor']
