# Copyright (c) mmweakseg contributors. All rights reserved.
import glob
import os
import os.path as osp
from types import SimpleNamespace

import numpy as np
import pytest
import torch.distributed as dist
from mmengine.evaluator import BaseMetric
from mmengine.model import MMDistributedDataParallel
from mmengine.runner import Runner
from mmengine.visualization import Visualizer
from PIL import Image

import mmweakseg  # noqa: F401
from mmweakseg.engine import DecompositionVisualizationHook
from mmweakseg.visualization import TEXT_STRIP_HEIGHT
from decomposition_stand_in import (StandInDecomposer, TaggedImages, dog_tags,
                                    tiny_segmentor_cfg)

HOOK_MODULE = 'mmweakseg.engine.hooks.decomposition_visualization_hook'


def _fake_runner(tmp_path, model, val_dataset=None):
    visualizer = Visualizer(
        name=f'hook_test_{tmp_path.name}',
        vis_backends=[dict(type='LocalVisBackend')],
        save_dir=str(tmp_path))
    dataset = val_dataset or TaggedImages(dog_tags(2, 1))
    return SimpleNamespace(
        model=model,
        iter=0,
        visualizer=visualizer,
        val_loop=object() if val_dataset is not None else None,
        val_dataloader=SimpleNamespace(dataset=dataset),
        train_dataloader=SimpleNamespace(dataset=dataset))


def _run_iters(hook, runner, num_iters, data_batch=None):
    hook.before_train(runner)
    for i in range(num_iters):
        runner.iter = i
        hook.after_train_iter(runner, i, data_batch=data_batch)


def _images(tmp_path):
    return sorted(
        osp.basename(p)
        for p in glob.glob(str(tmp_path / 'vis_data' / 'vis_image' / '*')))


def _read(tmp_path, name):
    return np.asarray(Image.open(tmp_path / 'vis_data' / 'vis_image' / name))


def test_fixed_val_samples_every_interval(tmp_path):
    model = StandInDecomposer()
    model.train()
    runner = _fake_runner(tmp_path, model, TaggedImages(dog_tags(2, 3)))
    hook = DecompositionVisualizationHook(
        interval=2, num_images=3, num_decompositions=2, tile_size=8)
    _run_iters(hook, runner, 5)
    assert _images(tmp_path) == [
        'decomposition_0_2.png', 'decomposition_0_4.png',
        'decomposition_1_2.png', 'decomposition_1_4.png', 'mask_grid_2.png',
        'mask_grid_4.png'
    ]
    assert model.training  # restored after drawing in eval mode
    # header + K = 2 class rows of 8 x 8 tiles
    assert _read(
        tmp_path,
        'decomposition_0_2.png').shape == (3 * (TEXT_STRIP_HEIGHT + 8) + 4 * 2,
                                           3 * 8 + 4 * 2, 3)
    # the first 3 val images: 2 present, 1 absent, one 8 x 16 pair per row
    grid = _read(tmp_path, 'mask_grid_2.png')
    assert grid.shape == (2 * TEXT_STRIP_HEIGHT + (2 * 8 + 3 * 4) +
                          (8 + 2 * 4), 16 + 2 * 4, 3)
    # same images, same weights: comparable pictures over time
    np.testing.assert_array_equal(grid, _read(tmp_path, 'mask_grid_4.png'))


def test_train_batch_source(tmp_path):
    model = StandInDecomposer().eval()
    dataset = TaggedImages(dog_tags(1, 3))
    data_batch = dict(
        inputs=[dataset[i]['inputs'] for i in range(4)],
        data_samples=[dataset[i]['data_samples'] for i in range(4)])
    runner = _fake_runner(tmp_path, model)
    hook = DecompositionVisualizationHook(
        interval=1,
        data_source='train',
        num_images=2,
        num_decompositions=0,
        tile_size=8)
    _run_iters(hook, runner, 1, data_batch)
    assert _images(tmp_path) == ['mask_grid_1.png']
    # 1 present and 1 absent of the first 2 batch images
    assert _read(tmp_path,
                 'mask_grid_1.png').shape == (2 *
                                              (TEXT_STRIP_HEIGHT + 8 + 2 * 4),
                                              16 + 2 * 4, 3)
    assert not model.training  # eval mode kept


def test_unwraps_ddp(tmp_path):
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/pg', rank=0, world_size=1)
    try:
        model = StandInDecomposer()
        runner = _fake_runner(tmp_path, MMDistributedDataParallel(model),
                              TaggedImages(dog_tags(1, 1)))
        _run_iters(DecompositionVisualizationHook(interval=1), runner, 1)
    finally:
        dist.destroy_process_group()
    assert _images(tmp_path) == ['decomposition_0_1.png', 'mask_grid_1.png']


def test_draws_on_main_process_only(tmp_path, monkeypatch):
    monkeypatch.setattr(f'{HOOK_MODULE}.is_main_process', lambda: False)
    runner = _fake_runner(tmp_path, StandInDecomposer(),
                          TaggedImages(dog_tags(1, 1)))
    _run_iters(DecompositionVisualizationHook(interval=1), runner, 2)
    assert _images(tmp_path) == []


def test_errors(tmp_path):
    runner = _fake_runner(tmp_path, StandInDecomposer())
    with pytest.raises(RuntimeError, match="data_source='train'"):
        DecompositionVisualizationHook().before_train(runner)
    with pytest.raises(ValueError, match='data_source must be one of'):
        DecompositionVisualizationHook(data_source='test')
    with pytest.raises(ValueError, match='interval'):
        DecompositionVisualizationHook(interval=0)
    with pytest.raises(ValueError, match='num_decompositions=3'):
        DecompositionVisualizationHook(num_images=2, num_decompositions=3)


class _CountMetric(BaseMetric):

    def process(self, data_batch, data_samples):
        self.results += [1] * len(data_samples)

    def compute_metrics(self, results):
        return dict(count=len(results))


def test_with_real_runner_and_segmentor(tmp_path):
    """A real Runner training a tiny ReconstructionSegmentor for 4
    iterations; the default visualizer's LocalVisBackend gets the images."""
    runner = Runner(
        model=tiny_segmentor_cfg(),
        work_dir=str(tmp_path),
        experiment_name=f'hook_runner_{tmp_path.name}',
        train_dataloader=dict(
            dataset=TaggedImages(dog_tags(3, 3), size=32),
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_size=2,
            num_workers=0),
        train_cfg=dict(
            type='IterBasedTrainLoop', max_iters=4, val_interval=10),
        val_dataloader=dict(
            dataset=TaggedImages(dog_tags(2, 2), size=32),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2,
            num_workers=0),
        val_cfg=dict(type='ValLoop'),
        val_evaluator=[_CountMetric()],
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=dict(checkpoint=None),
        custom_hooks=[
            dict(
                type='DecompositionVisualizationHook',
                interval=2,
                num_images=2,
                tile_size=8)
        ],
        default_scope='mmseg')
    runner.train()
    image_dir = osp.join(runner.log_dir, 'vis_data', 'vis_image')
    assert sorted(os.listdir(image_dir)) == [
        'decomposition_0_2.png', 'decomposition_0_4.png', 'mask_grid_2.png',
        'mask_grid_4.png'
    ]
    with Image.open(osp.join(image_dir, 'decomposition_0_4.png')) as figure:
        assert figure.size == (3 * 32 + 4 * 2,
                               3 * (TEXT_STRIP_HEIGHT + 32) + 4 * 2)
