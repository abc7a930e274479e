# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import mask_area_loss, size_focal_mask_loss


def masks_with_areas(areas):
    """Masks (N, K, 1, 2) whose per-class means are ``areas`` (N, K)."""
    areas = torch.tensor(areas)
    return areas[..., None, None].expand(-1, -1, 1, 2).clone()


def test_by_hand():
    # K = 3: background 0.7 and class 1 0.2 present, class 2 0.1 absent
    masks = masks_with_areas([[0.7, 0.2, 0.1]])
    loss = size_focal_mask_loss(masks, torch.tensor([[1., 1., 0.]]))
    expected = -(0.3**3 * math.log(0.71) + 0.8**3 * math.log(0.21) +
                 math.log(0.9)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_present_term_fades_out_unlike_eq4():
    """Eq. 4 keeps pushing a present class towards covering the image; the
    focal term stops caring once the mask is large."""
    tags = torch.tensor([[1., 1.]])
    grads = {}
    for name in ('eq4', 'focal'):
        masks = masks_with_areas([[0.8, 0.2]]).requires_grad_()
        if name == 'eq4':  # Eq. 4 written on the areas
            areas = masks.mean(dim=(2, 3))
            loss = -(tags * areas.log() + (1 - tags) *
                     (1 - areas).log()).mean()
            assert loss.item() == pytest.approx(
                mask_area_loss(masks.detach().log(), tags).item())
        else:
            loss = size_focal_mask_loss(masks, tags)
        loss.backward()
        grads[name] = masks.grad[0, 0].sum().item()
    assert grads['eq4'] < 0 and grads['focal'] < 0
    # d/da at a = 0.8: 3 * 0.2^2 * log(0.81) - 0.2^3 / 0.81 vs -1 / 0.8
    assert abs(grads['focal']) < 0.05 * abs(grads['eq4'])
    # an empty present mask is punished hard
    empty = size_focal_mask_loss(masks_with_areas([[1.0, 0.0]]), tags)
    half = size_focal_mask_loss(masks_with_areas([[0.5, 0.5]]), tags)
    assert empty > 10 * half


def test_module_reads_tags():
    loss = MODELS.build(dict(type='SizeFocalMaskLoss', loss_weight=0.5))
    assert loss.loss_name == 'loss_mask'
    masks = masks_with_areas([[0.7, 0.2, 0.1], [0.5, 0.0, 0.5]])
    samples = []
    for tags in ([1., 1., 0.], [1., 0., 1.]):
        data_sample = SegDataSample()
        data_sample.set_field(
            torch.tensor(tags), 'gt_tags', dtype=torch.Tensor)
        samples.append(data_sample)
    value = loss(dict(masks=masks), None, samples)
    expected = size_focal_mask_loss(masks,
                                    torch.tensor([[1., 1., 0.], [1., 0., 1.]]))
    assert value.item() == pytest.approx(0.5 * expected.item())


@pytest.mark.parametrize('kwargs', [dict(gamma=-1.), dict(min_area=0.)])
def test_arguments_checked(kwargs):
    with pytest.raises(ValueError, match='`gamma` must be >= 0'):
        MODELS.build(dict(type='SizeFocalMaskLoss', **kwargs))
