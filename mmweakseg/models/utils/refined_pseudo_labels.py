# Copyright (c) mmweakseg contributors. All rights reserved.
"""Pseudo-labels from refined class masks, with an ignore band."""
import torch
from torch import Tensor


def masks_to_pseudo_labels(masks: Tensor,
                           gt_tags: Tensor,
                           background_index: int,
                           fg_ratio: float = 0.6,
                           bg_ratio: float = 0.7,
                           min_score: float = 0.2,
                           ignore_index: int = 255,
                           renormalize: bool = False) -> Tensor:
    """Confident pixel labels from class masks and image tags.

    As in single-stage weak segmentation (Araslanov and Roth, 2020): the
    masks of classes the image is not tagged with are zeroed (with
    ``renormalize``, the tagged classes' scores are then divided by their
    sum at each pixel, so a pixel an absent class took can still be
    claimed by a tagged class under the thresholds below instead of
    falling into the ignore band); class c claims
    a pixel where its score reaches ``ratio_c`` times its highest score in
    the image (``bg_ratio`` for the background, ``fg_ratio`` for the
    others), and at least ``min_score``. A pixel claimed by exactly one
    class gets that class; pixels claimed by none or by several get
    ``ignore_index``: the ignore band around uncertain borders.

    Args:
        masks (Tensor): Class scores in [0, 1], e.g. refined softmax masks,
            shape (N, K, H, W).
        gt_tags (Tensor): Multi-hot tags (N, K).
        background_index (int): Index of the background class.
        fg_ratio (float): Share of a foreground class's peak score a pixel
            needs. Defaults to 0.6.
        bg_ratio (float): The same for the background. Defaults to 0.7.
        min_score (float): Lowest score that can claim a pixel.
            Defaults to 0.2.
        ignore_index (int): Label of unclaimed and contested pixels.
            Defaults to 255.
        renormalize (bool): Whether the tagged classes' scores are divided
            by their sum at each pixel. Defaults to False.

    Returns:
        Tensor: Labels (N, H, W), int64, in ``[0, K)`` or ``ignore_index``.
    """
    tagged = gt_tags.to(masks.device).bool()[:, :, None, None]
    scores = masks.masked_fill(~tagged, 0.)
    if renormalize:
        scores = scores / scores.sum(dim=1, keepdim=True).clamp(min=1e-6)
    ratios = torch.full((masks.size(1), ), fg_ratio, device=masks.device)
    ratios[background_index] = bg_ratio
    peaks = scores.amax(dim=(2, 3), keepdim=True)
    thresholds = (ratios[None, :, None, None] * peaks).clamp(min=min_score)
    claimed = tagged & (scores >= thresholds)
    labels = claimed.float().argmax(dim=1)
    return labels.masked_fill(claimed.sum(dim=1) != 1, ignore_index)


def holds_all_tags(labels: Tensor, gt_tags: Tensor) -> Tensor:
    """Whether each label map contains every class its image is tagged
    with.

    Args:
        labels (Tensor): Label maps (N, H, W).
        gt_tags (Tensor): Multi-hot tags (N, K).

    Returns:
        Tensor: Booleans (N,).
    """
    num_classes = gt_tags.size(1)
    one_hot = labels.unsqueeze(1) == torch.arange(
        num_classes, device=labels.device)[None, :, None, None]
    found = one_hot.flatten(2).any(dim=2)
    return (found | ~gt_tags.to(labels.device).bool()).all(dim=1)
