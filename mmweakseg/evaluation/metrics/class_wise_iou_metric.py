# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Dict

import numpy as np
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
    Arguments are those of :class:`IoUMetric`.
    """

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute the summary and the per-class metrics.

        Args:
            results (list): Per-image ``(area_intersect, area_union,
                area_pred_label, area_label)``, each of shape (K,).

        Returns:
            dict[str, float]: mmseg's summary plus ``<metric>.<class>``.
        """
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        totals = [sum(areas) for areas in zip(*results)]
        per_class = self.total_area_to_metrics(*totals, self.metrics,
                                               self.nan_to_num, self.beta)
        per_class.pop('aAcc', None)
        for name, values in per_class.items():
            for class_name, value in zip(self.dataset_meta['classes'],
                                         np.asarray(values)):
                metrics[f'{name}.{class_name}'] = round(float(value) * 100, 2)
        return metrics
