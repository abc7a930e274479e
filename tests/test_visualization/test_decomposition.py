# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest
import torch

import mmweakseg  # noqa: F401
from mmweakseg.visualization import (TEXT_STRIP_HEIGHT, ImageDenormalizer,
                                     draw_decomposition)
from decomposition_stand_in import MEAN, STD, StandInDecomposer

CLASSES = ('cat', 'dog', 'background')
PALETTE = [[0, 200, 0], [200, 0, 0], [0, 0, 0]]
H, W, SPACING = 5, 6, 2


def _tile(figure, row, col):
    top = SPACING + row * (TEXT_STRIP_HEIGHT + H + SPACING)
    left = SPACING + col * (W + SPACING)
    return figure[top + TEXT_STRIP_HEIGHT:top + TEXT_STRIP_HEIGHT + H,
                  left:left + W]


def test_decomposition_rows_and_reconstruction():
    torch.manual_seed(0)
    model = StandInDecomposer(num_classes=3, background_index=2)
    inputs = torch.randn(1, 3, H, W)
    with torch.no_grad():
        outputs = model.decompose(inputs)
    masks = outputs['masks'][0].numpy()
    imagelets = outputs['imagelets'][0].numpy()
    denormalizer = ImageDenormalizer(MEAN, STD)
    figure = draw_decomposition(
        inputs[0].numpy(),
        masks,
        imagelets,
        denormalizer,
        CLASSES,
        PALETTE,
        2,
        spacing=SPACING)
    # a header row plus K = 3 class rows of 3 tiles
    assert figure.shape == (4 * (TEXT_STRIP_HEIGHT + H) + 5 * SPACING,
                            3 * W + 4 * SPACING, 3)
    np.testing.assert_array_equal(_tile(figure, 0, 0), denormalizer(inputs[0]))
    masked = masks[:, None] * imagelets
    # the drawn reconstruction is Eq. 1: the sum of the masked image-lets,
    # which is also the model's reconstruction
    np.testing.assert_array_equal(
        _tile(figure, 0, 1), denormalizer(masked.sum(axis=0)))
    np.testing.assert_allclose(
        masked.sum(axis=0), outputs['reconstruction'][0].numpy(), atol=1e-5)
    assert np.abs(
        _tile(figure, 0, 1).astype(int) -
        denormalizer(outputs['reconstruction'][0]).astype(int)).max() <= 1
    labels = masks.argmax(axis=0)
    segmentation = _tile(figure, 0, 2)
    image = denormalizer(inputs[0])
    np.testing.assert_array_equal(segmentation[labels == 2],
                                  image[labels == 2])
    for k in range(3):
        grey = _tile(figure, k + 1, 0)
        np.testing.assert_array_equal(
            grey, np.repeat(np.rint(masks[k] * 255)[..., None], 3, axis=2))
        np.testing.assert_array_equal(
            _tile(figure, k + 1, 1), denormalizer(imagelets[k]))
        np.testing.assert_array_equal(
            _tile(figure, k + 1, 2), denormalizer(masked[k]))


def test_shape_errors():
    denormalizer = ImageDenormalizer(MEAN, STD)
    with pytest.raises(ValueError, match='inconsistent shapes'):
        draw_decomposition(
            np.zeros((3, H, W)), np.zeros((2, H, W)), np.zeros((2, 3, H, W)),
            denormalizer, CLASSES, PALETTE, 2)
