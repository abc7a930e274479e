# Copyright (c) mmweakseg contributors. All rights reserved.
"""Image-level tags of a batch."""
import torch
from mmseg.utils import SampleList
from torch import Tensor


def stack_gt_tags(data_samples: SampleList, num_classes: int) -> Tensor:
    """Stack the image tags of a batch.

    Args:
        data_samples (list[:obj:`SegDataSample`]): Samples with the tensor
            field ``gt_tags`` of shape (K,), as packed by
            ``PackWeakSegInputs``.
        num_classes (int): Number of classes K, background included.

    Returns:
        Tensor: Multi-hot tags of shape (N, K).
    """
    if not all('gt_tags' in data_sample for data_sample in data_samples):
        raise KeyError('every data sample needs the field `gt_tags` (K,); '
                       'pack the inputs with `PackWeakSegInputs`')
    tags = torch.stack([data_sample.gt_tags for data_sample in data_samples])
    if tags.shape[1:] != (num_classes, ):
        raise ValueError(f'`gt_tags` must have K={num_classes} entries per '
                         f'image, got shape {tuple(tags.shape)}')
    return tags
