# Copyright (c) mmweakseg contributors. All rights reserved.
"""Split a training step into the forward and backward of its modules and
losses by cutting the autograd graph at the modules' outputs."""
from contextlib import nullcontext
from typing import (Any, Callable, ContextManager, Dict, List, Optional,
                    Sequence)

import torch
import torch.nn as nn
from torch import Tensor

from ..meters import StageTimer

# Direct children of the model whose forward and backward are timed apart,
# in forward order; the ones a model lacks (or sets to None) are skipped.
SPLIT_MODULES = ('backbone', 'neck', 'mask_decoder', 'imagelet_decoder',
                 'decode_head')


class _ModuleCut:
    """Time a module's forward and cut the graph at its outputs.

    A forward hook replaces the outputs (a tensor or a tuple or list of
    tensors) by detached copies that require grad, so the backward pass of
    what follows stops there; :meth:`backward` then runs and times the
    module's own backward from the gradients gathered on the copies.
    """

    def __init__(self, name: str, module: nn.Module,
                 timer: StageTimer) -> None:
        self.name = name
        self.timer = timer
        self.outputs: List[Tensor] = []
        self.leaves: List[Tensor] = []
        self.start = 0.
        self.handles = [
            module.register_forward_pre_hook(self._start),
            module.register_forward_hook(self._cut)
        ]

    def _start(self, module: nn.Module, args: Any) -> None:
        self.start = self.timer.now()

    def _cut(self, module: nn.Module, args: Any, output: Any) -> Any:
        self.timer.add(f'{self.name} forward', self.timer.now() - self.start)
        tensors = [output] if isinstance(output, Tensor) else list(output)
        self.outputs = tensors
        self.leaves = [
            t.detach().requires_grad_(t.requires_grad) for t in tensors
        ]
        if isinstance(output, Tensor):
            return self.leaves[0]
        return type(output)(self.leaves)

    def backward(self) -> None:
        """Backward of the module from the gradients of its outputs."""
        pairs = [(output, leaf.grad)
                 for output, leaf in zip(self.outputs, self.leaves)
                 if leaf.grad is not None]
        with self.timer.stage(f'{self.name} backward'):
            if pairs:
                torch.autograd.backward(*zip(*pairs))
        self.outputs, self.leaves = [], []

    def remove(self) -> None:
        """Remove the hooks."""
        for handle in self.handles:
            handle.remove()


class _LossTimer:
    """Time the forward of a loss module under its ``loss_name``."""

    def __init__(self, module: nn.Module, timer: StageTimer) -> None:
        self.name = getattr(module, 'loss_name', type(module).__name__)
        self.timer = timer
        self.start = 0.
        self.handles = [
            module.register_forward_pre_hook(self._start),
            module.register_forward_hook(self._stop)
        ]

    def _start(self, module: nn.Module, args: Any) -> None:
        self.start = self.timer.now()

    def _stop(self, module: nn.Module, args: Any, output: Any) -> None:
        self.timer.add(f'{self.name} forward', self.timer.now() - self.start)

    def remove(self) -> None:
        """Remove the hooks."""
        for handle in self.handles:
            handle.remove()


def split_train_step(
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        batches: Sequence[dict],
        warmup: int,
        autocast: Callable[[], ContextManager] = nullcontext,
        clip_grad: Optional[Callable[[], Any]] = None) -> Dict[str, float]:
    """Milliseconds per iteration of each part of the plain training step.

    The forward of each module in :data:`SPLIT_MODULES` and of each loss in
    ``model.losses`` is timed by hooks; the graph is cut at the modules'
    outputs, so the backward runs piecewise: each loss item alone (down to
    the decoders' outputs, through the decomposition), then each module.
    ``forward, rest`` is the part of the loss forward outside the timed
    modules (the decomposition's softmax and products), ``data
    preprocessor`` the normalisation and batching, ``optimizer step`` the
    gradient clipping (if any) and the update. The first ``warmup`` batches
    are not timed.

    Args:
        model (nn.Module): The unwrapped model, in training mode.
        optimizer (torch.optim.Optimizer): Its optimizer.
        batches (Sequence[dict]): Dataloader batches.
        warmup (int): Untimed batches at the start.
        autocast (Callable): Returns the context of the forward pass (e.g.
            ``torch.autocast``). Defaults to no context.
        clip_grad (Callable, optional): Clips the gradients in place before
            the update. Defaults to None: no clipping.

    Returns:
        dict[str, float]: Milliseconds per timed iteration of each part.
    """
    device = next(model.parameters()).device
    timer = StageTimer(device)
    modules = [(name, getattr(model, name, None)) for name in SPLIT_MODULES]
    cuts = [
        _ModuleCut(name, module, timer) for name, module in modules
        if module is not None
    ]
    loss_timers = [
        _LossTimer(module, timer) for module in getattr(model, 'losses', [])
    ]
    try:
        for i, batch in enumerate(batches):
            if i == warmup:
                timer.totals.clear()
            with autocast():
                with timer.stage('data preprocessor'):
                    data = model.data_preprocessor(batch, True)
                with timer.stage('forward, all'):
                    losses = model(**data, mode='loss')
            losses = {
                name: value.mean()
                for name, value in losses.items() if 'loss' in name
            }
            for name, value in losses.items():
                with timer.stage(f'{name} backward'):
                    value.backward(retain_graph=True)
            for cut in reversed(cuts):
                cut.backward()
            with timer.stage('optimizer step'):
                if clip_grad is not None:
                    clip_grad()
                optimizer.step()
                optimizer.zero_grad()
    finally:
        for part in cuts + loss_timers:
            part.remove()
    split_ms = timer.milliseconds_per(len(batches) - warmup)
    forward_all = split_ms.pop('forward, all')
    split_ms['forward, rest'] = forward_all - sum(
        ms for name, ms in split_ms.items() if name.endswith(' forward'))
    return split_ms
