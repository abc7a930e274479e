# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmweakseg.visualization import (TEXT_STRIP_HEIGHT, add_title,
                                     arrange_tiles, draw_text_strip)


def test_arrange_tiles_sizes_and_positions():
    tiles = [
        np.full((3, 4, 3), 10 * (i + 1), dtype=np.uint8) for i in range(5)
    ]
    canvas = arrange_tiles(
        tiles, num_cols=2, tile_shape=(3, 4), spacing=1, fill=255)
    # 3 rows: 3 * 3 + 4 * 1 high, 2 * 4 + 3 * 1 wide
    assert canvas.shape == (13, 11, 3)
    for i in range(5):
        row, col = divmod(i, 2)
        top, left = 1 + row * 4, 1 + col * 5
        np.testing.assert_array_equal(canvas[top:top + 3, left:left + 4],
                                      10 * (i + 1))
    np.testing.assert_array_equal(canvas[0], 255)  # top gap
    np.testing.assert_array_equal(canvas[9:12, 6:10], 255)  # empty cell


def test_arrange_tiles_empty_and_errors():
    assert arrange_tiles([], 3, (5, 7), spacing=2).shape == (2, 29, 3)
    with pytest.raises(ValueError, match='num_cols'):
        arrange_tiles([], 0, (5, 7))
    with pytest.raises(ValueError, match=r'\(5, 7, 3\)'):
        arrange_tiles([np.zeros((5, 6, 3), np.uint8)], 1, (5, 7))


def test_text_strip_and_title():
    strip = draw_text_strip('dog', 30)
    assert strip.shape == (TEXT_STRIP_HEIGHT, 30, 3)
    assert strip.dtype == np.uint8
    assert (strip == 255).all(axis=2).any()  # white text drawn
    np.testing.assert_array_equal(strip[:, -5:], 40)  # short text: plain end
    titled = add_title(np.zeros((4, 30, 3), np.uint8), 'dog')
    assert titled.shape == (TEXT_STRIP_HEIGHT + 4, 30, 3)
    np.testing.assert_array_equal(titled[:TEXT_STRIP_HEIGHT], strip)
