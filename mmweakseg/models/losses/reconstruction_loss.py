# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from .weighted_loss import WeightedLoss


def reconstruction_loss(reconstruction: Tensor, image: Tensor) -> Tensor:
    """Squared reconstruction error (Eq. 2 of the paper).

    The squared error is averaged over channels and pixels of each image, then
    over the batch.

    Args:
        reconstruction (Tensor): Reconstructed images, shape (N, C, H, W).
        image (Tensor): Input images, shape (N, C, H, W).

    Returns:
        Tensor: Scalar loss.
    """
    return F.mse_loss(reconstruction, image)


@MODELS.register_module()
class ReconstructionLoss(WeightedLoss):
    """Reconstruction loss :math:`L_{recon}` (Eq. 2).

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_recon'.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_recon') -> None:
        super().__init__(loss_weight, loss_name)

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose``; uses
                ``reconstruction`` (N, 3, H, W).
            inputs (Tensor): Normalised input images, shape (N, 3, H, W).
            data_samples (list[:obj:`SegDataSample`]): Unused; part of the
                common loss interface of the segmentor.

        Returns:
            Tensor: Scalar loss.
        """
        return self.loss_weight * reconstruction_loss(
            decomposition['reconstruction'], inputs)
