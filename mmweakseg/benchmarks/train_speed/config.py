# Copyright (c) mmweakseg contributors. All rights reserved.
"""Turn a training config into a speed-benchmark run."""
from typing import Optional

from mmengine.config import Config

from mmweakseg.engine.optimizers import set_amp_optim_wrapper


def configure_benchmark(cfg: Config,
                        iters: int,
                        warmup: int,
                        batch_size: Optional[int] = None,
                        amp: bool = False,
                        amp_dtype: Optional[str] = None,
                        channels_last: Optional[bool] = None) -> None:
    """Turn a training config into a benchmark run, in place.

    Training becomes an ``IterBasedTrainLoop`` of ``warmup + iters``
    iterations without validation, and no checkpoints are saved; the
    dataloader, data pipeline, optimizer wrapper and all other hooks stay
    as configured.

    Args:
        cfg (Config): A training config.
        iters (int): Timed iterations, >= 1.
        warmup (int): Untimed iterations before them, >= 1 (the first one
            starts the data loader workers).
        batch_size (int, optional): Override of
            ``train_dataloader.batch_size``. Defaults to None.
        amp (bool): Mixed precision, see
            :func:`~mmweakseg.engine.optimizers.set_amp_optim_wrapper`.
            Defaults to False.
        amp_dtype (str, optional): ``'float16'`` or ``'bfloat16'``.
            Defaults to None (float16 on CUDA, bfloat16 on CPU).
        channels_last (bool, optional): True: train with a
            ``ChannelsLastHook`` (added unless the config has one); False:
            without (the config's is removed), the reference layout; None:
            as configured. Defaults to None.
    """
    if iters < 1 or warmup < 1:
        raise ValueError('the benchmark needs iters >= 1 and warmup >= 1, '
                         f'got iters={iters}, warmup={warmup}')
    max_iters = warmup + iters
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop',
        max_iters=max_iters,
        val_begin=max_iters + 1,
        val_interval=max_iters + 1)
    # mmengine adds a CheckpointHook unless it is set to None
    cfg.default_hooks = dict(cfg.get('default_hooks', {}), checkpoint=None)
    if batch_size is not None:
        cfg.train_dataloader.batch_size = batch_size
    if amp:
        set_amp_optim_wrapper(cfg, amp_dtype)
    if channels_last is not None:
        other_hooks = [
            hook for hook in cfg.get('custom_hooks', [])
            if hook['type'] != 'ChannelsLastHook'
        ]
        cfg.custom_hooks = other_hooks + ([dict(
            type='ChannelsLastHook')] if channels_last else [])
