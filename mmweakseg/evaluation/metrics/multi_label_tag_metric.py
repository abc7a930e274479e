# Copyright (c) mmweakseg contributors. All rights reserved.
import logging
from collections import OrderedDict
from typing import Dict, Iterable, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log
from mmseg.registry import METRICS
from prettytable import PrettyTable

from ..functional import average_precision


@METRICS.register_module()
class MultiLabelTagMetric(BaseMetric):
    """Multi-label classification metric over the foreground tags.

    Reads ``gt_tags`` (K,) and ``pred_tag_scores`` (K,) from every data
    sample and reports, in percent over the foreground classes (the
    background index comes from ``dataset_meta['background_index']``):

    - ``AP.<class>``: average precision of the class ranking over the
      evaluated images (scikit-learn's ``average_precision_score``
      definition), and ``mAP`` their mean;
    - ``F1.<class>``: F1 score of ``score >= thr``, and ``mF1`` their mean.

    A class without any positive image has no defined AP (and no F1 worth
    averaging); it is left out of the result dict and of both means, shown as
    ``n/a`` in the logged per-class table and named in a warning.

    Args:
        thr (float): Score threshold for a positive prediction in F1.
            Defaults to 0.5.
        collect_device (str): Device used to collect results across ranks,
            'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names. Defaults to
            None: unprefixed names (``mAP``, ``AP.<class>``), which the
            classifier's ``save_best='mAP'`` reads.
    """
    # unprefixed names, said explicitly: BaseMetric warns about a prefix
    # left as None in every run
    default_prefix = ''

    def __init__(self,
                 thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not 0 <= thr <= 1:
            raise ValueError(f'`thr` must be in [0, 1], got {thr}')
        self.thr = thr

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store ``(gt_tags (K,), pred_tag_scores (K,))`` of every sample.

        Args:
            data_batch (dict): A batch from the dataloader (unused).
            data_samples (Sequence[dict]): Model outputs as dicts.
        """
        for data_sample in data_samples:
            self.results.append((data_sample['gt_tags'].cpu().numpy(),
                                 data_sample['pred_tag_scores'].cpu().numpy()))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute mAP, mF1 and the per-class AP and F1.

        Args:
            results (list[tuple[np.ndarray, np.ndarray]]): ``(gt_tags,
                pred_tag_scores)`` pairs, each of shape (K, ).

        Returns:
            dict[str, float]: ``mAP``, ``mF1``, ``AP.<class>`` and
            ``F1.<class>`` in [0, 100].
        """
        logger: MMLogger = MMLogger.get_current_instance()
        class_names, background_index = self._class_meta()
        gt_tags = np.stack([gt for gt, _ in results]) > 0
        scores = np.stack([score for _, score in results])
        if gt_tags.shape[1] != len(class_names) or \
                scores.shape != gt_tags.shape:
            raise ValueError(
                f'`gt_tags` {gt_tags.shape[1:]} and `pred_tag_scores` '
                f'{scores.shape[1:]} must both have one entry for each of '
                f'the {len(class_names)} classes of the dataset')
        predicted = scores >= self.thr
        num_positives = gt_tags.sum(axis=0)
        true_positives = (predicted & gt_tags).sum(axis=0)

        table = PrettyTable(field_names=['Class', 'Positives', 'AP', 'F1'])
        per_class_ap, per_class_f1, skipped = OrderedDict(), OrderedDict(), []
        for k, name in enumerate(class_names):
            if k == background_index:
                continue
            if num_positives[k] == 0:
                skipped.append(name)
                table.add_row([name, 0, 'n/a', 'n/a'])
                continue
            per_class_ap[name] = 100 * average_precision(
                scores[:, k], gt_tags[:, k])
            per_class_f1[name] = 100 * 2 * true_positives[k] / (
                num_positives[k] + predicted[:, k].sum())
            table.add_row([
                name,
                int(num_positives[k]),
                round(per_class_ap[name], 2),
                round(per_class_f1[name], 2)
            ])
        print_log('per class results:', logger)
        print_log('\n' + table.get_string(), logger=logger)
        if skipped:
            print_log(
                f'Classes without any positive image, left out of mAP and '
                f'mF1: {", ".join(skipped)}',
                logger=logger,
                level=logging.WARNING)

        metrics = OrderedDict(
            mAP=self._mean(per_class_ap.values()),
            mF1=self._mean(per_class_f1.values()))
        metrics.update(
            (f'AP.{name}', round(ap, 2)) for name, ap in per_class_ap.items())
        metrics.update(
            (f'F1.{name}', round(f1, 2)) for name, f1 in per_class_f1.items())
        return metrics

    def _class_meta(self) -> Tuple[Sequence[str], int]:
        """Class names and background index from ``dataset_meta``."""
        meta = self.dataset_meta or {}
        if 'classes' not in meta or 'background_index' not in meta:
            raise KeyError(
                'MultiLabelTagMetric needs `classes` and `background_index` '
                f'in the dataset metainfo, got keys {sorted(meta)}')
        return meta['classes'], meta['background_index']

    @staticmethod
    def _mean(values: Iterable[float]) -> float:
        """Mean rounded to 2 decimals; NaN when no class was evaluated."""
        values = list(values)
        return round(float(np.mean(values)), 2) if values else float('nan')
