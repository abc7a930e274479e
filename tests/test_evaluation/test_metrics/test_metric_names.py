# Copyright (c) mmweakseg contributors. All rights reserved.
"""The metrics' names: unprefixed by default (``mIoU``, ``mAP``, which
``save_best`` and the tools read) without BaseMetric's warning about an
unset prefix, and prefixed when a prefix is given."""
import uuid

import pytest
import torch
from mmengine.logging import MMLogger
from mmengine.structures import PixelData
from mmseg.registry import METRICS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401


def iou_sample() -> dict:
    sample = SegDataSample()
    sample.pred_sem_seg = PixelData(data=torch.tensor([[[0, 1]]]))
    sample.gt_sem_seg = PixelData(data=torch.tensor([[[0, 1]]]))
    return sample.to_dict()


def tag_sample() -> dict:
    sample = SegDataSample()
    sample.set_field(torch.tensor([1., 1.]), 'gt_tags', dtype=torch.Tensor)
    sample.set_field(
        torch.tensor([1., .9]), 'pred_tag_scores', dtype=torch.Tensor)
    return sample.to_dict()


@pytest.mark.parametrize('metric_type, sample, name',
                         [('ClassWiseIoUMetric', iou_sample, 'mIoU'),
                          ('MultiLabelTagMetric', tag_sample, 'mAP')])
@pytest.mark.parametrize('prefix', [None, 'val'])
def test_metric_names(metric_type, sample, name, prefix, tmp_path):
    log_file = tmp_path / 'metric.log'
    MMLogger.get_instance(f'metric-names-{uuid.uuid4()}', log_file=log_file)
    options = dict(iou_metrics=['mIoU']) if 'IoU' in metric_type else {}
    metric = METRICS.build(dict(type=metric_type, prefix=prefix, **options))
    metric.dataset_meta = dict(
        classes=('background', 'cat'), background_index=0)
    metric.process({}, [sample()])

    result = metric.evaluate(1)

    assert (f'{prefix}/{name}' if prefix else name) in result
    assert 'prefix is not set' not in log_file.read_text()
