# Copyright (c) mmweakseg contributors. All rights reserved.
"""Config handling shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import difflib
import os
import os.path as osp
from typing import Iterator, Optional, Tuple

from mmengine.config import Config, DictAction
from mmseg.registry import MODELS

# Sub-configs of ``model`` whose ``type`` is no model component (weight
# initialisers, samplers, ...) or that hold no component.
NON_COMPONENT_KEYS = ('init_cfg', 'train_cfg', 'test_cfg')


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Add the arguments mmseg 1.2.2's train and test tools share."""
    parser.add_argument(
        '--work-dir', help='the dir to save logs, models and metrics')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file. If the value to '
        'be overwritten is a list, it should be like key="[a,b]" or key=a,b '
        'It also allows nested list/tuple values, e.g. key="[(a,b),(c,d)]" '
        'Note that the quotation marks are necessary and that no white space '
        'is allowed.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torchrun passes ``--local-rank`` (torch >= 2.0) instead of
    # ``--local_rank``.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(config: str,
                launcher: str = 'none',
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None,
                local_rank: int = 0) -> Config:
    """Load ``config``, apply the command-line overrides and check the
    model's component types (:func:`check_model_types`).

    ``work_dir`` is chosen in the order: argument, config field,
    ``./work_dirs/<config name>``, as in mmseg's tools.

    Raises:
        ValueError: The model or one of its direct components names a type
            that is not registered.
    """
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(local_rank)
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config))[0])
    check_model_types(cfg)
    return cfg


def _component_types(model_cfg: dict) -> Iterator[Tuple[str, object]]:
    """Yield ``(field, type)`` of the model and of its direct components
    (``backbone``, ``decode_head``, ``losses[2]``, ...)."""
    yield 'model.type', model_cfg.get('type')
    for key, value in model_cfg.items():
        if key in NON_COMPONENT_KEYS:
            continue
        if isinstance(value, dict) and 'type' in value:
            yield f'model.{key}.type', value['type']
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, dict) and 'type' in item:
                    yield f'model.{key}.{index}.type', item['type']


def check_model_types(cfg: Config) -> None:
    """Check that the model and its direct components are registered.

    mmengine reports an unknown type only while building, as
    ``KeyError: 'NoSuchNet is not in the mmseg::model registry'`` without
    saying which field holds it. This check runs before the runner is built
    and names the field (``--cfg-options`` syntax) and close matches.
    ``init_cfg``, ``train_cfg`` and ``test_cfg`` are not checked; deeper
    components are left to mmengine.

    Args:
        cfg (Config): A loaded config (``custom_imports`` already imported).

    Raises:
        ValueError: A ``type`` string is not registered in mmseg's (or
            mmengine's) model registry.
    """
    model_cfg = cfg.get('model')
    if not isinstance(model_cfg, dict):
        return
    for field, type_name in _component_types(model_cfg):
        if not isinstance(type_name, str) or MODELS.get(type_name) is not None:
            continue
        known = set(MODELS.module_dict) | set(MODELS.parent.module_dict)
        close = difflib.get_close_matches(type_name, known, n=3)
        hint = f' (close matches: {close})' if close else ''
        raise ValueError(
            f'{field}={type_name!r} is not a registered model component'
            f'{hint}; expected the name of a class registered in mmseg\'s '
            'MODELS registry (add the module defining it to custom_imports)')
