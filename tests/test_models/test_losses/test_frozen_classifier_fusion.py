# Copyright (c) mmweakseg contributors. All rights reserved.
"""``fuse_conv_bn`` of the frozen-classifier losses: BN folded into the
convolutions changes neither the loss nor its gradient."""
import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401

from test_imagelet_classifier_loss import (  # isort: skip
    make_samples, save_checkpoint)

# the demo classifier's backbone at a tenth of its width: BasicBlocks with
# downsample branches, dilated last stages (output stride 8)
RESNET_CLASSIFIER = dict(
    type='TagClassifier',
    backbone=dict(
        type='ResNetV1c',
        depth=18,
        stem_channels=8,
        base_channels=4,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        norm_cfg=dict(type='BN', requires_grad=True)),
    num_classes=3,
    background_index=0,
    in_channels=32)


def stage1_checkpoint(tmp_path) -> str:
    """A ResNet classifier whose BN layers hold non-trivial statistics and
    affine weights, as a trained one does."""
    torch.manual_seed(0)
    stage1 = MODELS.build(RESNET_CLASSIFIER)
    for module in stage1.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.normal_(0.0, 0.1)
            module.running_var.uniform_(0.5, 2.0)
            nn.init.normal_(module.weight, 1.0, 0.3)
            nn.init.normal_(module.bias, 0.1, 0.1)
    return save_checkpoint(stage1, tmp_path / 'stage1.pth')


@pytest.mark.parametrize(
    'loss_type', ['ImageletClassifierLoss', 'MaskedImageClassifierLoss'])
def test_fused_classifier_gives_the_same_loss_and_gradients(
        tmp_path, loss_type):
    checkpoint = stage1_checkpoint(tmp_path)
    losses = [
        MODELS.build(
            dict(
                type=loss_type,
                classifier=RESNET_CLASSIFIER,
                checkpoint=checkpoint,
                fuse_conv_bn=fuse)) for fuse in (False, True)
    ]
    plain, fused = (loss.classifier for loss in losses)
    assert any(isinstance(m, nn.BatchNorm2d) for m in plain.modules())
    assert not any(isinstance(m, nn.BatchNorm2d) for m in fused.modules())
    assert not fused.training
    assert not any(p.requires_grad for p in fused.parameters())

    torch.manual_seed(1)
    mask_logits = torch.randn(2, 3, 32, 32)
    decomposition = dict(imagelets=torch.randn(2, 3, 3, 32, 32))
    inputs = torch.randn(2, 3, 32, 32)
    samples = make_samples([[1., 1., 0.], [1., 0., 1.]])
    values, grads = [], []
    for loss in losses:
        logits = mask_logits.clone().requires_grad_()
        value = loss(
            dict(decomposition, masks=logits.softmax(dim=1)), inputs, samples)
        value.backward()
        values.append(value)
        grads.append(logits.grad)
    torch.testing.assert_close(values[1], values[0], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(grads[1], grads[0], rtol=1e-4, atol=1e-7)
    assert grads[0].abs().sum() > 0
    assert all(p.grad is None for p in fused.parameters())
