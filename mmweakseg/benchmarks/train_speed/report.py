# Copyright (c) mmweakseg contributors. All rights reserved.
"""Training speed of a config through mmengine's runner and through a plain
PyTorch loop over the same model, optimizer settings and batches, and its
printable report."""
import math
import os
from dataclasses import dataclass
from typing import Any, Dict, List

import torch
from mmengine.runner import Runner

from .phase_result import PhaseResult
from .plain_loop import (PlainTrainer, autocast_dtype, benchmark_plain_loop,
                         gradient_clipper, plain_optimizer)
from .runner_hook import benchmark_runner, set_rng_state, unwrap
from .step_split import split_train_step

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
