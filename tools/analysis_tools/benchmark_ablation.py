# Copyright (c) mmweakseg contributors. All rights reserved.
"""Ablation of the method's components, mean +- std over seeds.

    python tools/analysis_tools/benchmark_ablation.py DATA_ROOT \
        --work-dir WORK_DIR --stage1-checkpoint CKPT \
        --configs A.py B.py ... [--seeds 0 1 2] [--jobs 2]

Trains every segmentor config once per seed on DATA_ROOT (annotation or
folder layout, as ``tools/run_pipeline.py``), with the frozen stage-1
classifier ``CKPT`` in every loss that uses one, tests the last checkpoint
(none is selected with the val masks) twice, without test-time refinement
(``plain``) and with ``model.test_cfg.refine=dict(type=
'PixelAdaptiveRefinement')`` (``refined``), and prints one table: mIoU mean +- std over the seeds, each seed's mIoU and the mean
IoU per class. The ladder of the README's ablation is
``configs/recon_decomp/ablation/``. Each run goes through
``tools/train.py`` / ``tools/test.py`` on a config dumped to
``WORK_DIR/<config name>/seed<S>.py``; finished trainings and tests are
not repeated and an interrupted training resumes, so a stopped ablation
continues where it was. ``--jobs 2`` runs two trainings side by side with one OpenMP
thread each (their logs go to ``seed<S>.log``): on a 2-core machine that is
faster than one 2-thread run at a time, but the thread count changes the
summation order, so compare only runs made with the same ``--jobs``.
"""
import argparse
import os
import os.path as osp
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

from mmengine.config import Config, DictAction

import mmweakseg  # noqa: F401
from mmweakseg.benchmarks import (QualityRow, average_rows,
                                  format_quality_table, iou_row)
from mmweakseg.utils import add_dataset_args
from mmweakseg.workflows import (check_stage_data, configure_stage,
                                 evaluate_checkpoint, run_tool,
                                 set_classifier_checkpoint,
                                 set_training_budget)

# tools/test.py overrides of the two evaluations of every run
TEST_VARIANTS = dict(
    plain='model.test_cfg.refine=None',
    refined='model.test_cfg.refine.type=PixelAdaptiveRefinement')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Ablation of segmentor configs over seeds')
    add_dataset_args(parser)
    parser.add_argument(
        '--configs', nargs='+', required=True, help='segmentor configs')
    parser.add_argument(
        '--stage1-checkpoint',
        required=True,
        help='the trained stage-1 classifier every config uses')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2],
        help='random seeds (a mean +- std needs at least 2)')
    parser.add_argument(
        '--jobs', type=int, default=1,
        help='trainings run side by side, one OpenMP thread each if > 1')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='train with automatic mixed precision (tools/train.py --amp: '
        'bfloat16 on CPU)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='overrides applied to every config')
    return parser.parse_args()


def run_name(config: str) -> str:
    """The folder name of a config's runs: its file name without suffix."""
    return osp.splitext(osp.basename(config))[0]


def train_seed(config: str, seed: int, args: argparse.Namespace,
               stage: dict) -> Dict[str, dict]:
    """Train ``config`` with ``seed`` (unless it finished before; an
    interrupted run resumes) and test its last checkpoint without and with
    test-time refinement.

    Returns:
        dict: Test metrics under ``'plain'`` and ``'refined'``.
    """
    work_dir = osp.join(args.work_dir, run_name(config))
    os.makedirs(work_dir, exist_ok=True)
    name = f'seed{seed}'
    run_kwargs = dict(
        log_file=osp.join(work_dir, f'{name}.log'),
        num_threads=1 if args.jobs > 1 else None)
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(args.cfg_options)
    configure_stage(cfg, **stage)
    set_classifier_checkpoint(cfg, args.stage1_checkpoint)
    set_training_budget(cfg, cfg.train_cfg.max_epochs)
    cfg.randomness = dict(cfg.get('randomness', {}), seed=seed)
    config_file = osp.join(work_dir, f'{name}.py')
    run_dir = osp.join(work_dir, name)
    checkpoint = osp.join(run_dir, f'epoch_{cfg.train_cfg.max_epochs}.pth')
    if not osp.isfile(checkpoint):
        cfg.dump(config_file)
        run_tool('train.py',
                 [config_file, '--work-dir', run_dir, '--resume'] +
                 ['--amp'] * args.amp, **run_kwargs)
    metrics = {}
    for variant, option in TEST_VARIANTS.items():
        metrics[variant] = evaluate_checkpoint(
            config_file, checkpoint, osp.join(run_dir, f'test_{variant}'),
            ['--cfg-options', option], **run_kwargs)
    return metrics


def main() -> None:
    args = parse_args()
    start = time.time()
    if not osp.isfile(args.stage1_checkpoint):
        sys.exit('benchmark_ablation.py: error: --stage1-checkpoint '
                 f'{args.stage1_checkpoint!r} is not a file; expected the '
                 'checkpoint of a trained stage-1 classifier')
    try:
        reports, stage = check_stage_data(args.data_root, args.layout,
                                          args.classes, args.background)
    except ValueError as error:
        sys.exit(f'benchmark_ablation.py: error: {error}')
    if stage is None:
        for report in reports.values():
            print(report.format())
        sys.exit('the dataset has problems (listed above); fix them first')
    classes = stage['classes']

    jobs = [(config, seed) for config in args.configs for seed in args.seeds]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(
            pool.map(lambda job: train_seed(*job, args, stage), jobs))
    by_config: Dict[str, List[Dict[str, dict]]] = {}
    for (config, _), result in zip(jobs, results):
        by_config.setdefault(config, []).append(result)

    rows: List[QualityRow] = []
    for config, seed_results in by_config.items():
        for variant in TEST_VARIANTS:
            name = f'{run_name(config)} ({variant})'
            rows.append(
                average_rows(name, [
                    iou_row(name, metrics[variant], classes)
                    for metrics in seed_results
                ]))
    print('\n' + '=' * 72)
    print(f'{args.data_root}: val split, {reports["val"].num_images} '
          f'images; mIoU mean +- std over seeds {args.seeds} at the last '
          f'checkpoint; stage 1: {args.stage1_checkpoint}')
    print(format_quality_table(rows, classes))
    for row in rows:
        print(f'{row.name}: ' +
              ' / '.join(f'{miou:.2f}' for miou in row.seed_mious))
    print(f'minutes: {(time.time() - start) / 60:.1f}')


if __name__ == '__main__':
    main()
