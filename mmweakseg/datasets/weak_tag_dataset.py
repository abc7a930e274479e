# Copyright (c) mmweakseg contributors. All rights reserved.
import json
from typing import List, Tuple

import mmengine.fileio as fileio
from mmseg.registry import DATASETS

from .base_weak_tag_dataset import BaseWeakTagDataset
from .errors import WeakTagDataError

UTF8_BOM = '\ufeff'


@DATASETS.register_module()
class WeakTagDataset(BaseWeakTagDataset):
    """Image-tag dataset read from an OpenMMLab 2.0 style JSON file.

    .. code-block:: json

        {"metainfo": {"classes": ["background", "cat", "dog"],
                      "background": "background"},
         "data_list": [
            {"img_path": "images/train/0001.jpg",
             "tags": ["dog"],
             "seg_map_path": "masks/train/0001.png",
             "tag_areas": {"dog": 0.3, "background": 0.7}}]}

    ``classes`` lists all K classes (from the file or from the ``metainfo``
    argument; if both are given they must agree). The background class is
    named by ``metainfo.background`` (default ``'background'``) and may stand
    at any index; its tag is implied. ``seg_map_path`` (PNG of class indices
    in ``classes`` order, 255 = ignore) and ``tag_areas`` (area fractions,
    missing classes 0) are optional per entry. Paths are relative to
    ``data_root`` (joined with ``data_prefix``) and must stay inside it
    (unless ``allow_outside_data_root=True``). A UTF-8 byte-order mark at
    the start of the file is accepted.

    See :class:`BaseWeakTagDataset` for the data infos and the arguments;
    ``ann_file`` is required here.

    Raises:
        WeakTagDataError: at construction, for malformed JSON, missing keys,
            unknown tags, classes or background, missing image or mask
            files, an empty ``data_list``, duplicate ``img_path`` entries or
            bad ``tag_areas``; the message names the file and the entry.
    """

    def collect_data_list(self) -> Tuple[List[dict], List[str]]:
        """Parse the annotation file, collecting problems instead of raising.

        Returns:
            tuple[list[dict], list[str]]: The data infos of the valid
            entries, and one message per problem found.

        Raises:
            WeakTagDataError: The file is unreadable or malformed, or its
                classes cannot be resolved.
        """
        annotation = self._read_annotation_file()
        self._resolve_metainfo(annotation.get('metainfo', {}))
        problems: List[str] = []
        data_list = self._encode_entries(annotation['data_list'], problems)
        return data_list, problems

    def _read_annotation_file(self) -> dict:
        """Read and decode the JSON annotation file.

        Returns:
            dict: The decoded file, with a list under ``data_list``.
        """
        if not self.ann_file:
            raise WeakTagDataError(
                f'{type(self).__name__}: no ann_file given; expected the path '
                'of a JSON annotation file')
        try:
            text = fileio.get_text(
                self.ann_file, backend_args=self.backend_args)
        except (OSError, UnicodeDecodeError) as error:
            raise WeakTagDataError(
                f'{self.ann_file}: cannot read annotation file ({error}); '
                'expected an existing UTF-8 JSON file') from error
        # Editors on Windows start UTF-8 files with a byte-order mark.
        text = text[1:] if text.startswith(UTF8_BOM) else text
        try:
            annotation = json.loads(text)
        except json.JSONDecodeError as error:
            raise WeakTagDataError(
                f'{self.ann_file}: malformed JSON at line {error.lineno}, '
                f'column {error.colno}: {error.msg}; expected a JSON object '
                '{"metainfo": {...}, "data_list": [...]}') from error
        if not isinstance(annotation, dict):
            raise WeakTagDataError(
                f'{self.ann_file}: top level is a '
                f'{type(annotation).__name__}; expected a JSON object '
                '{"metainfo": {...}, "data_list": [...]}')
        if 'data_list' not in annotation:
            raise WeakTagDataError(
                f'{self.ann_file}: missing key "data_list"; expected a JSON '
                'object {"metainfo": {...}, "data_list": [...]}')
        if not isinstance(annotation['data_list'], list):
            raise WeakTagDataError(
                f'{self.ann_file}: "data_list" is a '
                f'{type(annotation["data_list"]).__name__}; expected a list '
                'of entries')
        return annotation
