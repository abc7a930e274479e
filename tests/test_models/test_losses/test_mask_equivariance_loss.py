# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
import torch
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401


def test_view_transform():
    loss = MODELS.build(dict(type='MaskEquivarianceLoss', scale=0.5))
    images = torch.arange(2 * 3 * 64 * 48.).view(2, 3, 64, 48)
    view = loss.make_view(images)
    # 24 is rounded to 32, a multiple of the size divisor 16
    assert view.shape == (2, 3, 32, 32)
    flip_only = MODELS.build(dict(type='MaskEquivarianceLoss', scale=1.0))
    assert torch.equal(flip_only.make_view(images), images.flip(-1))
    tiny = MODELS.build(dict(type='MaskEquivarianceLoss', scale=0.1))
    assert tiny.make_view(images).shape[2:] == (16, 16)


def test_loss_by_hand():
    loss = MODELS.build(
        dict(type='MaskEquivarianceLoss', scale=1.0, loss_weight=2.0))
    assert loss.loss_name == 'loss_equivariance'
    masks = torch.zeros(1, 2, 1, 2)
    masks[0, 0] = 1.  # class 0 everywhere
    # the view predicts 0.5 / 0.5 everywhere: |0.5 - 1| and |0.5 - 0|
    value = loss(
        dict(masks=masks, view_mask_logits=torch.zeros(1, 2, 1, 2)), None,
        None)
    assert value.item() == pytest.approx(2.0 * 0.5)
    # an equivariant prediction costs nothing
    logits = torch.randn(1, 2, 1, 2)
    value = loss(
        dict(masks=logits.softmax(1), view_mask_logits=logits.flip(-1)),
        None, None)
    assert value.item() == pytest.approx(0., abs=1e-7)


def test_the_view_must_differ():
    with pytest.raises(ValueError, match='must differ'):
        MODELS.build(dict(type='MaskEquivarianceLoss', scale=1., flip=False))
    with pytest.raises(ValueError, match='must differ'):
        MODELS.build(dict(type='MaskEquivarianceLoss', scale=0.))
