# Copyright (c) mmweakseg contributors. All rights reserved.
"""Build a dataset from a config: the one place that follows dataset
wrappers, used by the dataset checker, the figures, the pseudo-label
export and the workflows."""
import copy
from typing import Optional

from mmengine.config import Config
from mmseg.registry import DATASETS
from torch.utils.data import Dataset

from .base_weak_tag_dataset import BaseWeakTagDataset

SPLITS = ('train', 'val')


def unwrap_dataset_cfg(dataset_cfg: dict) -> dict:
    """A copy of the dataset config inside dataset wrappers with one inner
    ``dataset`` (e.g. ``RepeatDataset``), or of ``dataset_cfg`` itself."""
    dataset_cfg = copy.deepcopy(dataset_cfg)
    while 'dataset' in dataset_cfg:
        dataset_cfg = dataset_cfg['dataset']
    return dataset_cfg


def build_dataset_to_check(dataset_cfg: dict,
                           metainfo: Optional[dict] = None
                           ) -> BaseWeakTagDataset:
    """Build a weak-tag dataset from its config without loading it.

    Dataset wrappers are unwrapped (:func:`unwrap_dataset_cfg`); the
    pipeline is dropped and ``lazy_init`` set, so that
    :func:`~mmweakseg.datasets.check_dataset` can collect every problem
    instead of failing at construction.

    Args:
        dataset_cfg (dict): A dataset config, e.g.
            ``cfg.train_dataloader.dataset``.
        metainfo (dict, optional): Entries overriding the config's
            metainfo, e.g. ``dict(classes=[...])``. Defaults to None.

    Returns:
        BaseWeakTagDataset: The unloaded dataset.
    """
    dataset_cfg = dict(unwrap_dataset_cfg(dataset_cfg))
    dataset_cfg.update(pipeline=[], lazy_init=True)
    if metainfo:
        dataset_cfg['metainfo'] = dict(
            dataset_cfg.get('metainfo') or {}, **metainfo)
    dataset = DATASETS.build(dataset_cfg)
    if not isinstance(dataset, BaseWeakTagDataset):
        raise TypeError(
            f'dataset type {dataset_cfg.get("type")!r} is not a weak-tag '
            'dataset; expected WeakTagDataset or WeakTagFolderDataset')
    return dataset


def build_dataset_from_config(cfg: Config, split: str) -> Dataset:
    """Build the dataset of ``cfg.<split>_dataloader`` (unwrapped) with the
    validation pipeline, so images are resized like at test time but not
    augmented.

    Args:
        cfg (Config): A config with ``val_dataloader`` and, for
            ``split='train'``, ``train_dataloader``.
        split (str): ``'train'`` or ``'val'``.

    Returns:
        Dataset: The built dataset.
    """
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    for key in dict.fromkeys([f'{split}_dataloader', 'val_dataloader']):
        if cfg.get(key) is None:
            raise ValueError(f'the config has no {key}')
    val_cfg = unwrap_dataset_cfg(cfg.val_dataloader.dataset)
    if 'pipeline' not in val_cfg:
        raise ValueError('val_dataloader.dataset has no pipeline (nor a '
                         'wrapped dataset with one)')
    dataset_cfg = unwrap_dataset_cfg(cfg[f'{split}_dataloader'].dataset)
    dataset_cfg['pipeline'] = val_cfg['pipeline']
    return DATASETS.build(dataset_cfg)
