# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Average precision of one class from a ranking of samples.

    Same definition as scikit-learn's ``average_precision_score``:
    ``AP = sum_n (R_n - R_{n-1}) * P_n`` over the distinct score thresholds
    in decreasing order, where tied scores form one threshold.

    Args:
        scores (np.ndarray): Scores of the class, shape (M, ).
        labels (np.ndarray): Binary ground truth, shape (M, ); at least one
            entry must be positive.

    Returns:
        float: Average precision in [0, 1].
    """
    labels = np.asarray(labels, dtype=bool)
    if not labels.any():
        raise ValueError('average precision is undefined without positives')
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind='stable')
    sorted_scores = scores[order]
    sorted_labels = labels[order]
    # last position of every run of equal scores
    threshold_ends = np.r_[np.flatnonzero(np.diff(sorted_scores)),
                           sorted_labels.size - 1]
    true_positives = np.cumsum(sorted_labels)[threshold_ends]
    precision = true_positives / (threshold_ends + 1)
    recall = true_positives / true_positives[-1]
    recall_gain = np.diff(np.r_[0., recall])
    return float(np.sum(recall_gain * precision))
