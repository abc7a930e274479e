# Copyright (c) mmweakseg contributors. All rights reserved.
from .decomposition import draw_decomposition
from .denormalize import ImageDenormalizer
from .figures import (SampleDecomposition, decompose_sample,
                      draw_dataset_figures, eval_mode, sample_by_presence)
from .grid import draw_mask_grid, resize_to_tile, tag_presence
from .layout import add_title, arrange_tiles
from .overlay import overlay_label_map
from .text import TEXT_STRIP_HEIGHT, draw_text_strip

__all__ = [
    'ImageDenormalizer', 'overlay_label_map', 'draw_text_strip',
    'TEXT_STRIP_HEIGHT', 'arrange_tiles', 'add_title', 'tag_presence',
    'resize_to_tile', 'draw_mask_grid', 'draw_decomposition',
    'SampleDecomposition', 'eval_mode', 'decompose_sample',
    'sample_by_presence', 'draw_dataset_figures'
]
