# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import class_balanced_cross_entropy


def ce(logits, label) -> float:
    """Cross-entropy of one pixel's logits against its label."""
    return -(logits[label] - math.log(sum(math.exp(v) for v in logits)))


PIXELS = [[2.0, 0.0], [1.0, 1.0], [0.0, 3.0], [0.5, -0.5]]


def logits_of(pixels) -> torch.Tensor:
    """(1, K, 1, P) logits from P pixels' logit lists."""
    return torch.tensor(pixels).t()[None, :, None]


def test_every_class_weighs_the_same():
    labels = torch.tensor([[[0, 0, 1, 255]]])
    loss = class_balanced_cross_entropy(logits_of(PIXELS), labels)
    background = (ce(PIXELS[0], 0) + ce(PIXELS[1], 0)) / 2
    expected = (background + ce(PIXELS[2], 1)) / 2
    assert loss.item() == pytest.approx(expected)
    # the plain mean would weigh the background twice
    plain = (ce(PIXELS[0], 0) + ce(PIXELS[1], 0) + ce(PIXELS[2], 1)) / 3
    assert loss.item() != pytest.approx(plain)


def test_no_labelled_pixel_gives_zero_with_a_graph():
    logits = logits_of(PIXELS).requires_grad_()
    loss = class_balanced_cross_entropy(logits, torch.full((1, 1, 4), 255))
    assert loss.item() == 0
    loss.backward()
    assert torch.equal(logits.grad, torch.zeros_like(logits))


def test_decode_head_loss_interface():
    loss = MODELS.build(
        dict(type='ClassBalancedCrossEntropyLoss', loss_weight=2.0))
    assert loss.loss_name == 'loss_cb_ce'
    labels = torch.tensor([[[0, 0, 1, 1]]])
    value = loss(logits_of(PIXELS), labels, weight=None, ignore_index=1)
    assert value.item() == pytest.approx(
        2.0 * (ce(PIXELS[0], 0) + ce(PIXELS[1], 0)) / 2)
    with pytest.raises(ValueError, match='per-pixel weights'):
        loss(logits_of(PIXELS), labels, weight=torch.ones(1, 1, 4))
