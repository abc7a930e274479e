# Copyright (c) mmweakseg contributors. All rights reserved.
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

import mmweakseg  # noqa: F401
from mmweakseg.visualization import (TEXT_STRIP_HEIGHT, decompose_sample,
                                     draw_dataset_figures, eval_mode,
                                     sample_by_presence)
from decomposition_stand_in import (StandInDecomposer, TaggedImages, dog_tags)


def test_sample_by_presence():
    present = np.array([True, False] * 5 + [True] * 2)
    first = sample_by_presence(present, 3, seed=0)
    assert first == sample_by_presence(present, 3, seed=0)
    assert first != sample_by_presence(present, 3, seed=1)
    present_ids, absent_ids = first
    assert len(present_ids) == len(set(present_ids)) == 3
    assert present[present_ids].all() and not present[absent_ids].any()
    present_ids, absent_ids = sample_by_presence(present, 6, seed=0)
    assert sorted(present_ids) == [0, 2, 4, 6, 8, 10]
    assert sorted(absent_ids) == [1, 3, 5, 7, 9]


def test_eval_mode_restores():
    model = StandInDecomposer()
    model.train()
    with eval_mode(model):
        assert not model.training
    assert model.training
    model.eval()
    with eval_mode(model):
        pass
    assert not model.training


def test_decompose_sample_crops_padding():
    model = StandInDecomposer()
    model.data_preprocessor.test_cfg = dict(size_divisor=8)
    sample = TaggedImages(dog_tags(1, 0), size=6)[0]
    outputs = decompose_sample(model, sample)
    assert outputs.inputs.shape == (3, 6, 6)
    assert outputs.masks.shape == (2, 6, 6)
    assert outputs.imagelets.shape == (2, 3, 6, 6)
    np.testing.assert_allclose(outputs.masks.sum(axis=0), 1.0, rtol=1e-6)


def _png_size(path):
    with Image.open(path) as image:
        return image.size[::-1]  # (H, W)


def test_draw_dataset_figures(tmp_path):
    torch.manual_seed(0)
    model = StandInDecomposer()
    dataset = TaggedImages(dog_tags(5, 4), size=8)
    paths = draw_dataset_figures(
        model,
        dataset,
        str(tmp_path / 'a'),
        split='train',
        num=3,
        class_name='dog',
        num_decompositions=2,
        tile_size=16)
    assert [osp.basename(p) for p in paths] == [
        'grid_train.png', 'decomposition_train_0.png',
        'decomposition_train_1.png'
    ]
    # 3 + 3 pairs of 16 x 32 in 2 columns: 2 rows per block
    block_height = TEXT_STRIP_HEIGHT + 2 * 16 + 3 * 4
    assert _png_size(paths[0]) == (2 * block_height, 2 * 32 + 3 * 4)
    # a header row plus 2 class rows of 8 x 8 tiles
    assert _png_size(paths[1]) == (3 * (TEXT_STRIP_HEIGHT + 8) + 4 * 2,
                                   3 * 8 + 4 * 2)
    # seeded: the same figures again; another seed draws other images
    again = draw_dataset_figures(
        model,
        dataset,
        str(tmp_path / 'b'),
        split='train',
        num=3,
        class_name='dog',
        num_decompositions=2,
        tile_size=16)
    other = draw_dataset_figures(
        model,
        dataset,
        str(tmp_path / 'c'),
        split='train',
        num=3,
        class_name='dog',
        seed=5,
        tile_size=16)
    grids = [np.asarray(Image.open(p[0])) for p in (paths, again, other)]
    np.testing.assert_array_equal(grids[0], grids[1])
    assert not np.array_equal(grids[0], grids[2])


def test_draw_dataset_figures_takes_all_when_too_few(tmp_path):
    model = StandInDecomposer()
    model.train()
    paths = draw_dataset_figures(
        model,
        TaggedImages(dog_tags(5, 4)),
        str(tmp_path),
        num=10,
        tile_size=16)
    assert [osp.basename(p) for p in paths] == ['grid_val.png']
    # 5 present pairs in 2 columns: 3 rows; 4 absent: 2 rows
    assert _png_size(paths[0]) == (2 * TEXT_STRIP_HEIGHT + (3 * 16 + 4 * 4) +
                                   (2 * 16 + 3 * 4), 76)
    assert model.training


def test_draw_dataset_figures_errors(tmp_path):
    dataset = TaggedImages(dog_tags(1, 1))
    with pytest.raises(ValueError, match="'cat' is not in the dataset"):
        draw_dataset_figures(
            StandInDecomposer(), dataset, str(tmp_path), class_name='cat')
    with pytest.raises(ValueError, match='is the background'):
        draw_dataset_figures(
            StandInDecomposer(),
            dataset,
            str(tmp_path),
            class_name='background')
    with pytest.raises(ValueError, match='2 classes but the model 3'):
        draw_dataset_figures(
            StandInDecomposer(num_classes=3), dataset, str(tmp_path))
