# Copyright (c) mmweakseg contributors. All rights reserved.
"""Both stages through ``tools/train.py`` and ``tools/test.py`` on tiny demo
data: train, save, resume, evaluate, draw."""
import glob
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmweakseg.datasets import make_demo_dataset
from mmweakseg.workflows import read_test_metrics

REPO = Path(__file__).parents[2]
CLS_CONFIG = REPO / 'configs/tag_classifier/' \
    'tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py'
SEG_CONFIG = REPO / 'configs/recon_decomp/' \
    'recdec_unet-w16_1xb8-10e_weak-demo-64x64.py'


def data_options(data_root: str) -> list:
    """Point every dataloader at ``data_root``, tiny and single-process."""
    options = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [
            f'{loader}.dataset.data_root={data_root}',
            f'{loader}.batch_size=4', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
    return options


def run_tool(tool: str, *args) -> str:
    """Run ``tools/<tool>`` and return its output, failing with it."""
    result = subprocess.run([sys.executable, str(REPO / 'tools' / tool)] +
                            [str(arg) for arg in args],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return output


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('demo')
    make_demo_dataset(str(root), num_train=12, num_val=6, size=32, seed=1)
    return str(root)


@pytest.fixture(scope='module')
def stage1(data_root, tmp_path_factory) -> Path:
    """A tiny classifier trained for 2 epochs, then resumed to 3."""
    work_dir = tmp_path_factory.mktemp('stage1')
    options = data_options(data_root) + [
        'model.backbone.stem_channels=8', 'model.backbone.base_channels=8',
        'model.in_channels=64', 'train_cfg.val_interval=1',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1'
    ]
    run_tool('train.py', CLS_CONFIG, '--work-dir', work_dir, '--cfg-options',
             'train_cfg.max_epochs=2', *options)
    assert (work_dir / 'epoch_2.pth').is_file()
    epoch_2 = torch.load(work_dir / 'epoch_2.pth', weights_only=False)

    output = run_tool('train.py', CLS_CONFIG, '--work-dir', work_dir,
                      '--resume', '--cfg-options', 'train_cfg.max_epochs=3',
                      *options)

    assert 'resumed epoch: 2' in output.replace('Resumed', 'resumed')
    assert 'Epoch(train) [1]' not in output  # no epoch was run again
    epoch_3 = torch.load(work_dir / 'epoch_3.pth', weights_only=False)
    assert epoch_3['meta']['epoch'] == 3
    assert any(not torch.equal(epoch_2['state_dict'][name], value)
               for name, value in epoch_3['state_dict'].items())
    return work_dir


def test_classifier_trains_resumes_and_tests(stage1, data_root):
    test_dir = stage1 / 'test'
    run_tool('test.py', CLS_CONFIG, stage1 / 'epoch_3.pth', '--work-dir',
             test_dir, '--cfg-options', *data_options(data_root),
             'model.backbone.stem_channels=8',
             'model.backbone.base_channels=8', 'model.in_channels=64')

    metrics = read_test_metrics(str(test_dir))
    assert 0 <= metrics['mAP'] <= 100
    assert {'AP.disc', 'AP.square', 'AP.triangle'} <= set(metrics)


def test_segmentor_trains_with_frozen_classifier_and_tests(
        stage1, data_root, tmp_path):
    work_dir = tmp_path / 'stage2'
    options = data_options(data_root) + [
        'model.backbone.base_channels=4',
        f'model.losses.2.checkpoint={stage1 / "epoch_3.pth"}',
        f'model.losses.3.checkpoint={stage1 / "epoch_3.pth"}',
        'default_hooks.checkpoint.interval=1',
        'custom_hooks.0.interval=2'
    ]
    run_tool('train.py', SEG_CONFIG, '--work-dir', work_dir, '--cfg-options',
             'train_cfg.max_epochs=1', 'train_cfg.val_interval=1', *options)
    checkpoint = work_dir / 'epoch_1.pth'
    state = torch.load(checkpoint, weights_only=False)['state_dict']
    assert not any('classifier' in name for name in state)
    drawn = glob.glob(str(work_dir / '*' / 'vis_data' / 'vis_image' / '*'))
    assert drawn, 'the decomposition hook drew nothing'

    test_dir = tmp_path / 'test'
    show_dir = tmp_path / 'show'
    run_tool('test.py', SEG_CONFIG, checkpoint, '--work-dir', test_dir,
             '--show-dir', show_dir, '--cfg-options', *options)

    metrics = read_test_metrics(str(test_dir))
    assert 0 <= metrics['mIoU'] <= 100
    assert {'IoU.background', 'IoU.disc', 'mAP'} <= set(metrics)
    overlays = glob.glob(str(show_dir / '**' / '*.png'), recursive=True)
    assert len(overlays) == 6, overlays


def test_segmentor_trains_with_amp_on_cpu(stage1, data_root, tmp_path):
    """``--amp`` on CPU trains in bfloat16 autocast with finite losses."""
    work_dir = tmp_path / 'amp'
    options = data_options(data_root) + [
        'model.backbone.base_channels=4',
        f'model.losses.2.checkpoint={stage1 / "epoch_3.pth"}',
        f'model.losses.3.checkpoint={stage1 / "epoch_3.pth"}',
        'default_hooks.logger.interval=1', 'custom_hooks=[]'
    ]
    run_tool('train.py', SEG_CONFIG, '--work-dir', work_dir, '--amp',
             '--cfg-options', 'train_cfg.max_epochs=1',
             'train_cfg.val_interval=2', *options)

    dumped = Config.fromfile(work_dir / SEG_CONFIG.name)
    assert dumped.optim_wrapper.type == 'BF16AmpOptimWrapper'
    scalars = glob.glob(str(work_dir / '*' / 'vis_data' / 'scalars.json'))
    losses = [
        json.loads(line)['loss'] for line in Path(scalars[0]).read_text(
        ).splitlines() if '"loss"' in line
    ]
    assert len(losses) == 3  # 12 images, batch 4
    assert all(math.isfinite(loss) for loss in losses), losses
    assert (work_dir / 'epoch_1.pth').is_file()


def test_amp_float16_on_cpu_is_refused_before_training(tmp_path):
    result = subprocess.run([
        sys.executable,
        str(REPO / 'tools' / 'train.py'),
        str(SEG_CONFIG), '--work-dir',
        str(tmp_path), '--amp', '--amp-dtype', 'float16'
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            env=dict(os.environ, CUDA_VISIBLE_DEVICES=''))
    assert result.returncode != 0
    assert 'train.py: error: --amp: float16 autocast needs CUDA' in \
        result.stderr
    assert not glob.glob(str(tmp_path / '*' / '*.log'))
