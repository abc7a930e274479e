# Copyright (c) mmweakseg contributors. All rights reserved.
"""Training curves from the ``vis_data/scalars.json`` files that mmengine's
``LocalVisBackend`` writes for every run (one JSON object per line)."""
import glob
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from matplotlib.figure import Figure  # no pyplot: no backend is touched

# what the default selection plots: losses, and the validation summaries
DEFAULT_METRICS = ('mIoU', 'mAP', 'aAcc')
Series = Dict[str, Tuple[List[float], List[float]]]


@dataclass
class RunScalars:
    """The scalars of one run.

    Attributes:
        train (dict): ``{key: (iterations, values)}`` of the training
            entries (those that carry ``iter``).
        val (dict): ``{key: (steps, values)}`` of the validation entries.
        val_step (str): What a validation step counts: ``'epoch'`` in
            epoch-based runs (training entries carry ``epoch``), else
            ``'iteration'``.
    """
    train: Series = field(default_factory=dict)
    val: Series = field(default_factory=dict)
    val_step: str = 'iteration'


def find_scalars(path: str) -> str:
    """The ``scalars.json`` of a run: ``path`` itself if it is a file, else
    the newest one under the folder ``path`` (a work dir or a run's
    timestamped folder)."""
    if osp.isfile(path):
        return path
    found = glob.glob(osp.join(path, '**', 'scalars.json'), recursive=True)
    if not found:
        raise FileNotFoundError(f'{path}: no scalars.json found (expected a '
                                'work dir of tools/train.py or the file)')
    return max(found, key=osp.getmtime)


def read_scalars(path: str) -> RunScalars:
    """Read a ``scalars.json`` into training and validation series.

    Training entries carry ``iter``; their values are indexed by iteration.
    Validation entries have no ``iter``; theirs are indexed by ``step``
    (the epoch in epoch-based runs, the iteration in iteration-based ones).
    Only numbers are kept.
    """
    scalars = RunScalars()
    with open(path) as file:
        for line_number, line in enumerate(file, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}, line {line_number}: not JSON '
                                 f'({error})') from error
            series = scalars.train if 'iter' in entry else scalars.val
            if 'iter' in entry and 'epoch' in entry:
                scalars.val_step = 'epoch'
            step = entry.get('iter', entry.get('step'))
            for key, value in entry.items():
                if key in ('iter', 'step', 'epoch') or not isinstance(
                        value, (int, float)):
                    continue
                steps, values = series.setdefault(key, ([], []))
                steps.append(step)
                values.append(value)
    return scalars


def default_keys(scalars: RunScalars) -> List[str]:
    """Training losses and the validation summaries present."""
    return [key for key in scalars.train if key.startswith('loss')
            ] + [key for key in DEFAULT_METRICS if key in scalars.val]


def plot_curves(runs: Sequence[str],
                out_file: str,
                keys: Optional[Sequence[str]] = None,
                labels: Optional[Sequence[str]] = None,
                title: Optional[str] = None) -> str:
    """Draw one panel per scalar with a line per run and save a PNG.

    Args:
        runs (Sequence[str]): ``scalars.json`` files or run folders
            (:func:`find_scalars`).
        out_file (str): PNG to write; its folder is created.
        keys (Sequence[str], optional): Scalars to draw; a key that is both
            a training and a validation scalar is drawn as validation.
            Defaults to the losses and ``mIoU`` / ``mAP`` / ``aAcc`` of the
            first run.
        labels (Sequence[str], optional): Legend names, one per run.
            Defaults to the paths.
        title (str, optional): Figure title.

    Returns:
        str: ``out_file``.
    """
    if not runs:
        raise ValueError('no run given')
    labels = list(labels or runs)
    if len(labels) != len(runs):
        raise ValueError(f'{len(runs)} runs but {len(labels)} labels')
    data = [read_scalars(find_scalars(run)) for run in runs]
    keys = list(keys or default_keys(data[0]))
    if not keys:
        raise ValueError(f'{runs[0]}: no losses or metrics to plot')
    columns = min(3, len(keys))
    rows = -(-len(keys) // columns)
    figure = Figure(figsize=(4.5 * columns, 3.2 * rows))
    axes = figure.subplots(rows, columns, squeeze=False)
    for axis, key in zip(axes.flat, keys):
        found = False
        for scalars, label in zip(data, labels):
            if key in scalars.val:
                axis.plot(*scalars.val[key], label=label, marker='.')
                axis.set_xlabel(f'{scalars.val_step} (validation)')
            elif key in scalars.train:
                axis.plot(*scalars.train[key], label=label)
                axis.set_xlabel('iteration')
            else:
                continue
            found = True
        if not found:
            raise KeyError(f'no run logged {key!r}')
        axis.set_title(key)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(keys):]:
        axis.axis('off')
    if len(runs) > 1:
        axes.flat[0].legend(fontsize='small')
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    figure.savefig(out_file, dpi=80)
    return out_file
