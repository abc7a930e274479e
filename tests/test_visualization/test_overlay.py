# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmweakseg.visualization import overlay_label_map

PALETTE = [[0, 0, 0], [200, 0, 0], [0, 100, 50]]


def test_colours_on_hand_made_mask():
    image = np.full((4, 4, 3), 100, dtype=np.uint8)
    label_map = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 255, 0],
                          [2, 2, 0, 0]])
    out = overlay_label_map(
        image, label_map, PALETTE, background_index=0, alpha=0.25)
    # 0.75 * 100 + 0.25 * colour
    red, green = [125, 75, 75], [75, 100, 88]  # 87.5 rounds to even: 88
    expected = np.full((4, 4, 3), 100, dtype=np.uint8)
    expected[:2, 2:] = red
    expected[2:, :2] = green
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(image, 100)  # input untouched


def test_background_coloured_when_not_given_and_alpha_bounds():
    image = np.zeros((1, 2, 3), dtype=np.uint8)
    out = overlay_label_map(image, np.array([[0, 1]]), PALETTE, alpha=1.0)
    np.testing.assert_array_equal(out, [[[0, 0, 0], [200, 0, 0]]])
    np.testing.assert_array_equal(
        overlay_label_map(image, np.array([[0, 1]]), PALETTE, alpha=0.0),
        image)


def test_errors():
    image = np.zeros((2, 2, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match='alpha'):
        overlay_label_map(image, np.zeros((2, 2), int), PALETTE, alpha=1.5)
    with pytest.raises(ValueError, match='does not match'):
        overlay_label_map(image, np.zeros((3, 2), int), PALETTE)
    with pytest.raises(ValueError, match='uint8'):
        overlay_label_map(image.astype(float), np.zeros((2, 2), int), PALETTE)
