# Copyright (c) mmweakseg contributors. All rights reserved.
"""Check a weak-tag dataset fully and print its statistics.

Prints, per split, the number of images, notes (image sizes and whether
they are mixed, images with an EXIF orientation, images smaller than the
crop), tag frequencies, the tag co-occurrence matrix, the mean mask area per
class (where masks exist) and every problem found: each image and mask is
decoded, so unreadable files, masks of another size than their image, masks
in a lossy format (JPEG) and masks with values that are no class index are
all listed, as are paths outside the data root and empty class folders.
Given a config, its model's number of classes and background index are
checked against each dataset. Exits with code 1 if there is any problem.

Examples::

    python tools/analysis_tools/check_dataset.py \\
        --ann-file data/demo/annotations/train.json --data-root data/demo
    python tools/analysis_tools/check_dataset.py --folder-root data/tagged \\
        --classes background cat dog
    python tools/analysis_tools/check_dataset.py CONFIG.py --split train val
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional, Tuple

from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmweakseg  # noqa: F401  (registers components)
from mmweakseg.datasets import (WeakTagDataError, build_dataset_to_check,
                                check_config_datasets, check_dataset)

SPLITS = ('train', 'val', 'test')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Check a weak-tag dataset and print its statistics')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        'config', nargs='?', help='config whose dataloaders to check')
    source.add_argument('--ann-file', help='JSON annotation file')
    source.add_argument(
        '--folder-root', help='folder with one sub-folder of images per class')
    parser.add_argument(
        '--data-root',
        help='root the paths of --ann-file are relative to (default: none, '
        'i.e. the current directory)')
    parser.add_argument(
        '--split',
        nargs='+',
        choices=SPLITS,
        default=list(SPLITS),
        help='splits of the config to check (those it has)')
    parser.add_argument(
        '--classes', nargs='+', help='class names, background included')
    parser.add_argument(
        '--background',
        help='name of the background class (default: '
        '"background")')
    parser.add_argument(
        '--crop-size',
        nargs=2,
        type=int,
        metavar=('H', 'W'),
        help='note the images smaller than this (default: the config\'s '
        'crop_size, if any)')
    parser.add_argument(
        '--allow-outside-data-root',
        action='store_true',
        help='accept image and mask paths of --ann-file that are absolute '
        'or lead out of --data-root')
    return parser.parse_args(argv)


def source_dataset_cfg(args: argparse.Namespace) -> Tuple[str, dict]:
    """(name, dataset config) of ``--ann-file`` or ``--folder-root``."""
    if args.ann_file:
        return args.ann_file, dict(
            type='WeakTagDataset',
            ann_file=osp.abspath(args.ann_file),
            data_root=args.data_root,
            allow_outside_data_root=args.allow_outside_data_root)
    return args.folder_root, dict(
        type='WeakTagFolderDataset', data_root=args.folder_root)


def check_reports(args: argparse.Namespace, metainfo: dict) -> list:
    """The :class:`DatasetReport` of every dataset to check."""
    crop_size = tuple(args.crop_size) if args.crop_size else None
    if args.config is None:
        name, dataset_cfg = source_dataset_cfg(args)
        dataset = build_dataset_to_check(dataset_cfg, metainfo)
        return [check_dataset(dataset, name, crop_size)]
    try:
        cfg = Config.fromfile(args.config)
    except (OSError, SyntaxError) as error:
        raise WeakTagDataError(
            f'{args.config}: cannot load the config ({error}); expected a '
            'readable mmseg config file') from error
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return list(
        check_config_datasets(cfg, args.split, metainfo, crop_size).values())


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    metainfo = {}
    if args.classes:
        metainfo['classes'] = args.classes
    if args.background:
        metainfo['background'] = args.background
    try:
        reports = check_reports(args, metainfo)
    except WeakTagDataError as error:
        print(f'check_dataset.py: error: {error}', file=sys.stderr)
        return 1
    num_problems = 0
    for report in reports:
        print(report.format(), end='\n\n')
        num_problems += len(report.problems)
    print(f'{num_problems} problem(s) found')
    return 1 if num_problems else 0


if __name__ == '__main__':
    sys.exit(main())
