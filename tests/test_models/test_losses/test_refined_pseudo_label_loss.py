# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import class_balanced_cross_entropy
from mmweakseg.models.utils import masks_to_pseudo_labels

from test_imagelet_classifier_loss import make_samples  # isort: skip


@MODELS.register_module(force=True)
class IdentityRefinement(nn.Module):
    """Stand-in refinement that returns the masks unchanged."""

    def forward(self, images, masks):
        return masks.detach()


def build_loss(**kwargs) -> nn.Module:
    return MODELS.build(
        dict(
            type='RefinedPseudoLabelLoss',
            refinement=dict(type='IdentityRefinement'),
            **kwargs))


def decomposition_of(logits: torch.Tensor) -> dict:
    return dict(mask_logits=logits, masks=logits.softmax(dim=1))


def test_trains_the_logits_on_the_confident_pixels(iteration):
    torch.manual_seed(0)
    iteration(100)
    logits = torch.randn(2, 3, 4, 4, requires_grad=True)
    tags = [[1., 1., 0.], [1., 1., 1.]]
    loss = build_loss(loss_weight=0.5, warmup_iters=10)
    value = loss(decomposition_of(logits), torch.zeros(2, 3, 4, 4),
                 make_samples(tags))

    masks = logits.detach().softmax(dim=1)
    labels = masks_to_pseudo_labels(masks, torch.tensor(tags), 0)
    for i in range(2):  # images whose labels miss a tag are dropped
        if not all((labels[i] == k).any() for k in range(3) if tags[i][k]):
            labels[i] = 255
    reference = logits.detach().clone().requires_grad_()
    expected = 0.5 * class_balanced_cross_entropy(reference, labels)
    assert value.item() == pytest.approx(expected.item(), rel=1e-6)
    # the pseudo-labels are constants: the gradient is the CE's alone
    value.backward()
    expected.backward()
    assert torch.allclose(logits.grad, reference.grad, atol=1e-7)


def test_images_missing_a_tag_do_not_count(iteration):
    iteration(5)
    logits = torch.zeros(1, 2, 2, 2)
    logits[0, 0] = 5.  # the background covers everything
    loss = build_loss()
    labels = loss.pseudo_labels(None, logits.softmax(1), torch.ones(1, 2))
    assert (labels == 255).all()
    assert loss(decomposition_of(logits), None,
                make_samples([[1., 1.]])).item() == 0


def test_off_during_warmup(iteration):
    logits = torch.randn(1, 2, 2, 2, requires_grad=True)
    loss = build_loss(warmup_iters=3)
    for step, active in ((0, False), (2, False), (3, True)):
        iteration(step)
        logits[0, 1, 0, 0].data.fill_(9.)  # class 1 claims one pixel
        value = loss(decomposition_of(logits), None, make_samples([[1., 1.]]))
        assert (value.item() > 0) == active
        assert value.requires_grad
    with pytest.raises(ValueError, match='warmup_iters'):
        build_loss(warmup_iters=-1)


def test_default_refinement_is_pixel_adaptive(iteration):
    iteration(0)
    loss = MODELS.build(dict(type='RefinedPseudoLabelLoss'))
    assert type(loss.refinement).__name__ == 'PixelAdaptiveRefinement'
    logits = torch.randn(2, 3, 16, 16, requires_grad=True)
    value = loss(
        decomposition_of(logits), torch.rand(2, 3, 16, 16),
        make_samples([[1., 1., 0.], [1., 0., 1.]]))
    assert torch.isfinite(value)
