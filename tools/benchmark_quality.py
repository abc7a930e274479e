# Copyright (c) mmweakseg contributors. All rights reserved.
"""Benchmark the method against its references on a dataset with masks.

    python tools/benchmark_quality.py DATA_ROOT --work-dir WORK_DIR \
        [--epochs N] [--stage1-checkpoint PATH]

Checks the data, trains the stage-1 classifier once (or reuses
``--stage1-checkpoint``), then

- trains and tests the method (``--seg-config``, by default the demo
  segmentor config, read from its file so its tuning applies here);
- exports the method's pseudo-labels of the train split (restricted to each
  image's tags) and trains and tests a standard mmseg model on them
  (``--stage2-config``, by default the demo FCN), the usual second stage of
  weak segmentation, with its own iteration budget;
- tests the CAM baseline of the same classifier (``--cam-config``), at its
  configured background threshold and at the best one of a threshold sweep;
- trains and tests the supervised upper bound (``--sup-config``: the same
  encoder and mask decoder trained with pixel cross-entropy on the masks),
  if every training image has a mask;

and prints one table of mIoU and per-class IoU, with each model's share of
the supervised mIoU. The method and the supervised model get the same number
of epochs (``--epochs``, by default the method config's); every trained model
is evaluated at its last checkpoint: none is selected with the evaluation
masks. Every run goes through ``tools/train.py`` / ``tools/test.py`` on a
config dumped into ``WORK_DIR`` (``stage1_classifier.py``, ``method.py``,
``stage2.py``, ``cam.py``, ``supervised.py``); the pseudo-labels are in
``WORK_DIR/pseudo_labels``.
"""
import argparse
import os
import os.path as osp
import sys
import time
from typing import Dict

from mmengine.config import Config, DictAction

import mmweakseg  # noqa: F401
from mmweakseg.apis import (cam_rows, check_splits,
                            configure_pseudo_label_stage, configure_stage,
                            evaluate_checkpoint, format_method_gaps,
                            format_quality_table, iou_row, run_tool,
                            set_cam_checkpoint, set_classifier_checkpoint,
                            set_training_budget, split_dataset_cfgs,
                            train_and_test)
from mmweakseg.utils import add_dataset_args

TOOLS = osp.dirname(osp.abspath(__file__))
CONFIGS = osp.join(osp.dirname(TOOLS), 'configs')
DEMO_CLS = osp.join(CONFIGS, 'tag_classifier',
                    'tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py')
DEMO_SEG = osp.join(CONFIGS, 'recon_decomp',
                    'recdec_unet-w16_1xb8-20e_weak-demo-64x64.py')
DEMO_CAM = osp.join(CONFIGS, 'cam',
                    'cam_tagcls-r18-w32-os8_weak-demo-64x64.py')
DEMO_SUP = osp.join(CONFIGS, 'supervised',
                    'pixel-ce_unet-w16_1xb8-20e_weak-demo-64x64.py')
DEMO_STAGE2 = osp.join(CONFIGS, 'stage2',
                       'fcn_r18-w16-d8_1xb16-1k_weak-demo-pseudo-64x64.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Method vs. CAM baseline vs. supervised upper bound')
    add_dataset_args(parser)
    parser.add_argument(
        '--epochs',
        type=int,
        help='epochs of the method and of the supervised model '
        '(default: the method config\'s)')
    parser.add_argument(
        '--stage1-checkpoint',
        help='reuse this trained stage-1 classifier instead of training one')
    parser.add_argument('--cls-config', default=DEMO_CLS)
    parser.add_argument('--seg-config', default=DEMO_SEG)
    parser.add_argument('--cam-config', default=DEMO_CAM)
    parser.add_argument('--sup-config', default=DEMO_SUP)
    parser.add_argument('--stage2-config', default=DEMO_STAGE2)
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='overrides applied to all five configs (e.g. dataloaders)')
    for stage in ('cls', 'seg', 'cam', 'sup', 'stage2'):
        parser.add_argument(
            f'--{stage}-cfg-options',
            nargs='+',
            action=DictAction,
            default={},
            help=f'overrides of --{stage}-config only')
    return parser.parse_args()


def load_cfg(config: str, *options: Dict) -> Config:
    """Load ``config`` and merge each dict of overrides into it."""
    cfg = Config.fromfile(config)
    for overrides in options:
        cfg.merge_from_dict(overrides)
    return cfg


def describe_budget(cfg: Config) -> str:
    """'N iterations' or 'N epochs', as the config's train loop counts."""
    if 'max_iters' in cfg.train_cfg:
        return f'{cfg.train_cfg.max_iters} iterations'
    return f'{cfg.train_cfg.max_epochs} epochs'


def main() -> None:
    args = parse_args()
    start = time.time()
    minutes: Dict[str, float] = {}
    os.makedirs(args.work_dir, exist_ok=True)

    dataset_cfgs = split_dataset_cfgs(
        args.data_root,
        args.layout,
        classes=args.classes,
        background=args.background)
    reports = check_splits(dataset_cfgs)
    for report in reports.values():
        print(report.format())
    if any(report.problems for report in reports.values()):
        sys.exit('the dataset has problems (listed above); fix them first')
    if reports['val'].num_masks < reports['val'].num_images:
        sys.exit('the benchmark measures mIoU: every val image needs a mask '
                 f'({reports["val"].num_masks} of '
                 f'{reports["val"].num_images} have one)')
    classes = list(reports['train'].classes)
    stage = dict(
        dataset_cfgs=dataset_cfgs,
        classes=classes,
        background_index=classes.index(args.background))

    def timed(name: str, started: float) -> None:
        minutes[name] = (time.time() - started) / 60

    started = time.time()
    if args.stage1_checkpoint:
        cls_ckpt = args.stage1_checkpoint
    else:
        cls_cfg = load_cfg(args.cls_config, args.cfg_options,
                           args.cls_cfg_options)
        configure_stage(cls_cfg, **stage)
        cls_ckpt, cls_metrics = train_and_test(cls_cfg, 'stage1_classifier',
                                               args.work_dir, TOOLS)
        print(f'stage-1 classifier: mAP {cls_metrics["mAP"]:.2f} '
              f'({cls_ckpt})')
        timed('stage-1 classifier', started)

    started = time.time()
    seg_cfg = load_cfg(args.seg_config, args.cfg_options, args.seg_cfg_options)
    epochs = args.epochs or seg_cfg.train_cfg.max_epochs
    configure_stage(seg_cfg, **stage)
    set_classifier_checkpoint(seg_cfg, cls_ckpt)
    set_training_budget(seg_cfg, epochs)
    method_ckpt, method_metrics = train_and_test(seg_cfg, 'method',
                                                 args.work_dir, TOOLS)
    timed('method', started)

    started = time.time()
    pseudo_label_root = osp.join(args.work_dir, 'pseudo_labels')
    run_tool(TOOLS, 'export_pseudo_labels.py', [
        osp.join(args.work_dir, 'method.py'), method_ckpt, '--split', 'train',
        '--out-dir', pseudo_label_root
    ])
    stage2_cfg = load_cfg(args.stage2_config, args.cfg_options,
                          args.stage2_cfg_options)
    configure_pseudo_label_stage(stage2_cfg, pseudo_label_root,
                                 dataset_cfgs['val'], classes)
    _, stage2_metrics = train_and_test(stage2_cfg, 'stage2', args.work_dir,
                                       TOOLS)
    timed('stage 2', started)

    started = time.time()
    cam_cfg = load_cfg(args.cam_config, args.cfg_options, args.cam_cfg_options)
    configure_stage(cam_cfg, **stage)
    set_cam_checkpoint(cam_cfg, cls_ckpt)
    cam_config = osp.join(args.work_dir, 'cam.py')
    cam_cfg.dump(cam_config)
    cam_metrics = evaluate_checkpoint(cam_config, cls_ckpt,
                                      osp.join(args.work_dir, 'cam', 'test'),
                                      TOOLS)
    timed('CAM', started)

    method = iou_row('method', method_metrics, classes)
    stage2 = iou_row(f'stage 2 ({stage2_cfg.model.decode_head.type} on '
                     'pseudo-labels)', stage2_metrics, classes)
    cams = cam_rows(cam_metrics, classes, cam_cfg.model.threshold)
    rows = [method, stage2] + cams
    supervised = None
    if reports['train'].num_masks == reports['train'].num_images:
        started = time.time()
        sup_cfg = load_cfg(args.sup_config, args.cfg_options,
                           args.sup_cfg_options)
        configure_stage(sup_cfg, **stage)
        set_training_budget(sup_cfg, epochs)
        _, sup_metrics = train_and_test(sup_cfg, 'supervised', args.work_dir,
                                        TOOLS)
        supervised = iou_row('supervised', sup_metrics, classes)
        rows.append(supervised)
        timed('supervised', started)

    print('\n' + '=' * 72)
    print(f'{args.data_root}: val split, {reports["val"].num_images} images; '
          f'method and supervised trained {epochs} epochs, stage 2 '
          f'{describe_budget(stage2_cfg)}, last checkpoint tested')
    print(format_quality_table(rows, classes, supervised))
    for weak in (method, stage2):
        print(format_method_gaps(weak, cams, supervised))
    if supervised is None:
        print('no supervised upper bound: '
              f'{reports["train"].num_masks} of '
              f'{reports["train"].num_images} training images have a mask')
    print('minutes: ' + ', '.join(f'{name} {value:.1f}'
                                  for name, value in minutes.items()) +
          f', total {(time.time() - start) / 60:.1f}')


if __name__ == '__main__':
    main()
