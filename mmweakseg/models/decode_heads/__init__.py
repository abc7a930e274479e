# Copyright (c) mmweakseg contributors. All rights reserved.
from .unet_decoder import UNetDecoder, UNetDecoderBlock

__all__ = ['UNetDecoder', 'UNetDecoderBlock']
