# Copyright (c) mmweakseg contributors. All rights reserved.
"""Benchmark the method against its references on a dataset with masks.

    python tools/analysis_tools/benchmark_quality.py DATA_ROOT --work-dir WORK_DIR \
        [--epochs N] [--stage1-checkpoint PATH]

Checks the data, trains the stage-1 classifier once (or reuses
``--stage1-checkpoint``), then

- trains and tests the method's segmentor (``--seg-config``, by default
  the demo segmentor config, read from its file so its tuning applies
  here);
- exports the segmentor's pseudo-labels of the train split (restricted to
  each image's tags) and trains and tests the retrained model on them, a
  standard mmseg model (``--retrain-config``, by default the demo U-Net), the
  usual second stage of weak segmentation, with its own iteration budget;
- tests the CAM baseline of the same classifier (``--cam-config``), at its
  configured background threshold and at the best one of a threshold sweep;
- trains and tests the supervised upper bound (``--sup-config``: the same
  encoder and mask decoder trained with pixel cross-entropy on the masks),
  if every training image has a mask, tested with the method's test-time
  refinement (or without, as the method);

and prints one table of mIoU and per-class IoU, with each model's share of
the supervised mIoU. The method and the supervised model get the same number
of epochs (``--epochs``, by default the method config's); every trained model
is evaluated at its last checkpoint: none is selected with the evaluation
masks. Every run goes through ``tools/train.py`` / ``tools/test.py`` on a
config dumped into ``WORK_DIR`` (``classifier.py``, ``segmentor.py``,
``retrained.py``, ``cam.py``, ``supervised.py``); the pseudo-labels are in
``WORK_DIR/pseudo_labels``.
"""
import argparse
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional

from mmengine.config import Config, DictAction

import mmweakseg  # noqa: F401
from mmweakseg.benchmarks import (QualityRow, average_rows, cam_rows,
                                  format_method_gaps, format_quality_table,
                                  iou_row, model_row_name, retrained_row_name)
from mmweakseg.utils import (add_dataset_args, add_retraining_args,
                             add_stage_config_args)
from mmweakseg.workflows import (check_stage_data, demo_configs,
                                 configure_retraining, configure_stage,
                                 evaluate_checkpoint,
                                 evaluate_classifier_health,
                                 match_test_refinement, run_tool,
                                 set_cam_checkpoint, set_classifier_checkpoint,
                                 set_training_budget, train_and_test)



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
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        help='train the segmentor, the retrained model and the supervised '
        'model once per '
        'seed (in WORK_DIR/seed<S>) and print mean +- std; by default once '
        'with the configs\' seeds')
    add_retraining_args(parser)
    parser.add_argument(
        '--skip-health-check',
        action='store_true',
        help='go on after a classifier that fails the health check')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='overrides applied to all five configs (e.g. dataloaders)')
    add_stage_config_args(parser, demo_configs())
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


def seed_work_dir(work_dir: str, seed: Optional[int]) -> str:
    """``work_dir`` itself for a single run, ``work_dir/seed<S>`` for a run
    of several seeds."""
    if seed is None:
        return work_dir
    path = osp.join(work_dir, f'seed{seed}')
    os.makedirs(path, exist_ok=True)
    return path


def set_seed(cfg: Config, seed: Optional[int]) -> Config:
    """Set ``randomness.seed`` unless ``seed`` is None."""
    if seed is not None:
        cfg.randomness = dict(cfg.get('randomness', {}), seed=seed)
    return cfg


def main() -> None:
    args = parse_args()
    start = time.time()
    minutes: Dict[str, float] = {}
    os.makedirs(args.work_dir, exist_ok=True)

    try:
        reports, stage = check_stage_data(args.data_root, args.layout,
                                          args.classes, args.background)
    except ValueError as error:
        sys.exit(f'benchmark_quality.py: error: {error}')
    for report in reports.values():
        print(report.format())
    if stage is None:
        sys.exit('the dataset has problems (listed above); fix them first')
    if reports['val'].num_masks < reports['val'].num_images:
        sys.exit('the benchmark measures mIoU: every val image needs a mask '
                 f'({reports["val"].num_masks} of '
                 f'{reports["val"].num_images} have one)')
    classes = stage['classes']
    dataset_cfgs = stage['dataset_cfgs']
    with_supervised = (
        reports['train'].num_masks == reports['train'].num_images)

    def timed(name: str, started: float) -> None:
        minutes[name] = minutes.get(name, 0) + (time.time() - started) / 60

    started = time.time()
    if args.stage1_checkpoint:
        cls_ckpt = args.stage1_checkpoint
    else:
        cls_cfg = load_cfg(args.cls_config, args.cfg_options,
                           args.cls_cfg_options)
        configure_stage(cls_cfg, **stage)
        cls_ckpt, cls_metrics = train_and_test(cls_cfg, 'classifier',
                                               args.work_dir)
        print(f'stage-1 classifier: mAP {cls_metrics["mAP"]:.2f} '
              f'({cls_ckpt})')
        health = evaluate_classifier_health(cls_cfg, cls_ckpt, cls_metrics,
                                            reports['val'], args.work_dir)
        print(health.format())
        if not health.ok and not args.skip_health_check:
            sys.exit('benchmark_quality.py: error: the classifier is not '
                     'good enough to supervise the segmentor (see above)')
        timed('stage-1 classifier', started)

    runs: Dict[str, List[QualityRow]] = dict(
        method=[], retrained=[], supervised=[])
    for seed in args.seeds or [None]:
        work_dir = seed_work_dir(args.work_dir, seed)
        started = time.time()
        seg_cfg = load_cfg(args.seg_config, args.cfg_options,
                           args.seg_cfg_options)
        epochs = args.epochs or seg_cfg.train_cfg.max_epochs
        configure_stage(seg_cfg, **stage)
        set_classifier_checkpoint(seg_cfg, cls_ckpt)
        set_training_budget(seg_cfg, epochs)
        set_seed(seg_cfg, seed)
        method_ckpt, method_metrics = train_and_test(seg_cfg, 'segmentor',
                                                     work_dir)
        method_name = model_row_name('method', seg_cfg.model)
        runs['method'].append(iou_row(method_name, method_metrics, classes))
        timed('method', started)

        started = time.time()
        pseudo_label_root = osp.join(work_dir, 'pseudo_labels')
        run_tool('export_pseudo_labels.py', [
            osp.join(work_dir, 'segmentor.py'), method_ckpt, '--split', 'train',
            '--out-dir', pseudo_label_root, '--min-confidence',
            str(args.min_confidence)
        ])
        retrain_cfg = load_cfg(args.retrain_config, args.cfg_options,
                               args.retrain_cfg_options)
        configure_retraining(retrain_cfg, pseudo_label_root,
                             dataset_cfgs['val'], classes)
        set_seed(retrain_cfg, seed)
        _, retrained_metrics = train_and_test(retrain_cfg, 'retrained',
                                              work_dir)
        retrained_name = retrained_row_name(retrain_cfg.model)
        runs['retrained'].append(
            iou_row(retrained_name, retrained_metrics, classes))
        timed('retrained', started)

        if with_supervised:
            started = time.time()
            sup_cfg = load_cfg(args.sup_config, args.cfg_options,
                               args.sup_cfg_options)
            configure_stage(sup_cfg, **stage)
            match_test_refinement(sup_cfg, seg_cfg)
            set_training_budget(sup_cfg, epochs)
            set_seed(sup_cfg, seed)
            _, sup_metrics = train_and_test(sup_cfg, 'supervised', work_dir)
            supervised_name = model_row_name('supervised', sup_cfg.model)
            runs['supervised'].append(
                iou_row(supervised_name, sup_metrics, classes))
            timed('supervised', started)

    started = time.time()
    cam_cfg = load_cfg(args.cam_config, args.cfg_options, args.cam_cfg_options)
    configure_stage(cam_cfg, **stage)
    set_cam_checkpoint(cam_cfg, cls_ckpt)
    cam_config = osp.join(args.work_dir, 'cam.py')
    cam_cfg.dump(cam_config)
    cam_metrics = evaluate_checkpoint(cam_config, cls_ckpt,
                                      osp.join(args.work_dir, 'cam', 'test'))
    timed('CAM', started)

    method = average_rows(method_name, runs['method'])
    retrained = average_rows(retrained_name, runs['retrained'])
    cams = cam_rows(cam_metrics, classes, cam_cfg.model.threshold)
    rows = [method, retrained] + cams
    supervised = None
    if with_supervised:
        supervised = average_rows(supervised_name, runs['supervised'])
        rows.append(supervised)

    seeds = (f'seeds {" ".join(map(str, args.seeds))}, mIoU mean +- std; '
             if args.seeds else '')
    print('\n' + '=' * 72)
    print(f'{args.data_root}: val split, {reports["val"].num_images} images; '
          f'{seeds}method and supervised trained {epochs} epochs, '
          f'retrained model {describe_budget(retrain_cfg)}, last checkpoint '
          'tested')
    print(format_quality_table(rows, classes, supervised))
    for weak in (method, retrained):
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
