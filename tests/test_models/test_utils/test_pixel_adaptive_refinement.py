# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.utils import colour_affinities, gather_neighbours


def test_gather_neighbours_replicates_borders():
    x = torch.arange(9.).view(1, 1, 3, 3)
    neighbours = gather_neighbours(x, [1])
    assert neighbours.shape == (1, 1, 8, 3, 3)
    # ring order: (-1,-1) (-1,0) (-1,1) (0,-1) (0,1) (1,-1) (1,0) (1,1)
    assert neighbours[0, 0, :, 1, 1].tolist() == [0, 1, 2, 3, 5, 6, 7, 8]
    # the top-left corner sees itself where the padding replicates it
    assert neighbours[0, 0, :, 0, 0].tolist() == [0, 0, 1, 0, 1, 3, 3, 4]
    two_rings = gather_neighbours(x, [1, 2])
    assert two_rings.shape == (1, 1, 16, 3, 3)
    # the dilation-2 ring of the centre is the replicated border
    assert two_rings[0, 0, 8:, 1, 1].tolist() == [0, 1, 2, 3, 5, 6, 7, 8]


def test_affinities_by_hand():
    # one channel: a pixel of value 1 among 0s, dilation 1
    image = torch.zeros(1, 1, 3, 3)
    image[0, 0, 1, 2] = 1.
    weights = colour_affinities(image, [1], sigma_scale=0.1)
    assert weights.shape == (1, 8, 3, 3)
    assert torch.allclose(weights.sum(dim=1), torch.ones(1, 3, 3))
    # the centre's neighbours: seven 0s and the 1 at offset (0, +1)
    values = torch.tensor([0., 0, 0, 0, 1, 0, 0, 0])
    sigma = values.std().item()
    distance = 1 / (1e-8 + 0.1 * sigma)
    expected_other = math.exp(-distance) / (7 + math.exp(-distance))
    assert weights[0, 4, 1, 1].item() == pytest.approx(expected_other)
    assert weights[0, 0, 1, 1].item() == pytest.approx(
        1 / (7 + math.exp(-distance)))
    # a flat neighbourhood gives equal weights
    assert torch.allclose(weights[0, :, 0, 0], torch.full((8, ), 1 / 8))


def test_affinities_ignore_channel_scale_and_shift():
    image = torch.rand(2, 3, 8, 8)
    scaled = image * torch.tensor([2., 0.5, 3.])[:, None, None] + 7.
    assert torch.allclose(
        colour_affinities(image, [1, 2]),
        colour_affinities(scaled, [1, 2]),
        atol=1e-5)


def two_region_image(size: int = 16) -> torch.Tensor:
    """Left half black, right half white, (1, 3, size, size)."""
    image = torch.zeros(1, 3, size, size)
    image[..., size // 2:] = 255.
    return image


def test_refinement_smooths_inside_regions_and_keeps_edges():
    refine = MODELS.build(
        dict(type='PixelAdaptiveRefinement', dilations=(1, 2), num_iters=10))
    image = two_region_image()
    # class 1 flickers between 0.2 and 1.0 on the left, is 0 on the right
    fg = torch.zeros(16, 16)
    fg[:, :8] = 0.2
    fg[::2, :8] = 1.0
    masks = torch.stack([1 - fg, fg])[None]
    refined = refine(image, masks)
    assert refined.shape == masks.shape and refined.dtype == torch.float32
    assert torch.allclose(refined.sum(dim=1), torch.ones(1, 16, 16))
    left, right = refined[0, 1, :, :8], refined[0, 1, :, 8:]
    # the flicker is averaged out towards the region's mean, 0.6 ...
    assert left.std() < 0.5 * fg[:, :8].std()
    assert (left - 0.6).abs().max() < 0.25
    # ... and nothing leaks over the colour edge
    assert right.max() < 1e-4


def test_refinement_has_no_gradient_and_checks_arguments():
    refine = MODELS.build(dict(type='PixelAdaptiveRefinement'))
    logits = torch.randn(1, 3, 16, 16, requires_grad=True)
    refined = refine(torch.rand(1, 3, 32, 32), logits.softmax(1))
    assert refined.shape == (1, 3, 16, 16)  # images resized to the masks
    assert not refined.requires_grad
    with pytest.raises(ValueError, match='dilations'):
        MODELS.build(dict(type='PixelAdaptiveRefinement', dilations=()))
    with pytest.raises(ValueError, match='num_iters'):
        MODELS.build(dict(type='PixelAdaptiveRefinement', num_iters=0))
