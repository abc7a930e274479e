# Copyright (c) mmweakseg contributors. All rights reserved.
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import mmengine.fileio as fileio
from mmseg.registry import DATASETS

from mmweakseg.utils import IMAGE_SUFFIXES
from .base_weak_tag_dataset import DEFAULT_BACKGROUND, BaseWeakTagDataset
from .errors import WeakTagDataError

@DATASETS.register_module()
class WeakTagFolderDataset(BaseWeakTagDataset):
    """Image-tag dataset read from one folder per class.

    .. code-block:: none

        root (data_root joined with data_prefix['img_path'])
        ├── background      images with no foreground object
        ├── cat             images tagged ``cat`` (and background)
        │   ├── 0001.jpg
        └── dog

    An image's tags are its folder's class plus the background. Classes
    come from ``metainfo=dict(classes=...)`` or, if not given, from the
    sorted folder names, with the background class (``metainfo.background``,
    default ``'background'``) put first when there is no folder for it.
    Images are the files directly inside a class folder whose suffix is one
    of ``img_suffixes`` (case-insensitive). There are no masks
    (``seg_map_path`` is None) and no tag areas.

    See :class:`BaseWeakTagDataset` for the data infos and the other
    arguments.

    Args:
        img_suffixes (Sequence[str]): Image file suffixes.
            Defaults to :data:`~mmweakseg.utils.IMAGE_SUFFIXES`.

    Raises:
        WeakTagDataError: at construction, when the root is missing, a
            folder is not a known class or holds no image, no image is
            found or the background is no class.
    """

    def __init__(self,
                 img_suffixes: Sequence[str] = IMAGE_SUFFIXES,
                 metainfo: Optional[dict] = None,
                 data_root: Optional[str] = None,
                 data_prefix: dict = dict(img_path=''),
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True,
                 pipeline: List[Union[dict, Callable]] = [],
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000,
                 backend_args: Optional[dict] = None) -> None:
        self.img_suffixes = tuple(suffix.lower() for suffix in img_suffixes)
        super().__init__(
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=data_prefix,
            indices=indices,
            serialize_data=serialize_data,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch,
            backend_args=backend_args)

    def collect_data_list(self) -> Tuple[List[dict], List[str]]:
        """Scan the class folders, collecting problems instead of raising.

        Returns:
            tuple[list[dict], list[str]]: The data infos of the images in
            known class folders, and one message per problem found.

        Raises:
            WeakTagDataError: The root folder is missing or the classes
                cannot be resolved.
        """
        images_per_folder = self._scan_class_folders()
        source_metainfo = {}
        if self._metainfo.get('classes') is None:
            background = self._metainfo.get('background', DEFAULT_BACKGROUND)
            classes = sorted(images_per_folder)
            if background not in classes:
                classes.insert(0, background)
            source_metainfo['classes'] = classes
        self._resolve_metainfo(source_metainfo)

        classes = self._metainfo['classes']
        problems: List[str] = []
        raw_entries = []
        for folder, file_names in images_per_folder.items():
            if folder not in classes:
                problems.append(
                    f'{self.source_name}: folder {folder!r} '
                    f'({len(file_names)} images) is not a known class; '
                    f'expected folders named after the classes '
                    f'{list(classes)}')
                continue
            raw_entries.extend(
                dict(img_path=f'{folder}/{name}', tags=[folder])
                for name in file_names)
        data_list = self._encode_entries(raw_entries, problems)
        problems.extend(
            f'{self.source_name}: class folder {folder!r} holds no image '
            f'(suffixes {list(self.img_suffixes)}); expected at least one '
            'image in every class folder (remove the folder if the class has '
            'no image)' for folder, file_names in images_per_folder.items()
            if folder in classes and not file_names)
        return data_list, problems

    def _scan_class_folders(self) -> Dict[str, List[str]]:
        """List the image file names of every class folder.

        Returns:
            dict[str, list[str]]: Sorted image file names per folder name,
            folders in sorted order; hidden folders are skipped.
        """
        root = self.source_name
        if not root:
            raise WeakTagDataError(
                f'{type(self).__name__}: no image folder given; expected '
                'data_root (or data_prefix img_path) to name the folder of '
                'class folders')
        if not fileio.isdir(root, backend_args=self.backend_args):
            raise WeakTagDataError(
                f'{root}: image folder root does not exist; expected a '
                'folder holding one sub-folder of images per class')
        folders = sorted(
            name for name in fileio.list_dir_or_file(
                root, list_file=False, backend_args=self.backend_args)
            if not name.startswith('.'))
        images_per_folder = {}
        for folder in folders:
            images_per_folder[folder] = sorted(
                name for name in fileio.list_dir_or_file(
                    fileio.join_path(root, folder),
                    list_dir=False,
                    backend_args=self.backend_args)
                if osp.splitext(name)[1].lower() in self.img_suffixes)
        return images_per_folder
