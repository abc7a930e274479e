# Copyright (c) mmweakseg contributors. All rights reserved.
"""Test (and evaluate) a model of mmweakseg (or of mmseg).

Same arguments as mmseg 1.2.2's ``tools/test.py``. The checkpoint is
loaded and compared with the model first: a truncated file or one of
another model stops with a message naming the file and the mismatch. Data
and checkpoint errors exit with the message and code 1, without a
traceback.
"""
import argparse
import sys

from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmweakseg.datasets import WeakTagDataError
from mmweakseg.utils import (CheckpointMismatchError, add_common_args,
                             check_checkpoint, load_config,
                             setup_cpu_distributed, teardown_cpu_distributed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out',
        type=str,
        help='the directory to save output predictions for offline '
        'evaluation')
    parser.add_argument(
        '--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory where painted images will be saved. If specified, '
        'it is created under work_dir/timestamp/')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--tta', action='store_true', help='Test time augmentation')
    add_common_args(parser)
    return parser.parse_args()


def trigger_visualization_hook(cfg: Config,
                               args: argparse.Namespace) -> Config:
    """Switch on the visualization hook for ``--show`` / ``--show-dir``."""
    default_hooks = cfg.default_hooks
    if 'visualization' not in default_hooks:
        raise RuntimeError(
            'VisualizationHook must be included in default_hooks. Refer to '
            'usage "visualization=dict(type=\'SegVisualizationHook\')"')
    visualization_hook = default_hooks['visualization']
    visualization_hook['draw'] = True
    if args.show:
        visualization_hook['show'] = True
        visualization_hook['wait_time'] = args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = args.show_dir
    return cfg


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.cfg_options,
                      args.work_dir, args.local_rank)
    # `--launcher pytorch` without CUDA: gloo and a CPU model wrapper
    cpu_distributed = setup_cpu_distributed(cfg)
    cfg.load_from = args.checkpoint
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    try:
        check_checkpoint(args.checkpoint, cfg, resume=False)
    except CheckpointMismatchError as error:
        sys.exit(f'test.py: error: {error}')

    if args.show or args.show_dir:
        cfg = trigger_visualization_hook(cfg, args)

    if args.tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model

    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True

    try:
        runner = Runner.from_cfg(cfg)
        runner.test()
    except WeakTagDataError as error:
        sys.exit(f'test.py: error: {error}')
    if cpu_distributed:
        teardown_cpu_distributed()


if __name__ == '__main__':
    main()
