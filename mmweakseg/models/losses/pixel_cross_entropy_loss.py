# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from .weighted_loss import WeightedLoss


@MODELS.register_module()
class PixelCrossEntropyLoss(WeightedLoss):
    """Fully supervised pixel cross-entropy on the ground-truth masks.

    The loss of the supervised upper bound: the mask decoder of a
    ``ReconstructionSegmentor`` (built without image-let decoder) trained on
    ``gt_sem_seg``. It is the mean over the labelled pixels of the batch;
    pixels equal to ``ignore_index`` (including the padding of the data
    preprocessor) do not count. A batch without any labelled pixel gives 0
    (with a gradient graph, so every rank of a distributed run still calls
    backward).

    Args:
        ignore_index (int): Label of the pixels to ignore. Defaults to 255.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_ce'.
    """

    def __init__(self,
                 ignore_index: int = 255,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_ce') -> None:
        super().__init__(loss_weight, loss_name)
        self.ignore_index = ignore_index

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
                ``gt_sem_seg`` of shape (1, H, W).

        Returns:
            Tensor: Scalar loss.

        Raises:
            KeyError: If a sample has no ``gt_sem_seg``.
        """
        if not all('gt_sem_seg' in data_sample
                   for data_sample in data_samples):
            raise KeyError(
                'PixelCrossEntropyLoss needs `gt_sem_seg` in every data '
                'sample: train on images with masks and load them in the '
                "train pipeline with dict(type='LoadWeakAnnotations')")
        logits = decomposition['mask_logits']
        labels = torch.stack([
            data_sample.gt_sem_seg.data[0] for data_sample in data_samples
        ]).long()
        if labels.shape[1:] != logits.shape[2:]:
            raise ValueError(
                f'`gt_sem_seg` of shape {tuple(labels.shape[1:])} does not '
                f'match the mask logits {tuple(logits.shape[2:])}')
        if not labels.ne(self.ignore_index).any():
            return logits.sum() * 0
        return self.loss_weight * F.cross_entropy(
            logits, labels, ignore_index=self.ignore_index)
