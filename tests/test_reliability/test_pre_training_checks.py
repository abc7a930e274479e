# Copyright (c) mmweakseg contributors. All rights reserved.
"""``tools/train.py`` and ``tools/test.py`` check the data and the
checkpoint they are given before the runner starts: a model that disagrees
with the data, a truncated checkpoint or one of another model stop with a
message naming the config field or the file, exit code 1, no traceback,
nothing written and earlier checkpoints untouched."""
import subprocess
from pathlib import Path

import pytest

from mmweakseg.datasets import make_demo_dataset
from reliability_utils import (CLS_CONFIG, TINY_CLS_OPTIONS, data_options,
                               save_tiny_classifier, tool_command, tool_env,
                               REPO)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('demo')
    make_demo_dataset(str(root), num_train=4, num_val=2, size=32, seed=3)
    return str(root)


def run_failing(tool: str, *args) -> str:
    """Run ``tools/<tool>``, expect exit code 1 without a traceback and
    return its output."""
    result = subprocess.run(
        tool_command(tool, *args),
        cwd=REPO,
        env=tool_env(),
        capture_output=True,
        text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    assert 'Traceback' not in output, output[-3000:]
    return output


def train_args(data_root: str, work_dir: Path, *options) -> list:
    return [
        CLS_CONFIG, '--work-dir', work_dir, '--cfg-options',
        *data_options(data_root), *TINY_CLS_OPTIONS, *options
    ]


def test_train_checks_num_classes_against_data(data_root, tmp_path):
    work_dir = tmp_path / 'work'
    output = run_failing(
        'train.py', *train_args(data_root, work_dir, 'model.num_classes=5'))
    assert 'train.py: error: the data of' in output
    assert 'model.num_classes=5 but the dataset of train_dataloader' in output
    assert 'annotations/train.json' in output
    assert 'expected model.num_classes=4' in output
    assert '--skip-data-check' in output
    assert not list(work_dir.glob('**/*.pth'))


def test_train_lists_data_problems_before_training(data_root, tmp_path):
    data_root = tmp_path / 'data'
    make_demo_dataset(str(data_root), num_train=4, num_val=2, size=32, seed=3)
    broken = sorted((data_root / 'images').glob('**/*.png'))[0]
    broken.write_bytes(b'')
    output = run_failing(
        'train.py', *train_args(str(data_root), tmp_path / 'work'))
    assert str(broken) in output and 'empty (0 bytes)' in output
    assert 'Epoch(train)' not in output


def test_resume_from_truncated_checkpoint(data_root, tmp_path):
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    checkpoint = Path(save_tiny_classifier(work_dir / 'epoch_1.pth'))
    checkpoint.write_bytes(checkpoint.read_bytes()[:5000])  # cut short
    content = checkpoint.read_bytes()
    (work_dir / 'last_checkpoint').write_text(str(checkpoint))

    output = run_failing(
        'train.py', *train_args(data_root, work_dir)[:3], '--resume',
        *train_args(data_root, work_dir)[3:])

    assert f'{checkpoint}: cannot load the checkpoint' in output
    assert 'expected a complete checkpoint file' in output
    assert checkpoint.read_bytes() == content
    assert sorted(path.name for path in work_dir.glob('*.pth')) == [
        'epoch_1.pth'
    ]


def test_load_from_checkpoint_of_other_classes(data_root, tmp_path):
    checkpoint = save_tiny_classifier(tmp_path / 'other.pth', num_classes=3)
    output = run_failing(
        'train.py',
        *train_args(data_root, tmp_path / 'work', f'load_from={checkpoint}'))
    assert f'{checkpoint}: checkpoint of another model' in output
    assert 'in the checkpoint' in output and 'in the model' in output
    assert 'same model and model.num_classes' in output

    output = run_failing('test.py', CLS_CONFIG, checkpoint, '--work-dir',
                         tmp_path / 'test', '--cfg-options',
                         *data_options(data_root), *TINY_CLS_OPTIONS)
    assert f'test.py: error: {checkpoint}: checkpoint of another model' in \
        output
