# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, OptMultiConfig
from torch import Tensor


def _upsample(x: Tensor, size: Optional[Sequence[int]] = None) -> Tensor:
    """Bilinear resize (``align_corners=False``) to ``size``, or by 2 when
    ``size`` is None."""
    scale_factor = 2 if size is None else None
    return F.interpolate(
        x,
        size=size,
        scale_factor=scale_factor,
        mode='bilinear',
        align_corners=False)


class UNetDecoderBlock(BaseModule):
    """One U-Net decoder block (the paper's ConvBlock', Table 2).

    ``concat(x, skip) -> conv3x3 -> act -> upsample x2 -> conv3x3 -> act``,
    where ``x`` is first resized to the skip's size when the two differ.

    Args:
        in_channels (int): Channels of ``x``.
        skip_channels (int): Channels of ``skip``.
        out_channels (int): Channels of both convolutions' outputs.
        norm_cfg (dict, optional): Norm layer after each convolution.
        act_cfg (dict): Activation after each convolution.
    """

    def __init__(self, in_channels: int, skip_channels: int, out_channels: int,
                 norm_cfg: OptConfigType, act_cfg: ConfigType):
        super().__init__()
        conv_kwargs = dict(
            kernel_size=3, padding=1, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.fuse_conv = ConvModule(in_channels + skip_channels, out_channels,
                                    **conv_kwargs)
        self.up_conv = ConvModule(out_channels, out_channels, **conv_kwargs)

    def forward(self, x: Tensor, skip: Tensor) -> Tensor:
        """Fuse ``x`` (N, C_x, h, w) with ``skip`` (N, C_s, H_s, W_s) and
        return (N, C_out, 2 * H_s, 2 * W_s)."""
        if x.shape[2:] != skip.shape[2:]:
            x = _upsample(x, skip.shape[2:])
        x = self.fuse_conv(torch.cat([x, skip], dim=1))
        return self.up_conv(_upsample(x))


@MODELS.register_module()
class UNetDecoder(BaseModule):
    """A U-Net decoder over any backbone's multi-scale features.

    Starting from the deepest feature, block ``i`` (deep to shallow) fuses the
    running output with the next-shallower feature (see
    :class:`UNetDecoderBlock`), so there is one block per feature but the
    deepest. Then ``conv3x3 (c -> c) -> act`` and ``conv3x3 (c ->
    out_channels)``, where ``c`` is the shallowest block's channels. The
    output is at twice the resolution of the shallowest feature; the segmentor
    resizes it to the input's size when they differ.

    Upsampling is bilinear with ``align_corners=False`` (the paper's Table 2
    says "Upsample(ratio=2)" without a mode). With
    :class:`~mmweakseg.models.backbones.ReconUNetEncoder` (``w = 64``) and the
    default ``channels`` this is the paper's decoder: 12,576,070 parameters for
    ``out_channels=6`` and 12,573,762 for ``out_channels=2``.

    Args:
        in_channels (Sequence[int]): Channels of the backbone's features,
            shallow to deep.
        out_channels (int): Output channels, e.g. ``K`` for mask logits or
            ``3K`` for image-lets.
        channels (Sequence[int], optional): Output channels of the block that
            consumes ``in_channels[i]`` as its skip, so one entry per feature
            but the deepest, shallow to deep. Defaults to
            ``in_channels[:-1]`` (the paper's).
        norm_cfg (dict, optional): Norm layer after each convolution but the
            last. The paper uses none. Defaults to None.
        act_cfg (dict): Activation after each convolution but the last.
            Defaults to ``dict(type='LeakyReLU', negative_slope=0.01)``.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: int,
                 channels: Optional[Sequence[int]] = None,
                 norm_cfg: OptConfigType = None,
                 act_cfg: ConfigType = dict(
                     type='LeakyReLU', negative_slope=0.01),
                 init_cfg: OptMultiConfig = None):
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) < 2:
            raise ValueError('UNetDecoder needs at least two features, got '
                             f'in_channels={list(in_channels)}')
        if channels is None:
            channels = in_channels[:-1]
        if len(channels) != len(in_channels) - 1:
            raise ValueError(
                'UNetDecoder `channels` needs one entry per feature but the '
                f'deepest ({len(in_channels) - 1} for in_channels='
                f'{list(in_channels)}), got channels={list(channels)}')
        self.in_channels = list(in_channels)
        self.out_channels = out_channels
        self.channels = list(channels)

        self.blocks = nn.ModuleList()
        block_in = in_channels[-1]
        for skip_channels, block_out in zip(in_channels[-2::-1],
                                            channels[::-1]):
            self.blocks.append(
                UNetDecoderBlock(block_in, skip_channels, block_out, norm_cfg,
                                 act_cfg))
            block_in = block_out
        self.refine_conv = ConvModule(
            block_in,
            block_in,
            kernel_size=3,
            padding=1,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)
        self.conv_out = nn.Conv2d(
            block_in, out_channels, kernel_size=3, padding=1)

    def forward(self, features: Sequence[Tensor]) -> Tensor:
        """Decode multi-scale features.

        Args:
            features (Sequence[Tensor]): Backbone features, shallow to deep,
                with ``in_channels[i]`` channels each.

        Returns:
            Tensor: Output of shape (N, out_channels, 2 * H_0, 2 * W_0),
            where (H_0, W_0) is the size of the shallowest feature.
        """
        if len(features) != len(self.in_channels):
            raise ValueError(
                f'UNetDecoder expects {len(self.in_channels)} features '
                f'(in_channels={self.in_channels}), got {len(features)}')
        x = features[-1]
        for block, skip in zip(self.blocks, features[-2::-1]):
            x = block(x, skip)
        return self.conv_out(self.refine_conv(x))
