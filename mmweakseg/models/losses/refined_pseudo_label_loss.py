# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

from mmseg.registry import MODELS
from mmseg.utils import ConfigType, SampleList
from torch import Tensor

from ..utils import (current_train_iter, holds_all_tags,
                     masks_to_pseudo_labels, stack_gt_tags)
from .class_balanced_cross_entropy_loss import class_balanced_cross_entropy
from .weighted_loss import WeightedLoss


@MODELS.register_module()
class RefinedPseudoLabelLoss(WeightedLoss):
    """Self-training on the segmentor's own refined masks.

    The softmax masks are detached, refined with the image's colour
    affinities (``refinement``, by default ``PixelAdaptiveRefinement``)
    and turned into pseudo-labels: absent classes zeroed, confident pixels
    kept, contested and unclaimed ones ignored (see
    :func:`~mmweakseg.models.utils.masks_to_pseudo_labels`). The mask
    logits are then trained on them with a class-balanced cross-entropy
    (:func:`class_balanced_cross_entropy`). As in single-stage weak
    segmentation (Araslanov and Roth, 2020), an image contributes only when
    its pseudo-label holds every class it is tagged with, and the loss is
    off for the first ``warmup_iters`` iterations, while the masks are
    still noise (the iteration: :func:`current_train_iter`).

    Args:
        refinement (dict): Config of the mask refinement, called as
            ``refine(images (N, 3, H, W), masks (N, K, H, W))``.
            Defaults to ``dict(type='PixelAdaptiveRefinement')``.
        warmup_iters (int): Iterations before the loss switches on.
            Defaults to 0.
        fg_ratio (float): See ``masks_to_pseudo_labels``. Defaults to 0.6.
        bg_ratio (float): See ``masks_to_pseudo_labels``. Defaults to 0.7.
        min_score (float): See ``masks_to_pseudo_labels``. Defaults to 0.2.
        renormalize (bool): See ``masks_to_pseudo_labels``: pixels an
            absent class took can be claimed by a tagged class instead of
            being ignored. Defaults to False.
        background_index (int): Index of the background class; the
            segmentor sets it from its own. Defaults to 0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with
            ``loss_`` to be added to the total loss.
            Defaults to 'loss_self_training'.
    """

    def __init__(self,
                 refinement: ConfigType = dict(
                     type='PixelAdaptiveRefinement'),
                 warmup_iters: int = 0,
                 fg_ratio: float = 0.6,
                 bg_ratio: float = 0.7,
                 min_score: float = 0.2,
                 renormalize: bool = False,
                 background_index: int = 0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_self_training') -> None:
        super().__init__(loss_weight, loss_name)
        if warmup_iters < 0:
            raise ValueError(
                f'`warmup_iters` must be >= 0, got {warmup_iters}')
        self.refinement = MODELS.build(refinement)
        self.warmup_iters = warmup_iters
        self.fg_ratio = fg_ratio
        self.bg_ratio = bg_ratio
        self.min_score = min_score
        self.renormalize = renormalize
        self.background_index = background_index

    def pseudo_labels(self, inputs: Tensor, masks: Tensor,
                      gt_tags: Tensor) -> Tensor:
        """Pseudo-labels (N, H, W) of images (N, 3, H, W) from their masks
        (N, K, H, W) and tags (N, K); images whose labels miss one of their
        tags are entirely 255."""
        refined = self.refinement(inputs, masks)
        labels = masks_to_pseudo_labels(refined, gt_tags,
                                        self.background_index,
                                        self.fg_ratio, self.bg_ratio,
                                        self.min_score,
                                        renormalize=self.renormalize)
        complete = holds_all_tags(labels, gt_tags)
        return labels.masked_fill(~complete[:, None, None], 255)

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose``; uses ``mask_logits``
                and ``masks`` (N, K, H, W).
            inputs (Tensor): Normalised images (N, 3, H, W).
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,).

        Returns:
            Tensor: Scalar loss; 0 (with a graph) during the warm-up or when
            no image has a complete pseudo-label.
        """
        mask_logits = decomposition['mask_logits']
        if current_train_iter() < self.warmup_iters:
            return mask_logits.sum() * 0
        gt_tags = stack_gt_tags(data_samples, mask_logits.size(1))
        labels = self.pseudo_labels(inputs, decomposition['masks'], gt_tags)
        return self.loss_weight * class_balanced_cross_entropy(
            mask_logits, labels)
