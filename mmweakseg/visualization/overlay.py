# Copyright (c) mmweakseg contributors. All rights reserved.
"""Colour a label map over an image."""
from typing import Optional, Sequence

import numpy as np


def overlay_label_map(image: np.ndarray,
                      label_map: np.ndarray,
                      palette: Sequence[Sequence[int]],
                      background_index: Optional[int] = None,
                      alpha: float = 0.5) -> np.ndarray:
    """Blend the palette colour of each pixel's class into the image.

    A pixel of class ``k`` becomes ``(1 - alpha) * image + alpha *
    palette[k]``, rounded. Pixels of ``background_index`` and labels outside
    ``[0, K)`` (e.g. the ignore index 255) are left unchanged.

    Args:
        image (np.ndarray): ``uint8`` RGB image of shape ``(H, W, 3)``.
        label_map (np.ndarray): Integer class indices of shape ``(H, W)``.
        palette (Sequence[Sequence[int]]): ``K`` RGB colours.
        background_index (int, optional): Class drawn transparent. Defaults
            to None (every class is coloured).
        alpha (float): Opacity of the colours, in ``[0, 1]``. Defaults to
            0.5.

    Returns:
        np.ndarray: ``uint8`` RGB image of shape ``(H, W, 3)``.
    """
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError('expected a uint8 image of shape (H, W, 3), got '
                         f'{image.dtype} {image.shape}')
    if label_map.shape != image.shape[:2]:
        raise ValueError(f'label map shape {label_map.shape} does not match '
                         f'image shape {image.shape[:2]}')
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f'alpha must be in [0, 1], got {alpha}')
    colours = np.asarray(palette, dtype=np.float64).reshape(-1, 3)
    coloured = (label_map >= 0) & (label_map < len(colours))
    if background_index is not None:
        coloured &= label_map != background_index
    blended = image.copy()
    labels = label_map[coloured]
    blended[coloured] = np.rint((1.0 - alpha) * image[coloured] +
                                alpha * colours[labels]).astype(np.uint8)
    return blended
