# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import TagBCELoss


@pytest.mark.parametrize('loss_weight', [1.0, 2.0])
def test_tag_bce_loss_matches_eq9_by_hand(loss_weight):
    # sigmoid(0) = 1/2, sigmoid(log 3) = 3/4, sigmoid(-log 3) = 1/4
    logits = torch.tensor([[0., math.log(3)], [math.log(3), -math.log(3)]])
    tags = torch.tensor([[1., 0.], [1., 1.]])
    image0 = -math.log(1 / 2) - math.log(1 - 3 / 4)
    image1 = -math.log(3 / 4) - math.log(1 / 4)
    expected = loss_weight * (image0 + image1) / 2

    loss = TagBCELoss(loss_weight=loss_weight)(logits, tags)

    assert loss.shape == ()
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_tag_bce_loss_is_finite_for_saturated_logits():
    logits = torch.tensor([[100., -100.], [-100., 100.]], requires_grad=True)
    tags = torch.tensor([[1., 0.], [1., 0.]])

    loss = TagBCELoss()(logits, tags)
    loss.backward()

    # image 0 is right with certainty, image 1 wrong by 100 in both classes
    assert loss.item() == pytest.approx((0 + 200) / 2, rel=1e-6)
    assert torch.isfinite(logits.grad).all()


def test_tag_bce_loss_name_and_registry():
    assert MODELS.build(dict(type='TagBCELoss')).loss_name == 'loss_cls'
    assert TagBCELoss(loss_name='loss_tag').loss_name == 'loss_tag'


def test_tag_bce_loss_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r'same shape \(N, K-1\)'):
        TagBCELoss()(torch.zeros(2, 3), torch.zeros(2, 4))
