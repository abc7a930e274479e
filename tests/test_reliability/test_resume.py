# Copyright (c) mmweakseg contributors. All rights reserved.
"""SIGKILL a training run mid-epoch, ``--resume`` it, and get the weights
and metrics of an uninterrupted run (fixed seed, deterministic mode)."""
import glob
import json
import re
import signal
from pathlib import Path

import torch

from mmweakseg.datasets import make_demo_dataset
from reliability_utils import (CLS_CONFIG, TINY_CLS_OPTIONS, data_options,
                               finish_tool, run_tool, start_tool)

# 12 images in batches of 2: 6 iterations per epoch
SECOND_EPOCH_STARTED = re.compile(r'Epoch\(train\)\s*\[2\]\[\s*1/6\]')


def train_options(data_root: str) -> list:
    """2 epochs of the tiny classifier with RandomFlip, a checkpoint and a
    validation after each epoch, a log line after each iteration."""
    return data_options(data_root) + TINY_CLS_OPTIONS + [
        'train_cfg.max_epochs=2', 'train_cfg.val_interval=1',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1', 'randomness.seed=0',
        'randomness.deterministic=True'
    ]


def kill_in_second_epoch(process) -> str:
    """SIGKILL ``process`` once it logs the first iteration of epoch 2."""
    output = []
    for line in process.stdout:
        output.append(line)
        if SECOND_EPOCH_STARTED.search(line):
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    return ''.join(output)


def last_val_metrics(work_dir: Path) -> dict:
    """Validation metrics of the last epoch logged in ``work_dir``."""
    lines = []
    for path in sorted(glob.glob(str(work_dir / '*/vis_data/scalars.json'))):
        with open(path) as file:
            lines += [json.loads(line) for line in file]
    val_lines = [line for line in lines if 'mAP' in line]
    assert val_lines, f'no validation logged under {work_dir}'
    return {
        key: value
        for key, value in val_lines[-1].items()
        if key.startswith(('mAP', 'AP.', 'mF1', 'F1.'))
    }


def test_sigkill_mid_epoch_then_resume_matches_uninterrupted_run(tmp_path):
    data_root = str(tmp_path / 'data')
    make_demo_dataset(data_root, num_train=12, num_val=4, size=32, seed=2)
    options = train_options(data_root)
    killed_dir, reference_dir = tmp_path / 'killed', tmp_path / 'reference'

    killed = start_tool('train.py', CLS_CONFIG, '--work-dir', killed_dir,
                        '--cfg-options', *options)
    reference = start_tool('train.py', CLS_CONFIG, '--work-dir', reference_dir,
                           '--cfg-options', *options)
    output = kill_in_second_epoch(killed)
    finish_tool(reference)

    assert killed.returncode == -signal.SIGKILL, output[-3000:]
    # killed during epoch 2: only the checkpoint of epoch 1 exists
    assert (killed_dir / 'epoch_1.pth').is_file()
    assert not (killed_dir / 'epoch_2.pth').exists()
    assert (killed_dir / 'last_checkpoint').read_text().endswith('epoch_1.pth')

    resumed_output = run_tool('train.py', CLS_CONFIG, '--work-dir', killed_dir,
                              '--resume', '--cfg-options', *options)

    assert 'resumed epoch: 1' in resumed_output.replace('Resumed', 'resumed')
    assert re.search(r'Epoch\(train\)\s*\[1\]', resumed_output) is None
    resumed = torch.load(killed_dir / 'epoch_2.pth', weights_only=False)
    uninterrupted = torch.load(
        reference_dir / 'epoch_2.pth', weights_only=False)
    assert resumed['meta']['epoch'] == uninterrupted['meta']['epoch'] == 2
    assert resumed['state_dict'].keys() == uninterrupted['state_dict'].keys()
    for name, value in uninterrupted['state_dict'].items():
        assert torch.equal(resumed['state_dict'][name], value), name
    assert last_val_metrics(killed_dir) == last_val_metrics(reference_dir)
