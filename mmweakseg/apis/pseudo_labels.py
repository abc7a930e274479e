# Copyright (c) mmweakseg contributors. All rights reserved.
"""Export a segmentor's predictions on a dataset split as pseudo-labels: the
masks a standard fully supervised model is trained on in the second stage
of weak segmentation."""
import os.path as osp
import warnings
from pathlib import Path
from typing import List

import numpy as np
import torch
from mmseg.models import BaseSegmentor
from torch import Tensor
from torch.utils.data import Dataset

from mmweakseg.datasets import dump_annotation_file, save_label_map
from .inference import label_map_names, predict_images


def restrict_to_tags(seg_logits: Tensor, gt_tags: Tensor) -> Tensor:
    """Label map from the classes an image is tagged with.

    The logits of untagged classes are set to ``-inf`` before the argmax, so
    every pixel gets one of the image's tags (the background tag is always
    set in ``gt_tags``). This is the usual way to turn a weak segmentor's
    scores into pseudo-labels when the image tags are known.

    Args:
        seg_logits (Tensor): Class scores (K, H, W); any monotonic scores
            (logits, probabilities) give the same result.
        gt_tags (Tensor): Multi-hot tags (K,).

    Returns:
        Tensor: Class indices (H, W), int64.

    Raises:
        ValueError: ``gt_tags`` has no tag or a length other than K.
    """
    if gt_tags.shape != seg_logits.shape[:1]:
        raise ValueError(
            f'expected {seg_logits.size(0)} tags, one per class of the '
            f'logits (K, H, W) = {tuple(seg_logits.shape)}, got '
            f'{tuple(gt_tags.shape)}')
    allowed = gt_tags.to(seg_logits.device) > 0
    if not allowed.any():
        raise ValueError('the image has no tag (not even the background); '
                         'expected at least one class to choose from')
    return seg_logits.masked_fill(~allowed[:, None, None],
                                  float('-inf')).argmax(dim=0)


def ignore_unconfident(label_map: Tensor,
                       seg_logits: Tensor,
                       gt_tags: Tensor,
                       min_confidence: float,
                       ignore_index: int = 255) -> Tensor:
    """Set the pixels whose label is not confident enough to
    ``ignore_index``: the ignore band of a pseudo-label.

    The confidence of a pixel is the softmax probability of the classes
    the image is tagged with (``seg_logits`` of untagged classes left out)
    at its most likely one; ``seg_logits`` must be logits or
    log-probabilities.

    Args:
        label_map (Tensor): Labels (H, W).
        seg_logits (Tensor): Class logits (K, H, W).
        gt_tags (Tensor): Multi-hot tags (K,); all ones to use every class.
        min_confidence (float): Lowest confidence kept, in [0, 1).
        ignore_index (int): Label of the ignored pixels. Defaults to 255.

    Returns:
        Tensor: A new label map (H, W).
    """
    if not 0 <= min_confidence < 1:
        raise ValueError(
            f'`min_confidence` must be in [0, 1), got {min_confidence}')
    allowed = gt_tags.to(seg_logits.device) > 0
    confidence = seg_logits.masked_fill(
        ~allowed[:, None, None], float('-inf')).softmax(dim=0).amax(dim=0)
    return label_map.masked_fill(confidence < min_confidence, ignore_index)


def export_pseudo_labels(model: BaseSegmentor,
                         dataset: Dataset,
                         out_dir: str,
                         split: str,
                         tag_restricted: bool = True,
                         batch_size: int = 8,
                         min_confidence: float = 0.) -> str:
    """Predict a label map for every image of ``dataset`` and write a
    ``WeakTagDataset`` annotation file that uses them as masks.

    Writes

    - ``out_dir/masks/<split>/<name>.png``: palette PNG of class indices at
      the image's size (``<name>`` is the image's path relative to the
      deepest folder holding all images, suffix ``.png``; usually its stem);
    - ``out_dir/annotations/<split>.json``: the dataset's metainfo
      (``classes``, ``background``, ``palette``) and one entry per image
      with ``img_path`` (the original image, absolute, so the file works
      with ``data_root=out_dir`` wherever the images are), ``seg_map_path``
      (``masks/<split>/<name>.png``, relative to ``out_dir``), the image's
      original ``tags`` and, if the dataset has them, its ``tag_areas``.

    A stage-2 config then trains on it with
    ``dict(type='WeakTagDataset', data_root=out_dir,
    ann_file='annotations/<split>.json')`` and ``LoadWeakAnnotations`` in the
    train pipeline.

    Args:
        model (BaseSegmentor): A model from
            :func:`~mmweakseg.apis.init_weak_segmentor` predicting the
            dataset's K classes.
        dataset (Dataset): A weak-tag dataset (``WeakTagDataset``,
            ``WeakTagFolderDataset``): its data infos give ``img_path`` and
            ``gt_tags`` (K,); its pipeline is not used.
        out_dir (str): Output folder.
        split (str): Name of the split in the output paths, e.g. 'train'.
        tag_restricted (bool): Choose each pixel's class among the image's
            tags only (see :func:`restrict_to_tags`). Defaults to True. When
            False, the plain argmax over all classes is kept.
        batch_size (int): See :func:`~mmweakseg.apis.predict_images`.
            Defaults to 8.
        min_confidence (float): Pixels whose class probability (among the
            tagged classes when ``tag_restricted``) is below it are written
            as 255, ignored by the second stage (see
            :func:`ignore_unconfident`). Defaults to 0: every pixel keeps
            its label.

    Returns:
        str: Path of the annotation file.
    """
    metainfo = dataset.metainfo
    classes = list(metainfo['classes'])
    _check_classes(classes, list(model.dataset_meta['classes']))
    if not 0 <= min_confidence < 1:
        raise ValueError(
            f'`min_confidence` must be in [0, 1), got {min_confidence}')
    data_infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    image_paths = [info['img_path'] for info in data_infos]
    names = label_map_names(image_paths)
    entries = []
    for info, name, data_sample in zip(
            data_infos, names, predict_images(model, image_paths, batch_size)):
        seg_logits = data_sample.seg_logits.data
        tags = torch.from_numpy(info['gt_tags'])
        if tag_restricted:
            label_map = restrict_to_tags(seg_logits, tags)
        else:
            tags = torch.ones_like(tags)
            label_map = data_sample.pred_sem_seg.data[0]
        if min_confidence > 0:
            label_map = ignore_unconfident(label_map, seg_logits, tags,
                                           min_confidence)
        seg_map_path = Path('masks', split, name).as_posix()
        save_label_map(label_map.cpu().numpy(),
                       osp.join(out_dir, seg_map_path), metainfo['palette'])
        entries.append(_annotation_entry(info, seg_map_path, classes))

    ann_file = osp.join(out_dir, 'annotations', f'{split}.json')
    dump_annotation_file(
        ann_file,
        classes,
        entries,
        background=classes[metainfo['background_index']],
        palette=[list(map(int, colour)) for colour in metainfo['palette']])
    return ann_file


def _check_classes(dataset_classes: List[str],
                   model_classes: List[str]) -> None:
    """Fail when the model predicts another number of classes than the
    dataset has; warn when the names differ."""
    if len(dataset_classes) != len(model_classes):
        raise ValueError(
            f'the dataset has {len(dataset_classes)} classes '
            f'{dataset_classes} but the model predicts '
            f'{len(model_classes)}; expected a model trained on these classes')
    if dataset_classes != model_classes:
        warnings.warn(f'the model was trained on the classes {model_classes} '
                      f'but the dataset has {dataset_classes}; the pseudo '
                      'labels use the dataset\'s names, index by index')


def _annotation_entry(data_info: dict, seg_map_path: str,
                      classes: List[str]) -> dict:
    """The annotation-file entry of an image with its pseudo-label."""
    entry = dict(
        img_path=osp.abspath(data_info['img_path']),
        seg_map_path=seg_map_path,
        tags=[classes[k] for k in np.flatnonzero(data_info['gt_tags'])])
    if 'gt_tag_areas' in data_info:
        entry['tag_areas'] = {
            classes[k]: round(float(area), 6)
            for k, area in enumerate(data_info['gt_tag_areas']) if area > 0
        }
    return entry
