# Copyright (c) mmweakseg contributors. All rights reserved.
import math
from typing import Dict

import torch
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from .mask_area_loss import log_mask_areas
from ..utils import stack_gt_tags
from .weighted_loss import WeightedLoss


def size_focal_mask_loss(mask_logits: Tensor,
                         gt_tags: Tensor,
                         gamma: float = 3.0,
                         min_area: float = 0.01) -> Tensor:
    """Mask-size loss with a focal penalty for the present classes.

    With the area :math:`\\hat{y}_k = \\frac{1}{HW} \\sum_{h,w} M_{k,h,w}`
    (Eq. 3), each image contributes

    .. math::
        \\frac{1}{K} \\sum_k -y_k (1 - \\hat{y}_k)^{\\gamma}
        \\log(\\lambda + \\hat{y}_k) - (1 - y_k) \\log(1 - \\hat{y}_k),

    and the loss is the batch mean. The absent term is that of Eq. 4; the
    present term is the size-focal penalty of Araslanov and Roth
    ("Single-stage semantic segmentation from image labels", CVPR 2020;
    there added to the class score, here a loss on the area) with their
    :math:`\\gamma = 3`, :math:`\\lambda = 0.01`: it punishes a present
    class's mask for being (nearly) empty but, unlike Eq. 4's
    :math:`-\\log \\hat{y}_k`, fades out as the mask grows, so the present
    classes, background included, are not all pushed towards covering the
    whole image (Eq. 4's implicit equal-size prior). The logs are taken in
    log space, as in :func:`~mmweakseg.models.losses.mask_area_loss`; still,
    :math:`\\lambda` flattens the present term for areas far below it, so a
    present class whose mask has vanished gets little gradient from it.

    Args:
        mask_logits (Tensor): Mask logits (N, K, H, W); the masks are their
            softmax over K.
        gt_tags (Tensor): Multi-hot tags, shape (N, K).
        gamma (float): Focal exponent. Defaults to 3.0.
        min_area (float): :math:`\\lambda`, added to the area in the log.
            Defaults to 0.01.

    Returns:
        Tensor: Scalar loss.
    """
    log_areas, log_rests = log_mask_areas(mask_logits)
    present = gt_tags.to(log_areas.dtype)
    log_shifted_areas = torch.logaddexp(
        log_areas, torch.full_like(log_areas, math.log(min_area)))
    focal = (gamma * log_rests).exp() * log_shifted_areas
    return -(present * focal + (1 - present) * log_rests).mean()


@MODELS.register_module()
class SizeFocalMaskLoss(WeightedLoss):
    """Alternative to ``MaskAreaLoss``: Eq. 4 with the size-focal penalty
    for the present classes (see :func:`size_focal_mask_loss`).

    Args:
        gamma (float): Focal exponent. Defaults to 3.0.
        min_area (float): Added to the area in the log. Defaults to 0.01.
        loss_weight (float): Multiplier of the loss (:math:`\\lambda_m`).
            Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_mask'.
    """

    def __init__(self,
                 gamma: float = 3.0,
                 min_area: float = 0.01,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_mask') -> None:
        super().__init__(loss_weight, loss_name)
        if gamma < 0 or min_area <= 0:
            raise ValueError('`gamma` must be >= 0 and `min_area` > 0, got '
                             f'gamma={gamma}, min_area={min_area}')
        self.gamma = gamma
        self.min_area = min_area

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
                ``gt_tags`` (K,).

        Returns:
            Tensor: Scalar loss.
        """
        mask_logits = decomposition['mask_logits']
        gt_tags = stack_gt_tags(data_samples, mask_logits.size(1))
        return self.loss_weight * size_focal_mask_loss(
            mask_logits, gt_tags, self.gamma, self.min_area)
