# Copyright (c) mmweakseg contributors. All rights reserved.
from .cam_segmentor import CAMSegmentor, normalised_cams
from .reconstruction_segmentor import ReconstructionSegmentor
from .refined_encoder_decoder import RefinedEncoderDecoder

__all__ = [
    'CAMSegmentor', 'ReconstructionSegmentor', 'RefinedEncoderDecoder',
    'normalised_cams'
]
