# Copyright (c) mmweakseg contributors. All rights reserved.
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import mmweakseg  # noqa: F401
from mmseg.registry import DATASETS
from mmweakseg.datasets.demo_data import (DEMO_CLASSES, LEASH_CLASS,
                                          LEASH_COLOUR, DemoScene,
                                          demo_classes, make_demo_dataset,
                                          render_demo_image)

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
    for names, multiclass in ((['ring', 'star'], False), (['ring',
                                                           'ring'], False),
                              ([], False), (['ring'], True)):
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


def render(index: int, classes=None, **scene) -> tuple:
    """Image ``index`` of a 64 x 64 scene with the default classes."""
    return render_demo_image(
        np.random.default_rng([0, 0, index]), classes or demo_classes(), 64,
        DemoScene(**scene))


def test_small_objects_cover_a_quarter_of_the_area():
    areas = {scale: [] for scale in (1.0, 0.5)}
    for index in range(60):
        for scale in areas:
            _, label_map, _ = render(index, object_scale=scale)
            areas[scale].append(np.count_nonzero(label_map))
    # the radii halve: areas fall to ~1/4 (less occlusion makes it a bit
    # more than that)
    ratio = sum(areas[0.5]) / sum(areas[1.0])
    assert 0.2 < ratio < 0.4


def test_textured_background_has_more_texture():
    """The background's pixel-to-pixel variation (horizontal differences
    where both pixels are background) grows."""
    stds = {background: [] for background in ('gradient', 'textured')}
    for index in range(10):
        for background, values in stds.items():
            image, labels, _ = render(index, background=background)
            both = (labels[:, 1:] == 0) & (labels[:, :-1] == 0)
            values.append(np.diff(image.astype(float), axis=1)[both].std())
    assert np.mean(stds['textured']) > 1.5 * np.mean(stds['gradient'])


def test_lookalikes_are_untagged_shapes_of_the_other_classes():
    targets = demo_classes(names=['ring', 'cross', 'diamond'])
    drawn = set()
    for index in range(20):
        image, labels, distractors = render(index, targets, max_lookalikes=2)
        plain, plain_labels, plain_distractors = render(index, targets)
        # drawn under the objects and labelled background: the label map
        # is the one without them, the background pixels are not
        np.testing.assert_array_equal(labels, plain_labels)
        lookalikes = [d for d in distractors if d.startswith('lookalike-')]
        assert distractors == plain_distractors + lookalikes
        assert len(lookalikes) <= 2
        if lookalikes:
            assert (image != plain)[labels == 0].any()
        drawn.update(name[len('lookalike-'):] for name in lookalikes)
    assert drawn == {'disc', 'square', 'triangle'}


def test_scene_rejects_bad_settings(tmp_path):
    for bad in (dict(object_scale=0), dict(background='photo'),
                dict(max_lookalikes=-1)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            DemoScene(**bad)
    with pytest.raises(ValueError, match='not targets'):
        make_demo_dataset(
            str(tmp_path),
            num_train=5,
            num_val=0,
            multiclass=True,
            scene=DemoScene(max_lookalikes=1))
    assert not list(tmp_path.iterdir())  # nothing written


def test_cli_scene_options(tmp_path):
    load_tool().main([
        str(tmp_path / 'cli'), '--num-train', '6', '--num-val', '2',
        '--classes', 'ring', 'cross', '--object-scale', '0.5', '--background',
        'textured', '--lookalikes', '3'
    ])
    make_demo_dataset(
        str(tmp_path / 'api'),
        num_train=6,
        num_val=2,
        class_names=['ring', 'cross'],
        scene=DemoScene(
            object_scale=0.5, background='textured', max_lookalikes=3))
    assert files_of(tmp_path / 'cli') == files_of(tmp_path / 'api')
    make_demo_dataset(
        str(tmp_path / 'plain'),
        num_train=6,
        num_val=2,
        class_names=['ring', 'cross'])
    assert files_of(tmp_path / 'plain') != files_of(tmp_path / 'api')
