# Copyright (c) mmweakseg contributors. All rights reserved.
"""Make mmengine's local checkpoint loader work under torch >= 2.6.

torch 2.6 changed the default of ``torch.load`` to ``weights_only=True``.
mmengine 0.10.7 does not pass ``weights_only``, so its own checkpoints (whose
``meta`` holds numpy scalars and config text) fail to load with
``Unsupported global: numpy._core.multiarray.scalar`` on ``--resume``,
``load_from`` and ``init_cfg=dict(type='Pretrained')`` (mmengine issue 1655).

:func:`register_local_checkpoint_loader` re-registers the loader for local
paths with ``weights_only=False``. It runs when :mod:`mmweakseg` is imported,
so configs with ``custom_imports=dict(imports=['mmweakseg'])`` and the tools
get it without an environment variable. Only load checkpoints you trust:
unpickling a file can run code.
"""
import os.path as osp
from typing import Optional, Union

import torch
from mmengine.runner import CheckpointLoader


def load_local_checkpoint(filename: str,
                          map_location: Optional[Union[str,
                                                       torch.device]] = None
                          ) -> dict:
    """Load a checkpoint from a local path, allowing full unpickling.

    Args:
        filename (str): Local checkpoint file path.
        map_location (str | torch.device, optional): Same as
            :func:`torch.load`.

    Returns:
        dict: The loaded checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'checkpoint {filename} can not be found (mmweakseg loads '
            'weights from local files only and never downloads them)')
    return torch.load(filename, map_location=map_location, weights_only=False)


def register_local_checkpoint_loader() -> None:
    """Replace mmengine's loader for local paths by
    :func:`load_local_checkpoint`."""
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_local_checkpoint, force=True)
