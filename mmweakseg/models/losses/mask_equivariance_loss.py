# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from .weighted_loss import WeightedLoss


@MODELS.register_module()
class MaskEquivarianceLoss(WeightedLoss):
    """Equivariance of the masks to flipping and rescaling.

    SEAM's equivariant regularisation (Wang et al., CVPR 2020): the masks
    the segmentor predicts for a transformed view of the image must equal
    the same transform applied to the masks of the image. The view is the
    image flipped horizontally (``flip``) and resized by about ``scale``
    (bilinear, each side rounded to a multiple of ``size_divisor`` so that
    encoders with several poolings take it); the segmentor runs its mask branch on it once more
    (:meth:`make_view` tells it which view) and passes the view's logits as
    ``view_mask_logits``. The loss is the mean absolute difference of the
    two softmax masks; it reaches both forwards, as in SEAM.

    Args:
        scale (float): Resize factor of the view, > 0. Defaults to 0.5.
        flip (bool): Flip the view horizontally. Defaults to True.
        size_divisor (int): The view's sides are multiples of it (at least
            one multiple). Defaults to 16.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with
            ``loss_`` to be added to the total loss.
            Defaults to 'loss_equivariance'.
    """

    def __init__(self,
                 scale: float = 0.5,
                 flip: bool = True,
                 size_divisor: int = 16,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_equivariance') -> None:
        super().__init__(loss_weight, loss_name)
        if scale <= 0 or (scale == 1 and not flip):
            raise ValueError('the view must differ from the image: `scale` '
                             f'> 0 and not 1 without `flip`, got '
                             f'scale={scale}, flip={flip}')
        self.scale = scale
        self.flip = flip
        self.size_divisor = size_divisor

    def make_view(self, x: Tensor) -> Tensor:
        """The transform of the view, applied to images or masks
        (N, C, H, W): flipped, then, unless ``scale`` is 1, resized to
        (N, C, h, w) with each side the multiple of ``size_divisor``
        nearest to ``scale`` times the input's (at least
        ``size_divisor``)."""
        if self.flip:
            x = x.flip(-1)
        if self.scale == 1:
            return x
        divisor = self.size_divisor
        size = [
            max(1, round(self.scale * side / divisor)) * divisor
            for side in x.shape[2:]
        ]
        if list(x.shape[2:]) != size:
            x = F.interpolate(
                x, size=size, mode='bilinear', align_corners=False)
        return x

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose`` with
                ``view_mask_logits`` (N, K, h, w), the mask logits of
                ``make_view(inputs)``; uses ``masks`` (N, K, H, W).
            inputs (Tensor): Unused; part of the common loss interface.
            data_samples (list[:obj:`SegDataSample`]): Unused.

        Returns:
            Tensor: Scalar loss.
        """
        view_masks = decomposition['view_mask_logits'].float().softmax(1)
        transformed = self.make_view(decomposition['masks'].float())
        return self.loss_weight * (view_masks - transformed).abs().mean()
