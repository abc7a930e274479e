# Copyright (c) mmweakseg contributors. All rights reserved.
"""Run a stage of a multi-stage command through ``tools/train.py`` and
``tools/test.py`` in child processes, on a config dumped into the work
directory, so every stage can be rerun by hand from that file.

Child processes rather than a ``Runner`` in this process: each stage gets
the exact checks and behaviour of the user's own ``tools/train.py`` /
``tools/test.py`` commands, its own OpenMP thread count (benchmarks run two
side by side), fresh registries and default scope, and memory returned to
the system when it ends; a crash of a stage leaves the caller able to
report it. The tools come from :func:`~.tool_scripts.tools_dir`.
"""
import os
import os.path as osp
import subprocess
import sys
from typing import Optional, Sequence, Tuple

from mmengine.config import Config

from .tool_scripts import tools_dir
from .two_stage_pipeline import (find_checkpoint, has_test_metrics,
                                 read_test_metrics)

# written into a stage's folder once its training has completed
TRAINING_FINISHED = 'training_finished'


def run_tool(tool: str,
             args: Sequence[str],
             log_file: Optional[str] = None,
             num_threads: Optional[int] = None) -> None:
    """Run the tool ``tool`` with the current Python, failing loudly.

    Args:
        tool (str): Script path relative to the tools folder
            (:func:`~.tool_scripts.tools_dir`), e.g. 'train.py'.
        args (Sequence[str]): Its command-line arguments.
        log_file (str, optional): Append the tool's output to this file
            instead of printing it (for tools run side by side).
            Defaults to None.
        num_threads (int, optional): ``OMP_NUM_THREADS`` of the tool.
            Defaults to None: inherited.

    Raises:
        subprocess.CalledProcessError: If the tool exits with an error.
    """
    command = [sys.executable, osp.join(tools_dir(), tool)] + list(args)
    env = dict(os.environ)
    if num_threads is not None:
        env['OMP_NUM_THREADS'] = str(num_threads)
    if log_file is None:
        print(f'\n$ {" ".join(command)}', flush=True)
        subprocess.run(command, check=True, env=env)
        return
    with open(log_file, 'a') as log:
        log.write(f'\n$ {" ".join(command)}\n')
        log.flush()
        subprocess.run(command,
                       check=True,
                       env=env,
                       stdout=log,
                       stderr=subprocess.STDOUT)


def evaluate_checkpoint(config: str,
                        checkpoint: str,
                        test_dir: str,
                        extra_args: Sequence[str] = (),
                        rerun: bool = False,
                        **run_kwargs) -> dict:
    """Evaluate ``checkpoint`` with ``tools/test.py`` on ``config``, or
    return the metrics a finished evaluation left in ``test_dir``.

    Args:
        extra_args (Sequence[str]): More arguments of ``tools/test.py``,
            e.g. ``['--cfg-options', ...]``. Defaults to ().
        rerun (bool): Evaluate even if ``test_dir`` has metrics (made with
            other test settings; they stay, and the new run's are read).
            Defaults to False.
        **run_kwargs: ``log_file`` and ``num_threads`` of :func:`run_tool`.

    Returns:
        dict: The test metrics.
    """
    if rerun or not has_test_metrics(test_dir):
        run_tool('test.py',
                 [config, checkpoint, '--work-dir', test_dir, *extra_args],
                 **run_kwargs)
    return read_test_metrics(test_dir)


def train_and_test(cfg: Config,
                   name: str,
                   work_dir: str,
                   train_args: Sequence[str] = (),
                   test: bool = True,
                   **run_kwargs) -> Tuple[str, dict]:
    """Dump ``cfg`` to ``work_dir/<name>.py``, train it in
    ``work_dir/<name>`` and test the checkpoint ``find_checkpoint`` picks
    (the best one if the config saves one, else the last).

    What a previous call finished in ``work_dir`` is not recomputed: a
    training that completed (``TRAINING_FINISHED`` written in its folder
    after ``tools/train.py`` succeeded) is not run again, an interrupted
    one resumes from its last checkpoint (``--resume``), and finished test
    metrics are read back (:func:`evaluate_checkpoint`), unless ``cfg``
    tests the model otherwise than the finished run's dumped config
    (another ``model.test_cfg``, e.g. a test-time refinement added): then
    the dumped config takes ``cfg``'s ``model.test_cfg`` and the
    checkpoint is tested again.

    Args:
        train_args (Sequence[str]): More arguments of ``tools/train.py``,
            e.g. ``['--skip-data-check']`` when the data was checked
            already. Defaults to ().
        test (bool): Test the checkpoint. Defaults to True.
        **run_kwargs: ``log_file`` and ``num_threads`` of :func:`run_tool`.

    Returns:
        tuple[str, dict]: The checkpoint and the test metrics (empty
        without ``test``).
    """
    stage_dir = osp.join(work_dir, name)
    config = osp.join(work_dir, f'{name}.py')
    finished = osp.join(stage_dir, TRAINING_FINISHED)
    retest = False
    if not osp.isfile(finished):
        cfg.dump(config)
        run_tool('train.py',
                 [config, '--work-dir', stage_dir, '--resume', *train_args],
                 **run_kwargs)
        with open(finished, 'w') as file:
            file.write(find_checkpoint(stage_dir) + '\n')
    elif test:
        retest = _take_test_cfg(config, cfg)
    checkpoint = find_checkpoint(stage_dir)
    metrics = {}
    if test:
        metrics = evaluate_checkpoint(config,
                                      checkpoint,
                                      osp.join(stage_dir, 'test'),
                                      rerun=retest,
                                      **run_kwargs)
    return checkpoint, metrics


def _take_test_cfg(config: str, cfg: Config) -> bool:
    """Give the dumped ``config`` of a finished training the test-time
    settings of ``cfg`` (``model.test_cfg``).

    Returns:
        bool: True if they differed (the config file is rewritten and
        earlier test metrics no longer describe it), else False.
    """
    dumped = Config.fromfile(config)
    wanted = cfg.model.get('test_cfg')
    if dumped.model.get('test_cfg') == wanted:
        return False
    dumped.model.test_cfg = wanted
    dumped.dump(config)
    return True
