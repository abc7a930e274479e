# Copyright (c) mmweakseg contributors. All rights reserved.
"""Distributed training and testing on machines without CUDA.

mmengine's runner initialises ``--launcher pytorch`` with
``torch.cuda.set_device(LOCAL_RANK)`` and wraps the model with
``device_ids=[LOCAL_RANK]``; both fail without a GPU. The tools call
:func:`setup_cpu_distributed` before building the runner: on a machine
without CUDA it initialises the gloo process group itself (the runner then
skips its own initialisation) and selects
:class:`~mmweakseg.utils.CPUDistributedDataParallel`. With CUDA it does
nothing, so the GPU path (nccl, ``env_cfg.dist_cfg``) is mmseg's.
"""
import datetime
import logging

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.logging import print_log

CPU_BACKEND = 'gloo'
CPU_WRAPPER = 'mmseg.CPUDistributedDataParallel'
# what mmengine's runner uses when ``model_wrapper_cfg`` is not set
DEFAULT_WRAPPER = 'MMDistributedDataParallel'


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare ``cfg`` (and the process group) for CPU processes.

    Acts only for ``cfg.launcher == 'pytorch'`` (``torchrun``,
    ``tools/dist_train.sh``) when CUDA is not available:

    - sets ``env_cfg.dist_cfg.backend`` to ``'gloo'`` (nccl needs GPUs);
    - initialises the default process group from torchrun's environment
      (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``), with
      ``env_cfg.dist_cfg.timeout`` (seconds) if given;
    - replaces the default model wrapper (``MMDistributedDataParallel``,
      keeping its arguments) by ``CPUDistributedDataParallel``. Another
      wrapper type set in the config is left alone.

    Args:
        cfg (Config): The loaded config, with ``launcher`` set.

    Returns:
        bool: Whether the CPU setup was applied.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    env_cfg = cfg.setdefault('env_cfg', dict())
    dist_cfg = env_cfg.setdefault('dist_cfg', dict())
    if dist_cfg.get('backend', CPU_BACKEND) != CPU_BACKEND:
        print_log(
            f'CUDA is not available: env_cfg.dist_cfg.backend='
            f'{dist_cfg["backend"]!r} replaced by {CPU_BACKEND!r}',
            logger='current',
            level=logging.WARNING)
    dist_cfg['backend'] = CPU_BACKEND
    if not torch_dist.is_initialized():
        kwargs = {}
        if dist_cfg.get('timeout') is not None:
            kwargs['timeout'] = datetime.timedelta(seconds=dist_cfg.timeout)
        torch_dist.init_process_group(backend=CPU_BACKEND, **kwargs)

    wrapper_cfg = dict(cfg.get('model_wrapper_cfg') or {})
    if wrapper_cfg.get('type', DEFAULT_WRAPPER) == DEFAULT_WRAPPER:
        wrapper_cfg.setdefault('broadcast_buffers', False)
        wrapper_cfg.setdefault('find_unused_parameters',
                               cfg.get('find_unused_parameters', False))
        wrapper_cfg['type'] = CPU_WRAPPER
        cfg.model_wrapper_cfg = wrapper_cfg
    return True


def teardown_cpu_distributed() -> None:
    """Wait for every CPU process, then destroy the gloo process group.

    Called at the end of the tools when :func:`setup_cpu_distributed` acted,
    so that no rank exits while another still talks to it (gloo threads
    left running at interpreter exit abort the process: "terminate called
    without an active exception").
    """
    if torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
