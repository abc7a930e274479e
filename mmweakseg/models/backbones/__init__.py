# Copyright (c) mmweakseg contributors. All rights reserved.
from .recon_unet_encoder import ReconUNetEncoder

__all__ = ['ReconUNetEncoder']
