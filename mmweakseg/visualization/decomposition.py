# Copyright (c) mmweakseg contributors. All rights reserved.
"""Figure of one image's structured decomposition (mask-lets and
image-lets)."""
from typing import Sequence

import numpy as np

from .denormalize import ImageDenormalizer
from .layout import add_title, arrange_tiles
from .overlay import overlay_label_map
from .text import TEXT_STRIP_HEIGHT

#: Columns of the decomposition figure.
DECOMPOSITION_COLUMNS = 3


def draw_decomposition(inputs: np.ndarray,
                       masks: np.ndarray,
                       imagelets: np.ndarray,
                       denormalizer: ImageDenormalizer,
                       class_names: Sequence[str],
                       palette: Sequence[Sequence[int]],
                       background_index: int,
                       alpha: float = 0.5,
                       spacing: int = 2) -> np.ndarray:
    """Draw the decomposition of one image.

    The first row shows the input, the reconstruction ``sum_k M_k * X_k``
    (Eq. 1 of the paper, recomputed here from the given mask-lets and
    image-lets) and the arg-max segmentation over the input. Row ``k + 1``
    shows class ``k``: the mask-let ``M_k`` in grey (black 0, white 1;
    labelled ``'M <name> <mean>'`` with its mean, Eq. 3), the image-let
    ``X_k`` (``'X <name>'``) and the masked image-let ``M_k * X_k``
    (``'M*X <name>'``); the symbols come first so that narrow tiles, which
    clip the labels, still show them. Image-lets are drawn by denormalizing
    them like images, so 0 (where a mask-let is 0) shows the dataset's mean
    colour. Every tile has a text strip above it; tiles are laid out by
    :func:`arrange_tiles`, so the figure has shape ``((K + 1) * (S + H) +
    (K + 2) * spacing, 3 * W + 4 * spacing, 3)`` with ``S =
    TEXT_STRIP_HEIGHT``.

    Args:
        inputs (np.ndarray): Normalized input of shape ``(3, H, W)``.
        masks (np.ndarray): Mask-lets of shape ``(K, H, W)`` in ``[0, 1]``.
        imagelets (np.ndarray): Normalized image-lets ``(K, 3, H, W)``.
        denormalizer (ImageDenormalizer): Maps normalized images to RGB.
        class_names (Sequence[str]): ``K`` class names.
        palette (Sequence[Sequence[int]]): ``K`` RGB colours.
        background_index (int): Class left transparent in the segmentation.
        alpha (float): Opacity of the segmentation colours. Defaults to 0.5.
        spacing (int): Gap in pixels around tiles. Defaults to 2.

    Returns:
        np.ndarray: ``uint8`` RGB figure.
    """
    num_classes, height, width = masks.shape
    if inputs.shape != (3, height, width) or imagelets.shape != (
            num_classes, 3, height, width) or len(class_names) != num_classes:
        raise ValueError(
            f'inconsistent shapes: inputs {inputs.shape}, masks '
            f'{masks.shape}, imagelets {imagelets.shape}, '
            f'{len(class_names)} class names (expected (3, H, W), (K, H, W), '
            '(K, 3, H, W) and K names)')
    masked_imagelets = masks[:, None] * imagelets
    reconstruction = masked_imagelets.sum(axis=0)
    image = denormalizer(inputs)
    segmentation = overlay_label_map(image, masks.argmax(axis=0), palette,
                                     background_index, alpha)
    tiles = [
        add_title(image, 'input'),
        add_title(denormalizer(reconstruction), 'reconstruction'),
        add_title(segmentation, 'segmentation'),
    ]
    greys = np.rint(np.clip(masks, 0.0, 1.0) * 255).astype(np.uint8)
    for name, grey, imagelet, masked, mean in zip(
            class_names, greys, denormalizer(imagelets),
            denormalizer(masked_imagelets), masks.mean(axis=(1, 2))):
        tiles += [
            add_title(
                np.repeat(grey[..., None], 3, axis=2), f'M {name} {mean:.2f}'),
            add_title(imagelet, f'X {name}'),
            add_title(masked, f'M*X {name}'),
        ]
    return arrange_tiles(tiles, DECOMPOSITION_COLUMNS,
                         (TEXT_STRIP_HEIGHT + height, width), spacing)
