# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Tuple

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, OptMultiConfig
from torch import Tensor


@MODELS.register_module()
class ReconUNetEncoder(BaseModule):
    """The U-Net encoder of "Weak Segmentation by Reconstruction from
    Structured Decomposition" (Table 1), shared by the mask and the image-let
    decoders.

    Four blocks ``[conv3x3, act, conv3x3, act, maxpool 2]`` with ``w``,
    ``2w``, ``4w`` and ``8w`` channels, then a bottleneck ``conv3x3`` from
    ``8w`` to ``16w`` channels and ``act`` at the resolution of the fourth
    block. All convolutions have stride 1 and padding 1. With ``w = 64`` and
    the defaults this is the paper's encoder, 9,404,992 parameters.

    The activation defaults to LeakyReLU with PyTorch's default negative slope
    0.01; the paper names LeakyReLU without a slope.

    Args:
        in_channels (int): Channels of the input image. Defaults to 3.
        base_channels (int): Channels ``w`` of the first block; block ``i``
            has ``w * 2**i``. Defaults to 64 (the paper's).
        norm_cfg (dict, optional): Norm layer after each convolution. The
            paper uses none. Defaults to None.
        act_cfg (dict): Activation after each convolution.
            Defaults to ``dict(type='LeakyReLU', negative_slope=0.01)``.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None (each convolution is Kaiming-initialised for its
            activation by :class:`~mmcv.cnn.ConvModule`).
    """

    num_blocks = 4

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 norm_cfg: OptConfigType = None,
                 act_cfg: ConfigType = dict(
                     type='LeakyReLU', negative_slope=0.01),
                 init_cfg: OptMultiConfig = None):
        super().__init__(init_cfg=init_cfg)
        conv_kwargs = dict(
            kernel_size=3, padding=1, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.blocks = nn.ModuleList()
        block_in = in_channels
        for i in range(self.num_blocks):
            block_out = base_channels * 2**i
            self.blocks.append(
                nn.Sequential(
                    ConvModule(block_in, block_out, **conv_kwargs),
                    ConvModule(block_out, block_out, **conv_kwargs),
                    nn.MaxPool2d(kernel_size=2, stride=2)))
            block_in = block_out
        self.bottleneck = ConvModule(block_in, 2 * block_in, **conv_kwargs)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Encode an image into multi-scale features.

        Args:
            x (Tensor): Images of shape (N, C_in, H, W).

        Returns:
            tuple[Tensor]: Five features, shallow to deep: the four block
            outputs after pooling, of shapes (N, w * 2**i, H / 2**(i+1),
            W / 2**(i+1)) for i = 0..3, then the bottleneck output of shape
            (N, 16w, H / 16, W / 16).
        """
        features = []
        for block in self.blocks:
            x = block(x)
            features.append(x)
        features.append(self.bottleneck(x))
        return tuple(features)
