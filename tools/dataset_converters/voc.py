# Copyright (c) mmweakseg contributors. All rights reserved.
"""Write PASCAL VOC 2012 in the annotation-file layout (K = 21, background
at index 0, 255 = ignore, as mmseg's ``PascalVOCDataset``).

Reads ``VOC2012/{JPEGImages,SegmentationClass,Annotations}`` and
``ImageSets/Segmentation/{train,val}.txt``; with SBD (after mmseg's
``tools/dataset_converters/voc_aug.py``: ``SegmentationClassAug`` and
``trainaug.txt``) also the 10,582-image ``trainaug`` split. Tags come from
the masks (with ``tag_areas``), or from the XML objects of images without
a mask; disagreements between mask and XML are reported. Writes
``VOC2012/annotations/{train,val[,trainaug]}.json`` with paths relative to
``VOC2012`` (the configs' ``data_root``).

Example::

    python tools/dataset_converters/voc.py data/VOCdevkit
"""
import argparse
import sys
from typing import List, Optional

from mmweakseg.datasets.converters import (DatasetConversionError,
                                           convert_pascal_voc)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write PASCAL VOC 2012 as weak-tag annotation files')
    parser.add_argument(
        'voc_path', help='VOCdevkit folder (or its VOC2012 folder)')
    parser.add_argument(
        '--out-dir',
        help='folder of the annotation files (default: VOC2012/annotations)')
    parser.add_argument(
        '--aug-list',
        help='id list of the augmented training split (default: '
        'ImageSets/Segmentation/trainaug.txt, else derived from '
        'SegmentationClassAug when present)')
    parser.add_argument(
        '--skip-missing',
        action='store_true',
        help='leave out images with missing files (and list them) instead '
        'of stopping')
    parser.add_argument(
        '--max-listed',
        type=int,
        default=10,
        help='ids listed per kind of problem in the summary')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        summaries = convert_pascal_voc(
            args.voc_path,
            out_dir=args.out_dir,
            aug_list=args.aug_list,
            skip_missing=args.skip_missing)
    except DatasetConversionError as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    for summary in summaries:
        print(summary.format(args.max_listed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
