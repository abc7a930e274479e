# Copyright (c) mmweakseg contributors. All rights reserved.
"""The image files that the datasets, converters and tools pick up."""
import os.path as osp

# JPEG, PNG, BMP, WebP, TIFF; matched case-insensitively
IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff')


def is_image_file(name: str) -> bool:
    """Whether the file ``name`` has one of :data:`IMAGE_SUFFIXES`, in any
    case."""
    return osp.splitext(name)[1].lower() in IMAGE_SUFFIXES
