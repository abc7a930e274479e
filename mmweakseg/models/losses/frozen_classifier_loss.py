# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Callable

import torch.nn as nn
from mmseg.utils import OptConfigType

from ..utils import load_frozen_classifier
from .weighted_loss import WeightedLoss


class FrozenClassifierLoss(WeightedLoss):
    """Base of the losses that score images with the frozen stage-1
    classifier.

    The classifier is kept out of the module tree on purpose: it is not in
    ``state_dict()``, ``parameters()``, the optimizer or DDP, and
    ``train()``/``init_weights()`` do not reach it, so it stays in ``eval()``
    with its loaded weights and BN statistics. ``_apply`` is overridden so
    ``.to()``, ``.cuda()`` and ``.half()`` still move it. Gradients flow
    through it to its inputs, but its weights never change.

    Args:
        checkpoint (str): Local path of the stage-1 runner checkpoint (an
            mmengine checkpoint with a ``state_dict``).
        classifier (dict, optional): Config of the stage-1 ``TagClassifier``
            (same ``num_classes`` and ``background_index`` as the
            segmentor). Defaults to None: the ``model`` of the config that
            trained the checkpoint, which mmengine's runner stores in its
            ``meta['cfg']``.
        loss_weight (float): Multiplier of the loss.
        loss_name (str): Name of the loss item; it must start with ``loss_``
            to be added to the total loss.
        fuse_conv_bn (bool): Fold the classifier's BN layers into its
            convolutions (see :func:`load_frozen_classifier`): the same loss
            and gradients up to rounding, faster steps.
    """

    def __init__(self, checkpoint: str, classifier: OptConfigType,
                 loss_weight: float, loss_name: str,
                 fuse_conv_bn: bool) -> None:
        super().__init__(loss_weight, loss_name)
        frozen = load_frozen_classifier(
            checkpoint,
            classifier,
            f'the {type(self).__name__} in `model.losses`',
            fuse_conv_bn=fuse_conv_bn)
        # a tuple is not registered by nn.Module, keeping it out of the tree
        self._frozen_classifier = (frozen, )
        self.checkpoint = checkpoint

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

    def check_num_classes(self, num_classes: int) -> None:
        """Fail when the segmentor's K differs from the classifier's."""
        if num_classes != self.classifier.num_classes:
            raise ValueError(
                f'the segmentor predicts {num_classes} classes but the frozen '
                f'classifier has num_classes={self.classifier.num_classes}')
