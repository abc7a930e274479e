# Copyright (c) mmweakseg contributors. All rights reserved.
"""Check the checkpoint a run will load (``--resume``, ``load_from``)
before the runner starts, so that a truncated file or one of another model
fails at once with a message naming the file and the mismatch, instead of
torch's own message at the first step (and before anything is written)."""
import os.path as osp
from typing import Dict, List, Optional

import torch
from mmengine.config import Config
from mmseg.registry import MODELS

from .checkpoint import load_local_checkpoint

# Differences listed in a mismatch message.
MAX_LISTED_DIFFERENCES = 3


class CheckpointMismatchError(ValueError):
    """A checkpoint cannot be loaded into the model of a config: the file
    is truncated or no checkpoint, or it holds another model (other layers,
    other shapes, another number of classes)."""


def checkpoint_to_load(cfg: Config) -> Optional[str]:
    """The checkpoint mmengine's runner will load for ``cfg``.

    ``load_from`` if set (with ``resume`` the run resumes from it);
    otherwise with ``resume`` the one named by ``work_dir/last_checkpoint``;
    otherwise None.
    """
    if cfg.get('load_from'):
        return cfg.load_from
    last = osp.join(cfg.get('work_dir') or '', 'last_checkpoint')
    if cfg.get('resume') and osp.isfile(last):
        with open(last) as f:
            return f.read().strip() or None
    return None


def check_checkpoint(checkpoint: str, cfg: Config, resume: bool) -> None:
    """Check that ``checkpoint`` loads into the model of ``cfg``.

    The file must load completely, and every parameter the model and the
    checkpoint share must have the same shape; to resume, they must also
    hold the same parameters, and to load weights (``load_from``), share
    at least one. Remote paths (``s3://``, ``http://``, ...) are left to
    mmengine.

    Args:
        checkpoint (str): The checkpoint file.
        cfg (Config): The config whose ``model`` is built to compare.
        resume (bool): Whether the run resumes from the checkpoint.

    Raises:
        CheckpointMismatchError: The file is missing, truncated or no
            checkpoint, or it holds another model; the message names the
            file, the config and the first differences.
    """
    if '://' in checkpoint:
        return
    try:
        state = load_local_checkpoint(checkpoint, map_location='cpu')
    except FileNotFoundError as error:
        raise CheckpointMismatchError(
            f'{checkpoint}: no such checkpoint file; expected an existing '
            'checkpoint saved by tools/train.py') from error
    except Exception as error:  # torch raises many kinds for a bad file
        reason = f'{type(error).__name__}: {error}'
        raise CheckpointMismatchError(
            f'{checkpoint}: cannot load the checkpoint ({reason}); expected '
            'a complete checkpoint file saved by tools/train.py (a truncated '
            'or partly copied file cannot be used)') from error
    saved = state.get('state_dict', state) if isinstance(state, dict) else None
    if not isinstance(saved, dict):
        raise CheckpointMismatchError(
            f'{checkpoint}: holds a {type(state).__name__}; expected a '
            'checkpoint dict with a state_dict')
    differences = _differences(saved, MODELS.build(cfg.model).state_dict(),
                               resume)
    if differences:
        listed = '; '.join(differences[:MAX_LISTED_DIFFERENCES])
        if len(differences) > MAX_LISTED_DIFFERENCES:
            listed += (f' (and {len(differences) - MAX_LISTED_DIFFERENCES} '
                       'more)')
        raise CheckpointMismatchError(
            f'{checkpoint}: checkpoint of another model than the one of '
            f'{cfg.filename or "the config"}: {listed}; expected a checkpoint '
            'of this config (same model and model.num_classes)'
            f'{_trained_classes(state)}')


def _differences(saved: Dict[str, torch.Tensor],
                 expected: Dict[str, torch.Tensor],
                 resume: bool) -> List[str]:
    """Messages of the parameters whose shapes differ, and, to resume, of
    those only one side has."""
    differences = [
        f'{name!r} is {tuple(saved[name].shape)} in the checkpoint, '
        f'{tuple(value.shape)} in the model'
        for name, value in expected.items() if name in saved
        and hasattr(saved[name], 'shape') and saved[name].shape != value.shape
    ]
    missing = [name for name in expected if name not in saved]
    unexpected = [name for name in saved if name not in expected]
    if resume and missing:
        differences.append(f'{len(missing)} model parameter(s) missing from '
                           f'the checkpoint, e.g. {missing[0]!r}')
    if resume and unexpected:
        differences.append(f'{len(unexpected)} checkpoint parameter(s) not in '
                           f'the model, e.g. {unexpected[0]!r}')
    if not resume and len(missing) == len(expected):
        differences.append('no parameter of the model is in the checkpoint')
    return differences


def _trained_classes(state: dict) -> str:
    """`` (it was trained on K classes [...])`` from the checkpoint's
    ``dataset_meta``, if it has one."""
    classes = (state.get('meta') or {}).get('dataset_meta',
                                            {}).get('classes')
    if not classes:
        return ''
    return f' (it was trained on {len(classes)} classes {list(classes)})'
