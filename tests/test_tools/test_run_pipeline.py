# Copyright (c) mmweakseg contributors. All rights reserved.
"""``tools/run_pipeline.py`` end to end on tiny data: check, stage 1,
stage 2, evaluation, figures, final table."""
import subprocess
import sys
from pathlib import Path

from mmweakseg.utils import make_demo_dataset

REPO = Path(__file__).parents[2]


def loader_options() -> list:
    options = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [
            f'{loader}.batch_size=4', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
    return options + ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1']


def test_pipeline_on_tiny_data(tmp_path):
    data_root = tmp_path / 'data'
    make_demo_dataset(str(data_root), num_train=8, num_val=4, size=32)
    work_dir = tmp_path / 'work'

    result = subprocess.run(
        [
            sys.executable,
            str(REPO / 'tools' / 'run_pipeline.py'),
            str(data_root), '--work-dir',
            str(work_dir), '--num-figures', '2', '--cls-cfg-options',
            'model.backbone.stem_channels=8',
            'model.backbone.base_channels=8', 'model.in_channels=64',
            *loader_options(), '--seg-cfg-options',
            'model.backbone.base_channels=4', 'custom_hooks=[]',
            *loader_options()
        ],
        cwd=REPO,
        capture_output=True,
        text=True)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert 'classifier (stage 1): mAP' in output
    assert 'segmentor  (stage 2): mIoU' in output
    assert 'IoU background' in output
    assert (work_dir / 'stage1_classifier.py').is_file()
    assert (work_dir / 'stage2_segmentor.py').is_file()
    for split in ('train', 'val'):
        assert (work_dir / 'figures' / f'grid_{split}.png').is_file()
