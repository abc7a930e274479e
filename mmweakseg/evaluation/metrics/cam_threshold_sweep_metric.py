# Copyright (c) mmweakseg contributors. All rights reserved.
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS
from prettytable import PrettyTable

DEFAULT_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


@METRICS.register_module()
class CAMThresholdSweepMetric(BaseMetric):
    """mIoU of class activation maps for many background thresholds in one
    pass.

    Reads the score map ``seg_logits`` (K, H, W) of a ``CAMSegmentor`` (the
    normalised CAMs of the present classes, 0 for absent ones; the
    background channel is ignored) and ``gt_sem_seg``. For each threshold t,
    a pixel is predicted as the foreground class of highest score if that
    score exceeds t, else as the background (index from
    ``dataset_meta['background_index']``), and the IoU of every class is
    accumulated over the dataset as in mmseg's :class:`IoUMetric`.

    The result, with the default prefix ``sweep/``, holds ``mIoU@<t>`` for
    each threshold, ``best_threshold`` (the first of highest mIoU),
    ``best_mIoU`` and ``best_IoU.<class>`` at that threshold, in percent; a
    table of mIoU against threshold is logged. The best threshold is chosen
    on the evaluated masks, so it is an oracle: report it beside a threshold
    fixed beforehand.

    Args:
        thresholds (Sequence[float]): Thresholds in [0, 1]. Defaults to
            0.05, 0.10, ..., 0.95.
        ignore_index (int): Label ignored in the masks. Defaults to 255.
        collect_device (str): Device used to collect results across ranks,
            'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names. Defaults to None
            (``'sweep'``).
    """
    default_prefix = 'sweep'

    def __init__(self,
                 thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
                 ignore_index: int = 255,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not thresholds or not all(0 <= t <= 1 for t in thresholds):
            raise ValueError('`thresholds` must be a non-empty list of values '
                             f'in [0, 1], got {thresholds}')
        self.thresholds = sorted(set(float(t) for t in thresholds))
        self.ignore_index = ignore_index

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store the areas of every threshold for each sample.

        Each result is an array of shape (T, 4, K): for each threshold the
        ``(area_intersect, area_union, area_pred_label, area_label)`` of
        :meth:`IoUMetric.intersect_and_union`.

        Args:
            data_batch (dict): A batch from the dataloader (unused).
            data_samples (Sequence[dict]): Model outputs as dicts.
        """
        class_names, background_index = self._class_meta()
        num_classes = len(class_names)
        fg_indices = torch.tensor(
            [k for k in range(num_classes) if k != background_index])
        for data_sample in data_samples:
            scores = data_sample['seg_logits']['data']
            if scores.size(0) != num_classes:
                raise ValueError(
                    f'`seg_logits` has {scores.size(0)} channels but the '
                    f'dataset has {num_classes} classes')
            label = data_sample['gt_sem_seg']['data'].squeeze()
            fg_max, fg_argmax = scores[fg_indices.to(scores.device)].max(0)
            fg_label = fg_indices.to(scores.device)[fg_argmax]
            areas = []
            for threshold in self.thresholds:
                pred = torch.where(fg_max > threshold, fg_label,
                                   torch.full_like(fg_label, background_index))
                areas.append(
                    torch.stack(
                        IoUMetric.intersect_and_union(pred, label.to(pred),
                                                      num_classes,
                                                      self.ignore_index)))
            self.results.append(torch.stack(areas).cpu().numpy())

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute the mIoU of every threshold and the best one.

        Args:
            results (list[np.ndarray]): Per-sample areas, each (T, 4, K).

        Returns:
            dict[str, float]: ``mIoU@<t>``, ``best_threshold``, ``best_mIoU``
            and ``best_IoU.<class>``.
        """
        class_names, _ = self._class_meta()
        totals = np.sum(results, axis=0)
        with np.errstate(invalid='ignore', divide='ignore'):
            class_iou = totals[:, 0] / totals[:, 1]  # (T, K)
        miou = np.nanmean(class_iou, axis=1) * 100
        best = int(np.nanargmax(miou))

        table = PrettyTable(field_names=['threshold', 'mIoU'])
        for threshold, value in zip(self.thresholds, miou):
            table.add_row([f'{threshold:g}', f'{value:.2f}'])
        print_log(
            f'CAM mIoU per background threshold (best '
            f'{self.thresholds[best]:g}):\n' + table.get_string(),
            logger=MMLogger.get_current_instance())

        metrics = OrderedDict(
            (f'mIoU@{threshold:g}', round(float(value), 2))
            for threshold, value in zip(self.thresholds, miou))
        metrics['best_threshold'] = self.thresholds[best]
        metrics['best_mIoU'] = round(float(miou[best]), 2)
        for name, value in zip(class_names, class_iou[best]):
            metrics[f'best_IoU.{name}'] = round(float(value) * 100, 2)
        return metrics

    def _class_meta(self) -> Tuple[Sequence[str], int]:
        """Class names and background index from ``dataset_meta``."""
        meta = self.dataset_meta or {}
        if 'classes' not in meta or 'background_index' not in meta:
            raise KeyError(
                'CAMThresholdSweepMetric needs `classes` and '
                '`background_index` in the dataset metainfo, got keys '
                f'{sorted(meta)}')
        return meta['classes'], meta['background_index']
