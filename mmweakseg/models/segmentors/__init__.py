# Copyright (c) mmweakseg contributors. All rights reserved.
from .cam_segmentor import CAMSegmentor, normalised_cams
from .reconstruction_segmentor import ReconstructionSegmentor

__all__ = ['CAMSegmentor', 'ReconstructionSegmentor', 'normalised_cams']
