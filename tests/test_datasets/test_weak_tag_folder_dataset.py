# Copyright (c) mmweakseg contributors. All rights reserved.
import os.path as osp

import numpy as np
import pytest

import mmweakseg  # noqa: F401
from mmseg.registry import DATASETS
from mmweakseg.datasets import WeakTagDataError, WeakTagFolderDataset


@pytest.fixture
def folder_root(tmp_path, write_rgb):
    """cat/{1.png, 2.JPG}, dog/1.png and files/folders to be ignored."""
    write_rgb(tmp_path / 'cat' / '1.png')
    write_rgb(tmp_path / 'cat' / '2.JPG')
    write_rgb(tmp_path / 'dog' / '1.png')
    (tmp_path / 'cat' / 'notes.txt').write_text('not an image')
    write_rgb(tmp_path / '.cache' / '1.png')
    write_rgb(tmp_path / 'top_level.png')
    return tmp_path


def build(root, **kwargs) -> WeakTagFolderDataset:
    return DATASETS.build(
        dict(type='WeakTagFolderDataset', data_root=str(root), **kwargs))


def tags_by_path(dataset) -> dict:
    return {
        osp.relpath(info['img_path'], dataset.data_root):
        info['gt_tags'].tolist()
        for info in (dataset.get_data_info(i) for i in range(len(dataset)))
    }


def test_classes_from_folders_background_added(folder_root):
    dataset = build(folder_root)

    assert dataset.metainfo['classes'] == ('background', 'cat', 'dog')
    assert dataset.metainfo['background_index'] == 0
    assert tags_by_path(dataset) == {
        'cat/1.png': [1, 1, 0],
        'cat/2.JPG': [1, 1, 0],
        'dog/1.png': [1, 0, 1],
    }
    info = dataset.get_data_info(0)
    assert info['seg_map_path'] is None
    assert 'gt_tag_areas' not in info
    assert info['gt_tags'].dtype == np.float32


def test_background_folder_holds_images_without_foreground(
        folder_root, write_rgb):
    write_rgb(folder_root / 'background' / 'empty.png')
    dataset = build(folder_root)

    assert dataset.metainfo['classes'] == ('background', 'cat', 'dog')
    assert tags_by_path(dataset)['background/empty.png'] == [1, 0, 0]


def test_classes_from_config_background_elsewhere(folder_root, write_rgb):
    write_rgb(folder_root / 'sky' / 'empty.webp')
    dataset = build(
        folder_root,
        metainfo=dict(classes=('dog', 'cat', 'sky', 'bird'), background='sky'))

    assert dataset.metainfo['background_index'] == 2
    assert tags_by_path(dataset) == {
        'cat/1.png': [0, 1, 1, 0],
        'cat/2.JPG': [0, 1, 1, 0],
        'dog/1.png': [1, 0, 1, 0],
        'sky/empty.webp': [0, 0, 1, 0],
    }


def test_custom_suffixes_and_prefix(folder_root):
    # every class folder needs an image of the given suffixes
    (folder_root / 'dog' / '1.png').rename(folder_root / 'dog' / '1.jpeg')
    with pytest.raises(WeakTagDataError, match="class folder 'dog' holds no"):
        build(folder_root, img_suffixes=('.jpg', ))
    dataset = build(
        folder_root.parent,
        data_prefix=dict(img_path=folder_root.name),
        img_suffixes=('.jpg', '.jpeg'))
    assert tags_by_path(dataset) == {
        osp.join(folder_root.name, 'cat/2.JPG'): [1, 1, 0],
        osp.join(folder_root.name, 'dog/1.jpeg'): [1, 0, 1]
    }


def test_unknown_folder(folder_root):
    with pytest.raises(WeakTagDataError) as error:
        build(folder_root, metainfo=dict(classes=['background', 'cat']))
    message = str(error.value)
    assert message.startswith(str(folder_root))
    assert "folder 'dog' (1 images) is not a known class" in message
    assert "expected folders named after the classes ['background', 'cat']" \
        in message


def test_config_classes_without_background(folder_root):
    with pytest.raises(
            WeakTagDataError, match="unknown background class 'background'"):
        build(folder_root, metainfo=dict(classes=['cat', 'dog']))


def test_no_images(tmp_path):
    (tmp_path / 'cat').mkdir()
    with pytest.raises(WeakTagDataError, match='no images found'):
        build(tmp_path)


def test_missing_root(tmp_path):
    with pytest.raises(WeakTagDataError) as error:
        build(tmp_path / 'absent')
    assert 'absent' in str(error.value)
    assert 'image folder root does not exist' in str(error.value)


def test_no_root_given():
    with pytest.raises(WeakTagDataError, match='no image folder given'):
        DATASETS.build(dict(type='WeakTagFolderDataset'))
