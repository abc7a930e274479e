# Copyright (c) mmweakseg contributors. All rights reserved.
from .class_layout import check_class_layout
from .pixel_adaptive_refinement import (PixelAdaptiveRefinement,
                                        colour_affinities, gather_neighbours)
from .refined_pseudo_labels import holds_all_tags, masks_to_pseudo_labels
from .stage1_classifier import load_frozen_classifier
from .tags import stack_gt_tags
from .training_iteration import current_train_iter

__all__ = [
    'PixelAdaptiveRefinement', 'check_class_layout', 'colour_affinities',
    'current_train_iter', 'gather_neighbours', 'holds_all_tags',
    'load_frozen_classifier', 'masks_to_pseudo_labels', 'stack_gt_tags'
]
