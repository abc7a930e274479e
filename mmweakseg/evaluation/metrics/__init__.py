# Copyright (c) mmweakseg contributors. All rights reserved.
from .cam_threshold_sweep_metric import CAMThresholdSweepMetric
from .class_wise_iou_metric import ClassWiseIoUMetric
from .multi_label_tag_metric import MultiLabelTagMetric

__all__ = [
    'CAMThresholdSweepMetric', 'ClassWiseIoUMetric', 'MultiLabelTagMetric'
]
