# Copyright (c) mmweakseg contributors. All rights reserved.
"""The whole weak segmentation result from image tags in one command: check
the data, train the classifier (stage 1), train the reconstruction
segmentor with the frozen classifier (stage 2), export its pseudo-labels of
the train split, retrain a standard mmseg model on them, evaluate
everything that can be evaluated, compute the CAM reference, draw the
figures and the training curves, and print one table.

    python tools/run_pipeline.py DATA_ROOT --work-dir WORK_DIR \
        [--layout annotation|folder] [--make-demo-data] [--skip-retrain] \
        [--budget auto|config]

Every stage runs through ``tools/train.py`` / ``tools/test.py`` on a config
dumped into ``WORK_DIR`` (``classifier.py``, ``segmentor.py``,
``retrained.py``, ``cam.py``), so any stage can be rerun or changed by
hand. The trained stages' schedules follow the number of training images
(``--budget auto``, see :mod:`mmweakseg.workflows.training_budget`; each is
printed when its stage starts) or are the configs' own (``--budget
config``). Running the command again on the same ``WORK_DIR`` continues: a
finished stage is not recomputed, an interrupted training resumes.

mIoU needs val masks: with some, the IoU metrics are over the images that
have one; with none, the command says so and reports the tag metrics
(classifier mAP, the segmentor's tag mAP) and skips the CAM reference.

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
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config

import mmweakseg  # noqa: F401
from mmweakseg.benchmarks import (cam_rows, format_quality_table, iou_row,
                                  retrained_row_name)
from mmweakseg.datasets import (DatasetReport, config_crop_size,
                                make_demo_dataset)
from mmweakseg.utils import (add_dataset_args, add_retraining_args,
                             add_stage_config_args, created_or_removed)
from mmweakseg.visualization.curves import plot_curves
from mmweakseg.workflows import (
    SPLITS, apply_training_budget, check_splits, configure_retraining,
    configure_stage, demo_configs, evaluate_checkpoint,
    evaluate_classifier_health, plan_training_budget, run_tool,
    set_cam_checkpoint, set_classifier_checkpoint, split_dataset_cfgs,
    tools_dir, train_and_test)

# trained stages, in order; each has a config and a folder of that name
TRAINED_STAGES = ('classifier', 'segmentor', 'retrained')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Two-stage weak segmentation from image tags')
    add_dataset_args(parser)
    parser.add_argument(
        '--make-demo-data',
        action='store_true',
        help='write the embedded demo data to DATA_ROOT first if absent')
    # --retrain-config: the mmseg model retrained on the pseudo-labels
    demo = demo_configs()
    add_stage_config_args(
        parser, {stage: demo[stage]
                 for stage in ('cls', 'seg', 'retrain', 'cam')})
    parser.add_argument(
        '--skip-retrain',
        action='store_true',
        help='stop after the segmentor: no pseudo-labels, no retrained '
        'model')
    add_retraining_args(parser)
    parser.add_argument(
        '--skip-health-check',
        action='store_true',
        help='go on after a classifier that fails the health check '
        '(near chance, or memorised its training images)')
    parser.add_argument(
        '--budget',
        choices=['auto', 'config'],
        default='auto',
        help='training schedules: auto scales each config\'s schedule to '
        'the number of training images (configs name the size their '
        'schedule is for in budget_reference_images); config keeps the '
        'schedules as written, --*-cfg-options train_cfg.max_epochs=N '
        'included')
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


def check_data(
    args: argparse.Namespace, crop_size: Optional[Tuple[int, int]]
) -> Tuple[dict, list, int, Dict[str, DatasetReport]]:
    """Check both splits; return the dataset configs, the classes, the
    background index and the reports, or raise listing the problems."""
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
    return (dataset_cfgs, list(train.classes), train.background_index,
            reports)


def draw_curves(work_dir: str, figures_dir: str) -> List[str]:
    """One PNG of losses and val metrics per trained stage found."""
    paths = []
    for stage in TRAINED_STAGES:
        stage_dir = osp.join(work_dir, stage)
        if osp.isdir(stage_dir):
            paths.append(
                plot_curves([stage_dir],
                            osp.join(figures_dir, f'curves_{stage}.png'),
                            title=stage))
    return paths


def print_summary(results: dict, classes: List[str],
                  reports: Dict[str, DatasetReport]) -> None:
    """The final table: classifier mAP, then the mIoU of every evaluated
    model where the val split has masks, else the tag metrics only."""
    print('\n' + '=' * 72)
    val = reports['val']
    print(f'val split: {val.num_images} images, {val.num_masks} with a mask')
    nan = float('nan')
    cls_ckpt, cls_metrics = results['classifier']
    print(f'classifier: mAP {cls_metrics.get("mAP", nan):.2f}  ({cls_ckpt})')
    seg_ckpt, seg_metrics = results['segmentor']
    print(f'segmentor: tag mAP {seg_metrics.get("mAP", nan):.2f}  '
          f'({seg_ckpt})')
    if 'retrained' in results:
        print(f'retrained: {results["retrained"][0]}')
    if not val.num_masks:
        print('no val masks: no mIoU; judge the masks from the figures')
        return
    rows = [iou_row('segmentor (method)', seg_metrics, classes)]
    if 'retrained' in results:
        rows.append(
            iou_row(results['retrained_name'], results['retrained'][1],
                    classes))
    rows += cam_rows(results['cam'], classes, results['cam_threshold'])
    print(format_quality_table(rows, classes))
    print('(CAM at the best threshold was chosen with the val masks: an '
          'oracle reference, not a weak result)')


def run(args: argparse.Namespace) -> None:
    """Check the data, run every stage and print the summary."""
    start = time.time()
    with created_or_removed(args.work_dir):
        if args.make_demo_data and not osp.isdir(args.data_root):
            make_demo_dataset(args.data_root)
        cls_cfg = load_stage_config(args.cls_config, args.cls_cfg_options)
        seg_cfg = load_stage_config(args.seg_config, args.seg_cfg_options)
        retrain_cfg = load_stage_config(args.retrain_config,
                                        args.retrain_cfg_options)
        cam_cfg = load_stage_config(args.cam_config, args.cam_cfg_options)
        dataset_cfgs, classes, background_index, reports = check_data(
            args, config_crop_size(seg_cfg))
        for cfg in (cls_cfg, seg_cfg, cam_cfg):
            configure_stage(cfg, dataset_cfgs, classes, background_index)
        set_classifier_checkpoint(seg_cfg, '')  # checks the loss is there
        pseudo_label_root = osp.join(args.work_dir, 'pseudo_labels')
        configure_retraining(retrain_cfg, pseudo_label_root,
                             dataset_cfgs['val'], classes)
        budgets = {}
        for stage, cfg in zip(TRAINED_STAGES,
                              (cls_cfg, seg_cfg, retrain_cfg)):
            budgets[stage] = plan_training_budget(
                cfg, stage, reports['train'].num_images,
                scale=args.budget == 'auto')
            apply_training_budget(cfg, budgets[stage])
    with_masks = reports['val'].num_masks > 0

    # the data was checked above: the stages skip train.py's check
    train_args = ['--skip-data-check']
    results = {}
    print(budgets['classifier'].format())
    results['classifier'] = train_and_test(cls_cfg, 'classifier',
                                           args.work_dir, train_args)
    cls_ckpt = results['classifier'][0]
    health = evaluate_classifier_health(cls_cfg, cls_ckpt,
                                        results['classifier'][1],
                                        reports['val'], args.work_dir)
    print(health.format())
    if not health.ok and not args.skip_health_check:
        raise ValueError(
            'the classifier is not good enough to supervise the segmentor '
            f'(see the health check above; the classifier is in '
            f'{osp.join(args.work_dir, "classifier")}, rerun with '
            '--skip-health-check to go on)')
    set_classifier_checkpoint(seg_cfg, cls_ckpt)
    print(budgets['segmentor'].format())
    results['segmentor'] = train_and_test(seg_cfg, 'segmentor', args.work_dir,
                                          train_args)
    seg_config = osp.join(args.work_dir, 'segmentor.py')

    if not args.skip_retrain:
        if not osp.isfile(
                osp.join(pseudo_label_root, 'annotations', 'train.json')):
            run_tool('export_pseudo_labels.py', [
                seg_config, results['segmentor'][0], '--split', 'train',
                '--out-dir', pseudo_label_root, '--min-confidence',
                str(args.min_confidence)
            ])
        print(budgets['retrained'].format())
        results['retrained'] = train_and_test(
            retrain_cfg, 'retrained', args.work_dir, train_args,
            test=with_masks)
        results['retrained_name'] = retrained_row_name(retrain_cfg.model)

    if with_masks:
        set_cam_checkpoint(cam_cfg, cls_ckpt)
        cam_config = osp.join(args.work_dir, 'cam.py')
        cam_cfg.dump(cam_config)
        results['cam'] = evaluate_checkpoint(
            cam_config, cls_ckpt, osp.join(args.work_dir, 'cam', 'test'))
        results['cam_threshold'] = cam_cfg.model.threshold

    figures_dir = osp.join(args.work_dir, 'figures')
    for split in SPLITS:
        run_tool(
            osp.join('analysis_tools', 'draw_figures.py'),
            [seg_config, results['segmentor'][0], '--out-dir', figures_dir,
             '--split', split, '--num', str(args.num_figures),
             '--decompose', '4'])
    curves = draw_curves(args.work_dir, figures_dir)

    print_summary(results, classes, reports)
    if not args.skip_retrain:
        print(f'pseudo-labels: {pseudo_label_root}')
    print(f'figures: {figures_dir} (curves: '
          f'{", ".join(osp.basename(path) for path in curves)})')
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
