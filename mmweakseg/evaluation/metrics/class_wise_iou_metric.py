# Copyright (c) mmweakseg contributors. All rights reserved.
import logging
from typing import Dict, Sequence

import numpy as np
from mmengine.logging import print_log
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class ClassWiseIoUMetric(IoUMetric):
    """mmseg's :class:`IoUMetric` that also returns each class's value.

    Besides the summary (``aAcc``, ``mIoU``, ...), which mmseg's metric
    returns and whose per-class table it only prints, the result holds
    ``<metric>.<class name>`` (e.g. ``IoU.dog``) in percent, so per-class
    numbers reach the log files, ``save_best`` and the pipeline's final
    table. A class that never occurs in labels nor predictions is NaN.

    Images without a mask (weak-tag data where only some or no images have
    one) are left out and counted: the metrics are over the images with a
    mask, and with none at all the metric returns nothing (the tag metrics
    still do). Arguments are those of :class:`IoUMetric`; the names stay
    unprefixed (``mIoU``, ``IoU.<class>``) unless ``prefix`` is given.
    """
    # unprefixed names, as mmseg's, said explicitly: BaseMetric warns about
    # a prefix left as None in every run
    default_prefix = ''

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Add each image with a mask as mmseg's metric does, and a ``None``
        for each one without (so the count survives the gathering of the
        results across processes)."""
        if self.format_only:
            super().process(data_batch, data_samples)
            return
        with_mask = [
            sample for sample in data_samples if 'gt_sem_seg' in sample
        ]
        super().process(data_batch, with_mask)
        self.results.extend([None] * (len(data_samples) - len(with_mask)))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute the summary and the per-class metrics.

        Args:
            results (list): Per-image ``(area_intersect, area_union,
                area_pred_label, area_label)``, each of shape (K,), or
                None for an image without a mask.

        Returns:
            dict[str, float]: mmseg's summary plus ``<metric>.<class>``.
        """
        if self.format_only:
            return super().compute_metrics(results)
        with_mask = [result for result in results if result is not None]
        if len(with_mask) < len(results):
            print_log(
                f'{len(results) - len(with_mask)} of {len(results)} images '
                f'have no mask: {type(self).__name__} is over the '
                f'{len(with_mask)} that have one',
                logger='current',
                level=logging.WARNING if not with_mask else logging.INFO)
        if not with_mask:
            return {}
        results = with_mask
        metrics = super().compute_metrics(results)
        totals = [sum(areas) for areas in zip(*results)]
        per_class = self.total_area_to_metrics(*totals, self.metrics,
                                               self.nan_to_num, self.beta)
        per_class.pop('aAcc', None)
        for name, values in per_class.items():
            for class_name, value in zip(self.dataset_meta['classes'],
                                         np.asarray(values)):
                metrics[f'{name}.{class_name}'] = round(float(value) * 100, 2)
        return metrics
