# Copyright (c) mmweakseg contributors. All rights reserved.
from contextlib import contextmanager
from typing import Iterator, Optional

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmseg.registry import OPTIM_WRAPPERS

AMP_DTYPES = ('float16', 'bfloat16')


@OPTIM_WRAPPERS.register_module()
class BF16AmpOptimWrapper(OptimWrapper):
    """Mixed precision training with bfloat16 autocast on any device.

    mmengine's ``AmpOptimWrapper`` refuses to be built without a GPU (NPU,
    MLU, MUSA). This wrapper runs the forward pass under
    ``torch.autocast(device_type, dtype=torch.bfloat16)``, where
    ``device_type`` is that of the model's parameters, so it also works on
    CPUs (fast on those with AVX512-BF16 or AMX). bfloat16 has float32's
    exponent range, so no loss scaling is needed: ``backward`` and ``step``
    are those of :class:`~mmengine.optim.OptimWrapper`, and the weights and
    gradients stay float32.

    Args:
        **kwargs: Keyword arguments of :class:`~mmengine.optim.OptimWrapper`.
    """

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Enable bfloat16 autocast on the device of ``model``'s parameters,
        inside :meth:`OptimWrapper.optim_context` (gradient accumulation)."""
        device_type = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type=device_type, dtype=torch.bfloat16):
            yield


def set_amp_optim_wrapper(cfg: Config,
                          dtype: Optional[str] = None,
                          device: Optional[str] = None) -> None:
    """Switch ``cfg.optim_wrapper`` to mixed precision training in place.

    On CUDA this is what mmseg's ``tools/train.py --amp`` does: mmengine's
    ``AmpOptimWrapper`` with dynamic loss scaling, float16 by default. On
    other devices (CPU) it is :class:`BF16AmpOptimWrapper`, since CPU
    autocast supports bfloat16 only.

    Args:
        cfg (Config): Config whose ``optim_wrapper.type`` is
            ``'OptimWrapper'`` (or already an AMP wrapper, left as it is).
        dtype (str, optional): ``'float16'`` or ``'bfloat16'``. Defaults to
            None: float16 on CUDA, bfloat16 elsewhere.
        device (str, optional): ``'cuda'`` or ``'cpu'``. Defaults to None:
            CUDA when it is available.

    Raises:
        ValueError: If ``optim_wrapper.type`` is another wrapper, ``dtype``
            is not one of :data:`AMP_DTYPES`, or float16 is asked for on a
            device without CUDA.
    """
    wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper_type in ('AmpOptimWrapper', 'BF16AmpOptimWrapper'):
        return
    if wrapper_type != 'OptimWrapper':
        raise ValueError('mixed precision needs `optim_wrapper.type` '
                         f"'OptimWrapper', got {wrapper_type!r}")
    if dtype is not None and dtype not in AMP_DTYPES:
        raise ValueError(
            f'AMP dtype must be one of {AMP_DTYPES}, got {dtype!r}')
    if device is None:
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if device == 'cuda':
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
        cfg.optim_wrapper.dtype = dtype or 'float16'
        return
    if dtype == 'float16':
        raise ValueError(f'float16 autocast needs CUDA, not {device!r}; '
                         "use dtype='bfloat16'")
    cfg.optim_wrapper.type = 'BF16AmpOptimWrapper'
