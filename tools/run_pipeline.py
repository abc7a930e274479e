# Copyright (c) mmweakseg contributors. All rights reserved.
"""Run the whole method on a dataset: check the data, train the stage-1
classifier, train the reconstruction segmentor with the frozen classifier,
evaluate both and draw the figures.

    python tools/run_pipeline.py DATA_ROOT --work-dir WORK_DIR \
        [--layout annotation|folder] [--make-demo-data]

Every stage runs through ``tools/train.py`` / ``tools/test.py`` on a config
dumped into ``WORK_DIR`` (``classifier.py``, ``segmentor.py``),
so any stage can be rerun or changed by hand.

Errors (data problems found by the checker, an unreadable data root or
annotation file, a config that cannot be loaded, a work dir that cannot be
written, a stage that fails) are printed as one message and the command
exits with code 1; a failure before training removes the work dir it
created.
"""
import argparse
import os.path as osp
import subprocess
import sys
import time
from typing import Optional, Tuple

from mmengine.config import Config, DictAction

import mmweakseg  # noqa: F401
from mmweakseg.datasets import config_crop_size, make_demo_dataset
from mmweakseg.utils import add_dataset_args, created_or_removed
from mmweakseg.workflows import (SPLITS, check_splits, configs_dir,
                                 configure_stage, run_tool,
                                 set_classifier_checkpoint, split_dataset_cfgs,
                                 tools_dir, train_and_test)

CONFIGS = configs_dir()
DEMO_CLS = osp.join(CONFIGS, 'tag_classifier',
                    'tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py')
DEMO_SEG = osp.join(CONFIGS, 'recon_decomp',
                    'recdec_unet-w16_1xb8-10e_weak-demo-64x64.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Two-stage weak segmentation from image tags')
    add_dataset_args(parser)
    parser.add_argument(
        '--make-demo-data',
        action='store_true',
        help='write the embedded demo data to DATA_ROOT first if absent')
    parser.add_argument('--cls-config', default=DEMO_CLS)
    parser.add_argument('--seg-config', default=DEMO_SEG)
    parser.add_argument(
        '--cls-cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument(
        '--seg-cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument(
        '--num-figures', type=int, default=24,
        help='images per group in the mask grids')
    # the background named in the annotation file wins over a default
    parser.set_defaults(background=None)
    return parser.parse_args()


def load_stage_config(path: str, options: dict) -> Config:
    """Load a stage's config and merge its ``--*-cfg-options``."""
    try:
        cfg = Config.fromfile(path)
    except (OSError, SyntaxError) as error:
        raise ValueError(f'{path}: cannot load the config ({error}); '
                         'expected a readable mmseg config file') from error
    cfg.merge_from_dict(options)
    return cfg


def check_data(args: argparse.Namespace,
               crop_size: Optional[Tuple[int, int]]) -> Tuple[dict, list, int]:
    """Check both splits; return the dataset configs, the classes and the
    background index, or raise listing the problems."""
    dataset_cfgs = split_dataset_cfgs(args.data_root, args.layout,
                                      classes=args.classes,
                                      background=args.background)
    reports = check_splits(dataset_cfgs, crop_size)
    for report in reports.values():
        print(report.format())
    problems = sum(len(report.problems) for report in reports.values())
    if problems:
        raise ValueError(
            f'the dataset {args.data_root} has {problems} problem(s), listed '
            'above; fix them first')
    train = reports['train']
    return dataset_cfgs, list(train.classes), train.background_index


def run(args: argparse.Namespace) -> None:
    """Check the data, run both stages and print the summary."""
    start = time.time()
    with created_or_removed(args.work_dir):
        if args.make_demo_data and not osp.isdir(args.data_root):
            make_demo_dataset(args.data_root)
        cls_cfg = load_stage_config(args.cls_config, args.cls_cfg_options)
        seg_cfg = load_stage_config(args.seg_config, args.seg_cfg_options)
        dataset_cfgs, classes, background_index = check_data(
            args, config_crop_size(seg_cfg))
        configure_stage(cls_cfg, dataset_cfgs, classes, background_index)
        configure_stage(seg_cfg, dataset_cfgs, classes, background_index)
        set_classifier_checkpoint(seg_cfg, '')  # checks the loss is there

    # the data was checked above: the stages skip train.py's check
    train_args = ['--skip-data-check']
    cls_ckpt, cls_metrics = train_and_test(cls_cfg, 'classifier',
                                           args.work_dir, train_args)
    set_classifier_checkpoint(seg_cfg, cls_ckpt)
    seg_ckpt, seg_metrics = train_and_test(seg_cfg, 'segmentor',
                                           args.work_dir, train_args)
    seg_config = osp.join(args.work_dir, 'segmentor.py')

    figures_dir = osp.join(args.work_dir, 'figures')
    for split in SPLITS:
        run_tool(
            osp.join('analysis_tools', 'draw_figures.py'),
            [seg_config, seg_ckpt, '--out-dir', figures_dir, '--split', split,
             '--num', str(args.num_figures), '--decompose', '4'])

    print('\n' + '=' * 60)
    nan = float('nan')
    print(f'classifier (stage 1): mAP {cls_metrics.get("mAP", nan):.2f}'
          f'  ({cls_ckpt})')
    print(f'segmentor  (stage 2): mIoU {seg_metrics.get("mIoU", nan):.2f}'
          f'  ({seg_ckpt})')
    for name in classes:
        key = f'IoU.{name}'
        if key in seg_metrics:
            print(f'  IoU {name:<16} {seg_metrics[key]:6.2f}')
    print(f'figures: {figures_dir}')
    print(f'total time: {(time.time() - start) / 60:.1f} min')


def main() -> None:
    args = parse_args()
    try:
        run(args)
    except subprocess.CalledProcessError as error:
        tool = osp.relpath(error.cmd[1], tools_dir())
        sys.exit(f'run_pipeline.py: error: tools/{tool} exited with code '
                 f'{error.returncode} (its messages are above); the configs '
                 f'in {args.work_dir} rerun the stage by hand')
    except (OSError, ValueError) as error:  # incl. WeakTagDataError
        sys.exit(f'run_pipeline.py: error: {error}')


if __name__ == '__main__':
    main()
