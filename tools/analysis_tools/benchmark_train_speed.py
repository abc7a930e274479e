# Copyright (c) mmweakseg contributors. All rights reserved.
"""Training speed of a config: mmengine's runner against a plain PyTorch
loop, in one process, on the same model, optimizer settings and batches.

Prints images per second of both and their ratio, peak memory, the split
of a runner iteration (data loading, ``train_step``, each hook) and of the
training step (data preprocessor, forward and backward of the backbone,
each decoder and each loss, optimizer step). Nothing is saved but the
runner's log in ``--work-dir`` (a temporary directory by default).

Examples::

    python tools/analysis_tools/benchmark_train_speed.py \\
        configs/recon_decomp/recdec_unet-w16_1xb8-10e_weak-demo-64x64.py
    python tools/analysis_tools/benchmark_train_speed.py CONFIG.py \\
        --iters 30 --warmup 5 --amp --channels-last
    python tools/analysis_tools/benchmark_train_speed.py CONFIG.py \\
        --no-channels-last  # the reference layout of a channels-last config
"""
import argparse
import tempfile
from typing import List, Optional

from mmengine.config import DictAction
from mmengine.runner import Runner

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmseg.registry import RUNNERS
from mmweakseg.engine.optimizers import AMP_DTYPES
from mmweakseg.utils import load_config
from mmweakseg.benchmarks.train_speed import (benchmark_train_speed,
                                                   configure_benchmark,
                                                   format_report)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Benchmark training: runner against a plain loop')
    parser.add_argument('config', help='training config file path')
    parser.add_argument(
        '--iters', type=int, default=20, help='timed iterations')
    parser.add_argument(
        '--warmup',
        type=int,
        default=5,
        help='untimed iterations before them (>= 1)')
    parser.add_argument(
        '--batch-size', type=int, help='override the training batch size')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: float16 with loss scaling on CUDA, bfloat16 '
        'autocast on CPU')
    parser.add_argument(
        '--amp-dtype',
        choices=AMP_DTYPES,
        help='dtype of mixed precision (implies --amp)')
    parser.add_argument(
        '--channels-last',
        action=argparse.BooleanOptionalAction,
        help='store the 4-D weights channels last (ChannelsLastHook); '
        '--no-channels-last trains without, removing the config\'s hook '
        '(default: as the config says)')
    parser.add_argument(
        '--work-dir',
        help='where the runner writes its log (default: a temporary dir)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_dir:
        cfg = load_config(
            args.config,
            cfg_options=args.cfg_options,
            work_dir=args.work_dir or tmp_dir)
        configure_benchmark(cfg, args.iters, args.warmup, args.batch_size,
                            args.amp or args.amp_dtype is not None,
                            args.amp_dtype, args.channels_last)
        runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg \
            else RUNNERS.build(cfg)
        report = benchmark_train_speed(runner, args.iters, args.warmup)
    print(f'config: {args.config}')
    print(format_report(report))


if __name__ == '__main__':
    main()
