# Copyright (c) mmweakseg contributors. All rights reserved.
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import mmweakseg  # noqa: F401
from mmseg.registry import DATASETS
from mmweakseg.datasets.demo_data import (DEMO_CLASSES, LEASH_CLASS, LEASH_COLOUR,
                                       make_demo_dataset)

TOOL = Path(__file__).parents[2] / 'tools' / 'misc' / 'make_demo_data.py'


def load_tool():
    spec = importlib.util.spec_from_file_location('make_demo_data', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def files_of(root: Path) -> dict:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob('*')) if path.is_file()
    }


def test_same_seed_gives_identical_files(tmp_path):
    first = make_demo_dataset(
        str(tmp_path / 'a'), num_train=10, num_val=3, seed=3)
    make_demo_dataset(str(tmp_path / 'b'), num_train=10, num_val=3, seed=3)
    make_demo_dataset(str(tmp_path / 'c'), num_train=10, num_val=3, seed=4)

    assert first == str(tmp_path / 'a' / 'annotations')
    files_a, files_b = files_of(tmp_path / 'a'), files_of(tmp_path / 'b')
    assert len(files_a) == 2 * (10 + 3) + 2
    assert files_a == files_b
    files_c = files_of(tmp_path / 'c')
    assert files_c.keys() == files_a.keys()
    assert files_c['images/train/00000.png'] != \
        files_a['images/train/00000.png']


def test_cli(tmp_path, capsys):
    load_tool().main([
        str(tmp_path / 'demo'), '--num-train', '2', '--num-val', '1', '--size',
        '48', '--seed', '1', '--multiclass'
    ])
    assert 'wrote 2 train and 1 val images' in capsys.readouterr().out
    annotation = json.loads(
        (tmp_path / 'demo' / 'annotations' / 'val.json').read_text())
    assert annotation['metainfo']['classes'] == ['background'] + [
        c.name for c in DEMO_CLASSES
    ]
    assert len(annotation['data_list']) == 1
    image = Image.open(tmp_path / 'demo' / 'images' / 'train' / '00001.png')
    assert image.size == (48, 48) and image.mode == 'RGB'


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('demo')
    make_demo_dataset(str(root), num_train=150, num_val=20, seed=0)
    return root


def test_content_agrees_with_masks(demo_root):
    annotation = json.loads(
        (demo_root / 'annotations' / 'train.json').read_text())
    classes = annotation['metainfo']['classes']
    assert classes == ['background', 'disc', 'square', 'triangle']
    assert annotation['metainfo']['background'] == 'background'

    num_without_foreground = 0
    foreground_areas = []
    for entry in annotation['data_list']:
        image = Image.open(demo_root / entry['img_path'])
        mask = Image.open(demo_root / entry['seg_map_path'])
        assert image.mode == 'RGB' and image.size == (64, 64)
        assert mask.mode == 'P' and mask.size == (64, 64)
        label_map = np.asarray(mask)
        pixels = np.bincount(label_map.ravel(), minlength=len(classes))
        assert pixels.size == len(classes)  # no value beyond the classes
        present = [classes[i] for i in np.flatnonzero(pixels)]
        assert entry['tags'] == present
        for name, area in entry['tag_areas'].items():
            assert area == pytest.approx(
                pixels[classes.index(name)] / label_map.size, abs=1e-4)
        if present == ['background']:
            num_without_foreground += 1
        foreground_areas += [
            area for name, area in entry['tag_areas'].items()
            if name != 'background'
        ]
    share_without_foreground = num_without_foreground / 150
    assert 0.1 <= share_without_foreground <= 0.3
    # Objects are big enough to learn: radius 8-16 px at 64 x 64.
    assert np.median(foreground_areas) > 0.05
    assert min(foreground_areas) > 0.01


def test_distractors(demo_root):
    data_list = json.loads(
        (demo_root / 'annotations' / 'train.json').read_text())['data_list']
    with_class = [e for e in data_list if LEASH_CLASS in e['tags']]
    without_class = [e for e in data_list if LEASH_CLASS not in e['tags']]
    leashed = [e for e in with_class if 'leash' in e['distractors']]
    alone = [e for e in without_class if 'leash' in e['distractors']]
    # The leash co-occurs with most triangles and is rarely alone.
    assert len(leashed) / len(with_class) > 0.7
    assert len(alone) / len(without_class) < 0.15
    # Untagged outlines appear too.
    names = {name for e in data_list for name in e['distractors']}
    assert names == {'ellipse', 'star', 'leash'}
    # The leash is visible (dark red pixels), as background in the mask.
    for entry in leashed + alone:
        pixels = np.asarray(Image.open(demo_root / entry['img_path']))
        mask = np.asarray(Image.open(demo_root / entry['seg_map_path']))
        distance = np.abs(pixels.astype(int) - LEASH_COLOUR).max(axis=2)
        assert np.count_nonzero((distance < 30) & (mask == 0)) >= 20


def test_loads_as_weak_tag_dataset(demo_root):
    dataset = DATASETS.build(
        dict(
            type='WeakTagDataset',
            ann_file='annotations/val.json',
            data_root=str(demo_root)))
    assert len(dataset) == 20
    assert dataset.metainfo['background_index'] == 0
    assert all('gt_tag_areas' in dataset.get_data_info(i) for i in range(20))


def test_multiclass(tmp_path):
    make_demo_dataset(str(tmp_path), num_train=40, num_val=0, multiclass=True)
    annotation = json.loads(
        (tmp_path / 'annotations' / 'train.json').read_text())
    classes = annotation['metainfo']['classes']
    assert len(classes) == 7
    tagged = {tag for e in annotation['data_list'] for tag in e['tags']}
    assert tagged == set(classes)


def test_variant_with_other_classes(tmp_path):
    make_demo_dataset(
        str(tmp_path),
        num_train=30,
        num_val=0,
        class_names=['ring', 'cross', 'diamond'])
    annotation = json.loads(
        (tmp_path / 'annotations' / 'train.json').read_text())
    assert annotation['metainfo']['classes'] == [
        'background', 'ring', 'cross', 'diamond'
    ]
    tagged = {tag for e in annotation['data_list'] for tag in e['tags']}
    assert tagged == {'background', 'ring', 'cross', 'diamond'}
    for names, multiclass in ((['ring', 'star'], False), (['ring', 'ring'],
                                                          False), ([], False),
                              (['ring'], True)):
        with pytest.raises(ValueError):
            make_demo_dataset(
                str(tmp_path / 'bad'),
                num_train=1,
                num_val=0,
                multiclass=multiclass,
                class_names=names)


def test_rejects_tiny_images(tmp_path):
    with pytest.raises(ValueError, match='size=16'):
        make_demo_dataset(str(tmp_path), size=16)
