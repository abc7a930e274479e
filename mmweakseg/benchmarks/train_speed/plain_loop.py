# Copyright (c) mmweakseg contributors. All rights reserved.
"""The same training in a plain PyTorch loop, as the speed reference."""
from contextlib import nullcontext
from functools import partial
from typing import Any, Callable, ContextManager, Dict, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from torch import Tensor

from mmweakseg.engine.optimizers import BF16AmpOptimWrapper
from ..meters import StageTimer, peak_memory_mib, reset_peak_memory
from .phase_result import PhaseResult


def autocast_dtype(optim_wrapper: OptimWrapper) -> Optional[torch.dtype]:
    """The autocast dtype of an optimizer wrapper, None without AMP."""
    if isinstance(optim_wrapper, BF16AmpOptimWrapper):
        return torch.bfloat16
    if isinstance(optim_wrapper, AmpOptimWrapper):
        return optim_wrapper.cast_dtype or torch.float16
    return None


class PlainTrainer:
    """One training step in plain PyTorch: data preprocessor and loss
    forward (under autocast with AMP), backward, gradient clipping, optimizer
    step.

    Args:
        model (nn.Module): The unwrapped model.
        optimizer (torch.optim.Optimizer): A plain optimizer.
        amp_dtype (torch.dtype, optional): Autocast dtype, None for none.
        clip_grad (Callable, optional): Clips the model's gradients in place
            (see :func:`gradient_clipper`); None for no clipping.
    """

    def __init__(self,
                 model: nn.Module,
                 optimizer: torch.optim.Optimizer,
                 amp_dtype: Optional[torch.dtype],
                 clip_grad: Optional[Callable[[], Any]] = None) -> None:
        self.model = model
        self.optimizer = optimizer
        self.amp_dtype = amp_dtype
        self.clip_grad = clip_grad
        self.device_type = next(model.parameters()).device.type
        # float16 needs loss scaling, as mmengine's AmpOptimWrapper does
        self.scaler = torch.amp.GradScaler(
            self.device_type) if amp_dtype == torch.float16 else None

    def autocast(self) -> ContextManager:
        """Autocast context of the forward pass."""
        if self.amp_dtype is None:
            return nullcontext()
        return torch.autocast(self.device_type, dtype=self.amp_dtype)

    def forward(self, batch: dict) -> Dict[str, Tensor]:
        """Losses of ``batch`` (a dataloader batch)."""
        with self.autocast():
            data = self.model.data_preprocessor(batch, True)
            return self.model(**data, mode='loss')

    def update(self, loss: Tensor) -> None:
        """Backward and optimizer step."""
        if self.scaler is None:
            loss.backward()
            if self.clip_grad is not None:
                self.clip_grad()
            self.optimizer.step()
        else:
            self.scaler.scale(loss).backward()
            if self.clip_grad is not None:
                self.scaler.unscale_(self.optimizer)
                self.clip_grad()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        self.optimizer.zero_grad()

    def step(self, batch: dict) -> Tensor:
        """One training step; returns the detached total loss."""
        loss = total_loss(self.forward(batch))
        self.update(loss)
        return loss.detach()


def total_loss(losses: Dict[str, Tensor]) -> Tensor:
    """Sum of the entries whose name contains ``'loss'`` (mmengine's
    ``parse_losses`` rule)."""
    return sum(value.mean() for name, value in losses.items()
               if 'loss' in name)


def gradient_clipper(optim_wrapper: OptimWrapper,
                     model: nn.Module) -> Optional[Callable[[], Any]]:
    """The gradient clipping of ``optim_wrapper`` (its ``clip_grad``
    setting) as a function that clips ``model``'s gradients; None when the
    wrapper does not clip."""
    if not optim_wrapper.clip_grad_kwargs:
        return None
    return partial(optim_wrapper.clip_func, list(model.parameters()),
                   **optim_wrapper.clip_grad_kwargs)


def plain_optimizer(optimizer: torch.optim.Optimizer) -> torch.optim.Optimizer:
    """A fresh optimizer of the same class, parameter groups and settings
    as ``optimizer`` (without its state)."""
    param_groups = [{
        name: value
        for name, value in group.items() if name != 'initial_lr'
    } for group in optimizer.param_groups]
    return type(optimizer)(param_groups, **optimizer.defaults)


def benchmark_plain_loop(trainer: PlainTrainer, batches: Sequence[dict],
                         warmup: int) -> PhaseResult:
    """Train on ``batches``, timing all but the first ``warmup``."""
    device = next(trainer.model.parameters()).device
    timer = StageTimer(device)
    for batch in batches[:warmup]:
        trainer.step(batch)
    reset_peak_memory(device)
    start = timer.now()
    losses = [trainer.step(batch) for batch in batches[warmup:]]
    seconds = timer.now() - start
    num_images = sum(len(batch['inputs']) for batch in batches[warmup:])
    return PhaseResult('plain loop',
                       len(batches) - warmup, num_images, seconds,
                       peak_memory_mib(device),
                       [loss.item() for loss in losses])
