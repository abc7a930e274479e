# Copyright (c) mmweakseg contributors. All rights reserved.
import math
import uuid

import pytest
import torch
from mmengine.logging import MMLogger
from mmseg.registry import METRICS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.evaluation import MultiLabelTagMetric

# Four images; foreground classes cat, dog, bird (bird never present).
CAT_TAGS, CAT_SCORES = [1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]
DOG_TAGS, DOG_SCORES = [1, 0, 1, 0], [0.6, 0.6, 0.2, 0.7]
BIRD_TAGS, BIRD_SCORES = [0, 0, 0, 0], [0.1, 0.9, 0.2, 0.3]
# AP by the ranking (ties at one threshold):
# cat +,-,+,-  -> 1/2 * 1 + 1/2 * 2/3
# dog -,(+,-),+ -> 1/2 * 1/3 + 1/2 * 2/4
CAT_AP, DOG_AP = 100 * (1 / 2 + 1 / 3), 100 * (1 / 6 + 1 / 4)
# F1 = 2TP / (#positives + #predicted) at score >= 0.5:
# cat TP=1, 2 predicted; dog TP=1, 3 predicted
CAT_F1, DOG_F1 = 100 * 2 / 4, 100 * 2 / 5


def _samples(background_index):
    """Data samples as dicts, the background column at background_index."""
    columns = [(CAT_TAGS, CAT_SCORES), (DOG_TAGS, DOG_SCORES),
               (BIRD_TAGS, BIRD_SCORES)]
    columns.insert(background_index, ([1, 1, 1, 1], [1., 1., 1., 1.]))
    samples = []
    for i in range(4):
        sample = SegDataSample()
        sample.set_field(
            torch.tensor([tags[i] for tags, _ in columns],
                         dtype=torch.float32),
            'gt_tags',
            dtype=torch.Tensor)
        sample.set_field(
            torch.tensor([scores[i] for _, scores in columns]),
            'pred_tag_scores',
            dtype=torch.Tensor)
        samples.append(sample.to_dict())
    return samples


def _metric(background_index, **kwargs):
    classes = ['cat', 'dog', 'bird']
    classes.insert(background_index, 'background')
    metric = METRICS.build(dict(type='MultiLabelTagMetric', **kwargs))
    metric.dataset_meta = dict(
        classes=tuple(classes), background_index=background_index)
    return metric


@pytest.mark.parametrize('background_index', [0, 3])
def test_metric_values_by_hand(background_index, tmp_path):
    log_file = tmp_path / 'metric.log'
    MMLogger.get_instance(f'tag-metric-{uuid.uuid4()}', log_file=log_file)
    metric = _metric(background_index)
    metric.process({}, _samples(background_index))

    results = metric.evaluate(4)

    expected = {
        'mAP': (CAT_AP + DOG_AP) / 2,
        'mF1': (CAT_F1 + DOG_F1) / 2,
        'AP.cat': CAT_AP,
        'AP.dog': DOG_AP,
        'F1.cat': CAT_F1,
        'F1.dog': DOG_F1,
    }
    assert list(results) == list(expected)  # no background, bird skipped
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, abs=0.005), key
    log = log_file.read_text()
    assert 'left out of mAP and mF1: bird' in log
    assert 'n/a' in log and 'AP' in log


def test_metric_threshold():
    metric = _metric(0, thr=0.85)
    metric.process({}, _samples(0))

    results = metric.evaluate(4)

    # cat: only 0.9 predicted, TP=1 of 2 positives; dog: nothing predicted
    assert results['F1.cat'] == pytest.approx(100 * 2 / 3, abs=0.005)
    assert results['F1.dog'] == 0
    assert results['mAP'] == pytest.approx((CAT_AP + DOG_AP) / 2, abs=0.005)


def test_metric_without_positives_gives_nan_means():
    metric = _metric(0)
    samples = _samples(0)
    for sample in samples:
        sample['gt_tags'][1:] = 0
    metric.process({}, samples)

    results = metric.evaluate(4)

    assert math.isnan(results['mAP']) and math.isnan(results['mF1'])
    assert list(results) == ['mAP', 'mF1']


def test_metric_errors():
    with pytest.raises(ValueError, match=r'`thr` must be in \[0, 1\]'):
        MultiLabelTagMetric(thr=1.5)
    metric = MultiLabelTagMetric()
    metric.dataset_meta = dict(classes=('background', 'cat', 'dog', 'bird'))
    metric.process({}, _samples(0))
    with pytest.raises(KeyError, match='background_index'):
        metric.evaluate(4)
    metric = _metric(0)
    metric.dataset_meta = dict(
        classes=('background', 'cat'), background_index=0)
    metric.process({}, _samples(0))
    with pytest.raises(ValueError, match='each of the 2 classes'):
        metric.evaluate(4)
