# Copyright (c) mmweakseg contributors. All rights reserved.
import mmcv
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmweakseg  # noqa: F401
from mmweakseg.datasets import build_dataset_from_config


def test_build_dataset_from_config_uses_val_pipeline(tmp_path):
    for name in ('a', 'b'):
        mmcv.imwrite(
            np.zeros((4, 4, 3), np.uint8),
            str(tmp_path / 'img' / f'{name}.jpg'))
    base = dict(
        type='BaseSegDataset',
        data_root=str(tmp_path),
        data_prefix=dict(img_path='img'),
        img_suffix='.jpg',
        metainfo=dict(classes=('dog', 'background')))
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(
                    type='RepeatDataset',
                    times=3,
                    dataset=dict(
                        **base,
                        pipeline=[
                            dict(type='LoadImageFromFile'),
                            dict(type='RandomFlip', prob=1.0),
                            dict(type='PackSegInputs')
                        ]))),
            val_dataloader=dict(
                dataset=dict(
                    **base,
                    pipeline=[
                        dict(type='LoadImageFromFile'),
                        dict(type='Resize', scale=(8, 8)),
                        dict(type='PackSegInputs')
                    ]))))
    init_default_scope('mmseg')
    dataset = build_dataset_from_config(cfg, 'train')
    assert len(dataset) == 2  # the repeat wrapper is dropped
    assert [type(t).__name__ for t in dataset.pipeline.transforms
            ] == ['LoadImageFromFile', 'Resize', 'PackSegInputs']
    assert dataset[0]['inputs'].shape == (3, 8, 8)
    with pytest.raises(ValueError, match="split must be one of"):
        build_dataset_from_config(cfg, 'test')
    with pytest.raises(ValueError, match='no val_dataloader'):
        build_dataset_from_config(
            Config(dict(train_dataloader=dict())), 'train')
