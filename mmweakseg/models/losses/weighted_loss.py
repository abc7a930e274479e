# Copyright (c) mmweakseg contributors. All rights reserved.
import torch.nn as nn


class WeightedLoss(nn.Module):
    """Base of the losses of this package: a multiplier and the name of the
    loss item, as mmseg's losses have.

    Args:
        loss_weight (float): Multiplier of the loss.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss.
    """

    def __init__(self, loss_weight: float, loss_name: str) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        """str: Name of the loss item in the loss dict."""
        return self._loss_name
