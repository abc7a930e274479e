# Copyright (c) mmweakseg contributors. All rights reserved.
"""Test-time refinement of a segmentor's predictions (``test_cfg.refine``).

Shared by the segmentors that offer it, so ``test_cfg=dict(mode='whole',
refine=dict(type='PixelAdaptiveRefinement'))`` means the same thing for the
reconstruction segmentor and for a second-stage ``RefinedEncoderDecoder``.
"""
from typing import Optional

import torch.nn as nn
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType
from torch import Tensor


def build_test_refinement(test_cfg: OptConfigType) -> Optional[nn.Module]:
    """The refinement named by ``test_cfg.refine``, or None without one."""
    refine = (test_cfg or {}).get('refine')
    return None if refine is None else MODELS.build(refine)


def refine_seg_logits(refinement: nn.Module, inputs: Tensor,
                      seg_logits: Tensor) -> Tensor:
    """Refine the softmax of ``seg_logits`` with the images' colours.

    Args:
        refinement (nn.Module): Called as ``refinement(images (N, 3, h, w),
            masks (N, K, h, w))``, returning refined masks (N, K, h, w),
            e.g. :class:`PixelAdaptiveRefinement`.
        inputs (Tensor): The batch (N, 3, H, W) the logits were predicted
            from, possibly padded at the bottom and right (mmseg pads there)
            beyond the logits' (h, w); the padding is cropped away.
        seg_logits (Tensor): Logits (N, K, h, w) with h <= H and w <= W.

    Returns:
        Tensor: Logs of the refined masks (N, K, h, w), float32; their
        softmax is the refined masks, their argmax the refined prediction.
    """
    height, width = seg_logits.shape[2:]
    if inputs.shape[2] < height or inputs.shape[3] < width:
        raise ValueError(f'seg_logits of size {(height, width)} do not fit '
                         f'in inputs of size {tuple(inputs.shape[2:])}')
    images = inputs[:, :, :height, :width]
    refined = refinement(images, seg_logits.softmax(dim=1))
    return refined.clamp(min=1e-8).log()
