# Copyright (c) mmweakseg contributors. All rights reserved.
"""Train a model of mmweakseg (or of mmseg) from a config.

Same arguments as mmseg 1.2.2's ``tools/train.py``.
"""
import argparse
import logging

from mmengine.logging import print_log
from mmengine.runner import Runner

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmseg.registry import RUNNERS
from mmweakseg.utils import (add_common_args, load_config,
                             setup_cpu_distributed, teardown_cpu_distributed)


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
        help='enable automatic-mixed-precision training')
    add_common_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.cfg_options,
                      args.work_dir, args.local_rank)
    # `--launcher pytorch` without CUDA: gloo and a CPU model wrapper
    cpu_distributed = setup_cpu_distributed(cfg)

    if args.amp:
        optim_wrapper = cfg.optim_wrapper.type
        if optim_wrapper == 'AmpOptimWrapper':
            print_log(
                'AMP training is already enabled in your config.',
                logger='current',
                level=logging.WARNING)
        else:
            assert optim_wrapper == 'OptimWrapper', (
                '`--amp` is only supported when the optimizer wrapper type is '
                f'`OptimWrapper` but got {optim_wrapper}.')
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'

    cfg.resume = args.resume

    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        runner = RUNNERS.build(cfg)
    runner.train()
    if cpu_distributed:
        teardown_cpu_distributed()


if __name__ == '__main__':
    main()
