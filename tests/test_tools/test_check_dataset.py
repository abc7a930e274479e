# Copyright (c) mmweakseg contributors. All rights reserved.
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import mmweakseg  # noqa: F401
from mmweakseg.datasets import make_demo_dataset

TOOL = (
    Path(__file__).parents[2] / 'tools' / 'analysis_tools' /
    'check_dataset.py')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('check_dataset', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def demo_root(tmp_path) -> Path:
    make_demo_dataset(str(tmp_path), num_train=8, num_val=4, seed=0)
    return tmp_path


def test_clean_data(tool, demo_root, capsys):
    code = tool.main([
        '--ann-file',
        str(demo_root / 'annotations' / 'val.json'), '--data-root',
        str(demo_root)
    ])
    out = capsys.readouterr().out
    assert code == 0
    assert 'images: 4   masks: 4   problems: 0' in out
    for expected in ('tag frequency', 'co-occurrence', 'mean mask area',
                     'triangle', '0 problem(s) found'):
        assert expected in out


def test_reports_every_problem(tool, demo_root, capsys):
    ann_file = demo_root / 'annotations' / 'train.json'
    annotation = json.loads(ann_file.read_text())
    entries = annotation['data_list']
    entries[1]['tags'].append('unicorn')
    entries[2]['img_path'] = 'images/train/missing.png'
    (demo_root / entries[3]['img_path']).write_bytes(b'')
    Image.fromarray(np.zeros(
        (10, 10), np.uint8)).save(demo_root / entries[4]['seg_map_path'])
    Image.fromarray(np.full(
        (64, 64), 200, np.uint8)).save(demo_root / entries[5]['seg_map_path'])
    ann_file.write_text(json.dumps(annotation))

    code = tool.main(
        ['--ann-file',
         str(ann_file), '--data-root',
         str(demo_root)])
    out = capsys.readouterr().out
    assert code == 1
    assert '5 problem(s) found' in out
    for expected in ("entry 1 (img_path 'images/train/00001.png'): unknown "
                     "tag 'unicorn'",
                     "entry 2 (img_path 'images/train/missing.png'): "
                     'missing image file', '00003.png: image file is empty',
                     '00004.png: mask size (H, W) = (10, 10) differs',
                     '00005.png: mask holds values [200]'):
        assert expected in out


def test_folder_root(tool, tmp_path, capsys):
    for folder in ('cat', 'dog'):
        (tmp_path / folder).mkdir()
        Image.new('RGB', (5, 4)).save(tmp_path / folder / 'a.png')
    (tmp_path / 'dog' / 'broken.jpg').write_bytes(b'\xff\xd8 not a jpeg')

    code = tool.main(['--folder-root', str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert 'images: 3   masks: 0   problems: 1' in out
    assert 'broken.jpg: cannot decode image' in out

    code = tool.main([
        '--folder-root',
        str(tmp_path), '--classes', 'cat', 'bg', '--background', 'bg'
    ])
    assert code == 1
    assert "folder 'dog' (2 images) is not a known class" in \
        capsys.readouterr().out


def test_config_splits(tool, demo_root, tmp_path, capsys):
    config = tmp_path / 'config.py'
    config.write_text(f"""
default_scope = 'mmseg'
custom_imports = dict(imports=['mmweakseg'], allow_failed_imports=False)
train_dataloader = dict(dataset=dict(
    type='RepeatDataset', times=3, dataset=dict(
        type='WeakTagDataset', data_root={str(demo_root)!r},
        ann_file='annotations/train.json', pipeline=[])))
val_dataloader = dict(dataset=dict(
    type='WeakTagDataset', data_root={str(demo_root)!r},
    ann_file='annotations/val.json'))
""")
    assert tool.main([str(config)]) == 0
    out = capsys.readouterr().out
    assert '== train\nimages: 8' in out
    assert '== val\nimages: 4' in out

    assert tool.main([str(config), '--split', 'val']) == 0
    out = capsys.readouterr().out
    assert '== train' not in out and '== val' in out
