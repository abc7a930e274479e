# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
import torch
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS

import mmweakseg  # noqa: F401

CLASSES = ('cat', 'background', 'dog')  # background at index 1


def sample(scores, label) -> dict:
    """A predicted data sample as the evaluator passes it (a dict)."""
    return dict(
        seg_logits=dict(data=torch.tensor(scores)),
        gt_sem_seg=dict(data=torch.tensor(label)[None]))


def build_metric(**kwargs):
    metric = METRICS.build(dict(type='CAMThresholdSweepMetric', **kwargs))
    metric.dataset_meta = dict(classes=CLASSES, background_index=1)
    return metric


# Channels: cat CAM, background (ignored by the sweep), dog CAM.
IMAGE_1 = sample([[[0.9, 0.3], [0.0, 0.6]], [[0.2, 0.2], [0.2, 0.2]],
                  [[0.1, 0.0], [0.7, 0.5]]], [[0, 1], [2, 255]])
IMAGE_2 = sample([[[0.6, 0.6], [0.6, 0.6]], [[0.2, 0.2], [0.2, 0.2]],
                  [[0.0, 0.0], [0.0, 0.0]]], [[1, 1], [1, 1]])


def test_one_image_by_hand():
    metric = build_metric(thresholds=[0.8, 0.2, 0.5])
    metric.process({}, [IMAGE_1])
    result = metric.evaluate(1)
    # 0.2: pred [[cat, cat], [dog, -]]: cat 1/2, background 0/1, dog 1/1
    assert result['sweep/mIoU@0.2'] == pytest.approx(50.0)
    # 0.5: pred [[cat, bg], [dog, -]]: all right
    assert result['sweep/mIoU@0.5'] == pytest.approx(100.0)
    # 0.8: pred [[cat, bg], [bg, -]]: cat 1, background 1/2, dog 0
    assert result['sweep/mIoU@0.8'] == pytest.approx(50.0)
    assert result['sweep/best_threshold'] == 0.5
    assert result['sweep/best_mIoU'] == pytest.approx(100.0)
    assert list(result)[:3] == [
        'sweep/mIoU@0.2', 'sweep/mIoU@0.5', 'sweep/mIoU@0.8'
    ]


def test_areas_add_up_over_the_dataset():
    metric = build_metric(thresholds=[0.2, 0.5, 0.8])
    metric.process({}, [IMAGE_1])
    metric.process({}, [IMAGE_2])
    result = metric.evaluate(2)
    # IoU from the summed areas, not a mean of per-image IoUs
    assert result['sweep/mIoU@0.2'] == pytest.approx(
        100 * (1 / 6 + 0 + 1) / 3, abs=0.01)
    assert result['sweep/mIoU@0.5'] == pytest.approx(
        100 * (0.2 + 0.2 + 1) / 3, abs=0.01)
    assert result['sweep/mIoU@0.8'] == pytest.approx(
        100 * (1 + 5 / 6 + 0) / 3, abs=0.01)
    assert result['sweep/best_threshold'] == 0.8
    assert result['sweep/best_IoU.cat'] == pytest.approx(100.0)
    assert result['sweep/best_IoU.background'] == pytest.approx(83.33)
    assert result['sweep/best_IoU.dog'] == pytest.approx(0.0)


@pytest.mark.parametrize('threshold', [0.1, 0.35, 0.9])
def test_matches_iou_of_the_argmax_prediction(threshold):
    """At threshold t the sweep equals mmseg's IoUMetric on the argmax of
    the scores with the background channel set to t (what CAMSegmentor
    predicts)."""
    torch.manual_seed(0)
    samples, argmax_samples = [], []
    for _ in range(3):
        scores = torch.rand(3, 6, 5)
        label = torch.randint(0, 3, (6, 5))
        label[0, 0] = 255
        samples.append(sample(scores.tolist(), label.tolist()))
        scores[1] = threshold
        argmax_samples.append(
            dict(
                pred_sem_seg=dict(data=scores.argmax(0, keepdim=True)),
                gt_sem_seg=dict(data=label[None])))
    sweep = build_metric(thresholds=[threshold])
    sweep.process({}, samples)
    reference = IoUMetric()
    reference.dataset_meta = dict(classes=CLASSES)
    reference.process({}, argmax_samples)
    assert sweep.evaluate(3)[f'sweep/mIoU@{threshold:g}'] == \
        pytest.approx(reference.evaluate(3)['mIoU'])


def test_default_thresholds():
    metric = build_metric()
    assert metric.thresholds[0] == 0.05 and metric.thresholds[-1] == 0.95
    assert len(metric.thresholds) == 19


@pytest.mark.parametrize('thresholds', [[], [0.5, 1.5], [-0.1]])
def test_threshold_range(thresholds):
    with pytest.raises(ValueError, match='`thresholds` must be'):
        build_metric(thresholds=thresholds)


def test_needs_background_index():
    metric = METRICS.build(dict(type='CAMThresholdSweepMetric'))
    metric.dataset_meta = dict(classes=CLASSES)
    with pytest.raises(KeyError, match='background_index'):
        metric.process({}, [IMAGE_1])


def test_channel_count_must_match_classes():
    metric = build_metric()
    with pytest.raises(ValueError, match='2 channels'):
        metric.process({}, [sample([[[0.1]], [[0.2]]], [[0]])])
