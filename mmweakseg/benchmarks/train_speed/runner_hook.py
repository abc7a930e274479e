# Copyright (c) mmweakseg contributors. All rights reserved.
"""Time ``runner.train()`` from inside the runner, with a hook."""
from functools import wraps
from typing import Any, Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from torch import Tensor

from ..meters import StageTimer, peak_memory_mib, reset_peak_memory
from .phase_result import PhaseResult

TIMED_HOOK_METHODS = ('before_train_iter', 'after_train_iter')


class _TimedIterator:
    """Iterator that adds the time of each ``next`` to a timer stage."""

    def __init__(self, iterator: Any, timer: StageTimer, name: str) -> None:
        self.iterator = iterator
        self.timer = timer
        self.name = name
        self.enabled = False

    def __iter__(self) -> '_TimedIterator':
        return self

    def __next__(self) -> Any:
        if not self.enabled:
            return next(self.iterator)
        with self.timer.stage(self.name):
            return next(self.iterator)


class RunnerSpeedHook(Hook):
    """Measure ``runner.train()`` of a config prepared by
    :func:`configure_benchmark`.

    Before training it snapshots the model's initial state (after weight
    initialisation and the other ``before_train`` hooks) and the torch
    random state. It keeps every training batch, and times iterations
    ``warmup .. warmup + iters - 1`` from the end of the previous
    iteration's hooks to the end of the last one's (it runs last), with
    their split into data loading (``next`` of the loop's iterator), the
    model's ``train_step`` and each other hook's iteration methods.
    It is added by :func:`benchmark_runner`, not from configs.

    Args:
        iters (int): Timed iterations.
        warmup (int): Iterations before them.
    """

    priority = 'LOWEST'

    def __init__(self, iters: int, warmup: int) -> None:
        self.iters = iters
        self.warmup = warmup
        self.batches: List[dict] = []
        self.losses: List[float] = []
        self.initial_state: Dict[str, Tensor] = {}
        self.initial_rng_state: Dict[str, Any] = {}
        self.device: Optional[torch.device] = None
        self.timer: Optional[StageTimer] = None
        self.timing = False
        self.start = self.seconds = self.peak_memory_mib = 0.
        self._data_iterator: Optional[_TimedIterator] = None
        self._patched: List[Tuple[Any, str]] = []

    def before_train(self, runner: Runner) -> None:
        """Snapshot the initial state and install the split timers."""
        model = unwrap(runner.model)
        self.device = next(model.parameters()).device
        self.timer = StageTimer(self.device)
        self.initial_state = {
            name: tensor.detach().clone()
            for name, tensor in model.state_dict().items()
        }
        self.initial_rng_state = get_rng_state(self.device)
        loop = runner.train_loop
        self._data_iterator = _TimedIterator(loop.dataloader_iterator,
                                             self.timer, 'data loading')
        loop.dataloader_iterator = self._data_iterator
        self._time_method(runner.model, 'train_step', 'train_step')
        for hook in runner.hooks:
            if hook is self:
                continue
            for method in TIMED_HOOK_METHODS:
                if getattr(type(hook), method) is not getattr(Hook, method):
                    self._time_method(hook, method,
                                      f'hook {type(hook).__name__}.{method}')

    def _time_method(self, owner: Any, method: str, name: str) -> None:
        """Shadow ``owner.method`` by an instance attribute that times it
        as stage ``name`` inside the window."""
        function = getattr(owner, method)

        @wraps(function)
        def timed(*args, **kwargs):
            if not self.timing:
                return function(*args, **kwargs)
            with self.timer.stage(name):
                return function(*args, **kwargs)

        setattr(owner, method, timed)
        self._patched.append((owner, method))

    def after_train(self, runner: Runner) -> None:
        """Remove the timers from the model and the hooks."""
        for owner, method in self._patched:
            delattr(owner, method)
        self._patched = []
        runner.train_loop.dataloader_iterator = self._data_iterator.iterator

    def before_train_iter(self,
                          runner: Runner,
                          batch_idx: int,
                          data_batch: Optional[dict] = None) -> None:
        """Keep the batch."""
        self.batches.append(data_batch)

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Open the window after iteration ``warmup - 1``; record the loss
        inside it and close it after the last timed iteration."""
        if self.timing:
            self.losses.append(outputs['loss'].item())
        if batch_idx == self.warmup - 1:
            reset_peak_memory(self.device)
            self._set_timing(True)
            self.start = self.timer.now()
        elif batch_idx == self.warmup + self.iters - 1:
            self.seconds = self.timer.now() - self.start
            self._set_timing(False)
            self.peak_memory_mib = peak_memory_mib(self.device)

    def _set_timing(self, timing: bool) -> None:
        self.timing = timing
        self._data_iterator.enabled = timing

    def result(self, batch_size: int) -> PhaseResult:
        """The measurements, with ``batch_size`` images per iteration."""
        split_ms = self.timer.milliseconds_per(self.iters)
        split_ms['other (loop, hooks without iteration methods)'] = (
            1000 * self.seconds / self.iters - sum(split_ms.values()))
        return PhaseResult('runner', self.iters, self.iters * batch_size,
                           self.seconds, self.peak_memory_mib, self.losses,
                           split_ms)


def get_rng_state(device: torch.device) -> Dict[str, Any]:
    """torch's random state of the CPU and, on CUDA, of ``device``."""
    state = dict(cpu=torch.get_rng_state())
    if device.type == 'cuda':
        state['cuda'] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: Dict[str, Any], device: torch.device) -> None:
    """Restore a state from :func:`get_rng_state`."""
    torch.set_rng_state(state['cpu'])
    if 'cuda' in state:
        torch.cuda.set_rng_state(state['cuda'], device)


def unwrap(model: nn.Module) -> nn.Module:
    """The model inside a model wrapper (DDP), or ``model`` itself."""
    return model.module if is_model_wrapper(model) else model


def benchmark_runner(runner: Runner, iters: int,
                     warmup: int) -> RunnerSpeedHook:
    """Train with ``runner`` (built from a config prepared by
    :func:`configure_benchmark` with the same ``iters`` and ``warmup``)
    and return the :class:`RunnerSpeedHook` that measured it."""
    speed_hook = RunnerSpeedHook(iters, warmup)
    runner.register_hook(speed_hook)
    runner.train()
    return speed_hook
