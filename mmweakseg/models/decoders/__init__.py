# Copyright (c) mmweakseg contributors. All rights reserved.
"""Decoders of the segmentor's two branches. They map a backbone's feature list
to a map and compute no loss, so they are plain modules rather than mmseg
decode heads (``BaseDecodeHead``): the ``ReconstructionSegmentor`` combines
the two outputs in its losses."""
from .unet_decoder import UNetDecoder, UNetDecoderBlock

__all__ = ['UNetDecoder', 'UNetDecoderBlock']
