# Copyright (c) mmweakseg contributors. All rights reserved.
"""The ablation command on tiny demo data: every config and seed trained
once, tested without and with test-time refinement, mean +- std printed,
and nothing redone when it runs again."""
import subprocess
import sys
from pathlib import Path

from mmengine.config import Config

from mmweakseg.datasets import make_demo_dataset

from test_benchmark_quality import tiny_stage1  # isort: skip

REPO = Path(__file__).parents[2]
CONFIGS = [
    'configs/recon_decomp/recdec_unet-w16_1xb8-10e_weak-demo-64x64.py',
    'configs/recon_decomp/ablation/'
    'recdec-base_unet-w16_1xb8-10e_weak-demo-64x64.py'
]


def run_ablation(data_root: Path, work_dir: Path, stage1: str) -> str:
    options = ['model.backbone.base_channels=2', 'train_cfg.max_epochs=1']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [
            f'{loader}.batch_size=2', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
    result = subprocess.run([
        sys.executable, 'tools/analysis_tools/benchmark_ablation.py',
        str(data_root), '--work-dir',
        str(work_dir), '--stage1-checkpoint', stage1, '--configs', *CONFIGS,
        '--seeds', '0', '1', '--cfg-options', *options
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return output[output.index('=' * 72):]


def test_ablation_on_tiny_data(tmp_path):
    data_root = tmp_path / 'demo'
    make_demo_dataset(str(data_root), num_train=4, num_val=2, size=32, seed=1)
    work_dir = tmp_path / 'ablation'
    stage1 = tiny_stage1(tmp_path / 'stage1.pth')
    table = run_ablation(data_root, work_dir, stage1)
    print(table)
    assert 'over seeds [0, 1] at the last checkpoint' in table
    names = [Path(config).stem for config in CONFIGS]
    for name in names:
        for variant in ('plain', 'refined'):
            assert f'| {name} ({variant})' in table
            assert f'{name} ({variant}): ' in table  # the seeds' mIoUs
        for seed in (0, 1):
            dumped = Config.fromfile(work_dir / name / f'seed{seed}.py')
            assert dumped.randomness.seed == seed
            assert dumped.default_hooks.checkpoint.save_best is None
            frozen = [
                loss for loss in dumped.model.losses if 'checkpoint' in loss
            ]
            assert frozen and all(loss.checkpoint == stage1
                                  for loss in frozen)
            for variant in ('plain', 'refined'):
                assert (work_dir / name / f'seed{seed}' /
                        f'test_{variant}').is_dir()
    assert ' +- ' in table

    checkpoint = work_dir / names[0] / 'seed0' / 'epoch_1.pth'
    mtime = checkpoint.stat().st_mtime
    again = run_ablation(data_root, work_dir, stage1)
    assert checkpoint.stat().st_mtime == mtime  # nothing retrained
    assert again.splitlines()[1:-1] == table.splitlines()[1:-1]


def test_missing_stage1_checkpoint_stops_before_training(tmp_path):
    result = subprocess.run([
        sys.executable, 'tools/analysis_tools/benchmark_ablation.py',
        str(tmp_path / 'data'), '--work-dir',
        str(tmp_path / 'work'), '--stage1-checkpoint',
        str(tmp_path / 'no.pth'), '--configs', CONFIGS[0]
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert 'no.pth' in result.stderr and 'not a file' in result.stderr
    assert not (tmp_path / 'work').exists()
