# Copyright (c) mmweakseg contributors. All rights reserved.
"""Check the datasets of a config, and their agreement with its model,
before anything is trained (``tools/train.py``,
``tools/analysis_tools/check_dataset.py CONFIG``)."""
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from .builder import build_dataset_to_check
from .dataset_checker import (DatasetReport,
                              check_dataset)

SPLITS = ('train', 'val', 'test')
# Fields of a model config that hold the number of classes K: mmweakseg's
# models and mmseg's decode heads.
NUM_CLASSES_FIELDS = ('num_classes', 'decode_head.num_classes')


def config_crop_size(cfg: Config) -> Optional[Tuple[int, int]]:
    """``(H, W)`` of the config's ``crop_size`` variable (as mmseg's configs
    define it), or None if it has none."""
    crop_size = cfg.get('crop_size')
    if crop_size is None:
        return None
    if isinstance(crop_size, int):
        return (crop_size, crop_size)
    return tuple(crop_size)[:2]


def check_config_datasets(cfg: Config,
                          splits: Sequence[str] = SPLITS,
                          metainfo: Optional[dict] = None,
                          crop_size: Optional[Tuple[int, int]] = None
                          ) -> Dict[str, DatasetReport]:
    """Check the weak-tag dataset of each split's dataloader fully
    (:func:`check_dataset`) and against the model: the number of classes
    (``model.num_classes`` or ``model.decode_head.num_classes``) and
    ``model.background_index`` must agree with the dataset's classes.

    Splits without a dataloader, or whose dataset is no weak-tag dataset
    (e.g. one of mmseg's), are left out; a dataset shared by two splits
    (``test_dataloader = val_dataloader``) is checked once.

    Args:
        cfg (Config): A loaded config.
        splits (Sequence[str]): Splits to check. Defaults to
            ``('train', 'val', 'test')``.
        metainfo (dict, optional): Overrides of the datasets' metainfo, see
            :func:`build_dataset_to_check`. Defaults to None.
        crop_size (tuple[int, int], optional): ``(H, W)`` images are
            compared with. Defaults to None: the config's ``crop_size``.

    Returns:
        dict[str, DatasetReport]: A report per checked split; a mismatch
        with the model is one of its problems.
    """
    if crop_size is None:
        crop_size = config_crop_size(cfg)
    reports: Dict[str, DatasetReport] = {}
    checked: List[Tuple[dict, str]] = []
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if not loader or not loader.get('dataset'):
            continue
        dataset_cfg = loader['dataset']
        if any(dataset_cfg == seen for seen, _ in checked):
            continue
        try:
            dataset = build_dataset_to_check(dataset_cfg, metainfo)
        except TypeError:  # not a weak-tag dataset: mmseg checks its own
            continue
        report = check_dataset(dataset, split, crop_size)
        report.problems.extend(
            model_mismatches(cfg, report,
                             f'{split}_dataloader ({dataset.source_name})'))
        reports[split] = report
        checked.append((dataset_cfg, split))
    return reports


def model_mismatches(cfg: Config, report: DatasetReport,
                     loader: str) -> List[str]:
    """Problems of a config whose model disagrees with a dataset's classes.

    Args:
        cfg (Config): The config.
        report (DatasetReport): The report of the dataset of ``loader``.
        loader (str): The dataloader and its data source, e.g.
            ``'train_dataloader (data/x/annotations/train.json)'``.

    Returns:
        list[str]: One message per disagreeing field, naming the config,
        the field, the dataset and the expected value.
    """
    model = cfg.get('model') or {}
    if not report.classes:
        return []
    where = cfg.filename or 'config'
    dataset = f'the dataset of {loader}'
    num_classes = len(report.classes)
    problems = []
    for field in NUM_CLASSES_FIELDS:
        value = _get_field(model, field)
        if value is not None and value != num_classes:
            problems.append(
                f'{where}: model.{field}={value} but {dataset} has '
                f'{num_classes} classes {list(report.classes)}; expected '
                f'model.{field}={num_classes}')
    background_index = model.get('background_index')
    if (background_index is not None and report.background_index is not None
            and background_index != report.background_index):
        background = report.classes[report.background_index]
        problems.append(
            f'{where}: model.background_index={background_index} but the '
            f'background class {background!r} of {dataset} is class '
            f'{report.background_index}; expected '
            f'model.background_index={report.background_index}')
    return problems


def _get_field(config: dict, field: str):
    """The value of a dotted ``field`` in ``config``, None if absent."""
    for key in field.split('.'):
        if not isinstance(config, dict) or key not in config:
            return None
        config = config[key]
    return config
