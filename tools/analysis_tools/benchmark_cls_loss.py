# Copyright (c) mmweakseg contributors. All rights reserved.
"""Cost of the image-let classifier loss L_cls for several numbers of
classes K, with all image-lets scored and with ``max_absent_classes``.

The classifier is the ``model`` of a TagClassifier config with
``num_classes`` set to each K and random weights; masks and image-lets
are random, tags are the background plus 1 .. ``--max-present`` random
foreground classes per image. For each K and M it prints the image-lets
scored per image, the time of the loss's forward and backward per batch,
the speed-up over scoring all K, and the bias and standard deviation of
the estimate over random draws of the absent classes, relative to the full
loss.

Example::

    python tools/analysis_tools/benchmark_cls_loss.py \\
        configs/tag_classifier/tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py \\
        --num-classes 2 4 8 21 --max-absent-classes 1 3
"""
import argparse
import tempfile
from typing import List, Optional

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmweakseg  # noqa: F401  (registers components)
from mmweakseg.benchmarks import (build_random_classifier_loss,
                                                format_cls_loss_costs,
                                                measure_cls_loss, random_tags)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Benchmark the image-let classifier loss against K')
    parser.add_argument('config', help='TagClassifier config file path')
    parser.add_argument(
        '--num-classes',
        type=int,
        nargs='+',
        default=[2, 4, 8, 21],
        help='numbers of classes K, background included')
    parser.add_argument(
        '--max-absent-classes',
        type=int,
        nargs='*',
        default=[1, 3],
        help='values of max_absent_classes to compare with all classes')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--size', type=int, default=64, help='image side')
    parser.add_argument(
        '--max-present',
        type=int,
        default=2,
        help='most foreground classes tagged per image')
    parser.add_argument('--iters', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    init_default_scope('mmseg')
    classifier = Config.fromfile(args.config).model
    generator = torch.Generator().manual_seed(args.seed)
    costs = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        for num_classes in args.num_classes:
            tags = random_tags(args.batch_size, num_classes,
                               classifier.background_index, args.max_present,
                               generator)
            for max_absent in [None] + args.max_absent_classes:
                torch.manual_seed(args.seed)
                loss = build_random_classifier_loss(classifier, num_classes,
                                                    tmp_dir, max_absent)
                costs.append(
                    measure_cls_loss(
                        loss, tags, args.size, args.iters, device=args.device))
    print(f'classifier: model of {args.config}; batch {args.batch_size}, '
          f'{args.size} x {args.size}, {torch.get_num_threads()} threads, '
          f'{args.device}')
    print(format_cls_loss_costs(costs))


if __name__ == '__main__':
    main()
