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
                   weights: Optional[Tensor] = None,
                   floors: Optional[Tensor] = None) -> Tensor:
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
        floors (Tensor, optional): Area floors (N, K); where one is > 0 the
            term is the hinge :math:`\\min(\\log(\\hat{y}_k / f), 0)`
            instead, which is 0 (and has no gradient) once the area reaches
            the floor f. Defaults to None (no hinge).

    Returns:
        Tensor: Scalar loss.
    """
    log_areas, log_rests = log_mask_areas(mask_logits)
    targets = targets.to(log_areas.dtype)
    terms = targets * log_areas + (1 - targets) * log_rests
    if floors is not None:
        floors = floors.to(log_areas.dtype)
        hinges = (log_areas - floors.clamp_min(1e-12).log()).clamp(max=0)
        terms = torch.where(floors > 0, hinges, terms)
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

    With ``keep_background_term`` the background's term (class
    ``background_index``, which ``ReconstructionSegmentor`` sets to its
    own) is kept throughout: then only the foreground classes' present
    terms end, and the background's area is still pulled towards 1, a prior
    that holds every foreground mask back to what the other losses (e.g.
    the erase term of ``MaskedImageClassifierLoss``) need. With
    ``present_end_iter=0`` Eq. 4 never grows a foreground mask, but nothing
    in it then brings back a foreground mask that has vanished either
    (README, "The background's area term from the first iteration": a win
    on the binary demo, all background in two of three multi-class runs). ``present_floor`` puts a
    floor under them: after ``present_end_iter`` a present foreground
    class's term is the hinge :math:`\\min(\\log(\\hat{y}_k / f), 0)`, which
    brings a vanishing mask back up to the area f and never grows it past
    that.

    The terms are averaged over the K classes, so the background's kept
    term weighs 1 / K of the loss: the more classes, the weaker its hold on
    the foreground masks (README, "A weight on the background's term").
    ``background_term_weight`` sets its weight from ``present_end_iter`` on
    (before, all of Eq. 4 acts as in the paper): 1.0 gives it the weight of
    the whole average, whatever K.

    Args:
        use_area_priors (bool): Use ``gt_tag_areas`` where present.
            Defaults to False.
        present_end_iter (int, optional): Iteration from which the present
            classes' terms are dropped; None keeps them throughout (the
            paper). Defaults to None.
        keep_background_term (bool): Keep the background's term after
            ``present_end_iter``. Defaults to False (it ends with the other
            present classes' terms).
        present_floor (float, optional): Area f in (0, 1) under which a
            present foreground class's ended term comes back as a hinge
            (see above); it should be below the smallest object's share
            of the image. Defaults to None (no floor).
        background_term_weight (float, optional): Weight of the
            background's kept term in the loss from ``present_end_iter``
            on, where every other term weighs 1 / K; needs
            ``keep_background_term``. Defaults to None (1 / K).
        background_index (int): Index of the background class, for
            ``keep_background_term`` and ``present_floor``;
            ``ReconstructionSegmentor`` sets it to its own unless the
            config does. Defaults to 0.
        loss_weight (float): Multiplier of the loss, the paper's
            :math:`\\lambda_m` (1e-3). Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_mask'.
    """

    def __init__(self,
                 use_area_priors: bool = False,
                 present_end_iter: Optional[int] = None,
                 keep_background_term: bool = False,
                 present_floor: Optional[float] = None,
                 background_term_weight: Optional[float] = None,
                 background_index: int = 0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_mask') -> None:
        super().__init__(loss_weight, loss_name)
        if present_end_iter is not None and present_end_iter < 0:
            raise ValueError('`present_end_iter` must be None or >= 0, got '
                             f'{present_end_iter}')
        for name, given in (('keep_background_term', keep_background_term),
                            ('present_floor', present_floor is not None)):
            if given and present_end_iter is None:
                raise ValueError(f'`{name}` acts from `present_end_iter` '
                                 'on, which is None')
        if present_floor is not None:
            if not 0 < present_floor < 1:
                raise ValueError('`present_floor` must be in (0, 1), got '
                                 f'{present_floor}')
        if background_term_weight is not None:
            if background_term_weight < 0:
                raise ValueError('`background_term_weight` must be >= 0, '
                                 f'got {background_term_weight}')
            if not keep_background_term:
                raise ValueError('`background_term_weight` weighs the term '
                                 'that `keep_background_term` keeps, which '
                                 'is False')
        self.present_floor = present_floor
        self.background_term_weight = background_term_weight
        self.use_area_priors = use_area_priors
        self.present_end_iter = present_end_iter
        self.keep_background_term = keep_background_term
        self.background_index = background_index

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
        num_classes = mask_logits.size(1)
        if not 0 <= self.background_index < num_classes:
            raise ValueError(
                f'`background_index` of the MaskAreaLoss is '
                f'{self.background_index}, but the masks have {num_classes} '
                f'classes (shape {tuple(mask_logits.shape)})')
        targets = stack_gt_tags(data_samples, num_classes)
        if self.use_area_priors:
            for i, data_sample in enumerate(data_samples):
                if 'gt_tag_areas' in data_sample:
                    targets[i] = data_sample.gt_tag_areas
        weights = floors = None
        if (self.present_end_iter is not None
                and current_train_iter() >= self.present_end_iter):
            ended = targets != 0
            if self.keep_background_term:
                ended[:, self.background_index] = False
            if self.present_floor is not None:
                floored = ended.clone()
                floored[:, self.background_index] = False
                floors = floored.to(targets.dtype) * self.present_floor
                ended &= ~floored
            weights = (~ended).to(targets.dtype)
            if self.background_term_weight is not None:
                # the mean over the K terms divides it by K again
                weights[:, self.background_index] = (
                    self.background_term_weight * num_classes)
        return self.loss_weight * mask_area_loss(mask_logits, targets, weights,
                                                 floors)
