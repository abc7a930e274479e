# Copyright (c) mmweakseg contributors. All rights reserved.
"""Draw the paper's qualitative figures for a trained model.

Writes ``grid_<split>.png`` (Figures 2 and 3: ``--num`` tag-present and
``--num`` tag-absent images, each as [input | mask overlay]) and
``decomposition_<split>_<i>.png`` (mask-lets, image-lets and reconstruction)
for ``--decompose`` images. Images go through the validation pipeline for
both splits, so they are not augmented.

Example::

    python tools/analysis_tools/draw_figures.py \\
        configs/recon/CONFIG.py work_dirs/CONFIG/epoch_10.pth \\
        --out-dir figures --split train --num 50 --decompose 4
"""
import argparse

from mmengine.config import Config

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmweakseg.apis import init_weak_segmentor
from mmweakseg.datasets import build_dataset_from_config
from mmweakseg.utils import add_model_args
from mmweakseg.visualization import draw_dataset_figures


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Draw mask grids and decompositions of a trained model')
    add_model_args(parser)
    parser.add_argument(
        '--out-dir', required=True, help='directory to write the PNGs to')
    parser.add_argument(
        '--split',
        choices=['val', 'train'],
        default='val',
        help='dataset of val_dataloader or train_dataloader')
    parser.add_argument(
        '--num',
        type=int,
        default=50,
        help='tag-present and tag-absent images each in the grid')
    parser.add_argument(
        '--class-name',
        help='split the grid by this class tag (default: any foreground '
        'tag versus none)')
    parser.add_argument(
        '--decompose',
        type=int,
        default=0,
        help='number of images to draw decomposition figures for')
    parser.add_argument('--seed', type=int, default=0, help='sampling seed')
    parser.add_argument(
        '--tile-size',
        type=int,
        default=112,
        help='side in pixels of each square of the grid')
    parser.add_argument(
        '--alpha', type=float, default=0.5, help='mask opacity')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    model = init_weak_segmentor(cfg, args.checkpoint, args.device)
    dataset = build_dataset_from_config(cfg, args.split)
    paths = draw_dataset_figures(
        model,
        dataset,
        args.out_dir,
        split=args.split,
        num=args.num,
        class_name=args.class_name,
        num_decompositions=args.decompose,
        seed=args.seed,
        tile_size=args.tile_size,
        alpha=args.alpha)
    print('\n'.join(paths))


if __name__ == '__main__':
    main()
