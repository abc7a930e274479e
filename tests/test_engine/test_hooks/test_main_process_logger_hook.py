# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
from mmengine.hooks import LoggerHook
from mmseg.registry import HOOKS

import mmweakseg  # noqa: F401
from mmweakseg.engine.hooks import main_process_logger_hook


@pytest.mark.parametrize('main_process', [True, False])
def test_only_the_main_process_writes_test_metrics(monkeypatch, main_process):
    calls = []
    monkeypatch.setattr(LoggerHook, 'after_test_epoch',
                        lambda self, runner, metrics=None: calls.append(
                            (runner, metrics)))
    monkeypatch.setattr(main_process_logger_hook, 'is_main_process',
                        lambda: main_process)
    hook = HOOKS.build(dict(type='MainProcessLoggerHook', interval=5))
    assert isinstance(hook, LoggerHook) and hook.interval == 5
    hook.after_test_epoch('runner', dict(mIoU=1.0))
    assert calls == ([('runner', dict(mIoU=1.0))] if main_process else [])
