# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest
from mmengine.config import Config

from mmweakseg.datasets import DatasetReport
from mmweakseg.workflows import check_classifier_health
from mmweakseg.workflows.classifier_health import train_split_test_config


def val_report(tag_counts, num_images=10):
    """A val report of ['background', 'cat', 'dog', 'fox'] whose diagonal
    of co-occurrence holds the tag counts."""
    report = DatasetReport(
        name='val',
        classes=('background', 'cat', 'dog', 'fox'),
        num_images=num_images,
        background_index=0)
    report.co_occurrence[np.diag_indices(4)] = tag_counts
    return report


def test_skill_is_measured_from_chance():
    # chance = positive rate: cat 5/10 = 50 %, dog 2/10 = 20 %; fox has no
    # positive image and background is skipped
    report = val_report([10, 5, 2, 0])
    metrics = {'mAP': 85.0, 'AP.cat': 75.0, 'AP.dog': 95.0}
    health = check_classifier_health(metrics, report, {'mAP': 99.0})
    assert health.classes == {
        'cat': (75.0, 50.0, 0.5),  # (75 - 50) / (100 - 50)
        'dog': (95.0, 20.0, 0.9375)  # (95 - 20) / (100 - 20)
    }
    assert health.mean_skill == pytest.approx(0.71875)
    assert health.gap == pytest.approx(14.0)
    assert health.ok and 'healthy' in health.format()


def test_near_chance_classifier_fails():
    report = val_report([10, 5, 4, 0])
    # all scores tied gives AP = chance exactly
    metrics = {'mAP': 45.0, 'AP.cat': 50.0, 'AP.dog': 40.0}
    health = check_classifier_health(metrics, report)
    assert health.mean_skill == 0.0
    assert not health.ok
    assert 'close to chance: mean skill 0.00 < 0.5' in health.problems[0]
    assert 'cat AP 50.0 vs chance 50.0' in health.problems[0]
    text = health.format()
    assert 'train mAP not measured' in text and 'what to change' in text


def test_memorising_classifier_fails():
    report = val_report([10, 5, 2, 0])
    metrics = {'mAP': 85.0, 'AP.cat': 75.0, 'AP.dog': 95.0}
    health = check_classifier_health(metrics, report, {'mAP': 99.9}, 0.5,
                                     max_gap=10.0)
    assert health.problems == [
        'it memorised its training images: train mAP 99.90 vs val mAP 85.00 '
        '(gap 14.9 > 10)'
    ]


def test_no_class_to_judge_fails():
    # a class present in every val image: no ranking can be judged
    health = check_classifier_health({'mAP': 100.0, 'AP.cat': 100.0},
                                     val_report([10, 10, 0, 0]))
    assert health.classes == {}
    assert 'cannot be judged' in health.problems[0]


def test_train_split_test_config():
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(type='WeakTagDataset', ann_file='train.json',
                             pipeline=['augment'])),
            test_dataloader=dict(
                dataset=dict(type='WeakTagDataset', ann_file='val.json',
                             pipeline=['resize']))))
    copy = train_split_test_config(cfg)
    assert copy.test_dataloader.dataset.ann_file == 'train.json'
    assert copy.test_dataloader.dataset.pipeline == ['resize']
    assert cfg.test_dataloader.dataset.ann_file == 'val.json'
