# Copyright (c) mmweakseg contributors. All rights reserved.
"""The qualitative figure of the paper (Figures 2 and 3): [input | mask
overlay] pairs, tag-present images in one block and tag-absent images in
another."""
import math
from typing import Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from .layout import add_title, arrange_tiles
from .overlay import overlay_label_map


def tag_presence(gt_tags: np.ndarray,
                 background_index: int,
                 class_index: Optional[int] = None) -> np.ndarray:
    """Split images into tag-present and tag-absent ones.

    Args:
        gt_tags (np.ndarray): Multi-hot (or soft) tags of shape ``(N, K)``.
        background_index (int): Index of the background class.
        class_index (int, optional): The class that must be tagged. If None,
            an image counts as present when any foreground class is tagged.

    Returns:
        np.ndarray: Boolean array of shape ``(N,)``.
    """
    gt_tags = np.asarray(gt_tags)
    if gt_tags.ndim != 2:
        raise ValueError(f'expected tags of shape (N, K), got {gt_tags.shape}')
    if class_index is None:
        foreground = np.delete(gt_tags, background_index, axis=1)
        return (foreground > 0).any(axis=1)
    if class_index == background_index:
        raise ValueError(f'class index {class_index} is the background; '
                         'choose a foreground class')
    return gt_tags[:, class_index] > 0


def resize_to_tile(image: np.ndarray, label_map: np.ndarray,
                   tile_size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Resize an ``(H, W, 3)`` image (bilinear) and its ``(H, W)`` label map
    (nearest) to ``tile_size x tile_size``."""
    size = (tile_size, tile_size)
    image = np.asarray(
        Image.fromarray(image).resize(size, Image.Resampling.BILINEAR))
    label_map = np.asarray(
        Image.fromarray(label_map.astype(np.int32)).resize(
            size, Image.Resampling.NEAREST))
    return image, label_map


def draw_mask_grid(images: Sequence[np.ndarray],
                   label_maps: Sequence[np.ndarray],
                   present: Sequence[bool],
                   palette: Sequence[Sequence[int]],
                   background_index: int,
                   titles: Tuple[str, str] = ('tag present', 'tag absent'),
                   num_cols: Optional[int] = None,
                   tile_size: Optional[int] = None,
                   alpha: float = 0.5,
                   spacing: int = 4) -> np.ndarray:
    """Draw [input | mask overlay] pairs in a tag-present and a tag-absent
    block.

    Each block starts with a text strip ``'<title> (<count>)'`` followed by
    the pairs in input order, ``num_cols`` pairs per row (see
    :func:`arrange_tiles` for the sizes). The two blocks are stacked
    vertically and share the width.

    Args:
        images (Sequence[np.ndarray]): ``uint8`` RGB images ``(H, W, 3)``.
        label_maps (Sequence[np.ndarray]): Predicted classes ``(H, W)``.
        present (Sequence[bool]): Whether each image goes to the first
            block (see :func:`tag_presence`).
        palette (Sequence[Sequence[int]]): ``K`` RGB colours.
        background_index (int): Class drawn transparent.
        titles (tuple[str, str]): Titles of the present and absent blocks.
        num_cols (int, optional): Pairs per row. Defaults to
            ``ceil(sqrt(n / 2))`` for the larger block's ``n``, which makes
            that block about square.
        tile_size (int, optional): Side of the square each image and mask is
            resized to. If None, all images must already share one shape.
        alpha (float): Opacity of the mask colours. Defaults to 0.5.
        spacing (int): Gap in pixels around pairs. Defaults to 4.

    Returns:
        np.ndarray: ``uint8`` RGB figure.
    """
    if not len(images) == len(label_maps) == len(present):
        raise ValueError(
            f'got {len(images)} images, {len(label_maps)} label maps and '
            f'{len(present)} presence flags; they must match')
    if not images:
        raise ValueError('draw_mask_grid needs at least one image')
    pairs = []
    for image, label_map in zip(images, label_maps):
        if tile_size is not None:
            image, label_map = resize_to_tile(image, label_map, tile_size)
        overlay = overlay_label_map(image, label_map, palette,
                                    background_index, alpha)
        pairs.append(np.concatenate([image, overlay], axis=1))
    pair_shape = pairs[0].shape[:2]
    present = np.asarray(present, dtype=bool)
    blocks = [[p for p, keep in zip(pairs, present) if keep],
              [p for p, keep in zip(pairs, present) if not keep]]
    if num_cols is None:
        num_cols = max(1, math.ceil(math.sqrt(max(map(len, blocks)) / 2)))
    return np.concatenate([
        add_title(
            arrange_tiles(block, num_cols, pair_shape, spacing),
            f'{title} ({len(block)})') for title, block in zip(titles, blocks)
    ])
