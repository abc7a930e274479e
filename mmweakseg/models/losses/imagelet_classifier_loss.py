# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType, SampleList
from torch import Tensor

from ..utils import stack_gt_tags
from .frozen_classifier_loss import FrozenClassifierLoss


def imagelet_classifier_loss(imagelet_logits: Tensor,
                             gt_tags: Tensor,
                             fg_indices: Sequence[int],
                             weights: Optional[Tensor] = None) -> Tensor:
    """Classifier guidance on the masked image-lets (Eq. 6 of the paper).

    With :math:`g_j(\\hat{I}_k)` the score of foreground class j on the
    masked image-let of class k, each image contributes

    .. math::
        \\frac{1}{K} \\sum_k \\Big( -1[y_k = 1 \\wedge k \\neq bg]
        \\log g_k(\\hat{I}_k) - \\sum_{j \\neq k, j \\neq bg}
        \\log (1 - g_j(\\hat{I}_k)) \\Big),

    and the loss is the batch mean. Both logs are computed from the logits
    with ``F.logsigmoid``; the background may be at any index. With
    ``weights`` :math:`w_{n,k}` the bracket of image-let k of image n is
    multiplied by :math:`w_{n,k}` (see :func:`sample_imagelet_weights`).

    Args:
        imagelet_logits (Tensor): Classifier logits of shape (N, K, K-1):
            entry ``[n, k, f]`` is the logit of foreground class
            ``fg_indices[f]`` on the masked image-let of class k.
        gt_tags (Tensor): Multi-hot tags, shape (N, K).
        fg_indices (Sequence[int]): The K-1 foreground class indices in the
            order of the classifier's outputs.
        weights (Tensor, optional): Weights of the image-lets' terms, shape
            (N, K); the logits of image-lets with weight 0 are ignored.
            Defaults to None: all 1, Eq. 6 itself.

    Returns:
        Tensor: Scalar loss.
    """
    num_classes = gt_tags.size(1)
    # own_class[k, f] = 1 where output f is class k; the background row is 0
    own_class = torch.eye(
        num_classes,
        dtype=imagelet_logits.dtype,
        device=imagelet_logits.device)[:, list(fg_indices)]
    present = gt_tags.eq(1).to(imagelet_logits.dtype)[:, :, None]
    per_term = -(
        present * own_class * F.logsigmoid(imagelet_logits) +
        (1 - own_class) * F.logsigmoid(-imagelet_logits))
    per_imagelet = per_term.sum(dim=2)
    if weights is not None:
        # where(), not a product, so ignored logits cannot leak NaN or inf
        per_imagelet = torch.where(weights > 0, per_imagelet * weights, 0.)
    return per_imagelet.sum(dim=1).mean() / num_classes


def sample_imagelet_weights(gt_tags: Tensor,
                            max_absent_classes: int) -> Tensor:
    """Sample the image-lets scored by the classifier and their weights.

    Every image keeps the image-lets of its tagged classes (the present
    foreground classes and the background, whose tag is always 1) with
    weight 1, and a uniformly random subset, without replacement, of
    :math:`m = \\min(M, A)` of its :math:`A` absent classes with weight
    :math:`A / m` (``M = max_absent_classes``); all others get weight 0.
    A given absent class is kept with probability :math:`m / A`, so the
    weighted sum of the image-lets' terms of Eq. 6 is an unbiased
    (Horvitz-Thompson) estimate of their full sum, and it is exact when
    :math:`A \\le M`. ``max_absent_classes=0`` drops the absent classes,
    which is biased. Draws come from torch's default generator of
    ``gt_tags``' device, so seeded runs are deterministic.

    Args:
        gt_tags (Tensor): Multi-hot tags, shape (N, K).
        max_absent_classes (int): Most absent classes kept per image, M.

    Returns:
        Tensor: Weights of shape (N, K) in the dtype of ``gt_tags``.
    """
    present = gt_tags.eq(1)
    absent = ~present
    num_absent = absent.sum(dim=1, keepdim=True)
    num_kept = num_absent.clamp(max=max_absent_classes)
    # random priorities; present classes rank behind every absent one
    priority = torch.rand(
        gt_tags.shape, device=gt_tags.device).masked_fill(present, 2.)
    rank = priority.argsort(dim=1).argsort(dim=1)
    kept = absent & (rank < num_kept)
    scale = num_absent / num_kept.clamp(min=1)
    return (present + kept * scale).to(gt_tags.dtype)


@MODELS.register_module()
class ImageletClassifierLoss(FrozenClassifierLoss):
    """Image-let constraint loss :math:`L_{cls}` (Eqs. 5 and 6).

    Each masked image-let :math:`\\hat{I}_k = M_k \\cdot X_k` (Eq. 5) is
    scored by the frozen stage-1 classifier; all N * K image-lets of a batch
    go through it in one forward pass. Gradients flow through the classifier
    to the masks and image-lets, but its weights never change. The loss
    terms are computed in float32, also under autocast.

    The cost grows with K: N * K classifier passes forward and backward.
    With ``max_absent_classes`` only the tagged classes' image-lets and at
    most that many absent ones per image, drawn at random, go through the
    classifier (still one batched pass), and the absent terms are
    reweighted so that the loss is an unbiased estimate of Eq. 6 (see
    :func:`sample_imagelet_weights`).

    The frozen classifier is handled by :class:`FrozenClassifierLoss`.

    Args:
        checkpoint (str): Local path of the stage-1 runner checkpoint (an
            mmengine checkpoint with a ``state_dict``).
        classifier (dict, optional): Config of the stage-1 ``TagClassifier``
            (same ``num_classes`` and ``background_index`` as the
            segmentor). Defaults to None: the ``model`` of the config that
            trained the checkpoint, which mmengine's runner stores in its
            ``meta['cfg']``, with pretrained initialisation dropped since the
            checkpoint holds the weights.
        loss_weight (float): Multiplier of the loss, the paper's
            :math:`\\lambda_c` (1e-3). Defaults to 1.0.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss. Defaults to 'loss_cls'.
        max_absent_classes (int, optional): Most absent classes per image
            whose image-lets are scored, M >= 0. Defaults to None: all
            (Eq. 6 exactly).
        detach_imagelets (bool): Let the loss reach the masks only, not the
            image-let decoder. The paper trains both (False, the default);
            then the image-let decoder can paint patterns that fool the
            frozen classifier into whatever the loss asks for, wherever a
            mask is slightly on (adversarial image-lets), instead of the
            masks moving to the objects. Detached, the image-lets follow the
            reconstruction alone and the classifier judges what the masks
            cut out of them.
        fuse_conv_bn (bool): Fold the frozen classifier's BN layers into
            its convolutions: the same loss up to rounding, faster (see
            :func:`~mmweakseg.models.utils.load_frozen_classifier`).
            Defaults to False.
    """

    def __init__(self,
                 checkpoint: str,
                 classifier: OptConfigType = None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_cls',
                 max_absent_classes: Optional[int] = None,
                 detach_imagelets: bool = False,
                 fuse_conv_bn: bool = False) -> None:
        super().__init__(checkpoint, classifier, loss_weight, loss_name,
                         fuse_conv_bn)
        if max_absent_classes is not None and (not isinstance(
                max_absent_classes, int) or max_absent_classes < 0):
            raise ValueError('`max_absent_classes` of the '
                             'ImageletClassifierLoss must be None or an int '
                             f'>= 0, got {max_absent_classes!r}')
        self.max_absent_classes = max_absent_classes
        self.detach_imagelets = detach_imagelets

    def forward(self, decomposition: Dict[str, Tensor], inputs: Tensor,
                data_samples: SampleList) -> Tensor:
        """Compute the loss.

        Args:
            decomposition (dict[str, Tensor]): Output of
                ``ReconstructionSegmentor.decompose``; uses ``masks``
                (N, K, H, W) and ``imagelets`` (N, K, 3, H, W).
            inputs (Tensor): Unused; part of the common loss interface of the
                segmentor.
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,).

        Returns:
            Tensor: Scalar loss.
        """
        masks = decomposition['masks']
        num_imgs, num_classes = masks.shape[:2]
        self.check_num_classes(num_classes)
        imagelets = decomposition['imagelets']
        if self.detach_imagelets:
            imagelets = imagelets.detach()
        masked_imagelets = masks[:, :, None] * imagelets
        gt_tags = stack_gt_tags(data_samples, num_classes)
        if self.max_absent_classes is None:
            weights = None
            logits = self.classifier(
                masked_imagelets.flatten(0, 1),
                mode='tensor').float().view(num_imgs, num_classes, -1)
        else:
            weights = sample_imagelet_weights(gt_tags, self.max_absent_classes)
            selected = weights > 0
            selected_logits = self.classifier(
                masked_imagelets[selected], mode='tensor').float()
            logits = selected_logits.new_zeros(num_imgs, num_classes,
                                               selected_logits.size(1))
            logits[selected] = selected_logits
        return self.loss_weight * imagelet_classifier_loss(
            logits, gt_tags, self.classifier.fg_indices, weights)
