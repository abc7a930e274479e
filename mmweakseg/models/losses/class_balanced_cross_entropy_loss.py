# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Optional

import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from .weighted_loss import WeightedLoss


def class_balanced_cross_entropy(logits: Tensor,
                                 labels: Tensor,
                                 ignore_index: int = 255) -> Tensor:
    """Pixel cross-entropy in which every labelled class weighs the same.

    The mean cross-entropy of the pixels of each class present in
    ``labels`` (over the whole batch), averaged over those classes, so a
    small class counts as much as the background around it. Pixels equal to
    ``ignore_index`` do not count; without any labelled pixel the loss is 0
    (with a gradient graph, so every rank of a distributed run still calls
    backward).

    Args:
        logits (Tensor): Class logits (N, K, H, W).
        labels (Tensor): Labels (N, H, W) in ``[0, K)`` or
            ``ignore_index``.
        ignore_index (int): Label of the pixels to ignore. Defaults to 255.

    Returns:
        Tensor: Scalar loss.
    """
    labels = labels.long()
    per_pixel = F.cross_entropy(
        logits.float(), labels, ignore_index=ignore_index, reduction='none')
    valid = labels != ignore_index
    if not valid.any():
        return logits.sum() * 0
    classes = labels[valid].unique()
    in_class = labels.unsqueeze(0) == classes[:, None, None, None]
    class_sums = (per_pixel.unsqueeze(0) * in_class).flatten(1).sum(1)
    class_counts = in_class.flatten(1).sum(1)
    return (class_sums / class_counts).mean()


@MODELS.register_module()
class ClassBalancedCrossEntropyLoss(WeightedLoss):
    """Class-balanced pixel cross-entropy as an mmseg decode-head loss.

    A drop-in ``loss_decode`` for mmseg's decode heads (it is called as
    ``loss(seg_logits, seg_label, weight=None, ignore_index=255)``), for
    training a standard model on pseudo-labels in which the background
    dominates: see :func:`class_balanced_cross_entropy`.

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item. Defaults to 'loss_cb_ce'.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_cb_ce') -> None:
        super().__init__(loss_weight, loss_name)

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: int = 255,
                **kwargs) -> Tensor:
        """Compute the loss of logits (N, K, H, W) against labels (N, H, W);
        per-pixel ``weight`` is not supported."""
        if weight is not None:
            raise ValueError('ClassBalancedCrossEntropyLoss does not take '
                             'per-pixel weights')
        return self.loss_weight * class_balanced_cross_entropy(
            cls_score, label, ignore_index)
