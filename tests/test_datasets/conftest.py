# Copyright (c) mmweakseg contributors. All rights reserved.
"""Tiny weak-tag data written at test time."""
import json
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

CLASSES = ['background', 'cat', 'dog']
IMAGE_SIZE = (6, 8)  # (H, W)
# Label map of images/a.png: background, with dog on the right quarter and
# an ignored pixel.
MASK_A = np.zeros(IMAGE_SIZE, dtype=np.uint8)
MASK_A[:, 6:] = 2
MASK_A[0, 0] = 255


@pytest.fixture(autouse=True)
def mmseg_scope() -> None:
    """Pipelines are built in mmseg's scope, as configs do with
    ``default_scope='mmseg'``."""
    init_default_scope('mmseg')


def _write_rgb(path: Path, size=IMAGE_SIZE, seed: int = 0) -> np.ndarray:
    """Write a random RGB PNG; returns its (H, W, 3) RGB pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(
        0, 256, (*size, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


def _write_label_map(path: Path, label_map: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(label_map).save(path)


@pytest.fixture
def write_rgb() -> Callable:
    """``write_rgb(path, size=(H, W), seed=0) -> (H, W, 3) RGB pixels``
    writes a random RGB PNG."""
    return _write_rgb


@pytest.fixture
def write_label_map() -> Callable:
    """``write_label_map(path, label_map)`` writes an L-mode PNG."""
    return _write_label_map


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    """images/{a,b,c}.png (6x8 RGB) and masks/a.png (values 0, 2, 255)."""
    for seed, name in enumerate('abc'):
        _write_rgb(tmp_path / 'images' / f'{name}.png', seed=seed)
    _write_label_map(tmp_path / 'masks' / 'a.png', MASK_A)
    return tmp_path


@pytest.fixture
def valid_entries() -> list:
    return [
        dict(
            img_path='images/a.png',
            tags=['dog'],
            seg_map_path='masks/a.png',
            tag_areas=dict(dog=0.25, background=0.75)),
        dict(img_path='images/b.png', tags=['cat', 'dog']),
        dict(img_path='images/c.png', tags=[]),
    ]


@pytest.fixture
def write_ann() -> Callable:
    """``write_ann(root, data_list, metainfo=...) -> path`` writes
    ``root/ann.json``; ``metainfo=None`` leaves the key out."""

    def write(root: Path,
              data_list: list,
              metainfo: Optional[dict] = dict(classes=CLASSES)) -> str:
        annotation = dict(data_list=data_list)
        if metainfo is not None:
            annotation['metainfo'] = metainfo
        path = root / 'ann.json'
        path.write_text(json.dumps(annotation))
        return str(path)

    return write
