# Copyright (c) mmweakseg contributors. All rights reserved.
"""Default class colours."""
import colorsys
from typing import List


def make_palette(num_classes: int, background_index: int) -> List[List[int]]:
    """Build a deterministic palette: black background, and foreground
    colours spread around the hue circle by the golden ratio.

    Args:
        num_classes (int): Number of classes K.
        background_index (int): Index of the background class.

    Returns:
        list[list[int]]: K ``[R, G, B]`` colours.
    """
    palette = []
    for index in range(num_classes):
        if index == background_index:
            palette.append([0, 0, 0])
            continue
        hue = (index * 0.618033988749895) % 1.0
        rgb = colorsys.hsv_to_rgb(hue, 0.75, 0.95)
        palette.append([int(round(255 * c)) for c in rgb])
    return palette
