# Copyright (c) mmweakseg contributors. All rights reserved.
from . import converters  # noqa: F401
from .annotation_file import dump_annotation_file
from .base_weak_tag_dataset import BaseWeakTagDataset
from .builder import (build_dataset_from_config, build_dataset_to_check,
                      unwrap_dataset_cfg)
from .config_dataset_check import check_config_datasets, config_crop_size
from .dataset_checker import DatasetReport, check_dataset
from .demo_data import DemoScene, make_demo_dataset
from .errors import WeakTagDataError
from .image_io import (decode_image, pil_to_bgr, read_image_as_bgr,
                       read_label_map, save_label_map)
from .transforms import (LoadRGBImageFromFile, LoadWeakAnnotations,
                         PackWeakSegInputs)
from .weak_tag_dataset import WeakTagDataset
from .weak_tag_folder_dataset import WeakTagFolderDataset

__all__ = [
    'BaseWeakTagDataset', 'WeakTagDataset', 'WeakTagFolderDataset',
    'WeakTagDataError', 'LoadRGBImageFromFile', 'LoadWeakAnnotations',
    'PackWeakSegInputs', 'DatasetReport', 'build_dataset_to_check',
    'build_dataset_from_config', 'unwrap_dataset_cfg', 'check_dataset',
    'check_config_datasets', 'config_crop_size', 'dump_annotation_file',
    'DemoScene', 'make_demo_dataset', 'decode_image', 'pil_to_bgr',
    'read_image_as_bgr', 'read_label_map', 'save_label_map'
]
