# Copyright (c) mmweakseg contributors. All rights reserved.
"""``tools/analysis_tools/draw_figures.py`` end to end: a tiny real
``ReconstructionSegmentor`` checkpoint and a ``WeakTagFolderDataset``."""
import os.path as osp
import runpy
import sys

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from PIL import Image

import mmweakseg  # noqa: F401
from mmweakseg.visualization import TEXT_STRIP_HEIGHT
from decomposition_stand_in import CLASSES, tiny_segmentor_cfg

TOOL = osp.join(
    osp.dirname(__file__), '..', '..', 'tools', 'analysis_tools',
    'draw_figures.py')


def _write_folders(root):
    """Write 3 dog and 2 background 32 x 32 images in class folders and
    return their RGB pixels."""
    rng = np.random.default_rng(0)
    images = []
    for folder, count in (('dog', 3), ('background', 2)):
        (root / folder).mkdir(parents=True)
        for i in range(count):
            images.append(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))
            Image.fromarray(images[-1]).save(root / folder / f'{i}.png')
    return images


def _write_config(tmp_path):
    dataset = dict(
        type='WeakTagFolderDataset',
        data_root=str(tmp_path / 'data'),
        metainfo=dict(classes=CLASSES))
    config = dict(
        default_scope='mmseg',
        model=tiny_segmentor_cfg(),
        train_dataloader=dict(
            dataset=dict(
                **dataset,
                pipeline=[
                    dict(type='LoadRGBImageFromFile'),
                    dict(type='RandomFlip', prob=1.0),
                    dict(type='PackWeakSegInputs')
                ])),
        val_dataloader=dict(
            dataset=dict(
                **dataset,
                pipeline=[
                    dict(type='LoadRGBImageFromFile'),
                    dict(type='PackWeakSegInputs')
                ])))
    path = str(tmp_path / 'config.py')
    Config(config).dump(path)
    return path


def test_tool_writes_figures(tmp_path, monkeypatch):
    images = _write_folders(tmp_path / 'data')
    config = _write_config(tmp_path)
    init_default_scope('mmseg')
    model = MODELS.build(tiny_segmentor_cfg())
    checkpoint = str(tmp_path / 'model.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)
    out_dir = tmp_path / 'figures'
    monkeypatch.setattr(sys, 'argv', [
        TOOL, config, checkpoint, '--out-dir',
        str(out_dir), '--split', 'train', '--num', '2', '--class-name', 'dog',
        '--decompose', '3', '--tile-size', '16'
    ])
    runpy.run_path(TOOL, run_name='__main__')
    assert sorted(p.name for p in out_dir.iterdir()) == [
        'decomposition_train_0.png', 'decomposition_train_1.png',
        'decomposition_train_2.png', 'grid_train.png'
    ]
    with Image.open(out_dir / 'grid_train.png') as grid:
        # 2 dog and 2 background pairs of 16 x 32, one column each block
        block_height = TEXT_STRIP_HEIGHT + 2 * 16 + 3 * 4
        assert grid.size == (32 + 2 * 4, 2 * block_height)
    with Image.open(out_dir / 'decomposition_train_0.png') as figure:
        # 32 x 32 images: a header and 2 class rows of 3 tiles
        assert figure.size == (3 * 32 + 4 * 2,
                               3 * (TEXT_STRIP_HEIGHT + 32) + 4 * 2)
        top = 2 + TEXT_STRIP_HEIGHT
        shown = np.asarray(figure)[top:top + 32, 2:2 + 32]
    # the input is a dog image through the val pipeline: not flipped
    assert any(np.array_equal(shown, image) for image in images[:3])
