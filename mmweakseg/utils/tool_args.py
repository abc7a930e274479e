# Copyright (c) mmweakseg contributors. All rights reserved.
"""Command-line arguments that several tools share, defined once."""
import argparse

from mmengine.config import DictAction


def add_model_args(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of a tool that runs a trained model: positional
    ``config`` and ``checkpoint``, ``--device`` and ``--cfg-options``."""
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--device', default='cpu', help='device to run the model on')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, xxx=yyy format')


def add_dataset_args(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of a tool that runs whole stages on a dataset:
    positional ``data_root``, ``--work-dir`` (required), ``--layout``,
    ``--classes`` and ``--background`` (the arguments of
    :func:`~mmweakseg.apis.split_dataset_cfgs`)."""
    parser.add_argument('data_root', help='root of the dataset')
    parser.add_argument('--work-dir', required=True, help='output folder')
    parser.add_argument(
        '--layout',
        choices=['annotation', 'folder'],
        default='annotation',
        help='annotation: DATA_ROOT/annotations/{train,val}.json; '
        'folder: DATA_ROOT/{train,val}/<class name>/*.jpg')
    parser.add_argument(
        '--classes', nargs='+', help='class names (default: from the data)')
    parser.add_argument(
        '--background', default='background', help='background class name')
