# Copyright (c) mmweakseg contributors. All rights reserved.
"""Full check and statistics of a weak-tag dataset, for
``tools/analysis_tools/check_dataset.py``."""
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .base_weak_tag_dataset import BaseWeakTagDataset
from .errors import WeakTagDataError
from .image_io import IGNORE_INDEX, decode_image, read_label_map

# File names listed per kind of note (EXIF-rotated, smaller than the crop).
MAX_LISTED_FILES = 5


@dataclass
class DatasetReport:
    """Statistics and problems of one weak-tag dataset.

    Attributes:
        name (str): Name of the split or data source.
        classes (tuple[str]): The K class names.
        num_images (int): Number of valid entries.
        num_masks (int): Number of valid entries whose mask decoded.
        co_occurrence (np.ndarray): ``(K, K)`` int64, number of images
            tagged with both class i and class j; the diagonal holds the
            tag frequencies.
        mask_area_sum (np.ndarray): ``(K,)`` float64, sum over masks that
            contain class k of its fraction of the labelled pixels.
        mask_area_count (np.ndarray): ``(K,)`` int64, number of masks that
            contain class k.
        problems (list[str]): Every problem found, one message each.
        background_index (int, optional): Index of the background class,
            None if the classes could not be resolved.
        image_sizes (Counter): Number of decoded images per ``(H, W)`` (as
            displayed, EXIF orientation applied).
        exif_rotated (list[str]): Images stored with an EXIF orientation
            other than 1 (they are used rotated, as displayed).
        crop_size (tuple[int, int], optional): ``(H, W)`` the images are
            compared with; None if not known.
        smaller_than_crop (list[str]): Images smaller than ``crop_size`` in
            height or width.
    """
    name: str
    classes: Tuple[str, ...]
    num_images: int = 0
    num_masks: int = 0
    co_occurrence: Optional[np.ndarray] = None
    mask_area_sum: Optional[np.ndarray] = None
    mask_area_count: Optional[np.ndarray] = None
    problems: List[str] = field(default_factory=list)
    background_index: Optional[int] = None
    image_sizes: Counter = field(default_factory=Counter)
    exif_rotated: List[str] = field(default_factory=list)
    crop_size: Optional[Tuple[int, int]] = None
    smaller_than_crop: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        num_classes = len(self.classes)
        if self.co_occurrence is None:
            self.co_occurrence = np.zeros((num_classes, num_classes),
                                          dtype=np.int64)
        if self.mask_area_sum is None:
            self.mask_area_sum = np.zeros(num_classes, dtype=np.float64)
        if self.mask_area_count is None:
            self.mask_area_count = np.zeros(num_classes, dtype=np.int64)

    @property
    def tag_counts(self) -> np.ndarray:
        """``(K,)`` number of images tagged with each class."""
        return np.diag(self.co_occurrence).copy()

    @property
    def mean_mask_area(self) -> np.ndarray:
        """``(K,)`` mean fraction of the labelled pixels covered by each
        class, over the masks that contain it (NaN if none does)."""
        with np.errstate(invalid='ignore', divide='ignore'):
            return self.mask_area_sum / self.mask_area_count

    def notes(self) -> List[str]:
        """Information that is no problem but may need attention: image
        sizes (mixed sizes are resized by the configs' pipelines), images
        with an EXIF orientation and images smaller than the crop."""
        notes = []
        if len(self.image_sizes) > 1:
            heights = [size[0] for size in self.image_sizes]
            widths = [size[1] for size in self.image_sizes]
            notes.append(
                f'mixed image sizes: {len(self.image_sizes)} different '
                f'(H x W), heights {min(heights)}-{max(heights)}, widths '
                f'{min(widths)}-{max(widths)}; the pipelines must resize '
                '(or crop) them to one size for batching')
        elif self.image_sizes:
            (height, width), = self.image_sizes
            notes.append(f'image size: all {height} x {width} (H x W)')
        if self.exif_rotated:
            notes.append(
                f'{len(self.exif_rotated)} image(s) with an EXIF orientation, '
                'used rotated as displayed (masks must be drawn on the '
                f'displayed image): {_listed(self.exif_rotated)}')
        if self.smaller_than_crop:
            height, width = self.crop_size
            notes.append(
                f'{len(self.smaller_than_crop)} image(s) smaller than the '
                f'crop {height} x {width} (H x W), resized or padded up: '
                f'{_listed(self.smaller_than_crop)}')
        return notes

    def format(self, statistics: bool = True) -> str:
        """Human-readable report: counts, notes, tag frequencies,
        co-occurrence and mean mask areas (with ``statistics``) and every
        problem."""
        lines = [
            f'== {self.name}',
            f'images: {self.num_images}   masks: {self.num_masks}   '
            f'problems: {len(self.problems)}'
        ]
        lines.extend(f'note: {note}' for note in self.notes())
        if self.classes and statistics:
            width = max(len(name) for name in self.classes)
            lines.append('tag frequency (images tagged):')
            for name, count in zip(self.classes, self.tag_counts):
                share = 100.0 * count / max(self.num_images, 1)
                lines.append(f'  {name:<{width}}  {count:>7d}  {share:5.1f}%')
            lines.append('co-occurrence (images tagged with both):')
            column = max(7, width)
            lines.append(' ' * (width + 2) +
                         ''.join(f'{name[:column]:>{column + 1}}'
                                 for name in self.classes))
            for name, row in zip(self.classes, self.co_occurrence):
                lines.append(f'  {name:<{width}}' +
                             ''.join(f'{count:>{column + 1}d}'
                                     for count in row))
            if self.num_masks:
                lines.append('mean mask area (fraction of labelled pixels, '
                             'over the masks containing the class):')
                for name, area, count in zip(self.classes, self.mean_mask_area,
                                             self.mask_area_count):
                    text = '    -' if count == 0 else f'{area:.3f}'
                    lines.append(f'  {name:<{width}}  {text}  ({count} masks)')
        if self.problems:
            lines.append('problems:')
            lines.extend(f'  - {problem}' for problem in self.problems)
        return '\n'.join(lines)


def check_dataset(dataset: BaseWeakTagDataset,
                  name: str,
                  crop_size: Optional[Tuple[int, int]] = None
                  ) -> DatasetReport:
    """Check every entry of a dataset and gather statistics.

    Parses the annotations (collecting every problem), then decodes every
    image and mask fully, reporting unreadable files, masks of another size
    than their image, in a lossy format or with values that are no class
    index, and masks holding classes missing from the image's tags. Image
    sizes, EXIF orientations and images smaller than ``crop_size`` are
    gathered as notes (:meth:`DatasetReport.notes`).

    Args:
        dataset (BaseWeakTagDataset): The dataset, e.g. from
            :func:`build_dataset_to_check`.
        name (str): Name of the split, for the report.
        crop_size (tuple[int, int], optional): ``(H, W)`` of the training
            crop; images smaller than it are noted. Defaults to None.

    Returns:
        DatasetReport: Statistics over the valid entries and all problems.
    """
    crop_size = None if crop_size is None else tuple(crop_size)
    try:
        data_list, problems = dataset.collect_data_list()
    except WeakTagDataError as error:
        return DatasetReport(
            name=name,
            classes=tuple(dataset.metainfo.get('classes') or ()),
            problems=[str(error)],
            crop_size=crop_size)
    classes = tuple(dataset.metainfo['classes'])
    report = DatasetReport(
        name=name,
        classes=classes,
        problems=problems,
        background_index=dataset.metainfo['background_index'],
        crop_size=crop_size)
    for data_info in data_list:
        _check_entry(data_info, report, dataset.backend_args)
    return report


def _check_image(img_path: str, report: DatasetReport,
                 backend_args: dict) -> Optional[Tuple[int, int]]:
    """Decode an image, note its size and orientation; return ``(H, W)``
    (None if it cannot be decoded: a problem is added)."""
    try:
        image, orientation = decode_image(img_path, backend_args)
    except WeakTagDataError as error:
        report.problems.append(str(error))
        return None
    image_shape = image.shape[:2]
    report.image_sizes[image_shape] += 1
    if orientation not in (0, 1):
        report.exif_rotated.append(img_path)
    if report.crop_size is not None and (
            image_shape[0] < report.crop_size[0]
            or image_shape[1] < report.crop_size[1]):
        report.smaller_than_crop.append(img_path)
    return image_shape


def _check_entry(data_info: dict, report: DatasetReport,
                 backend_args: dict) -> None:
    """Decode one entry's files and add it to ``report``."""
    tags = data_info['gt_tags'] > 0
    report.num_images += 1
    report.co_occurrence += np.outer(tags, tags).astype(np.int64)
    image_shape = _check_image(data_info['img_path'], report, backend_args)
    seg_map_path = data_info['seg_map_path']
    if seg_map_path is None:
        return
    try:
        label_map = read_label_map(seg_map_path, len(report.classes),
                                   image_shape, backend_args)
    except WeakTagDataError as error:
        report.problems.append(str(error))
        return
    report.num_masks += 1
    labelled = label_map[label_map != IGNORE_INDEX]
    if labelled.size == 0:
        return
    pixels = np.bincount(labelled, minlength=len(report.classes))
    present = pixels > 0
    report.mask_area_sum[present] += pixels[present] / labelled.size
    report.mask_area_count[present] += 1
    untagged = _names(report.classes, present & ~tags)
    if untagged:
        report.problems.append(
            f'{seg_map_path}: mask has pixels of classes {untagged} missing '
            f'from the tags of {data_info["img_path"]!r}; expected the tags '
            'to include every class in the mask')


def _listed(paths: Sequence[str]) -> str:
    """The first :data:`MAX_LISTED_FILES` paths, and how many more."""
    listed = ', '.join(paths[:MAX_LISTED_FILES])
    if len(paths) > MAX_LISTED_FILES:
        listed += f' (and {len(paths) - MAX_LISTED_FILES} more)'
    return listed


def _names(classes: Sequence[str], selected: np.ndarray) -> List[str]:
    """Names of the classes where ``selected`` is True."""
    return [name for name, chosen in zip(classes, selected) if chosen]
