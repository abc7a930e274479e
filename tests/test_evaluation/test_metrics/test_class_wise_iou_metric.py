# Copyright (c) mmweakseg contributors. All rights reserved.
import torch
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData

from mmweakseg.evaluation.metrics import ClassWiseIoUMetric


def sample(pred, label=None):
    data_sample = SegDataSample()
    data_sample.pred_sem_seg = PixelData(data=torch.tensor([pred]))
    if label is not None:
        data_sample.gt_sem_seg = PixelData(data=torch.tensor([label]))
    return data_sample.to_dict()


def evaluate(samples):
    metric = ClassWiseIoUMetric(iou_metrics=['mIoU'])
    metric.dataset_meta = dict(classes=['background', 'cat'])
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_images_without_mask_are_left_out():
    # image 1: pred [[0, 1], [1, 1]], label [[0, 0], [1, 1]]
    # image 2: pred all 0, label [[0, 0], [0, 1]]
    with_masks = [
        sample([[0, 1], [1, 1]], [[0, 0], [1, 1]]),
        sample([[0, 0], [0, 0]], [[0, 0], [0, 1]]),
    ]
    # background: intersection 1 + 3 = 4, union 2 + 4 = 6 -> 66.67
    # cat: intersection 2 + 0 = 2, union 3 + 1 = 4 -> 50.0
    expected = evaluate(with_masks)
    assert expected['IoU.background'] == 66.67
    assert expected['IoU.cat'] == 50.0
    assert expected['mIoU'] == 58.33
    # an image without a mask (predicting cat everywhere) changes nothing
    mixed = evaluate(with_masks[:1] + [sample([[1, 1], [1, 1]])] +
                     with_masks[1:])
    assert mixed == expected


def test_no_mask_at_all_gives_no_metric():
    assert evaluate([sample([[0, 1], [1, 1]]), sample([[0, 0], [0, 0]])]) \
        == {}
