# Copyright (c) mmweakseg contributors. All rights reserved.
import copy
import os.path as osp

import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmseg.registry import DATASETS
from mmweakseg.datasets import WeakTagDataError, WeakTagDataset


def build(ann_file: str, data_root, **kwargs) -> WeakTagDataset:
    return DATASETS.build(
        dict(
            type='WeakTagDataset',
            ann_file=ann_file,
            data_root=str(data_root),
            **kwargs))


def test_parses_annotation_file(data_root, valid_entries, write_ann):
    ann_file = write_ann(data_root, valid_entries)
    dataset = build(ann_file, data_root)

    assert isinstance(dataset, WeakTagDataset)
    assert len(dataset) == 3
    meta = dataset.metainfo
    assert meta['classes'] == ('background', 'cat', 'dog')
    assert meta['background'] == 'background'
    assert meta['background_index'] == 0
    assert len(meta['palette']) == 3 and meta['palette'][0] == [0, 0, 0]
    assert len({tuple(colour) for colour in meta['palette']}) == 3

    first, second, third = (dataset.get_data_info(i) for i in range(3))
    assert first['img_path'] == osp.join(str(data_root), 'images/a.png')
    assert first['seg_map_path'] == osp.join(str(data_root), 'masks/a.png')
    assert first['gt_tags'].dtype == np.float32
    np.testing.assert_array_equal(first['gt_tags'], [1, 0, 1])
    np.testing.assert_allclose(first['gt_tag_areas'], [0.75, 0, 0.25])
    assert first['gt_tag_areas'].dtype == np.float32
    assert first['reduce_zero_label'] is False
    assert first['seg_fields'] == [] and first['label_map'] is None
    np.testing.assert_array_equal(second['gt_tags'], [1, 1, 1])
    assert second['seg_map_path'] is None
    assert 'gt_tag_areas' not in second
    # The background tag is implied.
    np.testing.assert_array_equal(third['gt_tags'], [1, 0, 0])


def test_background_at_another_index(data_root, valid_entries, write_ann):
    valid_entries[0]['tag_areas'] = dict(dog=0.25, bg=0.75)
    ann_file = write_ann(
        data_root,
        valid_entries,
        metainfo=dict(classes=['cat', 'bg', 'dog'], background='bg'))
    dataset = build(ann_file, data_root)

    assert dataset.metainfo['background_index'] == 1
    assert dataset.metainfo['palette'][1] == [0, 0, 0]
    np.testing.assert_array_equal(dataset[0]['gt_tags'], [0, 1, 1])
    np.testing.assert_allclose(dataset[0]['gt_tag_areas'], [0, 0.75, 0.25])
    np.testing.assert_array_equal(dataset[2]['gt_tags'], [0, 1, 0])


def test_metainfo_from_config(data_root, valid_entries, write_ann):
    """Classes, background and palette may come from the config alone."""
    valid_entries[0]['tag_areas'] = dict(dog=0.25)
    ann_file = write_ann(data_root, valid_entries, metainfo=None)
    palette = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    dataset = build(
        ann_file,
        data_root,
        metainfo=dict(
            classes=('dog', 'cat', 'nothing'),
            background='nothing',
            palette=palette))

    assert dataset.metainfo['classes'] == ('dog', 'cat', 'nothing')
    assert dataset.metainfo['background_index'] == 2
    assert dataset.metainfo['palette'] == palette
    np.testing.assert_array_equal(dataset[1]['gt_tags'], [1, 1, 1])


def test_lazy_init_collects_every_problem(data_root, valid_entries, write_ann):
    entries = copy.deepcopy(valid_entries)
    entries[0]['tags'] = ['cow']
    entries[1]['img_path'] = 'images/missing.png'
    ann_file = write_ann(data_root, entries)
    dataset = build(ann_file, data_root, lazy_init=True)

    data_list, problems = dataset.collect_data_list()
    assert [info['img_path'] for info in data_list
            ] == [osp.join(str(data_root), 'images/c.png')]
    assert len(problems) == 2
    assert "unknown tag 'cow'" in problems[0]
    assert 'missing image file' in problems[1]
    with pytest.raises(WeakTagDataError, match=r'and 1 more problem'):
        dataset.full_init()


def test_config_classes_must_agree_with_file(data_root, valid_entries,
                                             write_ann):
    ann_file = write_ann(data_root, valid_entries)
    with pytest.raises(WeakTagDataError) as error:
        build(ann_file, data_root, metainfo=dict(classes=['bg', 'cat']))
    message = str(error.value)
    assert ann_file in message
    assert "('background', 'cat', 'dog')" in message
    assert "('bg', 'cat')" in message


def test_no_classes_anywhere(data_root, valid_entries, write_ann):
    ann_file = write_ann(data_root, valid_entries, metainfo=None)
    with pytest.raises(WeakTagDataError, match='no classes given'):
        build(ann_file, data_root)


def test_malformed_json_names_line_and_column(data_root):
    ann_file = data_root / 'ann.json'
    ann_file.write_text('{"data_list": [\n  {"img_path": }\n]}')
    with pytest.raises(WeakTagDataError) as error:
        build(str(ann_file), data_root)
    message = str(error.value)
    assert str(ann_file) in message
    assert 'malformed JSON at line 2, column 16' in message


def test_missing_annotation_file(data_root):
    with pytest.raises(WeakTagDataError, match='cannot read annotation file'):
        build(str(data_root / 'nope.json'), data_root)


def test_missing_data_list_key(data_root, write_ann):
    ann_file = data_root / 'ann.json'
    ann_file.write_text('{"metainfo": {"classes": ["background", "cat"]}}')
    with pytest.raises(WeakTagDataError) as error:
        build(str(ann_file), data_root)
    assert str(ann_file) in str(error.value)
    assert 'missing key "data_list"' in str(error.value)


@pytest.mark.parametrize(
    'mutate, expected', [
        (lambda entries: entries[1].pop('tags'),
         ["entry 1 (img_path 'images/b.png')", "missing key(s) ['tags']"]),
        (lambda entries: entries[2].pop('img_path'),
         ['entry 2 (img_path None)', "missing key(s) ['img_path']"]),
        (lambda entries: entries[1].update(tags=['cat', 'cow']), [
            "entry 1 (img_path 'images/b.png')", "unknown tag 'cow'",
            "expected one of the classes ['background', 'cat', 'dog']"
        ]),
        (lambda entries: entries[1].update(tags='cat'),
         ['entry 1', 'tags is a str', 'expected a list of class names']),
        (lambda entries: entries[2].update(img_path='images/x.png'), [
            "entry 2 (img_path 'images/x.png')", 'missing image file',
            'images/x.png'
        ]),
        (lambda entries: entries[0].update(seg_map_path='masks/x.png'),
         ["entry 0 (img_path 'images/a.png')", 'missing mask file']),
        (lambda entries: entries.append(dict(entries[0], tags=['cat'])), [
            "entry 3 (img_path 'images/a.png')", 'duplicate of entry 0',
            'expected each image once'
        ]),
        (lambda entries: entries[0]['tag_areas'].update(cow=0.1), [
            "entry 0 (img_path 'images/a.png')",
            "tag_areas has unknown class 'cow'",
            "expected one of the classes ['background', 'cat', 'dog']"
        ]),
        (lambda entries: entries[0]['tag_areas'].update(dog=1.5), [
            "entry 0 (img_path 'images/a.png')",
            "tag_areas['dog'] = 1.5; expected a number in [0, 1]"
        ]),
        (lambda entries: entries[0]['tag_areas'].update(dog=-0.1),
         ["tag_areas['dog'] = -0.1"]),
        (lambda entries: entries[0].update(tag_areas=[0.3]),
         ['tag_areas is a list', 'expected a dict']),
        (lambda entries: entries.__setitem__(1, 'images/b.png'),
         ['entry 1: is a str', "expected a dict with keys ['img_path'"]),
        (lambda entries: entries.clear(),
         ['no images found (empty data list)']),
    ],
    ids=[
        'missing_tags', 'missing_img_path', 'unknown_tag', 'tags_not_list',
        'missing_image', 'missing_mask', 'duplicate_img_path',
        'tag_areas_unknown_class', 'tag_area_above_1', 'tag_area_below_0',
        'tag_areas_not_dict', 'entry_not_dict', 'empty_data_list'
    ])
def test_bad_entries(data_root, valid_entries, write_ann, mutate, expected):
    mutate(valid_entries)
    ann_file = write_ann(data_root, valid_entries)
    with pytest.raises(WeakTagDataError) as error:
        build(ann_file, data_root)
    message = str(error.value)
    assert isinstance(error.value, ValueError)
    assert message.startswith(ann_file)
    for text in expected:
        assert text in message


@pytest.mark.parametrize(
    'metainfo, expected', [
        (dict(classes=['background', 'cat', 'dog'], background='bg'), [
            "unknown background class 'bg'",
            "expected one of the classes ['background', 'cat', 'dog']"
        ]),
        (dict(classes=['cat', 'dog']),
         ["unknown background class "
          "'background'"]),
        (dict(classes=['background']), ['no foreground class']),
        (dict(classes=['background', 'cat', 'cat']),
         ["classes ['cat'] are listed more than once"]),
        (dict(classes=['background', 'cat', 'dog'],
              palette=[[0, 0, 0]]), ['palette has 1 colours; expected 3']),
    ],
    ids=[
        'unknown_background', 'default_background_missing', 'no_foreground',
        'repeated_class', 'short_palette'
    ])
def test_bad_metainfo(data_root, valid_entries, write_ann, metainfo, expected):
    ann_file = write_ann(data_root, valid_entries[2:], metainfo=metainfo)
    with pytest.raises(WeakTagDataError) as error:
        build(ann_file, data_root)
    assert str(error.value).startswith(ann_file)
    for text in expected:
        assert text in str(error.value)
