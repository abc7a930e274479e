# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import mask_area_loss

# class 0 covers a quarter of the image on average, class 1 the rest
MASK0 = torch.tensor([[0.4, 0.2], [0.1, 0.3]])
MASKS = torch.stack([MASK0, 1 - MASK0])[None]  # (1, 2, 2, 2)


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
    loss = mask_area_loss(MASKS, torch.tensor([tags]))
    assert loss.item() == pytest.approx(expected)


def test_soft_targets():
    loss = mask_area_loss(MASKS, torch.tensor([[0.3, 0.7]]))
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
    masks = MASKS.repeat(2, 1, 1, 1)
    samples = [make_sample([1., 1.], [0.3, 0.7]), make_sample([1., 0.])]
    with_tags = -(math.log(0.25) + math.log(0.75)) / 2
    with_areas = -(0.3 * math.log(0.25) + 0.7 * math.log(0.75))
    second = -(math.log(0.25) + math.log(0.25)) / 2
    first = with_areas if use_area_priors else with_tags
    value = loss(dict(masks=masks), torch.zeros(2, 3, 2, 2), samples)
    assert value.item() == pytest.approx(2. * (first + second) / 2)


@pytest.mark.parametrize('fill', [0., 1.])
def test_empty_and_full_masks_are_finite(fill):
    masks = torch.full((2, 3, 4, 4), fill, requires_grad=True)
    tags = torch.tensor([[1., 0., 1.], [0., 1., 1.]])
    loss = mask_area_loss(masks, tags)
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(masks.grad).all()


def test_missing_or_wrong_tags():
    loss = MODELS.build(dict(type='MaskAreaLoss'))
    with pytest.raises(KeyError, match='PackWeakSegInputs'):
        loss(dict(masks=MASKS), None, [SegDataSample()])
    with pytest.raises(ValueError, match='K=2'):
        loss(dict(masks=MASKS), None, [make_sample([1., 0., 1.])])
