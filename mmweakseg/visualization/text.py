# Copyright (c) mmweakseg contributors. All rights reserved.
"""Text labels drawn with PIL's built-in bitmap font (nothing to
download)."""
from typing import Tuple

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: Height in pixels of a text strip: the bitmap font's 11 px plus margins.
TEXT_STRIP_HEIGHT = 14


def draw_text_strip(
    text: str,
    width: int,
    height: int = TEXT_STRIP_HEIGHT,
    text_color: Tuple[int, int, int] = (255, 255, 255),
    background: Tuple[int, int, int] = (40, 40, 40)
) -> np.ndarray:
    """Render one line of text on a plain strip, clipped to its width.

    Args:
        text (str): The text, drawn from the left edge.
        width (int): Strip width in pixels.
        height (int): Strip height in pixels. Defaults to
            :data:`TEXT_STRIP_HEIGHT`.
        text_color (tuple[int, int, int]): RGB text colour.
        background (tuple[int, int, int]): RGB strip colour.

    Returns:
        np.ndarray: ``uint8`` RGB strip of shape ``(height, width, 3)``.
    """
    strip = Image.new('RGB', (width, height), background)
    ImageDraw.Draw(strip).text((2, 1),
                               text,
                               fill=text_color,
                               font=ImageFont.load_default_imagefont())
    return np.asarray(strip, dtype=np.uint8).copy()
