# Copyright (c) mmweakseg contributors. All rights reserved.
"""``ImageletClassifierLoss(max_absent_classes=M)``: the tagged classes and
at most M sampled absent classes per image, reweighted to an unbiased
estimate of Eq. 6."""
import math

import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import (imagelet_classifier_loss,
                                     sample_imagelet_weights)

# the stand-in classifier and helpers of the full loss's tests (same folder)
from test_imagelet_classifier_loss import (  # isort: skip
    ChannelMeanClassifier, make_samples, save_checkpoint, sigmoid)

# K = 4, background 0: image 0 tags class 1 (absent 2, 3), image 1 tags
# class 3 (absent 1, 2)
TAGS = [[1., 1., 0., 0.], [1., 0., 0., 1.]]


def test_weighted_eq6_hand_computed():
    # one image, K = 4, background 0, outputs for classes 1, 2, 3
    logits = torch.tensor([[[0.5, -1.0, 0.2], [2.0, 0.3, -0.4],
                            [-0.7, 1.5, 0.1], [9.0, 9.0, 9.0]]])
    weights = torch.tensor([[1., 1., 2., 0.]])
    loss = imagelet_classifier_loss(logits, torch.tensor([TAGS[0]]), [1, 2, 3],
                                    weights)

    def neg(x):  # -log(1 - sigmoid(x))
        return -math.log(1 - sigmoid(x))

    expected = (
        # k = 0 (background, weight 1): all three outputs negative
        neg(0.5) + neg(-1.0) + neg(0.2)
        # k = 1 (present, weight 1): own class positive, others negative
        - math.log(sigmoid(2.0)) + neg(0.3) + neg(-0.4)
        # k = 2 (absent, sampled, weight 2): classes 1 and 3 negative
        + 2 * (neg(-0.7) + neg(0.1))
        # k = 3 (absent, not sampled, weight 0): ignored
    ) / 4
    assert loss.item() == pytest.approx(expected)


def test_ignored_imagelets_cannot_leak_non_finite_logits():
    logits = torch.zeros(1, 3, 2)
    logits[0, 2] = float('nan')
    weights = torch.tensor([[1., 1., 0.]])
    loss = imagelet_classifier_loss(logits, torch.tensor([[1., 1., 0.]]),
                                    [1, 2], weights)
    assert torch.isfinite(loss)


def test_sample_weights():
    torch.manual_seed(0)
    tags = torch.tensor([[1., 0., 0., 0., 0.], [1., 1., 1., 0., 0.],
                         [1., 1., 1., 1., 1.]])
    weights = sample_imagelet_weights(tags, max_absent_classes=2)
    tagged = tags.eq(1)
    assert torch.equal(weights[tagged], torch.ones(int(tagged.sum())))
    # image 0: 2 of its 4 absent classes, weight 4 / 2; image 1: both of
    # its 2 absent classes, weight 1 (exact); image 2: nothing absent
    assert sorted(weights[0, 1:].tolist()) == [0., 0., 2., 2.]
    assert weights[1, 3:].tolist() == [1., 1.]
    assert weights.dtype == tags.dtype

    torch.manual_seed(0)
    assert torch.equal(sample_imagelet_weights(tags, 2), weights)
    assert torch.equal(sample_imagelet_weights(tags, 4), torch.ones_like(tags))
    assert torch.equal(sample_imagelet_weights(tags, 0), tags)


def test_sampling_is_uniform_and_unbiased():
    torch.manual_seed(0)
    tags = torch.tensor([[1., 1., 0., 0., 0.]]).repeat(6000, 1)
    weights = sample_imagelet_weights(tags, max_absent_classes=1)
    kept = weights[:, 2:].gt(0).float()
    assert torch.equal(kept.sum(dim=1), torch.ones(6000))
    # each absent class is kept with probability 1/3 and weighted by 3
    assert kept.mean(dim=0).tolist() == pytest.approx([1 / 3] * 3, abs=0.02)
    assert weights.mean(dim=0).tolist() == pytest.approx([1.] * 5, abs=0.06)


def build_loss(tmp_path, max_absent_classes):
    torch.manual_seed(0)
    stage1 = ChannelMeanClassifier(4, 0)
    checkpoint = save_checkpoint(stage1, tmp_path / 'stage1.pth')
    loss = MODELS.build(
        dict(
            type='ImageletClassifierLoss',
            classifier=dict(
                type='ChannelMeanClassifier',
                num_classes=4,
                background_index=0),
            checkpoint=checkpoint,
            loss_weight=0.5,
            max_absent_classes=max_absent_classes))
    return loss, stage1.fc


def imagelet_term(masks, imagelets, tags, fc: nn.Linear, n: int,
                  k: int) -> float:
    """The bracket of Eq. 6 for image-let k of image n (background 0)."""
    scores = torch.sigmoid(
        fc((masks[n, k] * imagelets[n, k]).mean(dim=(1, 2)))).tolist()
    term = -sum(
        math.log(1 - score) for j, score in enumerate(scores, 1) if j != k)
    if k != 0 and tags[n][k] == 1:
        term -= math.log(scores[k - 1])
    return term


def make_decomposition():
    torch.manual_seed(1)
    masks = torch.rand(2, 4, 4, 4).softmax(dim=1).requires_grad_()
    imagelets = torch.randn(2, 4, 3, 4, 4, requires_grad=True)
    return masks, imagelets


def test_module_scores_the_sampled_imagelets_in_one_forward(tmp_path):
    loss, fc = build_loss(tmp_path, max_absent_classes=1)
    masks, imagelets = make_decomposition()
    torch.manual_seed(3)
    weights = sample_imagelet_weights(torch.tensor(TAGS), 1)
    torch.manual_seed(3)
    value = loss(
        dict(masks=masks, imagelets=imagelets), None, make_samples(TAGS))

    # each image: background, its tagged class, 1 of 2 absent (weight 2)
    assert sorted(weights.flatten().tolist()) == [0, 0, 1, 1, 1, 1, 2, 2]
    assert loss.classifier.batch_shapes == [(6, 3, 4, 4)]
    expected = sum(
        weights[n, k].item() *
        imagelet_term(masks.detach(), imagelets.detach(), TAGS, fc, n, k)
        for n in range(2) for k in range(4)) / 4 / 2
    assert value.item() == pytest.approx(0.5 * expected, rel=1e-5)

    value.backward()
    has_grad = imagelets.grad.abs().sum(dim=(2, 3, 4)) > 0
    assert torch.equal(has_grad, weights > 0)


def test_module_is_unbiased_and_exact_when_all_absent_fit(tmp_path):
    full, _ = build_loss(tmp_path, max_absent_classes=None)
    masks, imagelets = make_decomposition()
    decomposition = dict(masks=masks, imagelets=imagelets)
    samples = make_samples(TAGS)
    exact = full(decomposition, None, samples).item()

    subset, _ = build_loss(tmp_path, max_absent_classes=2)
    assert subset(decomposition, None, samples).item() == pytest.approx(
        exact, rel=1e-6)

    # one of two absent classes per image: 4 equally likely outcomes whose
    # mean is the full loss
    subset.max_absent_classes = 1
    outcomes = set()
    for seed in range(40):
        torch.manual_seed(seed)
        outcomes.add(round(subset(decomposition, None, samples).item(), 6))
    assert len(outcomes) == 4
    assert sum(outcomes) / 4 == pytest.approx(exact, rel=1e-5)


@pytest.mark.parametrize('value', [-1, 1.5, '2'])
def test_invalid_max_absent_classes(tmp_path, value):
    with pytest.raises(ValueError, match='`max_absent_classes`'):
        build_loss(tmp_path, max_absent_classes=value)
