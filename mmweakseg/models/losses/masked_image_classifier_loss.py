# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict, Sequence

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType, SampleList
from torch import Tensor

from .frozen_classifier_loss import FrozenClassifierLoss
from ..utils import stack_gt_tags

FILLS = ('zero', 'image_mean', 'blur')


def fill_images(images: Tensor, fill: str) -> Tensor:
    """What replaces the pixels a mask removes from images (N, 3, H, W).

    - ``'zero'``: 0 in the data preprocessor's normalised space, i.e. the
      dataset's mean colour;
    - ``'image_mean'``: each image's own mean colour;
    - ``'blur'``: the image box-blurred twice with a window of a quarter of
      its shorter side (as in Dabkowski and Gal, 2017), so the removed
      region keeps the colours around it but none of its shapes.

    Returns:
        Tensor: Shape (N, 3, H, W).
    """
    if fill == 'zero':
        return torch.zeros_like(images)
    if fill == 'image_mean':
        return images.mean(dim=(2, 3), keepdim=True).expand_as(images)
    if fill == 'blur':
        window = max(1, min(images.shape[2:]) // 4) // 2 * 2 + 1
        blurred = images
        for _ in range(2):
            blurred = F.avg_pool2d(
                blurred,
                window,
                stride=1,
                padding=window // 2,
                count_include_pad=False)
        return blurred
    raise ValueError(f'`fill` must be one of {FILLS}, got {fill!r}')


def masked_image_classifier_loss(keep_logits: Tensor,
                                 keep_classes: Tensor,
                                 erase_logits: Tensor,
                                 erase_classes: Tensor,
                                 fg_indices: Sequence[int],
                                 num_images: int,
                                 num_classes: int,
                                 erase_weight: float = 1.0) -> Tensor:
    """Keep and erase terms of the frozen classifier on cut-out images.

    For each image n and class k it is tagged with, the keep image (the
    real image where ``M_k`` is on) must show class k and no other
    foreground class; for the background, no foreground class at all, the
    paper's constraint on the background image-let moved to real pixels.
    For each tagged foreground class, the erase image (the real image where
    ``M_k`` is off) must not show class k:

    .. math::
        \\frac{1}{NK} \\sum_{n} \\Big( \\sum_{k: y_{nk} = 1}
        \\big( -1[k \\neq bg] \\log g_k(\\text{keep}_{nk})
        - \\sum_{j \\neq k} \\log (1 - g_j(\\text{keep}_{nk})) \\big)
        - w \\sum_{k: y_{nk} = 1, k \\neq bg}
        \\log (1 - g_k(\\text{erase}_{nk})) \\Big),

    with j over the foreground classes and :math:`w` = ``erase_weight``.

    Args:
        keep_logits (Tensor): Classifier logits (P, K-1) of the keep images.
        keep_classes (Tensor): Class k of each keep image, (P,).
        erase_logits (Tensor): Logits (E, K-1) of the erase images.
        erase_classes (Tensor): Class k of each erase image, (E,), never the
            background.
        fg_indices (Sequence[int]): The K-1 foreground class indices in the
            order of the classifier's outputs.
        num_images (int): N.
        num_classes (int): K.
        erase_weight (float): w. Defaults to 1.0.

    Returns:
        Tensor: Scalar loss.
    """
    fg_indices = torch.as_tensor(fg_indices, device=keep_logits.device)
    keep_targets = (keep_classes[:, None] == fg_indices[None]).float()
    keep = F.binary_cross_entropy_with_logits(
        keep_logits.float(), keep_targets, reduction='sum')
    erase_own = erase_classes[:, None] == fg_indices[None]
    erase = -F.logsigmoid(-erase_logits.float()[erase_own]).sum()
    return (keep + erase_weight * erase) / (num_images * num_classes)


@MODELS.register_module()
class MaskedImageClassifierLoss(FrozenClassifierLoss):
    """A classifier constraint on the real image cut out by each mask.

    Instead of scoring generated image-lets, which the image-let decoder can
    paint to fool a fixed classifier, this scores real pixels, as CLIMS (Xie
    et al., CVPR 2022) and OC-CSE (Kweon et al., ICCV 2021) do: for each
    tagged class k the keep image :math:`M_k I + (1 - M_k) F` and, for the
    foreground, the erase image :math:`(1 - M_k) I + M_k F`, with the
    removed pixels filled by F (``fill``, see :func:`fill_images`). See
    :func:`masked_image_classifier_loss` for the terms. Keeping pushes each
    mask to cover its whole object and nothing the classifier takes for
    another class; erasing pushes it to leave none of its object out; both
    reach the masks only. All keep and erase images of a batch go through
    the frozen classifier (:class:`FrozenClassifierLoss`) in one pass, in
    float32 terms also under autocast.

    Args:
        checkpoint (str): Local path of the stage-1 runner checkpoint.
        classifier (dict, optional): Config of the stage-1 classifier;
            by default read from the checkpoint. Defaults to None.
        fill (str): ``'zero'``, ``'image_mean'`` or ``'blur'``.
            Defaults to 'zero'.
        erase_weight (float): Weight of the erase terms against the keep
            terms. Defaults to 1.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with
            ``loss_`` to be added to the total loss.
            Defaults to 'loss_masked_cls'.
        fuse_conv_bn (bool): Fold the frozen classifier's BN layers into
            its convolutions: the same loss up to rounding, faster (see
            :func:`~mmweakseg.models.utils.load_frozen_classifier`).
            Defaults to False.
    """

    def __init__(self,
                 checkpoint: str,
                 classifier: OptConfigType = None,
                 fill: str = 'zero',
                 erase_weight: float = 1.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_masked_cls',
                 fuse_conv_bn: bool = False) -> None:
        if fill not in FILLS:
            raise ValueError('`fill` of the MaskedImageClassifierLoss must '
                             f'be one of {FILLS}, got {fill!r}')
        super().__init__(checkpoint, classifier, loss_weight, loss_name,
                         fuse_conv_bn)
        self.fill = fill
        self.erase_weight = erase_weight

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose``; uses ``masks``
                (N, K, H, W).
            inputs (Tensor): Normalised images (N, 3, H, W).
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,).

        Returns:
            Tensor: Scalar loss.
        """
        masks = decomposition['masks']
        num_images, num_classes = masks.shape[:2]
        self.check_num_classes(num_classes)
        gt_tags = stack_gt_tags(data_samples, num_classes)
        present = gt_tags.bool()
        erased = present.clone()
        erased[:, self.classifier.background_index] = False
        images = inputs.unsqueeze(1)
        filler = fill_images(inputs, self.fill).unsqueeze(1)
        on = masks.unsqueeze(2)
        keep = (on * images + (1 - on) * filler)[present]
        erase = ((1 - on) * images + on * filler)[erased]
        logits = self.classifier(
            torch.cat([keep, erase]), mode='tensor').float()
        class_ids = torch.arange(
            num_classes, device=masks.device).expand(num_images, -1)
        return self.loss_weight * masked_image_classifier_loss(
            logits[:len(keep)], class_ids[present], logits[len(keep):],
            class_ids[erased], self.classifier.fg_indices, num_images,
            num_classes, self.erase_weight)
