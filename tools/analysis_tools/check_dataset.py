# Copyright (c) mmweakseg contributors. All rights reserved.
"""Check a weak-tag dataset fully and print its statistics.

Prints, per split, the number of images, tag frequencies, the tag
co-occurrence matrix, the mean mask area per class (where masks exist) and
every problem found: each image and mask is decoded, so unreadable files,
masks of another size than their image and masks with values that are no
class index are all listed. Exits with code 1 if there is any problem.

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
from mmweakseg.datasets import build_dataset_to_check, check_dataset

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
    return parser.parse_args(argv)


def datasets_to_check(args: argparse.Namespace) -> List[Tuple[str, dict]]:
    """(name, dataset config) of every split to check."""
    if args.ann_file:
        return [(args.ann_file,
                 dict(
                     type='WeakTagDataset',
                     ann_file=osp.abspath(args.ann_file),
                     data_root=args.data_root))]
    if args.folder_root:
        return [(args.folder_root,
                 dict(type='WeakTagFolderDataset',
                      data_root=args.folder_root))]
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return [(split, cfg[f'{split}_dataloader']['dataset'])
            for split in args.split if cfg.get(f'{split}_dataloader')]


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    metainfo = {}
    if args.classes:
        metainfo['classes'] = args.classes
    if args.background:
        metainfo['background'] = args.background
    num_problems = 0
    for name, dataset_cfg in datasets_to_check(args):
        dataset = build_dataset_to_check(dataset_cfg, metainfo)
        report = check_dataset(dataset, name)
        print(report.format(), end='\n\n')
        num_problems += len(report.problems)
    print(f'{num_problems} problem(s) found')
    return 1 if num_problems else 0


if __name__ == '__main__':
    sys.exit(main())
