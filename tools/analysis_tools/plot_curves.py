# Copyright (c) mmweakseg contributors. All rights reserved.
"""Plot training losses and validation metrics of one or several runs.

    python tools/analysis_tools/plot_curves.py RUN [RUN ...] --out curves.png \
        [--keys loss mIoU ...] [--legend A B ...] [--title T]

Each RUN is a work dir of ``tools/train.py`` (its newest
``<timestamp>/vis_data/scalars.json`` is read) or a ``scalars.json`` file.
By default the losses and the validation mIoU / mAP / aAcc are drawn, one
panel each, losses against the iteration and metrics against the
validation step (epoch, or iteration in iteration-based runs).
"""
import argparse

from mmweakseg.visualization.curves import plot_curves


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot losses and metrics from scalars.json files')
    parser.add_argument('runs', nargs='+', help='work dirs or scalars.json')
    parser.add_argument('--out', required=True, help='PNG file to write')
    parser.add_argument('--keys', nargs='+', help='scalars to plot')
    parser.add_argument('--legend', nargs='+', help='one name per run')
    parser.add_argument('--title', help='figure title')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(plot_curves(args.runs, args.out, args.keys, args.legend, args.title))


if __name__ == '__main__':
    main()
