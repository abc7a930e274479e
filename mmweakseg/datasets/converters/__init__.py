# Copyright (c) mmweakseg contributors. All rights reserved.
from .errors import DatasetConversionError
from .imagenet_dog import (DOG_WNIDS, ImageNetDogSummary, convert_imagenet_dog,
                           list_class_images, list_wnid_folders,
                           sample_dog_split, split_dog_wnids)
from .pascal_voc import (VOC_CLASSES, VOCSplitSpec, VOCSplitSummary,
                         convert_pascal_voc, convert_voc_split, find_voc_root,
                         read_id_list, read_mask_tags, read_xml_tags,
                         resolve_splits)

__all__ = [
    'DatasetConversionError', 'DOG_WNIDS',
    'ImageNetDogSummary', 'convert_imagenet_dog', 'list_class_images',
    'list_wnid_folders', 'sample_dog_split', 'split_dog_wnids', 'VOC_CLASSES',
    'VOCSplitSpec', 'VOCSplitSummary', 'convert_pascal_voc',
    'convert_voc_split', 'find_voc_root', 'read_id_list', 'read_mask_tags',
    'read_xml_tags', 'resolve_splits'
]
