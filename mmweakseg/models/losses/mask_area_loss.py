# Copyright (c) mmweakseg contributors. All rights reserved.
import math
from typing import Dict, Optional, Tuple

import torch
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ..utils import current_train_iter, stack_gt_tags
from .weighted_loss import WeightedLoss


def log_complement(log_probs: Tensor, dim: int = 1) -> Tensor:
    """:math:`\\log(1 - p_k) = \\log \\sum_{j \\ne k} p_j` from log-probs.

    Computed as the log-sum-exp of the other classes (prefix and suffix
    cumulative log-sum-exps along ``dim``), so it stays exact and has
    gradients where :math:`p_k` rounds to 1.

    Args:
        log_probs (Tensor): Log-probabilities normalised over ``dim``, which
            has at least 2 entries, e.g. (N, K, H, W).
        dim (int): The class dimension. Defaults to 1.

    Returns:
        Tensor: Same shape as ``log_probs``.
    """
    num_classes = log_probs.size(dim)
    if num_classes < 2:
        raise ValueError(f'expected at least 2 classes along dim {dim}, got '
                         f'shape {tuple(log_probs.shape)}')
    edge = torch.full_like(log_probs.narrow(dim, 0, 1), float('-inf'))
    prefix = log_probs.logcumsumexp(dim).narrow(dim, 0, num_classes - 1)
    suffix = log_probs.flip(dim).logcumsumexp(dim).flip(dim).narrow(
        dim, 1, num_classes - 1)
    before = torch.cat([edge, prefix], dim)  # log sum_{j < k} p_j
    after = torch.cat([suffix, edge], dim)  # log sum_{j > k} p_j
    return torch.logaddexp(before, after)


def log_mask_areas(mask_logits: Tensor) -> Tuple[Tensor, Tensor]:
    """Log of each class's mask area and of its complement.

    The area of class k is the mean of its softmax mask over the pixels,
    :math:`\\hat{y}_k = \\frac{1}{HW} \\sum_{h,w} M_{k,h,w}` (Eq. 3). Both
    logs are taken in log space (log-sum-exp of log-softmax over the
    pixels), so a class whose mask has vanished (or covers everything) still
    gets the gradient that brings it back; clamping the areas instead would
    cut it off and let training collapse to one class.

    Args:
        mask_logits (Tensor): Mask logits (N, K, H, W), K >= 2.

    Returns:
        tuple[Tensor, Tensor]: :math:`\\log \\hat{y}` and
        :math:`\\log (1 - \\hat{y})`, each (N, K), float32 or wider.
    """
    log_masks = mask_logits.float().log_softmax(dim=1)
    log_num_pixels = math.log(log_masks[0, 0].numel())
    log_areas = log_masks.flatten(2).logsumexp(2) - log_num_pixels
    log_rests = log_complement(log_masks).flatten(2).logsumexp(2)
    return log_areas, log_rests - log_num_pixels


def mask_area_loss(mask_logits: Tensor,
                   targets: Tensor,
                   weights: Optional[Tensor] = None) -> Tensor:
    """Cross-entropy between mask areas and tags (Eqs. 3 and 4 of the paper).

    :math:`-\\frac{1}{K} \\sum_k y_k \\log \\hat{y}_k
    + (1 - y_k) \\log (1 - \\hat{y}_k)` with the areas :math:`\\hat{y}_k` of
    :func:`log_mask_areas`, averaged over the batch. Empty and full masks
    give a finite loss with gradients that undo them.

    Args:
        mask_logits (Tensor): Mask logits (N, K, H, W); the masks are their
            softmax over K.
        targets (Tensor): Multi-hot tags or soft area fractions in [0, 1],
            shape (N, K).
        weights (Tensor, optional): Weight of each term (N, K), e.g. 0 for
            the terms to leave out; the mean is still over all N x K terms.
            Defaults to None (all 1).

    Returns:
        Tensor: Scalar loss.
    """
    log_areas, log_rests = log_mask_areas(mask_logits)
    targets = targets.to(log_areas.dtype)
    terms = targets * log_areas + (1 - targets) * log_rests
    if weights is not None:
        terms = terms * weights.to(terms.dtype)
    return -terms.mean()


@MODELS.register_module()
class MaskAreaLoss(WeightedLoss):
    """Mask constraint loss :math:`L_{mask}` (Eqs. 3 and 4).

    The targets are the image tags ``gt_tags``. With ``use_area_priors`` the
    samples that carry ``gt_tag_areas`` (soft area fractions, the paper's
    volumetric priors) use those instead; the others keep their tags.

    With tags as targets the loss keeps pulling a present class's area
    towards 1: with the background and one object tagged it is lowest at
    half the image each, whatever the object's size. That brings the masks
    up from nothing; once the classifier terms are satisfied it is what
    grows them past the objects. From ``present_end_iter`` on (the
    iteration: :func:`current_train_iter`) only the absent classes' terms
    remain: their area must still be 0, while the size of the present ones
    is left to the other losses, e.g. self-training
    (``RefinedPseudoLabelLoss`` with ``warmup_iters`` equal to it). The
    terms are still averaged over all K classes.

    Args:
        use_area_priors (bool): Use ``gt_tag_areas`` where present.
            Defaults to False.
        present_end_iter (int, optional): Iteration from which the present
            classes' terms are dropped; None keeps them throughout (the
            paper). Defaults to None.
        loss_weight (float): Multiplier of the loss, the paper's
            :math:`\\lambda_m` (1e-3). Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_mask'.
    """

    def __init__(self,
                 use_area_priors: bool = False,
                 present_end_iter: Optional[int] = None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_mask') -> None:
        super().__init__(loss_weight, loss_name)
        if present_end_iter is not None and present_end_iter < 0:
            raise ValueError('`present_end_iter` must be None or >= 0, got '
                             f'{present_end_iter}')
        self.use_area_priors = use_area_priors
        self.present_end_iter = present_end_iter

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose``; uses ``mask_logits``
                (N, K, H, W).
            inputs (Tensor): Unused; part of the common loss interface of the
                segmentor.
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,) and optionally ``gt_tag_areas`` (K,).

        Returns:
            Tensor: Scalar loss.
        """
        mask_logits = decomposition['mask_logits']
        targets = stack_gt_tags(data_samples, mask_logits.size(1))
        if self.use_area_priors:
            for i, data_sample in enumerate(data_samples):
                if 'gt_tag_areas' in data_sample:
                    targets[i] = data_sample.gt_tag_areas
        weights = None
        if (self.present_end_iter is not None
                and current_train_iter() >= self.present_end_iter):
            weights = (targets == 0).to(targets.dtype)
        return self.loss_weight * mask_area_loss(mask_logits, targets, weights)
