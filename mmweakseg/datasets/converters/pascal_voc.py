# Copyright (c) mmweakseg contributors. All rights reserved.
"""PASCAL VOC 2012 (with SBD's augmented training list when present) in the
annotation-file layout, for ``tools/dataset_converters/voc.py``."""
import os
import os.path as osp
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmseg.datasets import PascalVOCDataset

from ..errors import WeakTagDataError
from ..image_io import IGNORE_INDEX, read_label_map
from ..annotation_file import dump_annotation_file
from .errors import DatasetConversionError

# mmseg's VOC classes and palette: background at index 0, 255 = ignore.
VOC_CLASSES: Tuple[str, ...] = tuple(PascalVOCDataset.METAINFO['classes'])
VOC_PALETTE = PascalVOCDataset.METAINFO['palette']
BACKGROUND = VOC_CLASSES[0]
IMAGE_DIR = 'JPEGImages'
MASK_DIR = 'SegmentationClass'
# SBD masks as written by mmseg's tools/dataset_converters/voc_aug.py.
AUG_MASK_DIR = 'SegmentationClassAug'
XML_DIR = 'Annotations'
SPLIT_LIST_DIR = osp.join('ImageSets', 'Segmentation')
AUG_SPLIT = 'trainaug'
AREA_DECIMALS = 6


@dataclass
class VOCSplitSpec:
    """Where one output split comes from.

    Attributes:
        name (str): Split name, also the annotation file's name.
        ids (list[str]): Image ids, in list order.
        mask_dirs (tuple[str]): Mask folders, searched in order.
        mask_required (bool): Whether an image without a mask is missing
            files (else its tags come from its XML annotation).
    """
    name: str
    ids: List[str]
    mask_dirs: Tuple[str, ...]
    mask_required: bool


@dataclass
class VOCSplitSummary:
    """What :func:`convert_voc_split` found for one split.

    Attributes:
        name (str): Split name.
        num_images (int): Images written.
        num_mask_tags (int): Images tagged from their mask.
        num_xml_tags (int): Images without a mask, tagged from their XML.
        num_not_compared (int): Images with a mask but no XML.
        disagreements (list[str]): ``'<id>: mask [...], XML [...]'`` for
            every image whose XML objects differ from its mask's classes.
        skipped (list[str]): ``'<id>: missing ...'`` for every image left
            out for missing files.
        ann_file (str): The annotation file written.
    """
    name: str
    num_images: int = 0
    num_mask_tags: int = 0
    num_xml_tags: int = 0
    num_not_compared: int = 0
    disagreements: List[str] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    ann_file: str = ''

    def format(self, max_listed: int = 10) -> str:
        """Human-readable summary listing at most ``max_listed`` ids per
        kind of problem."""
        lines = [
            f'{self.name}: {self.num_images} images -> {self.ann_file}',
            f'  tags from masks: {self.num_mask_tags} (XML disagrees: '
            f'{len(self.disagreements)}, no XML: {self.num_not_compared}); '
            f'tags from XML (no mask): {self.num_xml_tags}'
        ]
        disagreement_title = ('XML disagrees with the mask (the mask\'s '
                              'tags are used; the entries keep "xml_tags")')
        sections = ((disagreement_title, self.disagreements),
                    ('skipped for missing files', self.skipped))
        for title, items in sections:
            if not items:
                continue
            lines.append(f'  {title}: {len(items)}')
            lines.extend(f'    {item}' for item in items[:max_listed])
            if len(items) > max_listed:
                lines.append(f'    ... and {len(items) - max_listed} more')
        return '\n'.join(lines)


def find_voc_root(path: str) -> str:
    """The ``VOC2012`` folder: ``path/VOC2012`` (a VOCdevkit) or ``path``
    itself when it holds ``JPEGImages``.

    Raises:
        DatasetConversionError: Neither exists.
    """
    for root in (osp.join(path, 'VOC2012'), path):
        if osp.isdir(osp.join(root, IMAGE_DIR)):
            return root
    raise DatasetConversionError(
        f'{path}: neither {osp.join(path, "VOC2012", IMAGE_DIR)} nor '
        f'{osp.join(path, IMAGE_DIR)} exists; expected a VOCdevkit folder '
        'holding VOC2012/ (or the VOC2012 folder itself)')


def read_id_list(path: str) -> List[str]:
    """Image ids of a split list, one per line (the first word of each
    non-empty line).

    Raises:
        DatasetConversionError: The file is missing, empty or repeats ids.
    """
    if not osp.isfile(path):
        raise DatasetConversionError(
            f'{path}: split list does not exist; expected a text file with '
            'one image id per line')
    with open(path, encoding='utf-8') as file:
        ids = [line.split()[0] for line in file if line.strip()]
    if not ids:
        raise DatasetConversionError(
            f'{path}: split list is empty; expected one image id per line')
    repeated = sorted(name for name, count in Counter(ids).items()
                      if count > 1)
    if repeated:
        raise DatasetConversionError(
            f'{path}: ids {repeated[:10]} are listed more than once; '
            'expected each id once')
    return ids


def resolve_splits(voc_root: str,
                   aug_list: Optional[str] = None) -> List[VOCSplitSpec]:
    """The splits to write: ``train`` and ``val`` from
    ``ImageSets/Segmentation/{train,val}.txt``, and ``trainaug`` when an
    augmented list is known.

    The ``trainaug`` ids come from ``aug_list`` if given, else from
    ``ImageSets/Segmentation/trainaug.txt`` if present (as mmseg's
    ``voc_aug.py`` writes it), else, if the ``SegmentationClassAug``
    folder exists, they are the train ids and the SBD mask ids minus the
    val ids. ``val`` needs a ``SegmentationClass`` mask per image; the
    training splits take ``SegmentationClass``, then
    ``SegmentationClassAug``, then the XML annotation.

    Raises:
        DatasetConversionError: A list is missing or bad, or the augmented
            list holds val images.
    """
    list_dir = osp.join(voc_root, SPLIT_LIST_DIR)
    train_ids = read_id_list(osp.join(list_dir, 'train.txt'))
    val_ids = read_id_list(osp.join(list_dir, 'val.txt'))
    training_masks = (MASK_DIR, AUG_MASK_DIR)
    specs = [
        VOCSplitSpec('train', train_ids, training_masks, False),
        VOCSplitSpec('val', val_ids, (MASK_DIR, ), True)
    ]
    default_aug_list = osp.join(list_dir, f'{AUG_SPLIT}.txt')
    aug_mask_root = osp.join(voc_root, AUG_MASK_DIR)
    if aug_list is not None:
        aug_ids = read_id_list(aug_list)
    elif osp.isfile(default_aug_list):
        aug_ids = read_id_list(default_aug_list)
    elif osp.isdir(aug_mask_root):
        sbd_ids = {
            osp.splitext(name)[0]
            for name in os.listdir(aug_mask_root) if name.endswith('.png')
        }
        aug_ids = sorted((set(train_ids) | sbd_ids) - set(val_ids))
    else:
        return specs
    in_val = sorted(set(aug_ids) & set(val_ids))
    if in_val:
        raise DatasetConversionError(
            f'{aug_list or default_aug_list}: the augmented training list '
            f'holds {len(in_val)} val images ({in_val[:5]}); expected no '
            'val image in training')
    specs.append(VOCSplitSpec(AUG_SPLIT, aug_ids, training_masks, False))
    return specs


def read_xml_tags(path: str) -> List[str]:
    """Foreground classes of the ``<object>`` elements of a VOC XML
    annotation, in class order (part names such as ``hand`` are not
    objects).

    Raises:
        DatasetConversionError: Malformed XML, an object without a name or
            with a name that is no VOC class.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise DatasetConversionError(
            f'{path}: malformed XML ({error}); expected a VOC annotation '
            'with <object><name>...</name></object> elements') from error
    names = set()
    for index, obj in enumerate(root.findall('object')):
        name = (obj.findtext('name') or '').strip()
        if name not in VOC_CLASSES[1:]:
            raise DatasetConversionError(
                f'{path}: object {index} has name {name!r}; expected one of '
                f'the VOC classes {list(VOC_CLASSES[1:])}')
        names.add(name)
    return [name for name in VOC_CLASSES if name in names]


def read_mask_tags(path: str) -> Tuple[List[str], Dict[str, float]]:
    """Foreground classes of a VOC mask and the area fraction of every class
    in it (over the labelled pixels, 255 excluded).

    Args:
        path (str): PNG of class indices (``P`` or ``L`` mode).

    Returns:
        tuple[list[str], dict[str, float]]: Tags in class order (no
        background) and ``{class name: area}`` of the classes present.

    Raises:
        DatasetConversionError: The mask is unreadable or holds values that
            are neither class indices nor 255.
    """
    try:
        label_map = read_label_map(path, len(VOC_CLASSES))
    except WeakTagDataError as error:
        raise DatasetConversionError(str(error)) from error
    labelled = label_map[label_map != IGNORE_INDEX]
    pixels = np.bincount(labelled, minlength=len(VOC_CLASSES))
    present = np.flatnonzero(pixels)
    tags = [VOC_CLASSES[index] for index in present if index != 0]
    areas = {
        VOC_CLASSES[index]:
        round(float(pixels[index]) / labelled.size, AREA_DECIMALS)
        for index in present
    }
    return tags, areas


def _first_existing(voc_root: str, paths: Sequence[str]) -> Optional[str]:
    """The first of ``paths`` (relative to ``voc_root``) that is a file."""
    for path in paths:
        if osp.isfile(osp.join(voc_root, path)):
            return path
    return None


def convert_voc_split(
        voc_root: str,
        spec: VOCSplitSpec,
        skip_missing: bool = False) -> Tuple[List[dict], VOCSplitSummary]:
    """Annotation entries of one split.

    An image with a mask is tagged with the mask's classes and gets
    ``seg_map_path`` and ``tag_areas``; if its XML lists other classes, the
    entry also keeps them as ``xml_tags`` and the summary reports it. An
    image without a mask (allowed unless ``spec.mask_required``) is tagged
    with its XML objects. Paths are relative to ``voc_root``.

    Args:
        voc_root (str): The ``VOC2012`` folder.
        spec (VOCSplitSpec): The split.
        skip_missing (bool): Leave out images with missing files (listed
            in the summary) instead of raising. Defaults to False.

    Returns:
        tuple[list[dict], VOCSplitSummary]: The entries and the summary.

    Raises:
        DatasetConversionError: Files are missing (unless
            ``skip_missing``), or a mask or XML file is bad; the message
            names the image id.
    """
    summary = VOCSplitSummary(spec.name)
    data_list = []
    for image_id in spec.ids:
        img_path = f'{IMAGE_DIR}/{image_id}.jpg'
        mask_paths = [f'{folder}/{image_id}.png' for folder in spec.mask_dirs]
        mask_path = _first_existing(voc_root, mask_paths)
        xml_path = osp.join(voc_root, XML_DIR, f'{image_id}.xml')
        has_xml = osp.isfile(xml_path)
        missing = []
        if not osp.isfile(osp.join(voc_root, img_path)):
            missing.append(f'image {img_path}')
        if mask_path is None and spec.mask_required:
            missing.append(f'mask {" or ".join(mask_paths)}')
        elif mask_path is None and not has_xml:
            missing.append(f'mask ({" or ".join(mask_paths)}) and annotation '
                           f'{XML_DIR}/{image_id}.xml')
        if missing:
            summary.skipped.append(f'{image_id}: missing {", ".join(missing)}')
            continue
        xml_tags = read_xml_tags(xml_path) if has_xml else None
        entry = dict(img_path=img_path)
        if mask_path is None:
            entry['tags'] = xml_tags
            summary.num_xml_tags += 1
        else:
            tags, areas = read_mask_tags(osp.join(voc_root, mask_path))
            entry.update(seg_map_path=mask_path, tags=tags, tag_areas=areas)
            summary.num_mask_tags += 1
            if xml_tags is None:
                summary.num_not_compared += 1
            elif xml_tags != tags:
                entry['xml_tags'] = xml_tags
                summary.disagreements.append(
                    f'{image_id}: mask {tags}, XML {xml_tags}')
        data_list.append(entry)
    if summary.skipped and not skip_missing:
        listed = '; '.join(summary.skipped[:5])
        more = (f' (and {len(summary.skipped) - 5} more)'
                if len(summary.skipped) > 5 else '')
        raise DatasetConversionError(
            f'{voc_root}: split {spec.name}: {len(summary.skipped)} image(s) '
            f'with missing files: {listed}{more}; expected every listed id '
            'to have its files (or pass --skip-missing to leave them out)')
    summary.num_images = len(data_list)
    return data_list, summary


def convert_pascal_voc(voc_path: str,
                       out_dir: Optional[str] = None,
                       aug_list: Optional[str] = None,
                       skip_missing: bool = False) -> List[VOCSplitSummary]:
    """Write PASCAL VOC 2012 in the annotation-file layout.

    .. code-block:: none

        VOCdevkit/VOC2012                         (data_root)
        ├── JPEGImages, SegmentationClass[Aug], Annotations, ImageSets
        └── annotations/{train,val[,trainaug]}.json   (default out_dir)

    Classes are mmseg's 21 VOC classes with the background at index 0 (its
    tag is implied) and mmseg's palette; masks keep 255 as ignore. See
    :func:`resolve_splits` for the splits and :func:`convert_voc_split` for
    the entries. Every split is converted before any file is written.

    Args:
        voc_path (str): The VOCdevkit folder (or its ``VOC2012`` folder).
        out_dir (str, optional): Folder of the annotation files. Defaults
            to ``VOC2012/annotations``. Entry paths stay relative to the
            ``VOC2012`` folder, the configs' ``data_root``.
        aug_list (str, optional): Id list of the augmented training split.
            Defaults to None (see :func:`resolve_splits`).
        skip_missing (bool): Leave out images with missing files instead of
            raising. Defaults to False.

    Returns:
        list[VOCSplitSummary]: One summary per split written.

    Raises:
        DatasetConversionError: See :func:`resolve_splits` and
            :func:`convert_voc_split`.
    """
    voc_root = find_voc_root(voc_path)
    out_dir = out_dir or osp.join(voc_root, 'annotations')
    converted = [
        convert_voc_split(voc_root, spec, skip_missing)
        for spec in resolve_splits(voc_root, aug_list)
    ]
    for data_list, summary in converted:
        summary.ann_file = osp.join(out_dir, f'{summary.name}.json')
        dump_annotation_file(
            summary.ann_file,
            VOC_CLASSES,
            data_list,
            background=BACKGROUND,
            palette=VOC_PALETTE)
    return [summary for _, summary in converted]
