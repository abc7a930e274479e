# Copyright (c) mmweakseg contributors. All rights reserved.
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS

from .weighted_loss import WeightedLoss


@MODELS.register_module()
class TagBCELoss(WeightedLoss):
    """Multi-label tag loss of the image classifier (Eq. 9 of the paper).

    For each image the binary cross-entropy of every foreground class is
    summed, then the sum is averaged over the batch:

    .. math::
        L_g = \\frac{1}{N} \\sum_i \\sum_{k=1}^{K-1}
              -y_{ik} \\log \\sigma(z_{ik})
              - (1 - y_{ik}) \\log (1 - \\sigma(z_{ik}))

    It is computed from the logits ``z`` (log-sum-exp form), so it stays
    finite for saturated scores.

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item. It must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_cls'.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_cls') -> None:
        super().__init__(loss_weight, loss_name)

    def forward(self, cls_score: torch.Tensor,
                label: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (Tensor): Foreground logits, shape (N, K-1).
            label (Tensor): Foreground tags in [0, 1], shape (N, K-1).

        Returns:
            Tensor: Scalar loss.
        """
        if cls_score.shape != label.shape:
            raise ValueError('TagBCELoss expects logits and tags of the same '
                             f'shape (N, K-1), got {tuple(cls_score.shape)} '
                             f'and {tuple(label.shape)}')
        per_class = F.binary_cross_entropy_with_logits(
            cls_score, label.to(cls_score.dtype), reduction='none')
        return self.loss_weight * per_class.sum(dim=1).mean()
