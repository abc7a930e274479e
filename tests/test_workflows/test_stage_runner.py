# Copyright (c) mmweakseg contributors. All rights reserved.
"""What ``train_and_test`` reuses from a finished stage and what it runs
again (the tools are replaced by a recorder: nothing is trained)."""
import json
from pathlib import Path
from typing import List

import pytest
from mmengine.config import Config

from mmweakseg.workflows import TRAINING_FINISHED, train_and_test
from mmweakseg.workflows import stage_runner

REFINE = dict(type='PixelAdaptiveRefinement')


def finished_stage(work_dir: Path, test_cfg: dict) -> Config:
    """A stage 'segmentor' whose training finished and whose checkpoint was
    tested once (mIoU 91.0) with a config of ``test_cfg``."""
    cfg = Config(dict(model=dict(type='ReconstructionSegmentor',
                                 test_cfg=test_cfg)))
    cfg.dump(str(work_dir / 'segmentor.py'))
    stage_dir = work_dir / 'segmentor'
    (stage_dir / 'test' / '20261203_100000').mkdir(parents=True)
    (stage_dir / 'test' / '20261203_100000' / '20261203_100000.json'
     ).write_text(json.dumps(dict(mIoU=91.0)))
    checkpoint = stage_dir / 'epoch_10.pth'
    (stage_dir / 'last_checkpoint').write_text(str(checkpoint))
    (stage_dir / TRAINING_FINISHED).write_text(f'{checkpoint}\n')
    return cfg


@pytest.fixture
def tool_calls(monkeypatch) -> List[list]:
    """The tools' calls; a test writes metrics (mIoU 98.5) as a newer run."""
    calls = []

    def run_tool(tool, args, **kwargs):
        calls.append([tool, *args])
        if tool == 'test.py':
            run = Path(args[args.index('--work-dir') + 1]) / '20261203_120000'
            run.mkdir(parents=True)
            (run / '20261203_120000.json').write_text(
                json.dumps(dict(mIoU=98.5)))

    monkeypatch.setattr(stage_runner, 'run_tool', run_tool)
    return calls


def test_finished_stage_is_read_back(tmp_path, tool_calls):
    cfg = finished_stage(tmp_path, dict(mode='whole', refine=REFINE))
    checkpoint, metrics = train_and_test(cfg, 'segmentor', str(tmp_path))
    assert tool_calls == []
    assert metrics == dict(mIoU=91.0)
    assert checkpoint == str(tmp_path / 'segmentor' / 'epoch_10.pth')


def test_finished_stage_is_tested_again_with_new_test_settings(
        tmp_path, tool_calls):
    # trained and tested plain; now asked for refined masks
    cfg = finished_stage(tmp_path, dict(mode='whole'))
    cfg.model.test_cfg = dict(mode='whole', refine=REFINE)
    _, metrics = train_and_test(cfg, 'segmentor', str(tmp_path))

    assert [call[0] for call in tool_calls] == ['test.py']  # not trained
    assert metrics == dict(mIoU=98.5)
    dumped = Config.fromfile(tmp_path / 'segmentor.py')
    assert dumped.model.test_cfg == dict(mode='whole', refine=REFINE)
    assert tool_calls[0][1] == str(tmp_path / 'segmentor.py')
    # the earlier metrics stay where they were
    assert (tmp_path / 'segmentor' / 'test' / '20261203_100000' /
            '20261203_100000.json').is_file()

    # a third call finds the new test finished
    tool_calls.clear()
    assert train_and_test(cfg, 'segmentor',
                          str(tmp_path))[1] == dict(mIoU=98.5)
    assert tool_calls == []


def test_unfinished_stage_is_trained(tmp_path, monkeypatch):
    cfg = Config(dict(model=dict(type='ReconstructionSegmentor')))
    tool_calls = []

    def train(tool, args, **kwargs):
        stage_dir = Path(args[args.index('--work-dir') + 1])
        stage_dir.mkdir(parents=True)
        (stage_dir / 'last_checkpoint').write_text(
            str(stage_dir / 'epoch_1.pth'))
        tool_calls.append([tool, *args])

    monkeypatch.setattr(stage_runner, 'run_tool', train)
    checkpoint, metrics = train_and_test(cfg, 'segmentor', str(tmp_path),
                                         test=False)
    assert [call[0] for call in tool_calls] == ['train.py']
    assert '--resume' in tool_calls[0]
    assert metrics == {}
    assert (tmp_path / 'segmentor' / TRAINING_FINISHED).read_text() == (
        f'{checkpoint}\n')
