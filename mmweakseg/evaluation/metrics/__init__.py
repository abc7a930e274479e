# Copyright (c) mmweakseg contributors. All rights reserved.
from .class_wise_iou_metric import ClassWiseIoUMetric
from .multi_label_tag_metric import MultiLabelTagMetric

__all__ = ['ClassWiseIoUMetric', 'MultiLabelTagMetric']
