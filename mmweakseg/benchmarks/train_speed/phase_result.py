# Copyright (c) mmweakseg contributors. All rights reserved.
"""What the speed benchmark measures of one way of training."""
from dataclasses import dataclass, field
from typing import Dict, List


@dataclass
class PhaseResult:
    """Measurements of the timed iterations of one way of training.

    Attributes:
        name (str): ``'runner'`` or ``'plain loop'``.
        num_iters (int): Timed iterations.
        num_images (int): Images in them.
        seconds (float): Their wall time.
        peak_memory_mib (float): Peak memory during them, see
            :func:`~mmweakseg.benchmarks.meters.peak_memory_mib`.
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
