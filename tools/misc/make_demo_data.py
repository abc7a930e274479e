# Copyright (c) mmweakseg contributors. All rights reserved.
"""Write the synthetic demo data set (annotation-file layout).

Example:
    python tools/misc/make_demo_data.py data/demo
    python tools/misc/make_demo_data.py data/demo-multiclass --multiclass
    # harder variants for stage-1 recipes (docs/custom_dataset.md)
    python tools/misc/make_demo_data.py data/weak_demo_small \
        --object-scale 0.5 --background textured
    python tools/misc/make_demo_data.py data/weak_demo_lookalike \
        --classes ring cross diamond --background textured --lookalikes 2
"""
import argparse
from typing import List, Optional

from mmweakseg.datasets.demo_data import (BACKGROUNDS, DemoScene,
                                          make_demo_dataset)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the synthetic weak-tag demo data set')
    parser.add_argument('out_dir', help='output folder, e.g. data/demo')
    parser.add_argument(
        '--num-train', type=int, default=1000, help='training images')
    parser.add_argument(
        '--num-val', type=int, default=200, help='validation images')
    parser.add_argument(
        '--size', type=int, default=64, help='image side in pixels')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--multiclass',
        action='store_true',
        help='6 foreground classes instead of 3')
    parser.add_argument(
        '--classes',
        nargs='+',
        help='foreground classes by name among disc, square, triangle, '
        'ring, cross, diamond (e.g. ring cross diamond: a variant with '
        'other shapes and textures)')
    parser.add_argument(
        '--object-scale',
        type=float,
        default=1.0,
        help='factor on the objects\' radii (0.5: small objects)')
    parser.add_argument(
        '--background',
        choices=BACKGROUNDS,
        default='gradient',
        help='gradient (the demo\'s) or textured (fractal colour noise, '
        'like photographs)')
    parser.add_argument(
        '--lookalikes',
        type=int,
        default=0,
        help='up to this many untagged look-alikes per image: textured '
        'shapes of the classes that are not targets')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    ann_dir = make_demo_dataset(
        args.out_dir,
        num_train=args.num_train,
        num_val=args.num_val,
        size=args.size,
        seed=args.seed,
        multiclass=args.multiclass,
        class_names=args.classes,
        scene=DemoScene(
            object_scale=args.object_scale,
            background=args.background,
            max_lookalikes=args.lookalikes))
    print(f'wrote {args.num_train} train and {args.num_val} val images to '
          f'{args.out_dir}; annotations in {ann_dir}')


if __name__ == '__main__':
    main()
