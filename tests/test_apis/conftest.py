# Copyright (c) mmweakseg contributors. All rights reserved.
"""A tiny segmentor (config file and runner-style checkpoint) and an image
writer, made at test time."""
import copy
import os
from pathlib import Path
from typing import Callable, Tuple

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from PIL import Image

import mmweakseg  # noqa: F401

CLASSES = ('cat', 'dog', 'background')
BACKGROUND_INDEX = 2
DATASET_META = dict(
    classes=CLASSES,
    palette=[[200, 0, 0], [0, 200, 0], [0, 0, 0]],
    background='background',
    background_index=BACKGROUND_INDEX)
TEST_PIPELINE = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='PackWeakSegInputs')
]


@pytest.fixture(autouse=True)
def mmseg_scope() -> None:
    """Models and pipelines are built in mmseg's scope, as in configs."""
    init_default_scope('mmseg')


def _classifier_cfg() -> dict:
    return dict(
        type='TagClassifier',
        backbone=dict(type='ReconUNetEncoder', base_channels=4),
        num_classes=len(CLASSES),
        background_index=BACKGROUND_INDEX,
        in_channels=64)


def _segmentor_cfg(classifier_checkpoint: str) -> dict:
    """The paper's model at width 4, with all its training losses; test
    images are padded to a multiple of 16, as its four poolings need."""
    return dict(
        type='ReconstructionSegmentor',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_val=0,
            seg_pad_val=255,
            test_cfg=dict(size_divisor=16)),
        backbone=dict(type='ReconUNetEncoder', base_channels=4),
        mask_decoder=dict(type='UNetDecoder'),
        imagelet_decoder=dict(type='UNetDecoder'),
        losses=[
            dict(type='ReconstructionLoss'),
            dict(type='MaskAreaLoss', loss_weight=1e-3),
            dict(
                type='ImageletClassifierLoss',
                classifier=_classifier_cfg(),
                checkpoint=classifier_checkpoint,
                loss_weight=1e-3)
        ],
        num_classes=len(CLASSES),
        background_index=BACKGROUND_INDEX,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


@pytest.fixture(scope='module')
def segmentor_files(tmp_path_factory) -> Tuple[str, str]:
    """Paths ``(config, checkpoint)`` of a tiny ``ReconstructionSegmentor``
    predicting ``CLASSES``, saved as the runner saves it (``state_dict`` and
    ``meta.dataset_meta``). The stage-1 classifier checkpoint its loss
    reads is deleted once the segmentor is built: inference must not need
    it."""
    tmp_path = tmp_path_factory.mktemp('segmentor')
    classifier_checkpoint = tmp_path / 'classifier.pth'
    torch.save({'state_dict': MODELS.build(_classifier_cfg()).state_dict()},
               classifier_checkpoint)
    model_cfg = _segmentor_cfg(str(classifier_checkpoint))
    init_default_scope('mmseg')
    torch.manual_seed(0)
    segmentor = MODELS.build(model_cfg)
    os.remove(classifier_checkpoint)
    checkpoint = tmp_path / 'segmentor.pth'
    torch.save(
        dict(
            state_dict=segmentor.state_dict(),
            meta=dict(dataset_meta=DATASET_META)), checkpoint)
    config = tmp_path / 'segmentor_config.py'
    Config(
        dict(
            default_scope='mmseg',
            model=model_cfg,
            test_pipeline=TEST_PIPELINE)).dump(str(config))
    return str(config), str(checkpoint)


@pytest.fixture
def dataset_meta() -> dict:
    """The ``dataset_meta`` saved with the checkpoint of
    ``segmentor_files``: classes ``('cat', 'dog', 'background')``, the
    background at index 2."""
    return copy.deepcopy(DATASET_META)


def _write_image(path: Path, pixels: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


@pytest.fixture
def write_image() -> Callable:
    """``write_image(path, pixels)`` writes ``pixels`` with PIL (the mode
    follows the array: (H, W) uint8 is grayscale, (H, W) uint16 16-bit,
    (H, W, 3) RGB, (H, W, 4) RGBA)."""
    return _write_image
