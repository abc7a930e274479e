# Copyright (c) mmweakseg contributors. All rights reserved.
"""Compare the method with its references on one dataset.

``tools/analysis_tools/benchmark_quality.py`` trains the method and the supervised upper
bound with the same number of epochs, evaluates the CAM baseline of the same
stage-1 classifier, trains a standard mmseg model on the method's
pseudo-labels (the second stage of weak segmentation), and prints the table
made here.
"""
import statistics
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from prettytable import PrettyTable


@dataclass
class QualityRow:
    """Segmentation quality of one model.

    Attributes:
        name (str): Name of the model in the table.
        miou (float): mIoU in percent (the mean over seeds for a row of
            several runs).
        class_iou (dict[str, float]): IoU of each class in percent.
        miou_std (float, optional): Sample standard deviation of the mIoU
            over seeds; None for a single run.
        seed_mious (list[float]): The mIoU of each seed, for a row of
            several runs.
    """
    name: str
    miou: float
    class_iou: Dict[str, float]
    miou_std: Optional[float] = None
    seed_mious: Optional[List[float]] = None

    def format_miou(self) -> str:
        """'45.18' for one run, '41.22 +- 3.97' over seeds."""
        if self.miou_std is None:
            return f'{self.miou:.2f}'
        return f'{self.miou:.2f} +- {self.miou_std:.2f}'


def average_rows(name: str, rows: Sequence[QualityRow]) -> QualityRow:
    """The mean of the runs of one model with different seeds.

    Args:
        name (str): Name of the averaged row.
        rows (Sequence[QualityRow]): One row per seed.

    Returns:
        QualityRow: Mean mIoU and per-class IoU, the sample standard
        deviation of the mIoU over the seeds (None for a single run) and
        each seed's mIoU.
    """
    if not rows:
        raise ValueError('a mean over seeds needs at least 1 run')
    mious = [row.miou for row in rows]
    return QualityRow(
        name=name,
        miou=statistics.mean(mious),
        class_iou={
            class_name: statistics.mean(row.class_iou[class_name]
                                        for row in rows)
            for class_name in rows[0].class_iou
        },
        miou_std=statistics.stdev(mious) if len(rows) > 1 else None,
        seed_mious=mious)


def iou_row(name: str,
            metrics: dict,
            classes: Sequence[str],
            key_prefix: str = '') -> QualityRow:
    """A row from test metrics with ``mIoU`` and ``IoU.<class>`` (as written
    by ``ClassWiseIoUMetric``), each key behind ``key_prefix``."""
    return QualityRow(
        name=name,
        miou=metrics[f'{key_prefix}mIoU'],
        class_iou={
            class_name: metrics[f'{key_prefix}IoU.{class_name}']
            for class_name in classes
        })


def is_refined(model_cfg: dict) -> bool:
    """Whether the model's predictions are refined at test time
    (``test_cfg.refine``, see ``ReconstructionSegmentor`` and
    ``RefinedEncoderDecoder``)."""
    return (model_cfg.get('test_cfg') or {}).get('refine') is not None


def model_row_name(name: str, model_cfg: dict) -> str:
    """``name``, with ``(refined)`` when the model's predictions are refined
    at test time: 'method (refined)', 'supervised'."""
    return f'{name} (refined)' if is_refined(model_cfg) else name


def retrained_row_name(model_cfg: dict) -> str:
    """The name of the second stage's row: the model's decode head, and
    ``refined`` when its predictions are refined at test time."""
    return (f'retrained ({model_cfg["decode_head"]["type"]} on '
            f'pseudo-labels{", refined" if is_refined(model_cfg) else ""})')


def cam_rows(metrics: dict, classes: Sequence[str],
             threshold: float) -> List[QualityRow]:
    """The CAM baseline at its configured threshold and at the best one of
    the ``CAMThresholdSweepMetric`` (chosen on the evaluated masks).

    Args:
        metrics (dict): Test metrics of the ``CAMSegmentor`` with a
            ``ClassWiseIoUMetric`` and a ``CAMThresholdSweepMetric``.
        classes (Sequence[str]): The K class names.
        threshold (float): The configured ``model.threshold``.

    Returns:
        list[QualityRow]: The configured and the best threshold's rows.
    """
    best = metrics['sweep/best_threshold']
    return [
        iou_row(f'CAM (threshold {threshold:g})', metrics, classes),
        iou_row(f'CAM (best threshold {best:g})', metrics, classes,
                'sweep/best_')
    ]


def format_quality_table(rows: Sequence[QualityRow],
                         classes: Sequence[str],
                         upper_bound: Optional[QualityRow] = None) -> str:
    """Table of mIoU and per-class IoU, one row per model.

    With ``upper_bound`` the last column gives each model's mIoU as a share
    of the upper bound's.
    """
    field_names = ['model', 'mIoU'] + [f'IoU {name}' for name in classes]
    if upper_bound is not None:
        field_names.append(f'/ {upper_bound.name}')
    table = PrettyTable(field_names=field_names)
    table.align['model'] = 'l'
    for row in rows:
        cells = [row.name, row.format_miou()
                 ] + [f'{row.class_iou[name]:.2f}' for name in classes]
        if upper_bound is not None:
            cells.append(f'{row.miou / upper_bound.miou:.2f}')
        table.add_row(cells)
    return table.get_string()


def format_method_gaps(method: QualityRow,
                       baselines: Sequence[QualityRow],
                       upper_bound: Optional[QualityRow] = None) -> str:
    """The method's mIoU margin over each baseline and its share of the
    upper bound's mIoU, one line each."""
    lines = [
        f'{method.name} - {baseline.name}: '
        f'{method.miou - baseline.miou:+.2f} mIoU' for baseline in baselines
    ]
    if upper_bound is not None:
        lines.append(f'{method.name} / {upper_bound.name}: '
                     f'{method.miou / upper_bound.miou:.2f} of its mIoU')
    return '\n'.join(lines)
