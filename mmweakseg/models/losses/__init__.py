# Copyright (c) mmweakseg contributors. All rights reserved.
from .class_balanced_cross_entropy_loss import (ClassBalancedCrossEntropyLoss,
                                                class_balanced_cross_entropy)
from .frozen_classifier_loss import FrozenClassifierLoss
from .imagelet_classifier_loss import (ImageletClassifierLoss,
                                       imagelet_classifier_loss,
                                       sample_imagelet_weights)
from .mask_area_loss import MaskAreaLoss, mask_area_loss
from .mask_equivariance_loss import MaskEquivarianceLoss
from .masked_image_classifier_loss import (MaskedImageClassifierLoss,
                                           fill_images,
                                           masked_image_classifier_loss)
from .pixel_cross_entropy_loss import PixelCrossEntropyLoss
from .reconstruction_loss import ReconstructionLoss, reconstruction_loss
from .refined_pseudo_label_loss import RefinedPseudoLabelLoss
from .size_focal_mask_loss import SizeFocalMaskLoss, size_focal_mask_loss
from .tag_bce_loss import TagBCELoss
from .weighted_loss import WeightedLoss

__all__ = [
    'ClassBalancedCrossEntropyLoss', 'FrozenClassifierLoss',
    'ImageletClassifierLoss', 'MaskAreaLoss', 'MaskEquivarianceLoss',
    'MaskedImageClassifierLoss', 'PixelCrossEntropyLoss',
    'ReconstructionLoss', 'RefinedPseudoLabelLoss', 'SizeFocalMaskLoss',
    'TagBCELoss', 'WeightedLoss', 'class_balanced_cross_entropy',
    'fill_images', 'imagelet_classifier_loss', 'mask_area_loss',
    'masked_image_classifier_loss', 'reconstruction_loss',
    'sample_imagelet_weights', 'size_focal_mask_loss'
]
