# Copyright (c) mmweakseg contributors. All rights reserved.
from .imagelet_classifier_loss import (ImageletClassifierLoss,
                                       imagelet_classifier_loss)
from .mask_area_loss import MaskAreaLoss, mask_area_loss
from .reconstruction_loss import ReconstructionLoss, reconstruction_loss
from .tag_bce_loss import TagBCELoss
from .utils import stack_gt_tags

__all__ = [
    'ImageletClassifierLoss', 'MaskAreaLoss', 'ReconstructionLoss',
    'TagBCELoss', 'imagelet_classifier_loss', 'mask_area_loss',
    'reconstruction_loss', 'stack_gt_tags'
]
