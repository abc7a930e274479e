# Copyright (c) mmweakseg contributors. All rights reserved.
import logging
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm
from mmseg.registry import MODEL_WRAPPERS


def count_sync_batchnorm(module: nn.Module) -> int:
    """Number of SyncBN layers (torch's or mmcv's) in ``module``'s tree."""
    return sum(
        type(layer).__name__ == 'SyncBatchNorm' for layer in module.modules())


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` for processes that train on CPU (gloo).

    :func:`mmweakseg.utils.setup_cpu_distributed` selects it when CUDA is not
    available. Two things differ from the GPU wrapper:

    - ``device_ids`` is ignored: mmengine's runner passes
      ``[LOCAL_RANK]``, which torch's DDP refuses for CPU modules;
    - SyncBN layers are reverted to plain BN (each process normalises with
      its own batch statistics, as in single-process training), because
      torch's ``SyncBatchNorm`` runs only on GPUs. A warning says so.

    Gradients are averaged over the processes exactly as on GPUs. Modules
    kept out of the module tree (the frozen classifier of
    ``ImageletClassifierLoss``) are neither broadcast nor synchronised.

    Args:
        module (nn.Module): The model to wrap.
        device_ids (Sequence[int], optional): Ignored (see above).
        **kwargs: Arguments of ``MMDistributedDataParallel``.
    """

    def __init__(self,
                 module: nn.Module,
                 device_ids: Optional[Sequence[int]] = None,
                 **kwargs) -> None:
        num_sync_bn = count_sync_batchnorm(module)
        if num_sync_bn:
            print_log(
                f'{num_sync_bn} SyncBN layer(s) reverted to BN: torch\'s '
                'SyncBatchNorm needs GPUs, so each CPU process normalises '
                'with its own batch statistics',
                logger='current',
                level=logging.WARNING)
            module = revert_sync_batchnorm(module)
        super().__init__(module=module, device_ids=None, **kwargs)
