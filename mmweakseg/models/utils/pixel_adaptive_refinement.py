# Copyright (c) mmweakseg contributors. All rights reserved.
"""Pixel-adaptive mask refinement (PAMR).

Araslanov and Roth, "Single-Stage Semantic Segmentation from Image Labels",
CVPR 2020: class masks are propagated between neighbouring pixels with
affinities computed from the image's colours, which snaps soft, blobby masks
to the image's edges. Pure torch, batched, no compiled extension.
"""
from typing import Iterator, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


def neighbour_offsets(dilations: Sequence[int]) -> List[Tuple[int, int]]:
    """Offsets (dy, dx) of the 8 neighbours on the 3 x 3 ring at each
    dilation, ring by ring in the order of ``dilations``, each ring
    row-major without its centre."""
    return [(dy, dx) for d in dilations for dy in (-d, 0, d)
            for dx in (-d, 0, d) if (dy, dx) != (0, 0)]


def shifted_views(x: Tensor, dilations: Sequence[int]) -> Iterator[Tensor]:
    """Yield ``x`` (N, C, H, W) shifted to each neighbour of
    :func:`neighbour_offsets`: view p holds at (i, j) the value at
    (i + dy_p, j + dx_p), borders replicate-padded."""
    height, width = x.shape[2:]
    pad = max(dilations)
    padded = F.pad(x, [pad] * 4, mode='replicate')
    for dy, dx in neighbour_offsets(dilations):
        yield padded[:, :, pad + dy:pad + dy + height,
                     pad + dx:pad + dx + width]


def gather_neighbours(x: Tensor, dilations: Sequence[int]) -> Tensor:
    """The 8 neighbours of every pixel on the 3 x 3 ring at each dilation.

    Borders are replicate-padded, so every pixel has all neighbours.

    Args:
        x (Tensor): A map of shape (N, C, H, W).
        dilations (Sequence[int]): Offsets d of the rings, e.g. (1, 2, 4).

    Returns:
        Tensor: Shape (N, C, P, H, W) with P = 8 * len(dilations);
        ``out[:, :, p]`` is the p-th of :func:`shifted_views`.
    """
    return torch.stack(list(shifted_views(x, dilations)), dim=2)


def colour_affinities(images: Tensor,
                      dilations: Sequence[int],
                      sigma_scale: float = 0.1) -> Tensor:
    """Normalised affinities between each pixel and its neighbours.

    With :math:`\\sigma_{i,c}` the standard deviation of channel c over the
    neighbours of pixel i, the affinity to neighbour j is
    :math:`a_{ij} = -\\frac{1}{C} \\sum_c |I_{i,c} - I_{j,c}| /
    (10^{-8} + s \\sigma_{i,c})` (s = ``sigma_scale``), and the weights are
    its softmax over the neighbours, so each pixel's weights sum to 1. They
    do not change when a channel is scaled or shifted, so normalised images
    give the same weights as raw ones.

    Args:
        images (Tensor): Images (N, C, H, W), any per-channel scaling.
        dilations (Sequence[int]): See :func:`gather_neighbours`.
        sigma_scale (float): s above. Defaults to 0.1.

    Returns:
        Tensor: Weights of shape (N, P, H, W), summing to 1 over P.
    """
    images = images.float()
    views = list(shifted_views(images, dilations))
    # the neighbours' standard deviation, two passes, without stacking them
    mean = sum(views) / len(views)
    variance = sum((view - mean).square() for view in views) / (
        len(views) - 1)
    scale = 1e-8 + sigma_scale * variance.sqrt()
    affinities = torch.stack(
        [-((images - view).abs() / scale).mean(dim=1) for view in views],
        dim=1)
    return affinities.softmax(dim=1)


@MODELS.register_module()
class PixelAdaptiveRefinement(nn.Module):
    """Refine class masks with the colour affinities of the image.

    Each of ``num_iters`` steps replaces every pixel's class distribution by
    the affinity-weighted mean of its neighbours' (see
    :func:`colour_affinities`); the weights are computed once per image.
    The masks stay distributions over the classes: weights are
    non-negative and sum to 1. No parameters; the output carries no
    gradient.

    Args:
        dilations (Sequence[int]): Ring offsets of the neighbourhood. The
            paper uses (1, 2, 4, 8, 12, 24) at 1/4 of 321 x 321 inputs;
            the default (1, 2, 4, 8) suits inputs of about 64 x 64.
        num_iters (int): Propagation steps. Defaults to 10.
        sigma_scale (float): Scale of the local colour deviation in the
            affinities. Defaults to 0.1.
    """

    def __init__(self,
                 dilations: Tuple[int, ...] = (1, 2, 4, 8),
                 num_iters: int = 10,
                 sigma_scale: float = 0.1) -> None:
        super().__init__()
        if not dilations or min(dilations) < 1:
            raise ValueError('`dilations` must be a non-empty sequence of '
                             f'positive offsets, got {dilations!r}')
        if num_iters < 1 or sigma_scale <= 0:
            raise ValueError('`num_iters` must be >= 1 and `sigma_scale` '
                             f'> 0, got {num_iters}, {sigma_scale}')
        self.dilations = tuple(dilations)
        self.num_iters = num_iters
        self.sigma_scale = sigma_scale

    @torch.no_grad()
    def forward(self, images: Tensor, masks: Tensor) -> Tensor:
        """Refine ``masks``.

        Args:
            images (Tensor): Images (N, 3, H, W), normalised or not; resized
                bilinearly to the masks' size when they differ.
            masks (Tensor): Class masks (N, K, h, w), e.g. softmax
                probabilities.

        Returns:
            Tensor: Refined masks (N, K, h, w) in float32.
        """
        masks = masks.detach().float()
        if images.shape[2:] != masks.shape[2:]:
            images = F.interpolate(
                images.float(),
                size=masks.shape[2:],
                mode='bilinear',
                align_corners=False)
        weights = colour_affinities(images, self.dilations,
                                    self.sigma_scale).unsqueeze(2)
        for _ in range(self.num_iters):
            # sum_p w_p * M_p, accumulated without stacking the P views
            propagated = torch.zeros_like(masks)
            for p, neighbour in enumerate(
                    shifted_views(masks, self.dilations)):
                propagated.addcmul_(weights[:, p], neighbour)
            masks = propagated
        return masks
