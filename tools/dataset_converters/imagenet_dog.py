# Copyright (c) mmweakseg contributors. All rights reserved.
"""Write the paper's ImageNet-1k dog / not-dog data set (Sec. 4.1).

Draws 10,000 images from the 118 dog classes (ImageNet-1k class indices
151-268, n02085620..n02113978) and 10,000 from the other classes of an
ImageNet-1k training folder, splits them 16,000 / 4,000 (stratified,
seeded) and writes the annotation-file layout the ImageNet dog configs read:

    DATA_ROOT/images/{train,val}/<wnid>/<file>   (symbolic links, or copies)
    DATA_ROOT/annotations/{train,val}.json       classes ["dog", "background"]

Example::

    python tools/dataset_converters/imagenet_dog.py \\
        data/imagenet/train data/imagenet_dog
"""
import argparse
import sys
from typing import List, Optional

from mmweakseg.datasets.converters import (DatasetConversionError,
                                           convert_imagenet_dog)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the ImageNet-1k dog / not-dog split of the paper')
    parser.add_argument(
        'train_dir',
        help='ImageNet-1k training folder (one sub-folder per WordNet ID)')
    parser.add_argument(
        'out_dir',
        nargs='?',
        default='data/imagenet_dog',
        help='output folder (default: data/imagenet_dog, the configs\' '
        'data_root)')
    parser.add_argument(
        '--num-dog', type=int, default=10000, help='dog images to draw')
    parser.add_argument(
        '--num-other', type=int, default=10000, help='not-dog images to draw')
    parser.add_argument(
        '--num-train', type=int, default=16000, help='training images')
    parser.add_argument(
        '--num-val', type=int, default=4000, help='validation images')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--copy',
        action='store_true',
        help='copy the images instead of linking them')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an earlier conversion in OUT_DIR')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        summary = convert_imagenet_dog(
            args.train_dir,
            args.out_dir,
            num_dog=args.num_dog,
            num_other=args.num_other,
            num_train=args.num_train,
            num_val=args.num_val,
            seed=args.seed,
            copy=args.copy,
            overwrite=args.overwrite)
    except DatasetConversionError as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    print(summary.format())
    return 0


if __name__ == '__main__':
    sys.exit(main())
