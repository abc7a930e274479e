# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmweakseg.evaluation.functional import average_precision


def test_average_precision_by_hand():
    # ranking +, -, +, -: precision 1 at recall 1/2, 2/3 at recall 1
    assert average_precision(
        np.array([0.9, 0.8, 0.3, 0.1]),
        np.array([1, 0, 1, 0])) == pytest.approx(1 / 2 * 1 + 1 / 2 * 2 / 3)


def test_average_precision_groups_tied_scores():
    # 0.7 (-): recall 0; tie at 0.6 (+, -): precision 1/3 at recall 1/2;
    # 0.2 (+): precision 2/4 at recall 1
    assert average_precision(
        np.array([0.6, 0.6, 0.2, 0.7]),
        np.array([1, 0, 1, 0])) == pytest.approx(1 / 2 * 1 / 3 + 1 / 2 * 2 / 4)


def test_average_precision_equals_mean_precision_at_positives():
    rng = np.random.default_rng(0)
    scores = rng.permutation(50) / 50  # no ties
    labels = rng.random(50) < 0.3
    ranked_labels = labels[np.argsort(-scores)]
    precision_at_positives = [
        ranked_labels[:rank + 1].mean()
        for rank in np.flatnonzero(ranked_labels)
    ]

    assert average_precision(scores, labels) == pytest.approx(
        np.mean(precision_at_positives))


def test_average_precision_needs_a_positive():
    with pytest.raises(ValueError, match='without positives'):
        average_precision(np.array([0.3, 0.7]), np.array([0, 0]))
