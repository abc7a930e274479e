# Copyright (c) mmweakseg contributors. All rights reserved.
"""Benchmarks behind ``tools/analysis_tools/benchmark_*.py``: segmentation
quality against the references, training speed, the cost of L_cls. Only the
tools and the tests import this package."""
from .cls_loss_cost import (ClsLossCost, build_random_classifier_loss,
                            format_cls_loss_costs, measure_cls_loss,
                            random_tags)
from .meters import StageTimer, peak_memory_mib, reset_peak_memory
from .quality import (QualityRow, average_rows, cam_rows, format_method_gaps,
                      format_quality_table, iou_row, model_row_name,
                      retrained_row_name)

__all__ = [
    'ClsLossCost', 'build_random_classifier_loss', 'format_cls_loss_costs',
    'measure_cls_loss', 'random_tags', 'StageTimer', 'peak_memory_mib',
    'reset_peak_memory', 'QualityRow', 'average_rows', 'cam_rows',
    'format_method_gaps', 'format_quality_table', 'iou_row',
    'model_row_name', 'retrained_row_name'
]
