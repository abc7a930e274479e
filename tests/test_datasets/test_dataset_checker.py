# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmweakseg.datasets import (WeakTagDataset, build_dataset_to_check,
                                check_dataset)


def dataset_cfg(ann_file, data_root) -> dict:
    return dict(
        type='WeakTagDataset',
        ann_file=ann_file,
        data_root=str(data_root),
        pipeline=[dict(type='LoadRGBImageFromFile')])


def test_statistics_of_valid_data(data_root, valid_entries, write_ann):
    dataset = build_dataset_to_check(
        dataset_cfg(write_ann(data_root, valid_entries), data_root))
    report = check_dataset(dataset, 'train')

    assert report.problems == []
    assert report.num_images == 3 and report.num_masks == 1
    assert report.classes == ('background', 'cat', 'dog')
    # Tags: a = {bg, dog}, b = {bg, cat, dog}, c = {bg}.
    np.testing.assert_array_equal(report.co_occurrence,
                                  [[3, 1, 2], [1, 1, 1], [2, 1, 2]])
    np.testing.assert_array_equal(report.tag_counts, [3, 1, 2])
    # Mask a: 48 pixels, 1 ignored, 12 dog.
    np.testing.assert_array_equal(report.mask_area_count, [1, 0, 1])
    np.testing.assert_allclose(report.mean_mask_area[[0, 2]],
                               [35 / 47, 12 / 47])
    assert np.isnan(report.mean_mask_area[1])
    text = report.format()
    for expected in ('== train', 'images: 3   masks: 1   problems: 0',
                     'tag frequency', 'co-occurrence', 'mean mask area',
                     '0.255  (1 masks)'):
        assert expected in text


def test_build_unwraps_and_does_not_load(data_root, valid_entries, write_ann):
    cfg = dict(
        type='RepeatDataset',
        times=2,
        dataset=dataset_cfg(write_ann(data_root, []), data_root))
    dataset = build_dataset_to_check(cfg, dict(classes=['background', 'x']))
    assert isinstance(dataset, WeakTagDataset)
    assert len(dataset.pipeline.transforms) == 0
    report = check_dataset(dataset, 'train')
    assert len(report.problems) == 1
    assert report.problems[0].startswith(dataset.ann_file)
    assert "differ from the dataset config's ('background', 'x')" in \
        report.problems[0]


def test_build_rejects_other_datasets():
    with pytest.raises(TypeError, match='not a weak-tag dataset'):
        build_dataset_to_check(
            dict(type='BaseSegDataset', data_prefix=dict(img_path='')))


def test_finds_every_injected_problem(data_root, valid_entries, write_ann,
                                      write_label_map):
    images = data_root / 'images'
    masks = data_root / 'masks'
    (images / 'empty.png').write_bytes(b'')
    for name in ('big_mask', 'bad_values', 'untagged'):
        (images / f'{name}.png').write_bytes((images / 'a.png').read_bytes())
    write_label_map(masks / 'big_mask.png', np.zeros((7, 8), np.uint8))
    bad_values = np.zeros((6, 8), np.uint8)
    bad_values[0, :2] = 9
    write_label_map(masks / 'bad_values.png', bad_values)
    untagged = np.zeros((6, 8), np.uint8)
    untagged[2, 2] = 1
    write_label_map(masks / 'untagged.png', untagged)
    entries = valid_entries + [
        dict(img_path='images/empty.png', tags=[]),
        dict(
            img_path='images/big_mask.png',
            tags=[],
            seg_map_path='masks/big_mask.png'),
        dict(
            img_path='images/bad_values.png',
            tags=[],
            seg_map_path='masks/bad_values.png'),
        dict(
            img_path='images/untagged.png',
            tags=['dog'],
            seg_map_path='masks/untagged.png'),
        dict(img_path='images/b.png', tags=['cow']),
        dict(img_path='images/gone.png', tags=['cat']),
    ]
    ann_file = write_ann(data_root, entries)
    report = check_dataset(
        build_dataset_to_check(dataset_cfg(ann_file, data_root)), 'train')

    problems = report.problems
    assert len(problems) == 6, problems
    assert problems[0].startswith(f"{ann_file}: entry 7 (img_path "
                                  "'images/b.png'): unknown tag 'cow'")
    assert problems[1].startswith(f"{ann_file}: entry 8 (img_path "
                                  "'images/gone.png'): missing image file")
    assert problems[2].startswith(str(images / 'empty.png'))
    assert 'is empty (0 bytes)' in problems[2]
    assert problems[3].startswith(str(masks / 'big_mask.png'))
    assert 'differs from the image size (6, 8)' in problems[3]
    assert problems[4].startswith(str(masks / 'bad_values.png'))
    assert 'values [9]' in problems[4]
    assert problems[5].startswith(str(masks / 'untagged.png'))
    assert "pixels of classes ['cat'] missing from the tags" in problems[5]
    # Valid entries still count, whatever their files hold.
    assert report.num_images == 7 and report.num_masks == 2
    assert 'problems: 6' in report.format()
