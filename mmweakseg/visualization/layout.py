# Copyright (c) mmweakseg contributors. All rights reserved.
"""Arrange equally sized tiles into a figure."""
import math
from typing import Sequence, Tuple

import numpy as np

from .text import draw_text_strip


def arrange_tiles(tiles: Sequence[np.ndarray],
                  num_cols: int,
                  tile_shape: Tuple[int, int],
                  spacing: int = 2,
                  fill: int = 255) -> np.ndarray:
    """Lay out tiles row by row with ``spacing`` pixels around each.

    With ``n`` tiles of shape ``(h, w, 3)`` and ``r = ceil(n / num_cols)``
    rows, the canvas has shape ``(r * h + (r + 1) * spacing, num_cols * w +
    (num_cols + 1) * spacing, 3)``; gaps and unused cells keep ``fill``.
    No tiles give a ``(spacing, num_cols * w + (num_cols + 1) * spacing,
    3)`` band.

    Args:
        tiles (Sequence[np.ndarray]): ``uint8`` RGB tiles of shape
            ``(h, w, 3)``.
        num_cols (int): Tiles per row.
        tile_shape (tuple[int, int]): ``(h, w)`` every tile must have.
        spacing (int): Gap in pixels between and around tiles. Defaults
            to 2.
        fill (int): Grey level of gaps and empty cells. Defaults to 255.

    Returns:
        np.ndarray: ``uint8`` RGB canvas.
    """
    if num_cols < 1:
        raise ValueError(f'num_cols must be >= 1, got {num_cols}')
    h, w = tile_shape
    for tile in tiles:
        if tile.shape != (h, w, 3):
            raise ValueError(f'every tile must have shape {(h, w, 3)}, got '
                             f'{tile.shape}')
    num_rows = math.ceil(len(tiles) / num_cols)
    canvas = np.full((num_rows * h + (num_rows + 1) * spacing, num_cols * w +
                      (num_cols + 1) * spacing, 3),
                     fill,
                     dtype=np.uint8)
    for i, tile in enumerate(tiles):
        row, col = divmod(i, num_cols)
        top = spacing + row * (h + spacing)
        left = spacing + col * (w + spacing)
        canvas[top:top + h, left:left + w] = tile
    return canvas


def add_title(image: np.ndarray, title: str) -> np.ndarray:
    """Stack a text strip reading ``title`` on top of an ``(H, W, 3)``
    image."""
    return np.concatenate([draw_text_strip(title, image.shape[1]), image])
