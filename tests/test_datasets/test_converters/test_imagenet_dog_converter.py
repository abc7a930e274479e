# Copyright (c) mmweakseg contributors. All rights reserved.
import importlib.util
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

import mmweakseg  # noqa: F401
from mmweakseg.datasets import WeakTagDataset
from mmweakseg.datasets.converters import (DOG_WNIDS, DatasetConversionError,
                                           convert_imagenet_dog,
                                           sample_dog_split)

REPO = Path(__file__).parents[3]
TOOL = REPO / 'tools' / 'dataset_converters' / 'imagenet_dog.py'
CONFIGS = (
    'configs/tag_classifier/tagcls_r18_1xb32-10e_imagenet-dog-224x224.py',
    'configs/recon_decomp/recdec_unet-w64_1xb4-10e_imagenet-dog-224x224.py')
DOGS = (DOG_WNIDS[0], DOG_WNIDS[5], DOG_WNIDS[-1])
OTHERS = ('n01440764', 'n02123045', 'n04592741')  # tench, tabby, wing


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('imagenet_dog_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_tree(root: Path, images_per_class: dict) -> Path:
    """An ImageNet-like training folder: ``<wnid>/<wnid>_<i>.JPEG``."""
    for wnid, num_images in images_per_class.items():
        (root / wnid).mkdir(parents=True)
        for index in range(num_images):
            (root / wnid / f'{wnid}_{index}.JPEG').write_bytes(
                f'{wnid}-{index}'.encode())
    return root


@pytest.fixture
def train_dir(tmp_path) -> Path:
    """3 dog classes with 8 images each, 3 others with 10, 10 and 6, an
    empty class folder, a folder that is no class and a stray file."""
    root = make_tree(
        tmp_path / 'train', {
            DOGS[0]: 8,
            DOGS[1]: 8,
            DOGS[2]: 8,
            OTHERS[0]: 10,
            OTHERS[1]: 10,
            OTHERS[2]: 6,
            'n03000000': 0
        })
    (root / 'extras').mkdir()
    (root / 'extras' / 'x.JPEG').write_bytes(b'x')
    (root / DOGS[0] / 'README.txt').write_text('not an image')
    return root


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_dog_wnids_are_imagenet_classes_151_to_268():
    assert len(DOG_WNIDS) == 268 - 151 + 1 == len(set(DOG_WNIDS))
    assert list(DOG_WNIDS) == sorted(DOG_WNIDS)
    assert (DOG_WNIDS[0], DOG_WNIDS[-1]) == ('n02085620', 'n02113978')


def test_convert_counts_tags_and_links(train_dir, tmp_path):
    out = tmp_path / 'out'
    summary = convert_imagenet_dog(
        str(train_dir),
        str(out),
        num_dog=12,
        num_other=8,
        num_train=15,
        num_val=5,
        seed=0)

    # Stratified: val gets round(5 * 12 / 20) = 3 dogs.
    assert summary.counts == {'train': (9, 6), 'val': (3, 2)}
    assert summary.num_class_folders == 7
    assert summary.dog_wnids == list(DOGS)
    assert (summary.num_dog_images, summary.num_other_images) == (24, 26)
    assert summary.empty_folders == ['n03000000']
    paths = {}
    for split in ('train', 'val'):
        annotation = load(out / 'annotations' / f'{split}.json')
        assert annotation['metainfo'] == dict(
            classes=['dog', 'background'], background='background')
        for entry in annotation['data_list']:
            wnid = entry['wnid']
            assert entry['img_path'].startswith(f'images/{split}/{wnid}/')
            assert entry['tags'] == (['dog'] if wnid in DOGS else [])
            link = out / entry['img_path']
            assert link.is_symlink()
            source = train_dir / wnid / link.name
            assert os.readlink(link) == str(source.absolute())
            assert link.read_bytes() == source.read_bytes()
        paths[split] = {
            e['img_path'].split('/', 2)[2]
            for e in annotation['data_list']
        }
    assert len(paths['train']) == 15 and len(paths['val']) == 5
    assert not paths['train'] & paths['val']
    assert not any('README' in path for path in paths['train'] | paths['val'])

    dataset = WeakTagDataset(
        ann_file='annotations/val.json', data_root=str(out))
    assert dataset.metainfo['background_index'] == 1
    tags = np.stack([dataset[i]['gt_tags'] for i in range(len(dataset))])
    assert tags.tolist() == [[1, 1]] * 3 + [[0, 1]] * 2


def test_same_seed_same_files_other_seed_differs(train_dir, tmp_path):
    kwargs = dict(num_dog=12, num_other=8, num_train=15, num_val=5)
    for name, seed in (('a', 3), ('b', 3), ('c', 4)):
        convert_imagenet_dog(
            str(train_dir), str(tmp_path / name), seed=seed, **kwargs)
    val = {
        name: (tmp_path / name / 'annotations' / 'val.json').read_text()
        for name in 'abc'
    }
    assert val['a'] == val['b']
    assert val['a'] != val['c']


def test_sample_is_stratified_and_without_repeats():
    dogs = [f'd/{i}' for i in range(100)]
    others = [f'o/{i}' for i in range(50)]
    splits = sample_dog_split(dogs, others, 30, 20, 10, seed=0)
    assert sum(d for _, d in splits['val']) == 6  # round(10 * 30 / 50)
    assert sum(d for _, d in splits['train']) == 24
    drawn = [path for split in splits.values() for path, _ in split]
    assert len(drawn) == len(set(drawn)) == 50
    assert all((path in dogs) == is_dog for split in splits.values()
               for path, is_dog in split)
    assert splits == sample_dog_split(dogs, others, 30, 20, 10, seed=0)
    assert splits != sample_dog_split(dogs, others, 30, 20, 10, seed=1)


def test_copy_writes_regular_files(train_dir, tmp_path):
    out = tmp_path / 'out'
    convert_imagenet_dog(
        str(train_dir),
        str(out),
        num_dog=2,
        num_other=2,
        num_train=3,
        num_val=1,
        copy=True)
    entries = load(out / 'annotations' / 'train.json')['data_list']
    for entry in entries:
        image = out / entry['img_path']
        assert image.is_file() and not image.is_symlink()
        assert image.read_bytes() == (train_dir / entry['wnid'] /
                                      image.name).read_bytes()


@pytest.mark.parametrize('counts, message', [
    (dict(num_dog=25, num_other=5, num_train=20, num_val=10),
     'the dog class folders hold 24 images; expected at least num_dog=25 '
     'to draw from (lower --num-dog)'),
    (dict(num_dog=5, num_other=27, num_train=22, num_val=10),
     'the not-dog class folders hold 26 images; expected at least '
     'num_other=27'),
    (dict(num_dog=10, num_other=10, num_train=16, num_val=5),
     'num_train + num_val = 16 + 5; expected num_dog + num_other = 20'),
    (dict(num_dog=10, num_other=10, num_train=20,
          num_val=0), 'num_val=0; expected between 1 and 19'),
])
def test_bad_counts(train_dir, tmp_path, counts, message):
    with pytest.raises(DatasetConversionError, match=re.escape(message)):
        convert_imagenet_dog(str(train_dir), str(tmp_path / 'out'), **counts)
    assert not (tmp_path / 'out').exists()


def test_earlier_output_needs_overwrite(train_dir, tmp_path):
    out = tmp_path / 'out'
    kwargs = dict(num_dog=4, num_other=4, num_train=6, num_val=2)
    convert_imagenet_dog(str(train_dir), str(out), seed=0, **kwargs)
    with pytest.raises(DatasetConversionError, match='already holds'):
        convert_imagenet_dog(str(train_dir), str(out), seed=1, **kwargs)
    convert_imagenet_dog(
        str(train_dir), str(out), seed=1, overwrite=True, **kwargs)
    listed = {
        entry['img_path']
        for split in ('train', 'val')
        for entry in load(out / 'annotations' / f'{split}.json')['data_list']
    }
    on_disk = {
        str(path.relative_to(out))
        for path in (out / 'images').rglob('*') if path.is_symlink()
    }
    assert on_disk == listed  # no stale links from the first draw


def full_imagenet_wnids() -> list:
    """1000 sorted WNIDs whose positions 151-268 are the dogs."""
    below = [f'n00{i:06d}' for i in range(151)]
    above = [f'n09{i:06d}' for i in range(1000 - 151 - len(DOG_WNIDS))]
    return below + list(DOG_WNIDS) + above


def test_full_imagenet_tree(tmp_path):
    wnids = full_imagenet_wnids()
    counts = {wnid: 0 for wnid in wnids}
    counts.update({wnids[151]: 3, wnids[268]: 3, wnids[0]: 3, wnids[999]: 3})
    root = make_tree(tmp_path / 'train', counts)
    summary = convert_imagenet_dog(
        str(root),
        str(tmp_path / 'out'),
        num_dog=4,
        num_other=4,
        num_train=6,
        num_val=2)
    assert summary.num_class_folders == 1000
    assert len(summary.dog_wnids) == 118
    assert len(summary.empty_folders) == 996
    assert summary.counts == {'train': (3, 3), 'val': (1, 1)}


def test_full_tree_with_wrong_classes(tmp_path):
    wnids = full_imagenet_wnids()
    wnids[200] = 'n09999999'  # a dog class replaced by another class
    root = make_tree(tmp_path / 'train', {wnid: 1 for wnid in sorted(wnids)})
    with pytest.raises(
            DatasetConversionError,
            match='1000 class folders, but sorted folders 151-268 are '
            r'n02085620..n09000000; expected the 118 dog classes'):
        convert_imagenet_dog(str(root), str(tmp_path / 'out'))


@pytest.mark.parametrize('classes, message', [
    (None, 'ImageNet training folder does not exist'),
    ({}, 'no WordNet-ID folder found'),
    ({
        OTHERS[0]: 3
    }, 'none of the 118 dog class folders'),
    ({
        DOGS[0]: 3
    }, 'only dog class folders found'),
])
def test_bad_source(tmp_path, classes, message):
    root = tmp_path / 'train'
    if classes is not None:
        root.mkdir()
        make_tree(root, classes)
    with pytest.raises(DatasetConversionError, match=message):
        convert_imagenet_dog(str(root), str(tmp_path / 'out'))


def test_cli(tool, train_dir, tmp_path, capsys):
    out = str(tmp_path / 'out')
    args = [
        str(train_dir), out, '--num-dog', '12', '--num-other', '8',
        '--num-train', '15', '--num-val', '5', '--seed', '2'
    ]
    assert tool.main(args) == 0
    printed = capsys.readouterr().out
    assert 'class folders: 7 (3 dog classes)' in printed
    assert 'source images: 24 dog, 26 not-dog' in printed
    assert 'train: 15 images (9 dog, 6 not-dog)' in printed
    assert 'val: 5 images (3 dog, 2 not-dog)' in printed

    assert tool.main(args) == 1
    assert 'error:' in capsys.readouterr().err
    assert tool.main(args + ['--overwrite', '--copy']) == 0


@pytest.mark.parametrize('config', CONFIGS)
def test_configs_read_the_output(tmp_path, tool, config):
    root = tmp_path / 'train'
    for wnid in (DOGS[0], OTHERS[0]):
        (root / wnid).mkdir(parents=True)
        for index in range(2):
            Image.new('RGB', (40, 30), (200, 100, 50)).save(
                root / wnid / f'{wnid}_{index}.JPEG', format='JPEG')
    cfg = Config.fromfile(str(REPO / config))
    init_default_scope(cfg.default_scope)
    default_out = tool.parse_args([str(root)]).out_dir
    out = tmp_path / default_out
    convert_imagenet_dog(
        str(root), str(out), num_dog=2, num_other=2, num_train=2, num_val=2)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset_cfg = cfg[loader].dataset
        assert dataset_cfg.data_root == default_out
        dataset = DATASETS.build(dict(dataset_cfg, data_root=str(out)))
        assert dataset.metainfo['classes'] == ('dog', 'background')
        assert dataset.metainfo['background_index'] == \
            cfg.model.background_index
        sample = dataset[0]
        assert sample['inputs'].shape == (3, 224, 224)
        assert sample['data_samples'].gt_tags.tolist() == [1.0, 1.0]
