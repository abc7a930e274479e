# Copyright (c) mmweakseg contributors. All rights reserved.
"""Command-line arguments that several tools share, defined once."""
import argparse
from typing import Dict

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
    :func:`~mmweakseg.workflows.split_dataset_cfgs`)."""
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


def add_stage_config_args(parser: argparse.ArgumentParser,
                          configs: Dict[str, str]) -> None:
    """Add ``--<stage>-config`` (default: the value in ``configs``) and
    ``--<stage>-cfg-options`` for each stage of a tool that runs several,
    e.g. ``configs=dict(cls=..., seg=...)``."""
    for stage, default in configs.items():
        parser.add_argument(f'--{stage}-config', default=default)
    for stage in configs:
        parser.add_argument(
            f'--{stage}-cfg-options',
            nargs='+',
            action=DictAction,
            default={},
            help=f'overrides of --{stage}-config only')


def add_retraining_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--min-confidence`` of the pseudo-labels that a tool exports
    for the retrained model."""
    parser.add_argument(
        '--min-confidence',
        type=float,
        default=0.5,
        help='pseudo-label pixels whose class probability among the '
        "image's tags is below this are ignored (255) by the retrained "
        'model')
