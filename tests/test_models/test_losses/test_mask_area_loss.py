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
# every pixel of a 2 x 2 image has probabilities (0.5, 0.3, 0.2) over 3
# classes, so the areas are 0.5, 0.3 and 0.2
THREE_CLASS_LOGITS = torch.tensor([0.5, 0.3, 0.2]).log().view(
    1, 3, 1, 1).expand(1, 3, 2, 2)


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
    logits = THREE_CLASS_LOGITS
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


def test_background_term_outlives_present_end_iter(iteration):
    """With ``keep_background_term`` the background's present term stays
    after ``present_end_iter``: only the foreground present classes' terms
    end. With ``present_end_iter=0`` Eq. 4 never pulls a foreground mask
    up, and the background's term pushes the foreground masks down."""
    logits = THREE_CLASS_LOGITS
    tags = [make_sample([1., 1., 0.])]  # background 0 and 1 present
    background = -math.log(0.5) / 3
    foreground = -math.log(0.3) / 3
    absent = -math.log(1 - 0.2) / 3
    loss = MODELS.build(
        dict(type='MaskAreaLoss', present_end_iter=3,
             keep_background_term=True))
    for step, expected in ((2, background + foreground + absent),
                           (3, background + absent)):
        iteration(step)
        assert loss(dict(mask_logits=logits), None,
                    tags).item() == pytest.approx(expected)
    # a background that is absent in an image keeps its absent term
    iteration(3)
    assert loss(dict(mask_logits=logits), None,
                [make_sample([0., 1., 0.])]).item() == pytest.approx(
                    (-math.log(0.5) - math.log(0.8)) / 3)
    # the background is class background_index: here class 1 keeps its term
    loss.background_index = 1
    assert loss(dict(mask_logits=logits), None,
                tags).item() == pytest.approx(foreground + absent)
    never = MODELS.build(
        dict(type='MaskAreaLoss', present_end_iter=0,
             keep_background_term=True))
    iteration(0)
    flat = torch.zeros(1, 3, 2, 2, requires_grad=True)
    never(dict(mask_logits=flat), None, tags).backward()
    assert (flat.grad[0, 0] < 0).all()  # the background grows
    assert (flat.grad[0, 1] > 0).all()  # the present foreground shrinks
    assert (flat.grad[0, 2] > 0).all()  # the absent class shrinks
    with pytest.raises(ValueError, match='background_index.*3 classes'):
        MODELS.build(dict(type='MaskAreaLoss', background_index=3))(
            dict(mask_logits=logits), None, tags)
    with pytest.raises(ValueError, match='keep_background_term.*None'):
        MODELS.build(dict(type='MaskAreaLoss', keep_background_term=True))


def test_present_floor_hinge(iteration):
    """With ``present_floor`` an ended present foreground term is the hinge
    -min(log(area / floor), 0): 0 above the floor, pulling the mask up
    below it; the background's and the absent classes' terms stay Eq. 4."""
    # areas (0.5, 0.3, 0.2); classes 0 (background) and 1 present
    logits = THREE_CLASS_LOGITS
    tags = [make_sample([1., 1., 0.])]
    background = -math.log(0.5) / 3
    absent = -math.log(1 - 0.2) / 3
    iteration(5)
    for floor, hinge in ((0.1, 0.), (0.6, -math.log(0.3 / 0.6) / 3)):
        loss = MODELS.build(
            dict(
                type='MaskAreaLoss',
                present_end_iter=5,
                keep_background_term=True,
                present_floor=floor))
        assert loss(dict(mask_logits=logits), None,
                    tags).item() == pytest.approx(background + hinge + absent)
    # before present_end_iter all of Eq. 4, the floor plays no part
    iteration(4)
    assert loss(dict(mask_logits=logits), None, tags).item() == pytest.approx(
        background - math.log(0.3) / 3 + absent)
    # a vanishing present mask is pulled up, one above the floor is not
    iteration(5)
    vanishing = torch.tensor([0.9, 0.01, 0.09]).log().view(1, 3, 1, 1)
    vanishing = vanishing.expand(1, 3, 2, 2).clone().requires_grad_()
    floored = MODELS.build(
        dict(
            type='MaskAreaLoss',
            present_end_iter=0,
            keep_background_term=True,
            present_floor=0.05))
    floored(dict(mask_logits=vanishing), None, tags).backward()
    assert (vanishing.grad[0, 1] < 0).all()
    above = logits.clone().requires_grad_()
    floored(dict(mask_logits=above), None, tags).backward()
    assert (above.grad[0, 1] > 0).all()  # only the background's pull
    for bad, match in ((dict(present_floor=0.1), 'present_end_iter'),
                       (dict(present_end_iter=0, present_floor=1.),
                        r'\(0, 1\)')):
        with pytest.raises(ValueError, match=match):
            MODELS.build(dict(type='MaskAreaLoss', **bad))


def test_background_term_weight_from_present_end_iter(iteration):
    """``background_term_weight`` is the weight of the background's kept
    term in the loss from ``present_end_iter`` on, whatever K (the other
    terms keep 1 / K); before, all of Eq. 4 acts with 1 / K each, as in the
    paper."""
    # areas (0.5, 0.3, 0.2); classes 0 (background) and 1 present
    logits = THREE_CLASS_LOGITS
    tags = [make_sample([1., 1., 0.])]
    foreground = -math.log(0.3) / 3
    absent = -math.log(1 - 0.2) / 3
    loss = MODELS.build(
        dict(
            type='MaskAreaLoss',
            present_end_iter=3,
            keep_background_term=True,
            background_term_weight=0.5))
    for step, expected in ((2, -math.log(0.5) / 3 + foreground + absent),
                           (3, -0.5 * math.log(0.5) + absent)):
        iteration(step)
        assert loss(dict(mask_logits=logits), None,
                    tags).item() == pytest.approx(expected)
    # weight 1: the background's pull on a flat mask is K = 3 times the
    # one it has with 1 / K
    absent_only, one_in_k, whole = (MODELS.build(
        dict(type='MaskAreaLoss', present_end_iter=3, **kwargs))
        for kwargs in (dict(), dict(keep_background_term=True),
                       dict(keep_background_term=True,
                            background_term_weight=1.)))
    grads = []
    for module in (absent_only, one_in_k, whole):
        flat = torch.zeros(1, 3, 2, 2, requires_grad=True)
        module(dict(mask_logits=flat), None,
               [make_sample([1., 0., 0.])]).backward()
        grads.append(flat.grad)
    torch.testing.assert_close(grads[2] - grads[0], 3 * (grads[1] - grads[0]))
    for bad, match in ((dict(present_end_iter=0, keep_background_term=True,
                             background_term_weight=-1.), '>= 0'),
                       (dict(present_end_iter=0, background_term_weight=1.),
                        'keep_background_term')):
        with pytest.raises(ValueError, match=match):
            MODELS.build(dict(type='MaskAreaLoss', **bad))
