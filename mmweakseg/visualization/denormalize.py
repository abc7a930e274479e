# Copyright (c) mmweakseg contributors. All rights reserved.
"""Undo the data preprocessor's normalization for drawing."""
from typing import Sequence, Union

import numpy as np
import torch
from torch import nn


class ImageDenormalizer:
    """Map images from the normalized model space back to RGB ``uint8``.

    mmseg's ``SegDataPreProcessor`` computes ``(img[channels] - mean) / std``
    where ``img`` is in the loader's channel order (BGR, as mmcv loads
    images) and ``channels`` reverses it when ``bgr_to_rgb`` (or
    ``rgb_to_bgr``) is set. This class computes ``x * std + mean``, rounds,
    clips to ``[0, 255]`` and returns RGB channels last.

    Args:
        mean (Sequence[float]): Per-channel mean, in the order of the
            normalized tensor's channels.
        std (Sequence[float]): Per-channel standard deviation, same order.
        channels_rgb (bool): Whether the normalized tensor's channels are
            RGB. If False they are BGR and get reversed. Defaults to True.
    """

    def __init__(self,
                 mean: Sequence[float],
                 std: Sequence[float],
                 channels_rgb: bool = True) -> None:
        self.mean = np.asarray(mean, dtype=np.float64).reshape(3, 1, 1)
        self.std = np.asarray(std, dtype=np.float64).reshape(3, 1, 1)
        self.channels_rgb = channels_rgb

    @classmethod
    def from_preprocessor(cls,
                          data_preprocessor: nn.Module) -> 'ImageDenormalizer':
        """Read mean, std and channel order from a ``SegDataPreProcessor``.

        Images are assumed to be loaded as BGR (mmcv's convention, kept by
        mmweakseg's loading transform), so the normalized tensor is RGB
        exactly when the preprocessor converts channels.
        """
        if not hasattr(data_preprocessor, 'channel_conversion'):
            raise TypeError(
                'expected an mmseg SegDataPreProcessor (with attributes '
                '`channel_conversion`, `mean`, `std`), got '
                f'{type(data_preprocessor).__name__}')
        if getattr(data_preprocessor, '_enable_normalize', False):
            mean = data_preprocessor.mean.flatten().tolist()
            std = data_preprocessor.std.flatten().tolist()
        else:
            mean, std = [0.0] * 3, [1.0] * 3
        return cls(
            mean, std, channels_rgb=data_preprocessor.channel_conversion)

    def __call__(self, images: Union[np.ndarray, torch.Tensor]) -> np.ndarray:
        """Denormalize.

        Args:
            images (np.ndarray | Tensor): Normalized images of shape
                ``(..., 3, H, W)``.

        Returns:
            np.ndarray: ``uint8`` RGB images of shape ``(..., H, W, 3)``.
        """
        if isinstance(images, torch.Tensor):
            images = images.detach().cpu().numpy()
        if images.ndim < 3 or images.shape[-3] != 3:
            raise ValueError('expected images of shape (..., 3, H, W), got '
                             f'{tuple(images.shape)}')
        pixels = images.astype(np.float64) * self.std + self.mean
        if not self.channels_rgb:
            pixels = pixels[..., ::-1, :, :]
        pixels = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.moveaxis(pixels, -3, -1))
