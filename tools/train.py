# Copyright (c) mmweakseg contributors. All rights reserved.
"""Train a model of mmweakseg (or of mmseg) from a config.

Same arguments as mmseg 1.2.2's ``tools/train.py``; ``--amp`` also works on
CPU (bfloat16 autocast, :class:`~mmweakseg.engine.BF16AmpOptimWrapper`) and
``--amp-dtype`` picks float16 or bfloat16 on CUDA.

Before the runner is built, the weak-tag datasets of the train and val
dataloaders are checked as ``tools/analysis_tools/check_dataset.py CONFIG``
does (every image and mask decoded, the classes against
``model.num_classes``); a problem stops training with the list of problems
(``--skip-data-check`` skips this). The checkpoint of ``--resume`` or
``load_from`` is loaded and compared with the model first: a truncated file
or one of another model (other layers or number of classes) stops with a
message naming the file and the mismatch, before anything is written. Data
and checkpoint errors exit with the message and code 1, without a
traceback.
"""
import argparse
import logging
import sys

from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmseg.registry import RUNNERS
from mmweakseg.datasets import WeakTagDataError, check_config_datasets
from mmweakseg.engine.optimizers import AMP_DTYPES, set_amp_optim_wrapper
from mmweakseg.utils import (CheckpointMismatchError, add_common_args,
                             check_checkpoint, checkpoint_to_load,
                             load_config, setup_cpu_distributed,
                             teardown_cpu_distributed)


AMP_OPTIM_WRAPPERS = ('AmpOptimWrapper', 'BF16AmpOptimWrapper')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        action='store_true',
        default=False,
        help='resume from the latest checkpoint in the work_dir automatically')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='enable automatic-mixed-precision training (float16 with '
        'dynamic loss scaling on CUDA, bfloat16 autocast on CPU)')
    parser.add_argument(
        '--amp-dtype',
        choices=AMP_DTYPES,
        help='precision of --amp (default: float16 on CUDA, bfloat16 on CPU; '
        'CPU supports bfloat16 only)')
    parser.add_argument(
        '--skip-data-check',
        action='store_true',
        help='do not check the datasets (every image and mask, the classes '
        'against the model) before training')
    add_common_args(parser)
    return parser.parse_args()


def check_data(cfg) -> None:
    """Check the train and val datasets of ``cfg`` and exit listing the
    problems if there are any."""
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    reports = check_config_datasets(cfg, ('train', 'val'))
    problems = sum(len(report.problems) for report in reports.values())
    for report in reports.values():
        print(report.format(statistics=False), flush=True)
    if problems:
        sys.exit(f'train.py: error: the data of {cfg.filename} has '
                 f'{problems} problem(s), listed above; fix them (python '
                 'tools/analysis_tools/check_dataset.py CONFIG lists them '
                 'with statistics) or pass --skip-data-check')


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.cfg_options,
                      args.work_dir, args.local_rank)
    # `--launcher pytorch` without CUDA: gloo and a CPU model wrapper
    cpu_distributed = setup_cpu_distributed(cfg)

    if args.amp:
        if cfg.optim_wrapper.get('type') in AMP_OPTIM_WRAPPERS:
            print_log(
                'AMP training is already enabled in your config.',
                logger='current',
                level=logging.WARNING)
        else:
            # float16 with loss scaling on CUDA, bfloat16 autocast on CPU
            try:
                set_amp_optim_wrapper(cfg, args.amp_dtype)
            except ValueError as error:
                sys.exit(f'train.py: error: --amp: {error}')

    if not args.skip_data_check:
        try:
            check_data(cfg)
        except WeakTagDataError as error:
            sys.exit(f'train.py: error: {error}')
    cfg.resume = args.resume
    checkpoint = checkpoint_to_load(cfg)
    if checkpoint is not None:
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        try:
            check_checkpoint(checkpoint, cfg, resume=cfg.resume)
        except CheckpointMismatchError as error:
            sys.exit(f'train.py: error: {error}')

    try:
        if 'runner_type' not in cfg:
            runner = Runner.from_cfg(cfg)
        else:
            runner = RUNNERS.build(cfg)
        runner.train()
    except WeakTagDataError as error:
        sys.exit(f'train.py: error: {error}')
    if cpu_distributed:
        teardown_cpu_distributed()


if __name__ == '__main__':
    main()
