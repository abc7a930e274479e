# Copyright (c) mmweakseg contributors. All rights reserved.
"""Build the trained stage-1 classifier from its checkpoint.

Shared by every model that uses the stage-1 ``TagClassifier`` after
training: the image-let loss of the reconstruction segmentor and the CAM
baseline.
"""
import copy
import os.path as osp

import torch.nn as nn
from mmcv.cnn import fuse_conv_bn as fuse_conv_bn_layers
from mmengine.config import Config
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model)
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType


def load_frozen_classifier(
        checkpoint: str,
        classifier: OptConfigType = None,
        owner: str = 'the model',
        backbone_overrides: OptConfigType = None,
        fuse_conv_bn: bool = False) -> nn.Module:
    """Build the stage-1 classifier, load its weights and freeze it.

    Args:
        checkpoint (str): Local path of the stage-1 runner checkpoint (an
            mmengine checkpoint with a ``state_dict``).
        classifier (dict, optional): Config of the stage-1 classifier.
            Defaults to None: the ``model`` of the config that trained the
            checkpoint, which mmengine's runner stores in its ``meta['cfg']``,
            with pretrained initialisation dropped since the checkpoint holds
            the weights.
        owner (str): Where ``checkpoint`` and ``classifier`` are set in the
            config, used in the error messages, e.g.
            ``'the ImageletClassifierLoss in `model.losses`'``.
            Defaults to 'the model'.
        backbone_overrides (dict, optional): Arguments merged into the
            classifier's backbone config before it is built, for changes
            that keep the weights, e.g. ``dict(strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4))`` for a ResNet of output stride 8
            instead of 32. Defaults to None.
        fuse_conv_bn (bool): Fold each BN layer of the loaded classifier
            into the convolution before it (``mmcv.cnn.fuse_conv_bn``, as
            the test tools of mmdet do): a frozen classifier's BN layers
            are fixed affine maps, so logits and input gradients stay the
            same up to rounding, and the forward and backward passes skip
            the BN layers (the demo segmentor's two classifier losses
            x1.12 faster with its ResNet-18 of output stride 8, README,
            "Speed and memory"). The BN layers become ``nn.Identity``, so
            the classifier's ``state_dict`` no longer matches the
            checkpoint's. It assumes, as mmcv does, that a BN layer follows
            the convolution registered just before it, which holds for
            mmseg's ResNets. Defaults to False.

    Returns:
        nn.Module: The classifier in ``eval()`` mode with
        ``requires_grad=False`` on every parameter.

    Raises:
        FileNotFoundError: If ``checkpoint`` is not a local file.
        ValueError: If the checkpoint holds no config and ``classifier`` is
            None, or its foreground outputs do not match the classifier's
            ``num_classes``.
    """
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(
            f'stage-1 classifier checkpoint {checkpoint!r} is not a local '
            f'file; set `checkpoint` of {owner} to the checkpoint of the '
            'trained TagClassifier')
    state = _load_checkpoint(checkpoint, map_location='cpu')
    if classifier is None:
        classifier = _classifier_cfg_from_meta(state, checkpoint, owner)
    if backbone_overrides:
        classifier = _override_backbone(classifier, backbone_overrides)
    frozen = MODELS.build(classifier)
    _load_weights(frozen, state, checkpoint)
    frozen.eval()
    if fuse_conv_bn:
        fuse_conv_bn_layers(frozen)
    frozen.requires_grad_(False)
    return frozen


def _classifier_cfg_from_meta(state: dict, checkpoint: str,
                              owner: str) -> dict:
    """The classifier config saved by the runner with ``checkpoint``."""
    cfg_text = state.get('meta', {}).get('cfg')
    if not cfg_text:
        raise ValueError(
            f'stage-1 classifier checkpoint {checkpoint!r} holds no config in '
            "meta['cfg'] (it was not saved by mmengine's runner); give the "
            f'classifier config as `classifier` of {owner}')
    classifier = Config.fromstring(cfg_text, '.py').model.to_dict()
    classifier['init_cfg'] = None
    classifier['backbone']['init_cfg'] = None
    return classifier


def _override_backbone(classifier: ConfigType,
                       backbone_overrides: ConfigType) -> dict:
    """A copy of the classifier config with ``backbone_overrides`` merged
    into its backbone."""
    classifier = copy.deepcopy(dict(classifier))
    classifier['backbone'] = dict(classifier['backbone'], **backbone_overrides)
    return classifier


def _load_weights(classifier: nn.Module, state: dict, checkpoint: str) -> None:
    """Strictly load the stage-1 weights ``state`` (read from
    ``checkpoint``) into ``classifier``."""
    state_dict = state.get('state_dict', state)
    fc_weight = state_dict.get('fc.weight')
    num_fg = classifier.num_classes - 1
    if fc_weight is not None and fc_weight.size(0) != num_fg:
        raise ValueError(
            f'stage-1 classifier checkpoint {checkpoint!r} has '
            f'{fc_weight.size(0)} foreground outputs (fc.weight rows) but the '
            f'classifier config has num_classes={classifier.num_classes} '
            f'({num_fg} foreground classes); train the classifier on the '
            'same classes as the segmentor')
    _load_checkpoint_to_model(classifier, state, strict=True)
