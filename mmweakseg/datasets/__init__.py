# Copyright (c) mmweakseg contributors. All rights reserved.
from . import converters  # noqa: F401
from .base_weak_tag_dataset import BaseWeakTagDataset, make_palette
from .config_dataset_check import check_config_datasets, config_crop_size
from .dataset_checker import (DatasetReport, build_dataset_to_check,
                              check_dataset)
from .errors import WeakTagDataError
from .image_io import (decode_image, pil_to_bgr, read_image_as_bgr,
                       read_label_map)
from .transforms import (LoadRGBImageFromFile, LoadWeakAnnotations,
                         PackWeakSegInputs)
from .weak_tag_dataset import WeakTagDataset
from .weak_tag_folder_dataset import WeakTagFolderDataset

__all__ = [
    'BaseWeakTagDataset', 'WeakTagDataset', 'WeakTagFolderDataset',
    'WeakTagDataError', 'LoadRGBImageFromFile', 'LoadWeakAnnotations',
    'PackWeakSegInputs', 'DatasetReport', 'build_dataset_to_check',
    'check_dataset', 'check_config_datasets', 'config_crop_size',
    'make_palette', 'decode_image', 'pil_to_bgr', 'read_image_as_bgr',
    'read_label_map'
]
