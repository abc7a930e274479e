# Copyright (c) mmweakseg contributors. All rights reserved.
from .imagelet_classifier_loss import (ImageletClassifierLoss,
                                       imagelet_classifier_loss,
                                       sample_imagelet_weights)
from .mask_area_loss import MaskAreaLoss, mask_area_loss
from .pixel_cross_entropy_loss import PixelCrossEntropyLoss
from .reconstruction_loss import ReconstructionLoss, reconstruction_loss
from .size_focal_mask_loss import SizeFocalMaskLoss, size_focal_mask_loss
from .tag_bce_loss import TagBCELoss
from .utils import stack_gt_tags
from .weighted_loss import WeightedLoss

__all__ = [
    'ImageletClassifierLoss', 'MaskAreaLoss', 'PixelCrossEntropyLoss',
    'ReconstructionLoss', 'SizeFocalMaskLoss', 'TagBCELoss', 'WeightedLoss',
    'imagelet_classifier_loss', 'mask_area_loss', 'reconstruction_loss',
    'sample_imagelet_weights', 'size_focal_mask_loss', 'stack_gt_tags'
]
