# Copyright (c) mmweakseg contributors. All rights reserved.
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

import mmweakseg  # noqa: F401
from mmweakseg.datasets import (WeakTagDataset, build_dataset_to_check,
                                check_dataset)
from mmweakseg.datasets.converters import (VOC_CLASSES, DatasetConversionError,
                                           convert_pascal_voc, find_voc_root,
                                           read_id_list)

REPO = Path(__file__).parents[3]
TOOL = REPO / 'tools' / 'dataset_converters' / 'voc.py'
CONFIGS = ('configs/tag_classifier/tagcls_r18_4xb8-10e_voc12aug-320x320.py',
           'configs/recon_decomp/recdec_unet-w64_4xb4-10e_voc12aug-320x320.py')
PALETTE = [
    value for colour in [[0, 0, 0], [128, 0, 0]] * 128 for value in colour
]
H, W = 4, 5
CAT, CHAIR, COW, DOG, PERSON = (
    VOC_CLASSES.index(name)
    for name in ('cat', 'chair', 'cow', 'dog', 'person'))


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('voc_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def label_map(*rows) -> np.ndarray:
    return np.array(rows, dtype=np.uint8)


# 5 x 4 masks: first row is the 255 border, 15 labelled pixels below.
PERSON_DOG = label_map([255] * 5, [0, 0, 15, 15, 0], [0, 0, 15, 15, 0],
                       [12, 12, 12, 12, 15])  # bg 6, dog 4, person 5
CAT_ONLY = label_map([255] * 5, [0, 0, 0, 0, 0], [0, 8, 8, 0, 0],
                     [0, 8, 8, 0, 0])
COW_VAL = label_map([255] * 5, [0, 0, 0, 10, 10], [0, 0, 0, 10, 10],
                    [0, 0, 0, 10, 10])  # bg 9, cow 6
BIRD = label_map([0] * 5, [0, 3, 3, 0, 0], [0, 3, 3, 0, 0], [0] * 5)


def write_mask(path: Path, array: np.ndarray, palette: bool = True) -> None:
    """A VOC mask: palette PNG (SegmentationClass) or grayscale (SBD)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(array)
    if palette:
        image.putpalette(PALETTE)
    image.save(path)


def write_xml(path: Path, names) -> None:
    """A VOC annotation; a person gets a ``<part>`` named ``hand``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    objects = ''.join(
        f'<object><name>{name}</name><difficult>0</difficult>' +
        ('<part><name>hand</name></part>' if name == 'person' else '') +
        '</object>' for name in names)
    path.write_text(f'<annotation><filename>x.jpg</filename>{objects}'
                    '</annotation>')


def write_list(path: Path, ids) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(f'{image_id}\n' for image_id in ids))


@pytest.fixture
def devkit(tmp_path) -> Path:
    """A VOCdevkit with SBD: train 2007_000001 (mask and XML agree),
    2007_000002 (XML adds a chair); val 2007_000003; SBD masks for
    2008_000004 and val's 2007_000003; 2008_000005 has only XML."""
    voc = tmp_path / 'VOCdevkit' / 'VOC2012'
    ids = [
        '2007_000001', '2007_000002', '2007_000003', '2008_000004',
        '2008_000005'
    ]
    for image_id in ids:
        (voc / 'JPEGImages').mkdir(parents=True, exist_ok=True)
        Image.new('RGB', (W, H),
                  (90, 120, 30)).save(voc / 'JPEGImages' / f'{image_id}.jpg')
    write_mask(voc / 'SegmentationClass' / '2007_000001.png', PERSON_DOG)
    write_mask(voc / 'SegmentationClass' / '2007_000002.png', CAT_ONLY)
    write_mask(voc / 'SegmentationClass' / '2007_000003.png', COW_VAL)
    write_mask(
        voc / 'SegmentationClassAug' / '2008_000004.png', BIRD, palette=False)
    write_mask(
        voc / 'SegmentationClassAug' / '2007_000003.png',
        COW_VAL,
        palette=False)
    write_xml(voc / 'Annotations' / '2007_000001.xml', ['person', 'dog'])
    write_xml(voc / 'Annotations' / '2007_000002.xml', ['chair', 'cat'])
    write_xml(voc / 'Annotations' / '2007_000003.xml', ['cow', 'cow'])
    write_xml(voc / 'Annotations' / '2008_000005.xml', ['aeroplane'])
    lists = voc / 'ImageSets' / 'Segmentation'
    write_list(lists / 'train.txt', ids[:2])
    write_list(lists / 'val.txt', ids[2:3])
    return tmp_path / 'VOCdevkit'


def entries(voc: Path, split: str) -> dict:
    annotation = json.loads(
        (voc / 'annotations' / f'{split}.json').read_text())
    return {
        Path(entry['img_path']).stem: entry
        for entry in annotation['data_list']
    }


def test_convert_with_trainaug_list(devkit):
    voc = devkit / 'VOC2012'
    write_list(voc / 'ImageSets' / 'Segmentation' / 'trainaug.txt',
               ['2007_000001', '2007_000002', '2008_000004', '2008_000005'])
    summaries = convert_pascal_voc(str(devkit))

    assert [s.name for s in summaries] == ['train', 'val', 'trainaug']
    train, val, trainaug = summaries
    assert (train.num_images, train.num_mask_tags,
            train.num_xml_tags) == (2, 2, 0)
    assert train.disagreements == [
        "2007_000002: mask ['cat'], XML ['cat', 'chair']"
    ]
    assert train.ann_file == str(voc / 'annotations' / 'train.json')
    assert (trainaug.num_images, trainaug.num_mask_tags,
            trainaug.num_xml_tags) == (4, 3, 1)
    assert trainaug.num_not_compared == 1  # 2008_000004: SBD mask, no XML
    assert val.disagreements == [] and val.skipped == []

    annotation = json.loads((voc / 'annotations' / 'val.json').read_text())
    assert annotation['metainfo']['classes'] == list(VOC_CLASSES)
    assert annotation['metainfo']['background'] == 'background'
    assert annotation['metainfo']['palette'][15] == [192, 128, 128]

    train_entries = entries(voc, 'train')
    assert train_entries['2007_000001'] == dict(
        img_path='JPEGImages/2007_000001.jpg',
        seg_map_path='SegmentationClass/2007_000001.png',
        tags=['dog', 'person'],
        tag_areas=dict(background=0.4, dog=0.266667, person=0.333333))
    assert train_entries['2007_000002']['tags'] == ['cat']
    assert train_entries['2007_000002']['xml_tags'] == ['cat', 'chair']
    assert entries(voc, 'val')['2007_000003']['tag_areas'] == dict(
        background=0.6, cow=0.4)
    aug_entries = entries(voc, 'trainaug')
    assert aug_entries['2007_000001']['seg_map_path'] == \
        'SegmentationClass/2007_000001.png'
    assert aug_entries['2008_000004']['seg_map_path'] == \
        'SegmentationClassAug/2008_000004.png'
    assert aug_entries['2008_000004']['tags'] == ['bird']
    assert aug_entries['2008_000005'] == dict(
        img_path='JPEGImages/2008_000005.jpg', tags=['aeroplane'])


def test_output_loads_and_checks_clean(devkit):
    voc = devkit / 'VOC2012'
    convert_pascal_voc(str(devkit))
    dataset = WeakTagDataset(
        ann_file='annotations/train.json', data_root=str(voc))
    assert dataset.metainfo['background_index'] == 0
    first = dataset[0]
    assert np.flatnonzero(first['gt_tags']).tolist() == [0, DOG, PERSON]
    assert first['gt_tag_areas'][[0, DOG, PERSON
                                  ]] == pytest.approx([0.4, 4 / 15, 5 / 15],
                                                      abs=1e-6)
    for split in ('train', 'val', 'trainaug'):
        report = check_dataset(
            build_dataset_to_check(
                dict(
                    type='WeakTagDataset',
                    ann_file=f'annotations/{split}.json',
                    data_root=str(voc))), split)
        assert report.problems == []
        assert report.num_masks == report.num_images


def test_trainaug_derived_from_sbd_masks(devkit):
    summaries = convert_pascal_voc(str(devkit))
    assert summaries[-1].name == 'trainaug'
    # train + SBD masks - val: 2007_000003 is a val image.
    assert list(
        entries(devkit / 'VOC2012',
                'trainaug')) == ['2007_000001', '2007_000002', '2008_000004']


def test_without_sbd_only_train_and_val(devkit, tmp_path):
    voc = devkit / 'VOC2012'
    for mask in (voc / 'SegmentationClassAug').iterdir():
        mask.unlink()
    (voc / 'SegmentationClassAug').rmdir()
    out = tmp_path / 'ann'
    summaries = convert_pascal_voc(str(voc), out_dir=str(out))
    assert [s.name for s in summaries] == ['train', 'val']
    assert sorted(path.name
                  for path in out.iterdir()) == ['train.json', 'val.json']


def test_aug_list_option_and_val_leak(devkit, tmp_path):
    aug_list = tmp_path / 'aug.txt'
    aug_list.write_text('2008_000005 1\n\n2008_000004\n')
    convert_pascal_voc(str(devkit), aug_list=str(aug_list))
    assert list(entries(devkit / 'VOC2012',
                        'trainaug')) == ['2008_000005', '2008_000004']
    aug_list.write_text('2008_000005\n2007_000003\n')
    with pytest.raises(
            DatasetConversionError,
            match=re.escape("holds 1 val images (['2007_000003']); "
                            'expected no val image in training')):
        convert_pascal_voc(str(devkit), aug_list=str(aug_list))


def test_missing_image_error_and_skip(devkit, tmp_path):
    voc = devkit / 'VOC2012'
    (voc / 'JPEGImages' / '2007_000002.jpg').unlink()
    message = ('split train: 1 image(s) with missing files: 2007_000002: '
               'missing image JPEGImages/2007_000002.jpg; expected every '
               'listed id to have its files (or pass --skip-missing')
    with pytest.raises(DatasetConversionError, match=re.escape(message)):
        convert_pascal_voc(str(devkit))
    assert not (voc / 'annotations').exists()  # nothing half-written

    summaries = convert_pascal_voc(str(devkit), skip_missing=True)
    train = summaries[0]
    assert train.num_images == 1
    assert train.skipped == [
        '2007_000002: missing image JPEGImages/2007_000002.jpg'
    ]
    assert list(entries(voc, 'train')) == ['2007_000001']


def test_val_needs_its_mask(devkit):
    voc = devkit / 'VOC2012'
    (voc / 'SegmentationClass' / '2007_000003.png').unlink()
    with pytest.raises(
            DatasetConversionError,
            match='2007_000003: missing mask '
            'SegmentationClass/2007_000003.png'):
        convert_pascal_voc(str(devkit))


def test_training_image_without_mask_and_xml(devkit, tmp_path):
    aug_list = tmp_path / 'aug.txt'
    aug_list.write_text('2008_000005\n')
    (devkit / 'VOC2012' / 'Annotations' / '2008_000005.xml').unlink()
    with pytest.raises(
            DatasetConversionError,
            match=re.escape(
                '2008_000005: missing mask (SegmentationClass/2008_000005.png'
                ' or SegmentationClassAug/2008_000005.png) and annotation '
                'Annotations/2008_000005.xml')):
        convert_pascal_voc(str(devkit), aug_list=str(aug_list))


@pytest.mark.parametrize('xml, message', [
    ('<annotation><object><name>horse</name></object><object><name>unicorn'
     '</name></object></annotation>',
     "object 1 has name 'unicorn'; expected one of the VOC classes"),
    ('<annotation><object><name>cat</name></annotation>', 'malformed XML'),
])
def test_bad_xml(devkit, tmp_path, xml, message):
    voc = devkit / 'VOC2012'
    (voc / 'Annotations' / '2007_000001.xml').write_text(xml)
    with pytest.raises(DatasetConversionError, match=message) as error:
        convert_pascal_voc(str(devkit))
    assert 'Annotations/2007_000001.xml' in str(error.value)


def test_mask_with_unknown_class_index(devkit):
    voc = devkit / 'VOC2012'
    bad = PERSON_DOG.copy()
    bad[1, 0] = 30
    write_mask(voc / 'SegmentationClass' / '2007_000001.png', bad)
    with pytest.raises(
            DatasetConversionError,
            match=r'2007_000001.png: mask holds values \[30\] that are no '
            'class index'):
        convert_pascal_voc(str(devkit))


def test_find_voc_root_and_id_lists(devkit, tmp_path):
    voc = devkit / 'VOC2012'
    assert find_voc_root(str(devkit)) == str(voc)
    assert find_voc_root(str(voc)) == str(voc)
    with pytest.raises(DatasetConversionError, match='expected a VOCdevkit'):
        find_voc_root(str(tmp_path / 'nowhere'))
    (voc / 'ImageSets' / 'Segmentation' / 'val.txt').unlink()
    with pytest.raises(
            DatasetConversionError,
            match='val.txt: split list does not exist'):
        convert_pascal_voc(str(devkit))
    repeated = tmp_path / 'repeated.txt'
    repeated.write_text('a\nb\na\n')
    with pytest.raises(
            DatasetConversionError,
            match=re.escape("ids ['a'] are listed more than once")):
        read_id_list(str(repeated))


def test_cli(tool, devkit, capsys):
    assert tool.main([str(devkit), '--max-listed', '1']) == 0
    printed = capsys.readouterr().out
    assert 'train: 2 images' in printed
    assert ('tags from masks: 2 (XML disagrees: 1, no XML: 0); tags from '
            'XML (no mask): 0') in printed
    assert "2007_000002: mask ['cat'], XML ['cat', 'chair']" in printed

    (devkit / 'VOC2012' / 'JPEGImages' / '2007_000001.jpg').unlink()
    assert tool.main([str(devkit)]) == 1
    assert '2007_000001: missing image' in capsys.readouterr().err
    assert tool.main([str(devkit), '--skip-missing']) == 0
    assert 'skipped for missing files: 1' in capsys.readouterr().out


@pytest.mark.parametrize('config', CONFIGS)
def test_configs_read_the_output(devkit, config):
    voc = devkit / 'VOC2012'
    convert_pascal_voc(str(devkit))
    cfg = Config.fromfile(str(REPO / config))
    init_default_scope(cfg.default_scope)
    assert (cfg.model.num_classes, cfg.model.background_index) == (21, 0)
    for loader, ann_file in (('train_dataloader', 'annotations/trainaug.json'),
                             ('val_dataloader', 'annotations/val.json'),
                             ('test_dataloader', 'annotations/val.json')):
        dataset_cfg = cfg[loader].dataset
        assert dataset_cfg.data_root == 'data/VOCdevkit/VOC2012'
        assert dataset_cfg.ann_file == ann_file
        dataset = DATASETS.build(dict(dataset_cfg, data_root=str(voc)))
        sample = dataset[0]
        assert sample['inputs'].shape == (3, 320, 320)
        if loader != 'train_dataloader':  # masks at the original size
            assert sample['data_samples'].gt_sem_seg.data.shape == (1, H, W)
