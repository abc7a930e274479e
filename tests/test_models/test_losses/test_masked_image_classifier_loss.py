# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import fill_images

from test_imagelet_classifier_loss import (  # isort: skip
    ChannelMeanClassifier, make_samples, save_checkpoint, sigmoid)


def build_loss(tmp_path, **kwargs):
    """The loss with a ChannelMeanClassifier for K = 3 (background 0) whose
    logits are class 1 <- mean red, class 2 <- mean green."""
    stage1 = ChannelMeanClassifier(3, 0)
    with torch.no_grad():
        stage1.fc.weight.copy_(torch.tensor([[1., 0., 0.], [0., 1., 0.]]))
        stage1.fc.bias.zero_()
    return MODELS.build(
        dict(
            type='MaskedImageClassifierLoss',
            classifier=dict(
                type='ChannelMeanClassifier', num_classes=3,
                background_index=0),
            checkpoint=save_checkpoint(stage1, tmp_path / 'stage1.pth'),
            **kwargs))


# two pixels: a red one and a green one; (1, 3, 1, 2)
IMAGE = torch.tensor([[2., 0.], [0., 4.], [0., 0.]])[None, :, None]
MASKS = torch.tensor([[0.5, 0.0], [0.5, 0.25], [0.0, 0.75]])[None, :, None]


def test_keep_and_erase_by_hand(tmp_path):
    loss = build_loss(tmp_path, erase_weight=0.5, loss_weight=2.0)
    assert loss.loss_name == 'loss_masked_cls'
    masks = MASKS.clone().requires_grad_()
    value = loss(dict(masks=masks), IMAGE, make_samples([[1., 1., 0.]]))
    # keep background: mean colour (0.5, 0, 0) -> logits (0.5, 0), no class
    keep_bg = -math.log(1 - sigmoid(0.5)) - math.log(1 - sigmoid(0.))
    # keep class 1: mean (0.5, 0.5, 0) -> class 1 present, class 2 absent
    keep_1 = -math.log(sigmoid(0.5)) - math.log(1 - sigmoid(0.5))
    # erase class 1: mean (0.5, 1.5, 0) -> class 1 absent
    erase_1 = -math.log(1 - sigmoid(0.5))
    expected = 2.0 * (keep_bg + keep_1 + 0.5 * erase_1) / 3
    assert value.item() == pytest.approx(expected, rel=1e-6)
    # keep: background, class 1; erase: class 1; one batched forward
    assert loss.classifier.batch_shapes == [(3, 3, 1, 2)]
    value.backward()
    assert masks.grad.abs().sum() > 0
    assert all(p.grad is None for p in loss.classifier.parameters())


def test_fills():
    images = torch.rand(2, 3, 8, 8)
    assert torch.equal(fill_images(images, 'zero'), torch.zeros_like(images))
    mean = fill_images(images, 'image_mean')
    assert torch.allclose(mean[:, :, 3, 5], images.mean(dim=(2, 3)))
    blurred = fill_images(images, 'blur')
    assert blurred.shape == images.shape
    assert blurred.std() < images.std()
    flat = torch.full((1, 3, 8, 8), 0.3)
    assert torch.allclose(fill_images(flat, 'blur'), flat)
    with pytest.raises(ValueError, match='fill'):
        fill_images(images, 'noise')


@pytest.mark.parametrize('fill', ['image_mean', 'blur'])
def test_other_fills_change_the_erased_pixels(tmp_path, fill):
    zero = build_loss(tmp_path)(
        dict(masks=MASKS), IMAGE, make_samples([[1., 1., 0.]]))
    other = build_loss(tmp_path, fill=fill)(
        dict(masks=MASKS), IMAGE, make_samples([[1., 1., 0.]]))
    assert torch.isfinite(other) and other.item() != pytest.approx(
        zero.item())


def test_checks(tmp_path):
    with pytest.raises(ValueError, match='`fill`'):
        build_loss(tmp_path, fill='noise')
    with pytest.raises(ValueError, match='predicts 2 classes'):
        build_loss(tmp_path)(
            dict(masks=MASKS[:, :2]), IMAGE, make_samples([[1., 1.]]))
