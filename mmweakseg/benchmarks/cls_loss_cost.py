# Copyright (c) mmweakseg contributors. All rights reserved.
"""Cost of the image-let classifier loss as K grows, with and without
``max_absent_classes``, on synthetic decompositions."""
import copy
import os.path as osp
import statistics
from dataclasses import dataclass
from typing import List, Optional

import torch
from mmengine.config import ConfigDict
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from torch import Tensor

from mmweakseg.models.losses import (ImageletClassifierLoss,
                                     imagelet_classifier_loss,
                                     sample_imagelet_weights)
from .meters import StageTimer


def random_tags(num_imgs: int,
                num_classes: int,
                background_index: int,
                max_present: int,
                generator: Optional[torch.Generator] = None) -> Tensor:
    """Multi-hot tags (N, K): the background and, per image, a uniformly
    random number in ``1 .. min(max_present, K - 1)`` of distinct random
    foreground classes."""
    foreground = [k for k in range(num_classes) if k != background_index]
    tags = torch.zeros(num_imgs, num_classes)
    tags[:, background_index] = 1
    max_present = min(max_present, len(foreground))
    for row in tags:
        count = int(
            torch.randint(1, max_present + 1, (1, ), generator=generator))
        order = torch.randperm(len(foreground), generator=generator)
        row[[foreground[i] for i in order[:count]]] = 1
    return tags


def build_random_classifier_loss(
        classifier: dict,
        num_classes: int,
        work_dir: str,
        max_absent_classes: Optional[int] = None) -> ImageletClassifierLoss:
    """An ``ImageletClassifierLoss`` over a randomly initialised
    ``classifier`` (a ``TagClassifier`` config) with ``num_classes`` classes,
    saved as a checkpoint in ``work_dir``; pretrained initialisation is
    dropped."""
    cfg = ConfigDict(copy.deepcopy(classifier))
    cfg.num_classes = num_classes
    cfg.init_cfg = None
    cfg.backbone.init_cfg = None
    checkpoint = osp.join(work_dir, f'classifier_k{num_classes}.pth')
    torch.save({'state_dict': MODELS.build(cfg).state_dict()}, checkpoint)
    return ImageletClassifierLoss(
        checkpoint=checkpoint,
        classifier=cfg.to_dict(),
        max_absent_classes=max_absent_classes)


@dataclass
class ClsLossCost:
    """Cost of one configuration of the loss.

    Attributes:
        num_classes (int): K.
        max_absent_classes (int, optional): M, None for all classes.
        imagelets_per_image (float): Mean image-lets scored per image.
        ms_per_batch (float): Forward and backward of the loss.
        relative_bias (float): Mean of the loss over many draws minus the
            full loss, over the full loss (0 for None).
        relative_std (float): Standard deviation of the loss over draws,
            over the full loss (0 for None).
    """
    num_classes: int
    max_absent_classes: Optional[int]
    imagelets_per_image: float
    ms_per_batch: float
    relative_bias: float
    relative_std: float


def _samples(tags: Tensor) -> List[SegDataSample]:
    samples = []
    for row in tags:
        sample = SegDataSample()
        sample.set_field(row, 'gt_tags', dtype=torch.Tensor)
        samples.append(sample)
    return samples


def measure_cls_loss(loss: ImageletClassifierLoss,
                     tags: Tensor,
                     size: int,
                     iters: int,
                     warmup: int = 1,
                     num_draws: int = 200,
                     device: str = 'cpu') -> ClsLossCost:
    """Time forward and backward of ``loss`` on random masks (N, K, size,
    size) and image-lets (N, K, 3, size, size) for ``tags`` (N, K) on
    ``device``, and measure the spread of its estimate over ``num_draws``
    draws of the absent classes (from the image-lets' logits, computed
    once)."""
    num_imgs, num_classes = tags.shape
    loss.to(device)
    tags = tags.to(device)
    mask_logits = torch.randn(num_imgs, num_classes, size, size, device=device)
    imagelets = torch.randn(
        num_imgs, num_classes, 3, size, size, device=device)
    samples = _samples(tags)
    timer = StageTimer(device)
    for i in range(warmup + iters):
        if i == warmup:
            timer.totals.clear()
        with timer.stage('loss'):
            logits = mask_logits.clone().requires_grad_()
            decomposition = dict(
                masks=logits.softmax(dim=1),
                imagelets=imagelets.clone().requires_grad_())
            loss(decomposition, None, samples).backward()
    ms_per_batch = timer.milliseconds_per(iters)['loss']

    max_absent = loss.max_absent_classes
    num_absent = tags.eq(0).sum(dim=1)
    kept = num_absent if max_absent is None else num_absent.clamp(
        max=max_absent)
    imagelets_per_image = (tags.eq(1).sum(dim=1) + kept).float().mean()
    relative_bias = relative_std = 0.
    if max_absent is not None:
        with torch.no_grad():
            masked = mask_logits.softmax(dim=1)[:, :, None] * imagelets
            all_logits = loss.classifier(
                masked.flatten(0, 1),
                mode='tensor').view(num_imgs, num_classes, -1)
            fg_indices = loss.classifier.fg_indices
            full = imagelet_classifier_loss(all_logits, tags,
                                            fg_indices).item()
            draws = [
                imagelet_classifier_loss(
                    all_logits, tags, fg_indices,
                    sample_imagelet_weights(tags, max_absent)).item()
                for _ in range(num_draws)
            ]
        relative_bias = (statistics.fmean(draws) - full) / full
        relative_std = statistics.pstdev(draws) / full
    return ClsLossCost(num_classes, max_absent, float(imagelets_per_image),
                       ms_per_batch, relative_bias, relative_std)


def format_cls_loss_costs(costs: List[ClsLossCost]) -> str:
    """A table of ``costs``; the speed-up is against the full loss of the
    same K."""
    full_ms = {
        cost.num_classes: cost.ms_per_batch
        for cost in costs if cost.max_absent_classes is None
    }
    lines = [
        f'{"K":>3} {"M":>4} {"image-lets/img":>15} {"ms/batch":>10} '
        f'{"speed-up":>9} {"rel. bias":>10} {"rel. std":>9}'
    ]
    for cost in costs:
        max_absent = 'all' if cost.max_absent_classes is None else str(
            cost.max_absent_classes)
        speed_up = full_ms.get(cost.num_classes, float('nan')) / \
            cost.ms_per_batch
        lines.append(f'{cost.num_classes:>3} {max_absent:>4} '
                     f'{cost.imagelets_per_image:15.2f} '
                     f'{cost.ms_per_batch:10.1f} {speed_up:9.2f} '
                     f'{cost.relative_bias:10.4f} {cost.relative_std:9.4f}')
    return '\n'.join(lines)
