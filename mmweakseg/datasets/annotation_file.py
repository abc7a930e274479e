# Copyright (c) mmweakseg contributors. All rights reserved.
"""The one writer of annotation files read by ``WeakTagDataset`` (used by
the converters, the demo-data generator and the pseudo-label export)."""
import json
import os
import os.path as osp
from typing import List, Optional, Sequence

from .base_weak_tag_dataset import DEFAULT_BACKGROUND


def dump_annotation_file(
        path: str,
        classes: Sequence[str],
        data_list: List[dict],
        background: str = DEFAULT_BACKGROUND,
        palette: Optional[Sequence[Sequence[int]]] = None) -> None:
    """Write an annotation file of the ``WeakTagDataset`` layout.

    .. code-block:: json

        {"metainfo": {"classes": [...], "background": "background",
                      "palette": [[0, 0, 0], ...]},
         "data_list": [{"img_path": ..., "tags": [...]}, ...]}

    Args:
        path (str): Output JSON file; its folder is created if missing.
        classes (Sequence[str]): The K class names, background included.
        data_list (list[dict]): Entries with ``img_path`` and ``tags``, and
            optionally ``seg_map_path`` and ``tag_areas``; other keys are
            kept for reference and ignored by the dataset.
        background (str): Name of the background class.
            Defaults to ``'background'``.
        palette (Sequence[Sequence[int]], optional): One ``[R, G, B]``
            colour per class. Defaults to None (the dataset builds one).
    """
    metainfo = dict(classes=list(classes), background=background)
    if palette is not None:
        metainfo['palette'] = [list(colour) for colour in palette]
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as file:
        json.dump(dict(metainfo=metainfo, data_list=data_list), file, indent=1)
