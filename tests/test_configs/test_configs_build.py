# Copyright (c) mmweakseg contributors. All rights reserved.
"""Every shipped config loads, and its model, pipelines and evaluators
build (with local stand-ins for the weight files it names)."""
from pathlib import Path

import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import METRICS, MODELS, TRANSFORMS

import mmweakseg  # noqa: F401

CONFIGS = sorted(
    str(path.relative_to(Path(__file__).parents[2]))
    for path in (Path(__file__).parents[2] / 'configs').rglob('*.py')
    if '_base_' not in path.parts)


def frozen_classifier_losses(cfg: Config) -> list:
    """The losses that load the stage-1 classifier from a checkpoint."""
    return [loss for loss in cfg.model.get('losses', [])
            if 'checkpoint' in loss]


@pytest.fixture(scope='module')
def torchvision_resnet18(tmp_path_factory) -> str:
    """torchvision's resnet18 checkpoint format, randomly initialised."""
    path = tmp_path_factory.mktemp('weights') / 'resnet18.pth'
    torch.save(torchvision.models.resnet18().state_dict(), path)
    return str(path)


def stage1_checkpoint(cfg: Config, tmp_path: Path) -> str:
    """A stage-1 checkpoint as the runner saves it, for ``cfg``'s classes."""
    classifier = dict(
        type='TagClassifier',
        num_classes=cfg.model.num_classes,
        background_index=cfg.model.background_index,
        in_channels=16,
        backbone=dict(type='ReconUNetEncoder', base_channels=1))
    path = tmp_path / 'stage1.pth'
    torch.save(
        dict(
            state_dict=MODELS.build(classifier).state_dict(),
            meta=dict(cfg=Config(dict(model=classifier)).pretty_text)), path)
    return str(path)


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds(config, tmp_path, torchvision_resnet18):
    cfg = Config.fromfile(config)
    init_default_scope(cfg.default_scope)
    assert 'mmweakseg' in cfg.custom_imports['imports']

    backbone_init = cfg.model.get('backbone', {}).get('init_cfg') or {}
    if backbone_init.get('type') == 'Pretrained':
        backbone_init['checkpoint'] = torchvision_resnet18
    for loss in frozen_classifier_losses(cfg):
        loss['checkpoint'] = stage1_checkpoint(cfg, tmp_path)
    if cfg.model.type == 'CAMSegmentor':
        # the stand-in classifier has no ResNet stages to dilate
        cfg.model.pop('backbone_overrides', None)
        cfg.model.checkpoint = stage1_checkpoint(cfg, tmp_path)

    model = MODELS.build(cfg.model)
    model.init_weights()
    num_classes = cfg.model.get('num_classes',
                                cfg.model.get('decode_head', {}).get(
                                    'num_classes'))
    assert model.num_classes == num_classes

    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for transform in cfg[loader].dataset.pipeline:
            TRANSFORMS.build(transform)
    evaluators = cfg.val_evaluator
    for evaluator in (evaluators if isinstance(evaluators, list) else
                      [evaluators]):
        METRICS.build(evaluator)
