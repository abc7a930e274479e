# Copyright (c) mmweakseg contributors. All rights reserved.
"""Run a stage of a multi-stage command through ``tools/train.py`` and
``tools/test.py`` in child processes, on a config dumped into the work
directory, so every stage can be rerun by hand from that file."""
import os.path as osp
import subprocess
import sys
from typing import Sequence, Tuple

from mmengine.config import Config

from .two_stage_pipeline import find_checkpoint, read_test_metrics


def run_tool(tools_dir: str, tool: str, args: Sequence[str]) -> None:
    """Run ``tools_dir/tool`` with the current Python, failing loudly.

    Args:
        tools_dir (str): The repository's ``tools`` folder.
        tool (str): Script path relative to ``tools_dir``, e.g. 'train.py'.
        args (Sequence[str]): Its command-line arguments.

    Raises:
        subprocess.CalledProcessError: If the tool exits with an error.
    """
    command = [sys.executable, osp.join(tools_dir, tool)] + list(args)
    print(f'\n$ {" ".join(command)}', flush=True)
    subprocess.run(command, check=True)


def evaluate_checkpoint(config: str, checkpoint: str, test_dir: str,
                        tools_dir: str) -> dict:
    """Evaluate ``checkpoint`` with ``tools/test.py`` on ``config``.

    Returns:
        dict: The test metrics.
    """
    run_tool(tools_dir, 'test.py',
             [config, checkpoint, '--work-dir', test_dir])
    return read_test_metrics(test_dir)


def train_and_test(cfg: Config,
                   name: str,
                   work_dir: str,
                   tools_dir: str,
                   train_args: Sequence[str] = ()) -> Tuple[str, dict]:
    """Dump ``cfg`` to ``work_dir/<name>.py``, train it in
    ``work_dir/<name>`` and test the checkpoint ``find_checkpoint`` picks
    (the best one if the config saves one, else the last).

    Args:
        train_args (Sequence[str]): More arguments of ``tools/train.py``,
            e.g. ``['--skip-data-check']`` when the data was checked
            already. Defaults to ().

    Returns:
        tuple[str, dict]: The checkpoint and the test metrics.
    """
    stage_dir = osp.join(work_dir, name)
    config = osp.join(work_dir, f'{name}.py')
    cfg.dump(config)
    run_tool(tools_dir, 'train.py',
             [config, '--work-dir', stage_dir] + list(train_args))
    checkpoint = find_checkpoint(stage_dir)
    metrics = evaluate_checkpoint(config, checkpoint,
                                  osp.join(stage_dir, 'test'), tools_dir)
    return checkpoint, metrics
