# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmweakseg.visualization import (TEXT_STRIP_HEIGHT, draw_mask_grid,
                                     resize_to_tile, tag_presence)

PALETTE = [[200, 0, 0], [0, 0, 0]]  # dog, background
BG = 1


def test_tag_presence():
    tags = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1]], dtype=np.float32)
    np.testing.assert_array_equal(tag_presence(tags, 2), [True, True, False])
    np.testing.assert_array_equal(
        tag_presence(tags, 2, 1), [False, True, False])
    # background first
    np.testing.assert_array_equal(
        tag_presence(tags[:, ::-1], 0), [True, True, False])
    with pytest.raises(ValueError, match='background'):
        tag_presence(tags, 2, 2)
    with pytest.raises(ValueError, match=r'\(N, K\)'):
        tag_presence(tags[0], 2)


def _grid_inputs():
    """Five 6x6 images, flagged present, absent, present, absent, present;
    present images are labelled dog, absent ones background."""
    present = [True, False, True, False, True]
    images = [np.full((6, 6, 3), 20 * (i + 1), np.uint8) for i in range(5)]
    label_maps = [np.full((6, 6), 0 if p else BG) for p in present]
    return images, label_maps, present


def test_grid_size_arithmetic_and_blocks():
    images, label_maps, present = _grid_inputs()
    grid = draw_mask_grid(
        images,
        label_maps,
        present,
        PALETTE,
        BG,
        num_cols=2,
        alpha=0.5,
        spacing=4)
    # pair: 6 x 12; width 2 * 12 + 3 * 4 = 36
    # present block: 14 + (2 * 6 + 3 * 4) = 38; absent: 14 + (6 + 2 * 4) = 28
    present_height = TEXT_STRIP_HEIGHT + 24
    assert grid.shape == (present_height + TEXT_STRIP_HEIGHT + 14, 36, 3)

    def pair_at(block_top, slot):
        row, col = divmod(slot, 2)
        top = block_top + TEXT_STRIP_HEIGHT + 4 + row * 10
        left = 4 + col * 16
        return grid[top:top + 6, left:left + 6], grid[top:top + 6,
                                                      left + 6:left + 12]

    for slot, index in enumerate([0, 2, 4]):  # present, in input order
        image, overlay = pair_at(0, slot)
        value = 20 * (index + 1)
        np.testing.assert_array_equal(image, value)
        np.testing.assert_array_equal(
            overlay[0, 0], np.rint([(value + 200) / 2, value / 2, value / 2]))
    for slot, index in enumerate([1, 3]):  # absent: background unchanged
        image, overlay = pair_at(present_height, slot)
        np.testing.assert_array_equal(image, 20 * (index + 1))
        np.testing.assert_array_equal(overlay, 20 * (index + 1))
    # each block starts with its dark title strip, white text on it
    for top in (0, present_height):
        title = grid[top:top + TEXT_STRIP_HEIGHT]
        np.testing.assert_array_equal(title[:, 0], 40)
        assert (title == 255).all(axis=2).any()
    # the default column count makes the larger block about square
    default = draw_mask_grid(
        images, label_maps, present, PALETTE, BG, spacing=4)
    np.testing.assert_array_equal(default, grid)


def test_grid_resizes_to_tiles_and_checks_lengths():
    images = [np.zeros((8, 10, 3), np.uint8), np.zeros((5, 5, 3), np.uint8)]
    label_maps = [np.zeros((8, 10), int), np.ones((5, 5), int)]
    grid = draw_mask_grid(
        images,
        label_maps, [True, False],
        PALETTE,
        BG,
        num_cols=1,
        tile_size=4,
        spacing=0)
    assert grid.shape == (2 * (TEXT_STRIP_HEIGHT + 4), 8, 3)
    with pytest.raises(ValueError, match='must match'):
        draw_mask_grid(images, label_maps, [True], PALETTE, BG)


def test_resize_to_tile_keeps_labels():
    label_map = np.array([[0, 1], [2, 3]])
    image, resized = resize_to_tile(
        np.zeros((2, 2, 3), np.uint8), label_map, 4)
    assert image.shape == (4, 4, 3)
    np.testing.assert_array_equal(resized,
                                  np.kron(label_map, np.ones((2, 2), int)))
