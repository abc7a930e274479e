# Copyright (c) mmweakseg contributors. All rights reserved.
"""Train a model of mmweakseg (or of mmseg) from a config.

Same arguments as mmseg 1.2.2's ``tools/train.py``; ``--amp`` also works on
CPU (bfloat16 autocast, :class:`~mmweakseg.engine.BF16AmpOptimWrapper`) and
``--amp-dtype`` picks float16 or bfloat16 on CUDA.
"""
import argparse
import logging
import sys

from mmengine.logging import print_log
from mmengine.runner import Runner

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmseg.registry import RUNNERS
from mmweakseg.engine.optimizers import AMP_DTYPES, set_amp_optim_wrapper
from mmweakseg.utils import (add_common_args, load_config,
                             setup_cpu_distributed, teardown_cpu_distributed)


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
    add_common_args(parser)
    return parser.parse_args()


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
