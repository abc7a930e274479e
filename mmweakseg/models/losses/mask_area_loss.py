# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

import torch.nn as nn
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from .utils import stack_gt_tags


def mask_area_loss(masks: Tensor,
                   targets: Tensor,
                   eps: float = 1e-6) -> Tensor:
    """Cross-entropy between mask areas and tags (Eqs. 3 and 4 of the paper).

    The area of class k is the mean of its mask over the pixels,
    :math:`\\hat{y}_k = \\frac{1}{HW} \\sum_{h,w} M_{k,h,w}`, and the loss is
    :math:`-\\frac{1}{K} \\sum_k y_k \\log \\hat{y}_k
    + (1 - y_k) \\log (1 - \\hat{y}_k)`, averaged over the batch. Both log
    arguments are clamped to at least ``eps``, so empty and full masks give a
    finite loss and finite gradients.

    Args:
        masks (Tensor): Class probabilities (softmax over K), shape
            (N, K, H, W).
        targets (Tensor): Multi-hot tags or soft area fractions in [0, 1],
            shape (N, K).
        eps (float): Lower bound of the log arguments. Defaults to 1e-6.

    Returns:
        Tensor: Scalar loss.
    """
    areas = masks.mean(dim=(2, 3))
    log_area = areas.clamp(min=eps).log()
    log_rest = (1 - areas).clamp(min=eps).log()
    targets = targets.to(areas.dtype)
    return -(targets * log_area + (1 - targets) * log_rest).mean()


@MODELS.register_module()
class MaskAreaLoss(nn.Module):
    """Mask constraint loss :math:`L_{mask}` (Eqs. 3 and 4).

    The targets are the image tags ``gt_tags``. With ``use_area_priors`` the
    samples that carry ``gt_tag_areas`` (soft area fractions, the paper's
    volumetric priors) use those instead; the others keep their tags.

    Args:
        use_area_priors (bool): Use ``gt_tag_areas`` where present.
            Defaults to False.
        eps (float): Lower bound of the log arguments. Defaults to 1e-6.
        loss_weight (float): Multiplier of the loss, the paper's
            :math:`\\lambda_m` (1e-3). Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_mask'.
    """

    def __init__(self,
                 use_area_priors: bool = False,
                 eps: float = 1e-6,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_mask') -> None:
        super().__init__()
        self.use_area_priors = use_area_priors
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
                ``gt_tags`` (K,) and optionally ``gt_tag_areas`` (K,).

        Returns:
            Tensor: Scalar loss.
        """
        masks = decomposition['masks']
        targets = stack_gt_tags(data_samples, masks.size(1))
        if self.use_area_priors:
            for i, data_sample in enumerate(data_samples):
                if 'gt_tag_areas' in data_sample:
                    targets[i] = data_sample.gt_tag_areas
        return self.loss_weight * mask_area_loss(masks, targets, self.eps)

    @property
    def loss_name(self) -> str:
        """str: Name of the loss item in the loss dict."""
        return self._loss_name
