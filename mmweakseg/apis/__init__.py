# Copyright (c) mmweakseg contributors. All rights reserved.
"""What a user calls from Python, in mmseg's ``apis`` scope: build a trained
segmentor, run it on images, export pseudo-labels. The helpers of the tools
stay in their modules (``mmweakseg.apis.inference``, ...)."""
from .inference import init_weak_segmentor, predict_images, segment_folder
from .pseudo_labels import export_pseudo_labels

__all__ = [
    'init_weak_segmentor', 'predict_images', 'segment_folder',
    'export_pseudo_labels'
]
