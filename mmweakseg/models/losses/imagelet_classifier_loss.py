# Copyright (c) mmweakseg contributors. All rights reserved.
import os.path as osp
from typing import Callable, Dict, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model)
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType, SampleList
from torch import Tensor

from .utils import stack_gt_tags


def imagelet_classifier_loss(imagelet_logits: Tensor, gt_tags: Tensor,
                             fg_indices: Sequence[int]) -> Tensor:
    """Classifier guidance on the masked image-lets (Eq. 6 of the paper).

    With :math:`g_j(\\hat{I}_k)` the score of foreground class j on the
    masked image-let of class k, each image contributes

    .. math::
        \\frac{1}{K} \\sum_k \\Big( -1[y_k = 1 \\wedge k \\neq bg]
        \\log g_k(\\hat{I}_k) - \\sum_{j \\neq k, j \\neq bg}
        \\log (1 - g_j(\\hat{I}_k)) \\Big),

    and the loss is the batch mean. Both logs are computed from the logits
    with ``F.logsigmoid``; the background may be at any index.

    Args:
        imagelet_logits (Tensor): Classifier logits of shape (N, K, K-1):
            entry ``[n, k, f]`` is the logit of foreground class
            ``fg_indices[f]`` on the masked image-let of class k.
        gt_tags (Tensor): Multi-hot tags, shape (N, K).
        fg_indices (Sequence[int]): The K-1 foreground class indices in the
            order of the classifier's outputs.

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
    return per_term.sum(dim=(1, 2)).mean() / num_classes


@MODELS.register_module()
class ImageletClassifierLoss(nn.Module):
    """Image-let constraint loss :math:`L_{cls}` (Eqs. 5 and 6).

    Each masked image-let :math:`\\hat{I}_k = M_k \\cdot X_k` (Eq. 5) is
    scored by the frozen stage-1 classifier; all N * K image-lets of a batch
    go through it in one forward pass. Gradients flow through the classifier
    to the masks and image-lets, but its weights never change.

    The classifier is kept out of the module tree on purpose: it is not in
    ``state_dict()``, ``parameters()``, the optimizer or DDP, and
    ``train()``/``init_weights()`` do not reach it, so it stays in ``eval()``
    with its loaded weights and BN statistics. ``_apply`` is overridden so
    ``.to()``, ``.cuda()`` and ``.half()`` still move it.

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
    """

    def __init__(self,
                 checkpoint: str,
                 classifier: OptConfigType = None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_cls') -> None:
        super().__init__()
        state = self._read_checkpoint(checkpoint)
        if classifier is None:
            classifier = self._classifier_cfg_from_meta(state, checkpoint)
        frozen = MODELS.build(classifier)
        self._load_weights(frozen, state, checkpoint)
        frozen.requires_grad_(False)
        frozen.eval()
        # a tuple is not registered by nn.Module, keeping it out of the tree
        self._frozen_classifier = (frozen, )
        self.checkpoint = checkpoint
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @staticmethod
    def _read_checkpoint(checkpoint: str) -> dict:
        """Read the stage-1 checkpoint, failing clearly if it is absent."""
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'stage-1 classifier checkpoint {checkpoint!r} is not a local '
                'file; set `checkpoint` of the ImageletClassifierLoss in '
                '`model.losses` to the checkpoint of the trained '
                'TagClassifier')
        return _load_checkpoint(checkpoint, map_location='cpu')

    @staticmethod
    def _classifier_cfg_from_meta(state: dict, checkpoint: str) -> dict:
        """The classifier config saved by the runner with ``checkpoint``."""
        cfg_text = state.get('meta', {}).get('cfg')
        if not cfg_text:
            raise ValueError(
                f'stage-1 classifier checkpoint {checkpoint!r} holds no '
                "config in meta['cfg'] (it was not saved by mmengine's "
                'runner); give the classifier config as `classifier` of the '
                'ImageletClassifierLoss in `model.losses`')
        classifier = Config.fromstring(cfg_text, '.py').model.to_dict()
        classifier['init_cfg'] = None
        classifier['backbone']['init_cfg'] = None
        return classifier

    @staticmethod
    def _load_weights(classifier: nn.Module, state: dict,
                      checkpoint: str) -> None:
        """Strictly load the stage-1 weights ``state`` (read from
        ``checkpoint``) into ``classifier``."""
        state_dict = state.get('state_dict', state)
        fc_weight = state_dict.get('fc.weight')
        num_fg = classifier.num_classes - 1
        if fc_weight is not None and fc_weight.size(0) != num_fg:
            raise ValueError(
                f'stage-1 classifier checkpoint {checkpoint!r} has '
                f'{fc_weight.size(0)} foreground outputs (fc.weight rows) but '
                'the classifier config has num_classes='
                f'{classifier.num_classes} ({num_fg} foreground classes); '
                'train the classifier on the same classes as the segmentor')
        _load_checkpoint_to_model(classifier, state, strict=True)

    def extra_repr(self) -> str:
        """Show the frozen classifier's checkpoint in ``repr``."""
        return f'checkpoint={self.checkpoint!r}'

    @property
    def classifier(self) -> nn.Module:
        """nn.Module: The frozen stage-1 classifier."""
        return self._frozen_classifier[0]

    def _apply(self, fn: Callable, recurse: bool = True) -> 'nn.Module':
        """Apply ``fn`` (device or dtype casts) to the hidden classifier
        too."""
        super()._apply(fn, recurse)
        self.classifier._apply(fn)
        return self

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
        if num_classes != self.classifier.num_classes:
            raise ValueError(
                f'the segmentor predicts {num_classes} classes but the frozen '
                f'classifier has num_classes={self.classifier.num_classes}')
        masked_imagelets = masks[:, :, None] * decomposition['imagelets']
        logits = self.classifier(masked_imagelets.flatten(0, 1), mode='tensor')
        gt_tags = stack_gt_tags(data_samples, num_classes)
        return self.loss_weight * imagelet_classifier_loss(
            logits.view(num_imgs, num_classes, -1), gt_tags,
            self.classifier.fg_indices)

    @property
    def loss_name(self) -> str:
        """str: Name of the loss item in the loss dict."""
        return self._loss_name
