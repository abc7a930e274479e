# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import LoggerHook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class MainProcessLoggerHook(LoggerHook):
    """mmengine's ``LoggerHook`` whose test metrics file
    ``<log_dir>/<timestamp>.json`` is written by the main process only.

    mmengine 0.10.7 dumps that file from every rank to the same path (the
    ranks share the timestamp and so the log folder); two ranks writing it
    at once left it unreadable (``json.decoder.JSONDecodeError: Extra
    data`` in a 2-process CPU test). The metrics are the same on every rank
    (the evaluator gathers them), so the main process's copy is the file.
    """

    def after_test_epoch(self,
                         runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        """Log and dump the test metrics on the main process only."""
        if is_main_process():
            super().after_test_epoch(runner, metrics)
