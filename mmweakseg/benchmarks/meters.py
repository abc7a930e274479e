# Copyright (c) mmweakseg contributors. All rights reserved.
import resource
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Dict, Iterator, Union

import torch

DeviceType = Union[str, torch.device]


def synchronize(device: DeviceType) -> None:
    """Wait for the queued work of ``device`` (a no-op but on CUDA)."""
    if torch.device(device).type == 'cuda':
        torch.cuda.synchronize(device)


class StageTimer:
    """Add up the wall time of named stages of a loop.

    The clock is read after :func:`synchronize`, so on CUDA a stage ends
    when its kernels are done. Synchronising costs nothing on the CPU; on a
    GPU it removes the overlap of host and device work, so time a loop
    without the timer to know its real speed.

    Args:
        device (str or torch.device): Device whose work is timed.
    """

    def __init__(self, device: DeviceType) -> None:
        self.device = device
        self.totals: Dict[str, float] = defaultdict(float)

    def now(self) -> float:
        """Seconds of a monotonic clock after synchronising the device."""
        synchronize(self.device)
        return time.perf_counter()

    def add(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to stage ``name``."""
        self.totals[name] += seconds

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the body of the ``with`` block as stage ``name``."""
        start = self.now()
        yield
        self.add(name, self.now() - start)

    def milliseconds_per(self, count: int) -> Dict[str, float]:
        """The totals in milliseconds divided by ``count`` (iterations)."""
        return {
            name: 1000 * total / count
            for name, total in self.totals.items()
        }


def reset_peak_memory(device: DeviceType) -> None:
    """Start a new peak-memory measurement on ``device``.

    CUDA: the allocator's peak statistics. CPU: the peak resident set size
    of this process (``VmHWM``), reset by writing 5 to
    ``/proc/self/clear_refs`` (Linux >= 4.0); where that is not possible
    the peak keeps counting from the start of the process.
    """
    if torch.device(device).type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
        return
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass


def peak_memory_mib(device: DeviceType) -> float:
    """Peak memory in MiB since :func:`reset_peak_memory`.

    CUDA: tensors allocated on ``device`` (``max_memory_allocated``). CPU:
    the peak resident set size of this process (not of data loader
    workers), which includes the interpreter, the libraries and memory the
    allocator kept from earlier work.
    """
    if torch.device(device).type == 'cuda':
        return torch.cuda.max_memory_allocated(device) / 2**20
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # Linux reports ru_maxrss in KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
