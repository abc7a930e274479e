# Copyright (c) mmweakseg contributors. All rights reserved.
from .class_layout import check_class_layout
from .pixel_adaptive_refinement import (PixelAdaptiveRefinement,
                                        colour_affinities, gather_neighbours)
from .refined_pseudo_labels import holds_all_tags, masks_to_pseudo_labels
from .stage1_classifier import load_frozen_classifier
from .tags import stack_gt_tags
from .test_time_refinement import build_test_refinement, refine_seg_logits
from .training_iteration import current_train_iter

__all__ = [
    'PixelAdaptiveRefinement', 'build_test_refinement', 'check_class_layout',
    'colour_affinities', 'current_train_iter', 'gather_neighbours',
    'holds_all_tags', 'load_frozen_classifier', 'masks_to_pseudo_labels',
    'refine_seg_logits', 'stack_gt_tags'
]
