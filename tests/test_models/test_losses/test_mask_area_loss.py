# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import mask_area_loss
from mmweakseg.models.losses.mask_area_loss import (log_complement,
                                                    log_mask_areas)

# class 0 covers a quarter of the image on average, class 1 the rest
MASK0 = torch.tensor([[0.4, 0.2], [0.1, 0.3]])
MASKS = torch.stack([MASK0, 1 - MASK0])[None]  # (1, 2, 2, 2)
# logits whose softmax over the classes is MASKS
LOGITS = MASKS.log()


def make_sample(tags, areas=None) -> SegDataSample:
    data_sample = SegDataSample()
    data_sample.set_field(torch.tensor(tags), 'gt_tags', dtype=torch.Tensor)
    if areas is not None:
        data_sample.set_field(
            torch.tensor(areas), 'gt_tag_areas', dtype=torch.Tensor)
    return data_sample


@pytest.mark.parametrize('tags, expected', [
    ([1., 0.], -(math.log(0.25) + math.log(0.25)) / 2),
    ([1., 1.], -(math.log(0.25) + math.log(0.75)) / 2),
    ([0., 1.], -(math.log(0.75) + math.log(0.75)) / 2),
])
def test_hard_targets(tags, expected):
    loss = mask_area_loss(LOGITS, torch.tensor([tags]))
    assert loss.item() == pytest.approx(expected)


def test_soft_targets():
    loss = mask_area_loss(LOGITS, torch.tensor([[0.3, 0.7]]))
    expected = -((0.3 * math.log(0.25) + 0.7 * math.log(0.75)) +
                 (0.7 * math.log(0.75) + 0.3 * math.log(0.25))) / 2
    assert loss.item() == pytest.approx(expected)


@pytest.mark.parametrize('use_area_priors', [True, False])
def test_module_area_priors_per_sample(use_area_priors):
    loss = MODELS.build(
        dict(
            type='MaskAreaLoss',
            use_area_priors=use_area_priors,
            loss_weight=2.))
    assert loss.loss_name == 'loss_mask'
    logits = LOGITS.repeat(2, 1, 1, 1)
    samples = [make_sample([1., 1.], [0.3, 0.7]), make_sample([1., 0.])]
    with_tags = -(math.log(0.25) + math.log(0.75)) / 2
    with_areas = -(0.3 * math.log(0.25) + 0.7 * math.log(0.75))
    second = -(math.log(0.25) + math.log(0.25)) / 2
    first = with_areas if use_area_priors else with_tags
    value = loss(
        dict(mask_logits=logits), torch.zeros(2, 3, 2, 2), samples)
    assert value.item() == pytest.approx(2. * (first + second) / 2)


def test_log_areas_and_complements():
    # K = 3 at 1 x 2 pixels: probabilities per pixel sum to 1
    probs = torch.tensor([[[[0.5, 0.1]], [[0.2, 0.6]], [[0.3, 0.3]]]])
    log_areas, log_rests = log_mask_areas(probs.log())
    assert log_areas[0].exp().tolist() == pytest.approx([0.3, 0.4, 0.3])
    assert log_rests[0].exp().tolist() == pytest.approx([0.7, 0.6, 0.7])
    assert log_complement(probs.log()).exp().flatten().tolist() == \
        pytest.approx((1 - probs).flatten().tolist())
    with pytest.raises(ValueError, match='at least 2 classes'):
        log_complement(torch.zeros(1, 1, 2, 2))


@pytest.mark.parametrize('tags, expected', [
    # class 0 covers every pixel (probability 1 in float32), 1 and 2 nothing
    ([1., 1., 0.], (0 + 100 + 0) / 3),
    ([0., 1., 1.], (100 - math.log(2) + 100 + 100) / 3),
])
def test_saturated_masks_keep_their_gradient(tags, expected):
    """Where the softmax has saturated, the loss still measures how far
    off the masks are and its gradient undoes them (clamped areas would
    give a constant loss and zero gradient: the collapse to one class)."""
    logits = torch.tensor([50., -50., -50.]).view(1, 3, 1, 1).repeat(
        1, 1, 4, 4).requires_grad_()
    assert logits.softmax(1)[0, 0].eq(1).all()
    loss = mask_area_loss(logits, torch.tensor([tags]))
    loss.backward()
    assert loss.item() == pytest.approx(expected, rel=1e-4)
    for k, tag in enumerate(tags):
        grad = logits.grad[0, k]
        assert torch.isfinite(grad).all()
        if tag and k > 0:  # a missing present class is pushed up
            assert (grad < -1e-3).all()
    if not tags[0]:  # an absent class covering the image is pushed down
        assert (logits.grad[0, 0] > 1e-3).all()


def test_missing_or_wrong_tags():
    loss = MODELS.build(dict(type='MaskAreaLoss'))
    with pytest.raises(KeyError, match='PackWeakSegInputs'):
        loss(dict(mask_logits=LOGITS), None, [SegDataSample()])
    with pytest.raises(ValueError, match='K=2'):
        loss(dict(mask_logits=LOGITS), None, [make_sample([1., 0., 1.])])


def test_present_terms_end_at_present_end_iter(iteration):
    """From ``present_end_iter`` on only the absent classes' terms remain,
    still divided by K; None keeps all of Eq. 4."""
    # every pixel has probabilities (0.5, 0.3, 0.2): areas 0.5, 0.3, 0.2,
    # so a present and an absent term never have the same value
    logits = torch.tensor([0.5, 0.3, 0.2]).log().view(1, 3, 1, 1).expand(
        1, 3, 2, 2)
    tags = [make_sample([1., 1., 0.])]  # classes 0 and 1 present, 2 absent
    present = -(math.log(0.5) + math.log(0.3)) / 3
    absent = -math.log(1 - 0.2) / 3
    handing_over = MODELS.build(
        dict(type='MaskAreaLoss', present_end_iter=3, loss_weight=2.))
    throughout = MODELS.build(dict(type='MaskAreaLoss'))
    for step, with_present in ((0, True), (2, True), (3, False), (10**6,
                                                                  False)):
        iteration(step)
        expected = absent + (present if with_present else 0.)
        assert handing_over(dict(mask_logits=logits), None,
                            tags).item() == pytest.approx(2. * expected)
        assert throughout(dict(mask_logits=logits), None,
                          tags).item() == pytest.approx(present + absent)
    # the absent class's area is still pushed down (descent lowers its logit)
    logits = torch.zeros(1, 3, 2, 2, requires_grad=True)
    handing_over(dict(mask_logits=logits), None, tags).backward()
    assert (logits.grad[0, 2] > 0).all()
    with pytest.raises(ValueError, match='present_end_iter'):
        MODELS.build(dict(type='MaskAreaLoss', present_end_iter=-1))
