# Copyright (c) mmweakseg contributors. All rights reserved.
"""A tiny decomposition model and in-memory tagged dataset for the drawing
tests (stand-ins for ReconstructionSegmentor and the datasets)."""
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.model import BaseModel
from mmseg.models import SegDataPreProcessor
from mmseg.structures import SegDataSample
from torch import nn
from torch.utils.data import Dataset

MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]
CLASSES = ('dog', 'background')
PALETTE = [[255, 0, 0], [0, 0, 0]]
BACKGROUND_INDEX = 1


class StandInDecomposer(BaseModel):
    """``decompose`` from two 1x1 convolutions, K classes, reconstruction by
    Eq. 1; ``mode='loss'`` returns the reconstruction MSE."""

    def __init__(self,
                 num_classes: int = 2,
                 background_index: int = BACKGROUND_INDEX) -> None:
        super().__init__(
            data_preprocessor=SegDataPreProcessor(
                mean=MEAN, std=STD, bgr_to_rgb=True, size_divisor=8))
        self.num_classes = num_classes
        self.background_index = background_index
        self.mask_conv = nn.Conv2d(3, num_classes, 1)
        self.imagelet_conv = nn.Conv2d(3, 3 * num_classes, 1)

    def decompose(self, inputs: torch.Tensor) -> dict:
        n, _, h, w = inputs.shape
        mask_logits = self.mask_conv(inputs)
        masks = mask_logits.softmax(dim=1)
        imagelets = self.imagelet_conv(inputs).view(n, self.num_classes, 3, h,
                                                    w)
        return dict(
            mask_logits=mask_logits,
            masks=masks,
            imagelets=imagelets,
            reconstruction=(masks[:, :, None] * imagelets).sum(dim=1))

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[SegDataSample]] = None,
                mode: str = 'tensor'):
        outputs = self.decompose(inputs)
        if mode == 'loss':
            return dict(
                loss_recon=(outputs['reconstruction'] - inputs).pow(2).mean())
        if mode == 'predict':
            return data_samples
        return outputs


class TaggedImages(Dataset):
    """Random BGR images with given multi-hot tags, returned like a dataset
    with ``PackWeakSegInputs`` at the end of its pipeline returns them."""

    metainfo = dict(
        classes=CLASSES,
        palette=PALETTE,
        background='background',
        background_index=BACKGROUND_INDEX)

    def __init__(self, tags: Sequence[Sequence[float]], size: int = 8):
        rng = np.random.default_rng(0)
        self.tags = np.asarray(tags, dtype=np.float32)
        self.images = rng.integers(
            0, 256, (len(tags), size, size, 3), dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.tags)

    def get_data_info(self, index: int) -> dict:
        return dict(
            img_path=f'{index}.png',
            seg_map_path=None,
            gt_tags=self.tags[index])

    def __getitem__(self, index: int) -> dict:
        image = self.images[index]
        data_sample = SegDataSample(
            metainfo=dict(
                img_shape=image.shape[:2], ori_shape=image.shape[:2]))
        data_sample.set_field(
            torch.from_numpy(self.tags[index]), 'gt_tags', dtype=torch.Tensor)
        return dict(
            inputs=torch.from_numpy(image.transpose(2, 0, 1).copy()),
            data_samples=data_sample)


def dog_tags(num_present: int, num_absent: int) -> List[List[float]]:
    """Tags of ``num_present`` dog images followed by ``num_absent`` others."""
    return [[1.0, 1.0]] * num_present + [[0.0, 1.0]] * num_absent


def tiny_segmentor_cfg(num_classes: int = 2,
                       background_index: int = BACKGROUND_INDEX) -> dict:
    """A tiny ``ReconstructionSegmentor`` (U-Net width 4, 32 x 32 batches)
    with the losses that need no classifier checkpoint."""
    return dict(
        type='ReconstructionSegmentor',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=MEAN,
            std=STD,
            bgr_to_rgb=True,
            size=(32, 32)),
        backbone=dict(type='ReconUNetEncoder', base_channels=4),
        mask_decoder=dict(type='UNetDecoder'),
        imagelet_decoder=dict(type='UNetDecoder'),
        losses=[
            dict(type='ReconstructionLoss'),
            dict(type='MaskAreaLoss', loss_weight=1e-3)
        ],
        num_classes=num_classes,
        background_index=background_index)
