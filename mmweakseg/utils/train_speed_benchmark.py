# Copyright (c) mmweakseg contributors. All rights reserved.
"""Training speed of a config through mmengine's runner and through a plain
PyTorch loop over the same model, optimizer settings and batches."""
import math
import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial, wraps
from typing import (Any, Callable, ContextManager, Dict, List, Optional,
                    Sequence, Tuple)

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.runner import Runner
from torch import Tensor

from mmweakseg.engine.optimizers import (BF16AmpOptimWrapper,
                                         set_amp_optim_wrapper)
from .benchmark_meters import StageTimer, peak_memory_mib, reset_peak_memory
from .train_step_split import split_train_step

TIMED_HOOK_METHODS = ('before_train_iter', 'after_train_iter')


def configure_benchmark(cfg: Config,
                        iters: int,
                        warmup: int,
                        batch_size: Optional[int] = None,
                        amp: bool = False,
                        amp_dtype: Optional[str] = None,
                        channels_last: bool = False) -> None:
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
        channels_last (bool): Add a ``ChannelsLastHook``. Defaults to False.
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
    if channels_last:
        cfg.custom_hooks = list(cfg.get('custom_hooks',
                                        [])) + [dict(type='ChannelsLastHook')]


def autocast_dtype(optim_wrapper: OptimWrapper) -> Optional[torch.dtype]:
    """The autocast dtype of an optimizer wrapper, None without AMP."""
    if isinstance(optim_wrapper, BF16AmpOptimWrapper):
        return torch.bfloat16
    if isinstance(optim_wrapper, AmpOptimWrapper):
        return optim_wrapper.cast_dtype or torch.float16
    return None


@dataclass
class PhaseResult:
    """Measurements of the timed iterations of one way of training.

    Attributes:
        name (str): ``'runner'`` or ``'plain loop'``.
        num_iters (int): Timed iterations.
        num_images (int): Images in them.
        seconds (float): Their wall time.
        peak_memory_mib (float): Peak memory during them, see
            :func:`~mmweakseg.utils.benchmark_meters.peak_memory_mib`.
        losses (list[float]): Total loss of each timed iteration.
        split_ms (dict[str, float]): Milliseconds per iteration of named
            parts of the iteration.
    """
    name: str
    num_iters: int
    num_images: int
    seconds: float
    peak_memory_mib: float
    losses: List[float]
    split_ms: Dict[str, float] = field(default_factory=dict)

    @property
    def images_per_second(self) -> float:
        """float: Training throughput."""
        return self.num_images / self.seconds


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


@dataclass
class TrainSpeedReport:
    """Result of :func:`benchmark_train_speed`.

    Attributes:
        runner (PhaseResult): Training through mmengine's runner.
        plain (PhaseResult): The plain PyTorch loop on the same batches.
        step_split_ms (dict[str, float]): :func:`split_train_step`.
        settings (dict): Device, precision, memory format, threads, batch
            size, iterations and the load average before and after.
    """
    runner: PhaseResult
    plain: PhaseResult
    step_split_ms: Dict[str, float]
    settings: Dict[str, Any]

    @property
    def speed_ratio(self) -> float:
        """float: Runner throughput over plain-loop throughput."""
        return self.runner.images_per_second / self.plain.images_per_second

    @property
    def max_loss_difference(self) -> float:
        """float: Largest relative difference of the total loss of the same
        iteration between the runner and the plain loop."""
        return max(
            abs(a - b) / max(abs(a), abs(b), 1e-12)
            for a, b in zip(self.runner.losses, self.plain.losses))


def benchmark_train_speed(runner: Runner, iters: int,
                          warmup: int) -> TrainSpeedReport:
    """Measure training through ``runner`` and through a plain loop.

    ``runner`` must be built from a config prepared by
    :func:`configure_benchmark` with the same ``iters`` and ``warmup``.
    First ``runner.train()`` runs and is measured by a
    :class:`RunnerSpeedHook`. Then the same model instance is reset to its
    initial state, with a fresh optimizer of the same class and settings
    and the same torch random state, and a plain loop
    (:class:`PlainTrainer`, mirroring the optimizer wrapper's autocast)
    trains on the batches the runner saw, timed the same way; the total
    losses of both runs should match. Last, the training step is split into
    its parts (:func:`split_train_step`) on the same batches.
    """
    load_before = os.getloadavg()[0]
    speed_hook = benchmark_runner(runner, iters, warmup)
    batch_size = len(speed_hook.batches[warmup]['inputs'])
    runner_result = speed_hook.result(batch_size)

    model = unwrap(runner.model)
    amp_dtype = autocast_dtype(runner.optim_wrapper)

    def fresh_trainer() -> PlainTrainer:
        model.load_state_dict(speed_hook.initial_state)
        set_rng_state(speed_hook.initial_rng_state, speed_hook.device)
        return PlainTrainer(model,
                            plain_optimizer(runner.optim_wrapper.optimizer),
                            amp_dtype,
                            gradient_clipper(runner.optim_wrapper, model))

    model.train()
    plain_result = benchmark_plain_loop(fresh_trainer(), speed_hook.batches,
                                        warmup)
    trainer = fresh_trainer()
    step_split_ms = split_train_step(trainer.model, trainer.optimizer,
                                     speed_hook.batches, warmup,
                                     trainer.autocast, trainer.clip_grad)
    settings = dict(
        device=str(speed_hook.device),
        precision='float32' if amp_dtype is None else str(amp_dtype).replace(
            'torch.', ''),
        channels_last=any(p.dim() == 4 and p.is_contiguous(
            memory_format=torch.channels_last) and not p.is_contiguous()
                          for p in model.parameters()),
        threads=torch.get_num_threads(),
        batch_size=batch_size,
        iters=iters,
        warmup=warmup,
        load_average=(load_before, os.getloadavg()[0]))
    return TrainSpeedReport(runner_result, plain_result, step_split_ms,
                            settings)


def _split_lines(split_ms: Dict[str, float], total_ms: float) -> List[str]:
    """Lines ``name  ms  percent`` of a split, largest first."""
    lines = [
        f'  {name:<52}{ms:9.1f} ms {100 * ms / total_ms:5.1f} %'
        for name, ms in sorted(
            split_ms.items(), key=lambda item: item[1], reverse=True)
    ]
    lines.append(f'  {"sum":<52}{sum(split_ms.values()):9.1f} ms')
    return lines


def format_report(report: TrainSpeedReport) -> str:
    """A printable summary of ``report``."""
    settings = report.settings
    header = (f'device {settings["device"]} ({settings["threads"]} threads), '
              f'{settings["precision"]}, channels_last='
              f'{settings["channels_last"]}, batch {settings["batch_size"]}, '
              f'{settings["iters"]} timed iterations after '
              f'{settings["warmup"]} warm-up, load average '
              f'{settings["load_average"][0]:.2f} -> '
              f'{settings["load_average"][1]:.2f}')
    lines = [
        header, '', f'{"":<12}{"img/s":>9}{"s/iter":>9}{"peak memory MiB":>17}'
    ]
    for phase in (report.runner, report.plain):
        lines.append(f'{phase.name:<12}{phase.images_per_second:9.2f}'
                     f'{phase.seconds / phase.num_iters:9.3f}'
                     f'{phase.peak_memory_mib:17.0f}')
    lines.append(f'runner / plain loop speed: {report.speed_ratio:.3f}')
    difference = report.max_loss_difference
    lines.append('largest relative difference of the iterations\' total '
                 f'losses, runner vs plain loop: {difference:.2e}')
    if not all(map(math.isfinite, report.runner.losses + report.plain.losses)):
        lines.append('WARNING: non-finite losses')
    runner_ms = 1000 * report.runner.seconds / report.runner.num_iters
    lines += ['', 'runner iteration (ms per iteration):']
    lines += _split_lines(report.runner.split_ms, runner_ms)
    plain_ms = 1000 * report.plain.seconds / report.plain.num_iters
    lines += [
        '', 'plain training step, split by cutting the graph at the '
        f'modules (ms per iteration; the plain loop took {plain_ms:.1f}):'
    ]
    lines += _split_lines(report.step_split_ms, plain_ms)
    return '\n'.join(lines)
