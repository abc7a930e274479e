# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

import torch.nn as nn
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from .utils import stack_gt_tags


def size_focal_mask_loss(masks: Tensor,
                         gt_tags: Tensor,
                         gamma: float = 3.0,
                         min_area: float = 0.01,
                         eps: float = 1e-6) -> Tensor:
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
    whole image (Eq. 4's implicit equal-size prior).

    Args:
        masks (Tensor): Class probabilities (softmax over K), shape
            (N, K, H, W).
        gt_tags (Tensor): Multi-hot tags, shape (N, K).
        gamma (float): Focal exponent. Defaults to 3.0.
        min_area (float): :math:`\\lambda`, added to the area in the log.
            Defaults to 0.01.
        eps (float): Lower bound of the absent term's log argument.
            Defaults to 1e-6.

    Returns:
        Tensor: Scalar loss.
    """
    areas = masks.mean(dim=(2, 3))
    present = gt_tags.to(areas.dtype)
    focal = (1 - areas).clamp(min=0).pow(gamma) * (min_area + areas).log()
    absent = (1 - areas).clamp(min=eps).log()
    return -(present * focal + (1 - present) * absent).mean()


@MODELS.register_module()
class SizeFocalMaskLoss(nn.Module):
    """Alternative to ``MaskAreaLoss``: Eq. 4 with the size-focal penalty
    for the present classes (see :func:`size_focal_mask_loss`).

    Args:
        gamma (float): Focal exponent. Defaults to 3.0.
        min_area (float): Added to the area in the log. Defaults to 0.01.
        eps (float): Lower bound of the absent term's log argument.
            Defaults to 1e-6.
        loss_weight (float): Multiplier of the loss (:math:`\\lambda_m`).
            Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_mask'.
    """

    def __init__(self,
                 gamma: float = 3.0,
                 min_area: float = 0.01,
                 eps: float = 1e-6,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_mask') -> None:
        super().__init__()
        if gamma < 0 or min_area <= 0:
            raise ValueError('`gamma` must be >= 0 and `min_area` > 0, got '
                             f'gamma={gamma}, min_area={min_area}')
        self.gamma = gamma
        self.min_area = min_area
        self.eps = eps
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose``; uses ``masks``
                (N, K, H, W).
            inputs (Tensor): Unused; part of the common loss interface of the
                segmentor.
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,).

        Returns:
            Tensor: Scalar loss.
        """
        masks = decomposition['masks']
        gt_tags = stack_gt_tags(data_samples, masks.size(1))
        return self.loss_weight * size_focal_mask_loss(
            masks, gt_tags, self.gamma, self.min_area, self.eps)

    @property
    def loss_name(self) -> str:
        """str: Name of the loss item in the loss dict."""
        return self._loss_name
