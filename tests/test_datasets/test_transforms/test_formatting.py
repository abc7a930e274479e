# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import torch
from PIL import Image
from mmengine.dataset import pseudo_collate

import mmweakseg  # noqa: F401
from mmseg.models import SegDataPreProcessor
from mmseg.registry import DATASETS
from mmseg.structures import SegDataSample
from mmweakseg.datasets import PackWeakSegInputs

PIPELINE = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='PackWeakSegInputs'),
]


def test_pipeline_packs_tags_and_mask(data_root, valid_entries, write_ann):
    dataset = DATASETS.build(
        dict(
            type='WeakTagDataset',
            ann_file=write_ann(data_root, valid_entries),
            data_root=str(data_root),
            pipeline=PIPELINE))

    with_mask, without_mask = dataset[0], dataset[1]
    assert with_mask['inputs'].shape == (3, 6, 8)
    assert with_mask['inputs'].dtype == torch.uint8
    sample = with_mask['data_samples']
    assert isinstance(sample, SegDataSample)
    assert sample.gt_tags.dtype == torch.float32
    assert sample.gt_tags.tolist() == [1, 0, 1]
    assert sample.gt_tag_areas.tolist() == [0.75, 0, 0.25]
    assert sample.gt_sem_seg.data.shape == (1, 6, 8)
    mask = np.asarray(Image.open(data_root / 'masks' / 'a.png'))
    np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(), mask)
    assert sample.img_path.endswith('images/a.png')
    assert sample.ori_shape == (6, 8)

    sample = without_mask['data_samples']
    assert sample.gt_tags.tolist() == [1, 1, 1]
    assert 'gt_sem_seg' not in sample
    assert 'gt_tag_areas' not in sample

    # The tags survive mmseg's collate and data preprocessor.
    preprocessor = SegDataPreProcessor(
        mean=[0, 0, 0], std=[1, 1, 1], bgr_to_rgb=True)
    batch = preprocessor(pseudo_collate([dataset[0], dataset[2]]))
    tags = torch.stack([ds.gt_tags for ds in batch['data_samples']])
    assert tags.shape == (2, 3)
    assert tags.tolist() == [[1, 0, 1], [1, 0, 0]]
    assert batch['inputs'].shape == (2, 3, 6, 8)


def test_pack_without_tags_matches_pack_seg_inputs():
    results = dict(img=np.zeros((4, 5, 3), np.uint8), img_path='x.png')
    packed = PackWeakSegInputs()(results)
    assert packed['inputs'].shape == (3, 4, 5)
    assert 'gt_tags' not in packed['data_samples']
