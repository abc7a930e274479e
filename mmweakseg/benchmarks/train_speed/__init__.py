# Copyright (c) mmweakseg contributors. All rights reserved.
"""Training speed of a config: mmengine's runner against a plain PyTorch
loop on the same batches (``tools/analysis_tools/benchmark_train_speed.py``)."""
from .config import configure_benchmark
from .phase_result import PhaseResult
from .plain_loop import (PlainTrainer, autocast_dtype, benchmark_plain_loop,
                         gradient_clipper, plain_optimizer, total_loss)
from .report import TrainSpeedReport, benchmark_train_speed, format_report
from .runner_hook import (RunnerSpeedHook, benchmark_runner, get_rng_state,
                          set_rng_state, unwrap)
from .step_split import split_train_step

__all__ = [
    'configure_benchmark', 'PhaseResult', 'PlainTrainer', 'autocast_dtype',
    'benchmark_plain_loop', 'gradient_clipper', 'plain_optimizer',
    'total_loss', 'TrainSpeedReport', 'benchmark_train_speed',
    'format_report', 'RunnerSpeedHook', 'benchmark_runner', 'get_rng_state',
    'set_rng_state', 'unwrap', 'split_train_step'
]
