# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import mask_area_loss, size_focal_mask_loss


def logits_with_areas(areas):
    """Mask logits (N, K, 1, 2) whose softmax masks have the per-class
    means ``areas`` (N, K; each row sums to 1)."""
    areas = torch.tensor(areas)
    return areas.log()[..., None, None].expand(-1, -1, 1, 2).clone()


def test_by_hand():
    # K = 3: background 0.7 and class 1 0.2 present, class 2 0.1 absent
    logits = logits_with_areas([[0.7, 0.2, 0.1]])
    loss = size_focal_mask_loss(logits, torch.tensor([[1., 1., 0.]]))
    expected = -(0.3**3 * math.log(0.71) + 0.8**3 * math.log(0.21) +
                 math.log(0.9)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_present_term_fades_out_unlike_eq4():
    """Eq. 4's present term -log(a) keeps pushing a present class towards
    covering the image; the focal term nearly vanishes once the mask is
    large, and punishes an empty mask hard."""
    logits = logits_with_areas([[0.8, 0.2]])
    tags = torch.tensor([[1., 0.]])
    absent = -math.log(1 - 0.2) / 2  # class 1's term, the same in both
    eq4_present = mask_area_loss(logits, tags).item() - absent
    focal_present = size_focal_mask_loss(logits, tags).item() - absent
    assert eq4_present == pytest.approx(-math.log(0.8) / 2, rel=1e-5)
    assert focal_present == pytest.approx(
        -0.2**3 * math.log(0.81) / 2, rel=1e-4)
    assert focal_present < 0.01 * eq4_present

    both = torch.tensor([[1., 1.]])
    empty = size_focal_mask_loss(
        torch.tensor([0., -30.]).view(1, 2, 1, 1), both)
    half = size_focal_mask_loss(logits_with_areas([[0.5, 0.5]]), both)
    assert empty > 10 * half


def test_module_reads_tags():
    loss = MODELS.build(dict(type='SizeFocalMaskLoss', loss_weight=0.5))
    assert loss.loss_name == 'loss_mask'
    logits = logits_with_areas([[0.7, 0.2, 0.1], [0.5, 1e-4, 0.4999]])
    samples = []
    for tags in ([1., 1., 0.], [1., 0., 1.]):
        data_sample = SegDataSample()
        data_sample.set_field(
            torch.tensor(tags), 'gt_tags', dtype=torch.Tensor)
        samples.append(data_sample)
    value = loss(dict(mask_logits=logits), None, samples)
    expected = size_focal_mask_loss(
        logits, torch.tensor([[1., 1., 0.], [1., 0., 1.]]))
    assert value.item() == pytest.approx(0.5 * expected.item())


@pytest.mark.parametrize('kwargs', [dict(gamma=-1.), dict(min_area=0.)])
def test_arguments_checked(kwargs):
    with pytest.raises(ValueError, match='`gamma` must be >= 0'):
        MODELS.build(dict(type='SizeFocalMaskLoss', **kwargs))
