# Copyright (c) mmweakseg contributors. All rights reserved.
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from mmweakseg.visualization.curves import (default_keys, find_scalars,
                                            plot_curves, read_scalars)

TOOL = Path(__file__).parents[2] / 'tools' / 'analysis_tools' / \
    'plot_curves.py'


def write_run(folder: Path, by_epoch: bool = True) -> Path:
    """A scalars.json as mmengine writes it: training entries every 2
    iterations, a validation entry after each of 2 epochs."""
    path = folder / '20260101_000000' / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    lines = []
    for epoch in (1, 2):
        for iteration in (2 * epoch - 1, 2 * epoch):
            entry = dict(lr=0.1, loss=1.0 / iteration, loss_cls=0.5,
                         time=0.2, iter=2 * iteration, step=2 * iteration)
            if by_epoch:
                entry['epoch'] = epoch
            lines.append(entry)
        lines.append(dict(mIoU=40.0 + epoch, mAP=90.0, time=0.1, step=epoch))
    path.write_text('\n'.join(json.dumps(line) for line in lines) + '\n')
    return path


def test_read_scalars(tmp_path):
    scalars = read_scalars(str(write_run(tmp_path)))
    assert scalars.train['loss'] == ([2, 4, 6, 8], [1.0, 0.5, 1 / 3, 0.25])
    assert scalars.val['mIoU'] == ([1, 2], [41.0, 42.0])
    assert 'iter' not in scalars.train and 'epoch' not in scalars.train
    assert scalars.val_step == 'epoch'
    assert read_scalars(str(write_run(tmp_path / 'it', False))).val_step \
        == 'iteration'
    assert default_keys(scalars) == ['loss', 'loss_cls', 'mIoU', 'mAP']


def test_find_scalars_and_errors(tmp_path):
    path = write_run(tmp_path)
    assert find_scalars(str(tmp_path)) == str(path)
    assert find_scalars(str(path)) == str(path)
    with pytest.raises(FileNotFoundError, match='no scalars.json'):
        find_scalars(str(tmp_path / 'empty'))
    with path.open('a') as file:
        file.write('{not json\n')
    with pytest.raises(ValueError, match='line 7: not JSON'):
        read_scalars(str(path))


def test_plot_curves_panels(tmp_path):
    runs = [str(write_run(tmp_path / 'a')), str(write_run(tmp_path / 'b'))]
    out = plot_curves(runs, str(tmp_path / 'out' / 'c.png'), labels=['a', 'b'])
    with Image.open(out) as image:
        # 4 default keys: 3 columns x 2 rows of 4.5 x 3.2 inches at 80 dpi
        assert image.size == (1080, 512)
    with Image.open(plot_curves(runs[:1], str(tmp_path / 'one.png'),
                                keys=['mIoU'])) as image:
        assert image.size == (360, 256)
    with pytest.raises(KeyError, match="no run logged 'mDice'"):
        plot_curves(runs, str(tmp_path / 'x.png'), keys=['mDice'])
    with pytest.raises(ValueError, match='2 runs but 1 labels'):
        plot_curves(runs, str(tmp_path / 'x.png'), labels=['a'])


def test_tool(tmp_path):
    write_run(tmp_path / 'run')
    out = tmp_path / 'curves.png'
    result = subprocess.run(
        [sys.executable, str(TOOL), str(tmp_path / 'run'), '--out',
         str(out), '--keys', 'loss', 'mAP'],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    with Image.open(out) as image:
        assert image.size == (720, 256)
