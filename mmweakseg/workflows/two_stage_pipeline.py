# Copyright (c) mmweakseg contributors. All rights reserved.
"""Configure the stages of the method for a user's dataset.

The pipeline command (``tools/run_pipeline.py``) loads the configs of the
classifier (stage 1) and of the segmentor (stage 2, the method), points
their dataloaders at the user's data with the functions here, dumps the
resulting configs into the work directory and runs ``tools/train.py`` /
``tools/test.py`` on them, so each stage can be rerun by hand from the
dumped file. :func:`configure_retraining` sets up the retrained model: a
standard mmseg segmentor trained on the segmentor's pseudo-labels.
"""
import copy
import glob
import json
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config
from mmseg.registry import MODELS

from mmweakseg.datasets import (DatasetReport, build_dataset_to_check,
                                check_dataset)
from mmweakseg.models.segmentors import (ReconstructionSegmentor,
                                         RefinedEncoderDecoder)

SPLITS = ('train', 'val')
DATALOADERS = dict(
    train=('train_dataloader', ),
    val=('val_dataloader', 'test_dataloader'))


def split_dataset_cfgs(data_root: str,
                       layout: str,
                       ann_files: Optional[Dict[str, str]] = None,
                       classes: Optional[List[str]] = None,
                       background: Optional[str] = None) -> Dict[str, dict]:
    """Dataset configs (without pipeline) of the train and val splits.

    Args:
        data_root (str): Root of the dataset.
        layout (str): ``'annotation'`` (``WeakTagDataset``: JSON files
            relative to ``data_root``) or ``'folder'``
            (``WeakTagFolderDataset``: ``data_root/<split>/<class>/*.jpg``).
        ann_files (dict, optional): Annotation file of each split for the
            annotation layout. Defaults to
            ``annotations/{train,val}.json``.
        classes (list[str], optional): The K class names; by default they
            come from the annotation file or the train folder names.
        background (str, optional): Name of the background class; by
            default it comes from the annotation file's metainfo, else it is
            ``'background'``.

    Returns:
        dict: ``{'train': cfg, 'val': cfg}``.
    """
    metainfo = {}
    if background is not None:
        metainfo['background'] = background
    if classes is not None:
        metainfo['classes'] = list(classes)
    cfgs = {}
    for split in SPLITS:
        if layout == 'annotation':
            ann_file = (ann_files or {}).get(split,
                                             f'annotations/{split}.json')
            cfgs[split] = dict(
                type='WeakTagDataset',
                data_root=data_root,
                ann_file=ann_file,
                metainfo=dict(metainfo))
        elif layout == 'folder':
            cfgs[split] = dict(
                type='WeakTagFolderDataset',
                data_root=data_root,
                data_prefix=dict(img_path=split),
                metainfo=dict(metainfo))
        else:
            raise ValueError(
                f"layout must be 'annotation' or 'folder', got {layout!r}")
    return cfgs


def check_splits(dataset_cfgs: Dict[str, dict],
                 crop_size: Optional[Tuple[int, int]] = None
                 ) -> Dict[str, DatasetReport]:
    """Check every image, mask and tag of each split (images smaller than
    ``crop_size`` ``(H, W)``, if given, are noted).

    The classes of the train split are imposed on the others, so that a
    class missing from a val folder does not shift the class indices. A
    split whose source cannot be read (missing data root, malformed
    annotation file, ...) gets a report with that problem and no classes.

    Returns:
        dict: A :class:`DatasetReport` per split.
    """
    reports = {}
    classes = None
    for split, dataset_cfg in dataset_cfgs.items():
        metainfo = None if classes is None else dict(classes=classes)
        dataset = build_dataset_to_check(dataset_cfg, metainfo)
        reports[split] = check_dataset(dataset, split, crop_size)
        if classes is None and reports[split].classes:
            classes = list(reports[split].classes)
    return reports


def check_stage_data(data_root: str,
                     layout: str,
                     classes: Optional[List[str]] = None,
                     background: str = 'background'
                     ) -> Tuple[Dict[str, DatasetReport], Optional[dict]]:
    """Check both splits of a dataset for a command that trains stages on
    it (:func:`split_dataset_cfgs` and :func:`check_splits`).

    Returns:
        tuple[dict, dict | None]: The report of each split and, when no
        split has a problem, the keyword arguments of
        :func:`configure_stage` (``dataset_cfgs``, ``classes``,
        ``background_index``); None otherwise.

    Raises:
        ValueError: ``background`` is not one of the train split's classes.
    """
    dataset_cfgs = split_dataset_cfgs(
        data_root, layout, classes=classes, background=background)
    reports = check_splits(dataset_cfgs)
    if any(report.problems for report in reports.values()):
        return reports, None
    names = list(reports['train'].classes)
    if background not in names:
        raise ValueError(f'the background class {background!r} is not one '
                         f'of the classes {names}')
    return reports, dict(
        dataset_cfgs=dataset_cfgs,
        classes=names,
        background_index=names.index(background))


def set_stage_data(cfg: Config, dataset_cfgs: Dict[str, dict],
                   classes: List[str]) -> Config:
    """Point a stage's dataloaders at the data.

    Each dataloader's dataset keeps its pipeline and takes type, root,
    annotation file and metainfo (with the classes fixed) from
    ``dataset_cfgs`` (``train`` for ``train_dataloader``, ``val`` for
    ``val_dataloader`` and ``test_dataloader``).
    """
    for split, loaders in DATALOADERS.items():
        dataset_cfg = dict(dataset_cfgs[split])
        dataset_cfg['metainfo'] = dict(
            dataset_cfg.get('metainfo') or {}, classes=list(classes))
        for loader in loaders:
            if loader not in cfg:
                continue
            pipeline = cfg[loader]['dataset']['pipeline']
            cfg[loader]['dataset'] = dict(dataset_cfg, pipeline=pipeline)
    return cfg


def configure_stage(cfg: Config, dataset_cfgs: Dict[str, dict],
                    classes: List[str], background_index: int) -> Config:
    """Point a stage's dataloaders at the data (:func:`set_stage_data`) and
    set ``model.num_classes`` and ``model.background_index`` from the
    classes."""
    set_stage_data(cfg, dataset_cfgs, classes)
    cfg.model.num_classes = len(classes)
    cfg.model.background_index = background_index
    return cfg


FROZEN_CLASSIFIER_LOSSES = ('ImageletClassifierLoss',
                            'MaskedImageClassifierLoss')


def set_classifier_checkpoint(seg_cfg: Config, checkpoint: str) -> Config:
    """Point every loss of the segmentor that uses the frozen stage-1
    classifier (``ImageletClassifierLoss``, ``MaskedImageClassifierLoss``)
    at the stage-1 checkpoint; the classifier's architecture is read from
    the config saved inside it."""
    losses = [
        loss for loss in seg_cfg.model.losses
        if loss['type'] in FROZEN_CLASSIFIER_LOSSES
    ]
    if not losses:
        raise ValueError(
            'the segmentor config must have a loss of type '
            f'{" or ".join(FROZEN_CLASSIFIER_LOSSES)} in model.losses, '
            'found none')
    for loss in losses:
        loss['checkpoint'] = checkpoint
    return seg_cfg


def find_checkpoint(work_dir: str) -> str:
    """The best checkpoint of a finished run, or else its last one."""
    best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
    if best:
        return best[-1]
    last = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(last):
        raise FileNotFoundError(f'no checkpoint found in {work_dir}')
    with open(last) as f:
        return f.read().strip()


def has_test_metrics(work_dir: str) -> bool:
    """Whether a ``tools/test.py`` run in ``work_dir`` finished."""
    return bool(glob.glob(osp.join(work_dir, '*', '*.json')))


def read_test_metrics(work_dir: str) -> dict:
    """Metrics of the newest ``tools/test.py`` run in ``work_dir``."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    if not logs:
        raise FileNotFoundError(f'no test metrics found in {work_dir}')
    with open(logs[-1]) as f:
        return json.load(f)


def configure_retraining(cfg: Config, pseudo_label_root: str,
                                 val_dataset_cfg: dict,
                                 classes: List[str]) -> Config:
    """Retrain a standard mmseg segmentor on exported pseudo-labels.

    The train dataloader reads ``pseudo_label_root/annotations/train.json``
    (written by :func:`~mmweakseg.apis.export_pseudo_labels`), validation and
    test use ``val_dataset_cfg`` with its real masks. The decode heads (and
    auxiliary heads) predict the K ``classes``, and the last checkpoint is
    tested: ``save_best`` is switched off for the reason given in
    :func:`~.training_budget.set_training_budget`.

    Args:
        cfg (Config): A config of an mmseg ``EncoderDecoder``.
        pseudo_label_root (str): Output folder of the pseudo-label export.
        val_dataset_cfg (dict): Dataset config of the val split.
        classes (list[str]): The K class names.

    Returns:
        Config: ``cfg``, changed in place.
    """
    train_cfg = dict(
        type='WeakTagDataset',
        data_root=pseudo_label_root,
        ann_file='annotations/train.json',
        allow_outside_data_root=True)  # img_path: the original images
    set_stage_data(cfg, dict(train=train_cfg, val=val_dataset_cfg), classes)
    heads = [cfg.model.decode_head]
    auxiliary = cfg.model.get('auxiliary_head')
    if auxiliary is not None:
        heads += auxiliary if isinstance(auxiliary, list) else [auxiliary]
    for head in heads:
        head.num_classes = len(classes)
    cfg.default_hooks.checkpoint.save_best = None
    return cfg


def match_test_refinement(cfg: Config, reference: Config) -> Config:
    """Test ``cfg``'s model as ``reference``'s is tested: with the same
    test-time refinement (``model.test_cfg.refine``) or, when the reference
    has none, without one.

    The quality benchmark compares the supervised upper bound with the
    method this way: a bound tested plain is no bound for refined masks (on
    the binary demo one supervised checkpoint scored 91.00 mIoU plain and
    98.51 refined).

    Args:
        cfg (Config): The config whose ``model.test_cfg`` is set.
        reference (Config): The config whose refinement it takes.

    Returns:
        Config: ``cfg``, changed in place.

    Raises:
        ValueError: If ``reference`` refines and ``cfg``'s model is not a
            segmentor that reads ``test_cfg.refine``
            (``ReconstructionSegmentor``, ``RefinedEncoderDecoder`` or a
            subclass).
    """
    refine = (reference.model.get('test_cfg') or {}).get('refine')
    test_cfg = cfg.model.get('test_cfg') or {}
    if refine is None:
        if test_cfg.get('refine') is not None:
            cfg.model.test_cfg = {
                key: value
                for key, value in test_cfg.items() if key != 'refine'
            }
        return cfg
    model_class = MODELS.get(cfg.model.type)
    if model_class is None or not issubclass(
            model_class, (ReconstructionSegmentor, RefinedEncoderDecoder)):
        raise ValueError(
            f'the reference model refines its masks at test time '
            f'({refine["type"]}), but a model of type {cfg.model.type!r} '
            "ignores test_cfg.refine: use 'ReconstructionSegmentor' or "
            "'RefinedEncoderDecoder'")
    cfg.model.test_cfg = dict(test_cfg, refine=copy.deepcopy(refine))
    return cfg


def set_cam_checkpoint(cam_cfg: Config, checkpoint: str) -> Config:
    """Build the ``CAMSegmentor`` of ``cam_cfg`` from the stage-1
    ``checkpoint``."""
    if cam_cfg.model.type != 'CAMSegmentor':
        raise ValueError('the CAM config must define a '
                         f"model of type 'CAMSegmentor', got "
                         f'{cam_cfg.model.type!r}')
    cam_cfg.model.checkpoint = checkpoint
    return cam_cfg
