# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest
import torch
from mmseg.models import SegDataPreProcessor

import mmweakseg  # noqa: F401
from mmweakseg.visualization import ImageDenormalizer

MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]


def _bgr_image() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (5, 6, 3), np.uint8)


@pytest.mark.parametrize('bgr_to_rgb', [True, False])
def test_round_trip_through_preprocessor(bgr_to_rgb):
    bgr = _bgr_image()
    preprocessor = SegDataPreProcessor(
        mean=MEAN if bgr_to_rgb else MEAN[::-1],
        std=STD if bgr_to_rgb else STD[::-1],
        bgr_to_rgb=bgr_to_rgb)
    inputs = preprocessor(
        dict(inputs=[torch.from_numpy(bgr.transpose(2, 0, 1).copy())]),
        False)['inputs']
    rgb = ImageDenormalizer.from_preprocessor(preprocessor)(inputs)
    assert rgb.dtype == np.uint8 and rgb.shape == (1, 5, 6, 3)
    np.testing.assert_array_equal(rgb[0], bgr[..., ::-1])


def test_hand_computed_values_and_clipping():
    denormalizer = ImageDenormalizer(mean=[10, 20, 30], std=[2, 4, 8])
    normalized = np.array([1.0, -1.0, 100.0]).reshape(3, 1, 1)
    np.testing.assert_array_equal(denormalizer(normalized), [[[12, 16, 255]]])
    bgr = ImageDenormalizer(
        mean=[10, 20, 30], std=[2, 4, 8], channels_rgb=False)
    np.testing.assert_array_equal(bgr(normalized), [[[255, 16, 12]]])


def test_without_normalization():
    denormalizer = ImageDenormalizer.from_preprocessor(
        SegDataPreProcessor(bgr_to_rgb=True))
    np.testing.assert_array_equal(
        denormalizer(torch.full((3, 1, 1), 7.4)), [[[7, 7, 7]]])


def test_errors():
    with pytest.raises(TypeError, match='SegDataPreProcessor'):
        ImageDenormalizer.from_preprocessor(torch.nn.Identity())
    with pytest.raises(ValueError, match=r'\(\.\.\., 3, H, W\)'):
        ImageDenormalizer([0] * 3, [1] * 3)(np.zeros((4, 2, 2)))
