# Copyright (c) mmweakseg contributors. All rights reserved.
"""Data as users have it: photos of mixed sizes, EXIF-rotated photos,
masks saved as JPEG, paths leaving the data root, empty class folders, a
config whose model disagrees with the data. The checker reports each before
training, and loading applies the EXIF orientation to images and masks."""
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

import mmweakseg  # noqa: F401
from mmseg.registry import DATASETS
from mmweakseg.datasets import (WeakTagDataError, build_dataset_to_check,
                                check_config_datasets, check_dataset,
                                read_image_as_bgr, read_label_map)

REPO = Path(__file__).parents[2]
EXIF_ORIENTATION = 0x0112
ROTATED_90_CW = 6  # displayed = stored rotated 90 degrees clockwise


def annotation_cfg(ann_file, data_root, **kwargs) -> dict:
    return dict(
        type='WeakTagDataset',
        ann_file=ann_file,
        data_root=str(data_root),
        **kwargs)


def check(ann_file, data_root, crop_size=None, **kwargs):
    dataset = build_dataset_to_check(
        annotation_cfg(ann_file, data_root, **kwargs))
    return check_dataset(dataset, 'train', crop_size)


def write_exif_rotated(path, pixels: np.ndarray) -> None:
    """Save ``pixels`` as they are (JPEG or PNG, by the suffix), with EXIF
    orientation 6: viewers show them rotated 90 degrees clockwise."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, exif=exif.tobytes())


def test_mixed_sizes_exif_and_small_images_are_noted(tmp_path, write_rgb,
                                                     write_ann):
    write_rgb(tmp_path / 'images/big.png', size=(40, 70))
    write_rgb(tmp_path / 'images/tiny.png', size=(1, 1))
    write_exif_rotated(tmp_path / 'images/phone.jpg',
                       np.zeros((10, 30, 3), np.uint8))
    ann_file = write_ann(tmp_path, [
        dict(img_path='images/big.png', tags=['cat']),
        dict(img_path='images/tiny.png', tags=[]),
        dict(img_path='images/phone.jpg', tags=['dog'])
    ])

    report = check(ann_file, tmp_path, crop_size=(32, 32))

    assert report.problems == []
    assert dict(report.image_sizes) == {(40, 70): 1, (1, 1): 1, (30, 10): 1}
    notes = '\n'.join(report.notes())
    assert 'mixed image sizes: 3 different' in notes
    assert 'heights 1-40, widths 1-70' in notes
    assert '1 image(s) with an EXIF orientation' in notes
    assert 'images/phone.jpg' in notes
    assert '2 image(s) smaller than the crop 32 x 32' in notes
    assert 'images/tiny.png' in notes and 'images/phone.jpg' in notes
    assert 'note: mixed image sizes' in report.format()


def test_exif_orientation_applied_to_image_and_mask(tmp_path):
    stored = np.zeros((2, 3, 3), np.uint8)
    stored[0, 0] = 255  # top-left as stored
    write_exif_rotated(tmp_path / 'photo.png', stored)
    image = read_image_as_bgr(str(tmp_path / 'photo.png'))
    # rotated 90 degrees clockwise: (2, 3) -> (3, 2), top-left -> top-right
    assert image.shape == (3, 2, 3)
    expected = np.zeros((3, 2, 3), np.uint8)
    expected[0, 1] = 255
    np.testing.assert_array_equal(image, expected)

    # a mask drawn on the displayed photo, and one stored like the photo
    # with the same EXIF orientation: both load as displayed
    displayed = np.zeros((3, 2), np.uint8)
    displayed[0, 1] = 1
    Image.fromarray(displayed).save(tmp_path / 'drawn.png')
    assert read_label_map(str(tmp_path / 'drawn.png'), 2,
                          image.shape[:2]).tolist() == displayed.tolist()
    mask_as_stored = np.zeros((2, 3), np.uint8)
    mask_as_stored[0, 0] = 1
    write_exif_rotated(tmp_path / 'stored.png', mask_as_stored)
    assert read_label_map(str(tmp_path / 'stored.png'), 2,
                          image.shape[:2]).tolist() == displayed.tolist()


def test_mask_drawn_on_displayed_photo_fits(tmp_path, write_ann):
    """A non-square phone photo with its mask drawn as displayed: the mask
    size matches the displayed image (it did not before EXIF was
    applied)."""
    write_exif_rotated(tmp_path / 'images/phone.jpg',
                       np.zeros((10, 30, 3), np.uint8))
    Image.fromarray(np.zeros((30, 10), np.uint8)).save(tmp_path / 'm.png')
    ann_file = write_ann(tmp_path, [
        dict(img_path='images/phone.jpg', tags=[], seg_map_path='m.png')
    ])
    assert check(ann_file, tmp_path).problems == []


def test_jpeg_mask_is_a_problem(data_root, write_ann):
    mask = np.zeros((6, 8), np.uint8)
    mask[:, 4:] = 2
    Image.fromarray(mask).save(data_root / 'masks/b.jpg', quality=100)
    ann_file = write_ann(data_root, [
        dict(img_path='images/b.png', tags=['dog'],
             seg_map_path='masks/b.jpg')
    ])
    problems = check(ann_file, data_root).problems
    assert len(problems) == 1
    assert str(data_root / 'masks/b.jpg') in problems[0]
    assert 'stored as JPEG, a lossy format' in problems[0]
    with pytest.raises(WeakTagDataError, match='lossy format'):
        read_label_map(str(data_root / 'masks/b.jpg'), 3)


@pytest.mark.parametrize('outside', ['../outside.png', '/abs/outside.png'])
def test_path_outside_data_root_is_a_problem(tmp_path, write_rgb, write_ann,
                                             outside):
    data_root = tmp_path / 'root'
    data_root.mkdir()
    write_rgb(tmp_path / 'outside.png')
    if outside.startswith('/'):
        outside = str(tmp_path / 'outside.png')
    ann_file = write_ann(tmp_path, [dict(img_path=outside, tags=[])])

    problems = check(ann_file, data_root).problems
    assert len(problems) == 1
    assert f"entry 0 (img_path {outside!r}): img_path {outside!r} is " \
        'outside the data root' in problems[0]
    assert 'allow_outside_data_root=True' in problems[0]
    allowed = check(ann_file, data_root, allow_outside_data_root=True)
    assert allowed.problems == [] and allowed.num_images == 1


def test_empty_class_folder_is_a_problem(tmp_path, write_rgb):
    write_rgb(tmp_path / 'cat/1.png')
    write_rgb(tmp_path / 'background/1.png')
    (tmp_path / 'dog').mkdir()
    (tmp_path / 'dog/photo.heic').write_bytes(b'unsupported')
    cfg = dict(type='WeakTagFolderDataset', data_root=str(tmp_path))

    report = check_dataset(build_dataset_to_check(cfg), 'train')

    assert len(report.problems) == 1
    assert "class folder 'dog' holds no image" in report.problems[0]
    with pytest.raises(WeakTagDataError, match="class folder 'dog'"):
        DATASETS.build(cfg)


def test_utf8_bom_annotation_file_loads(data_root, valid_entries, write_ann):
    ann_file = write_ann(data_root, valid_entries)
    with open(ann_file, encoding='utf-8') as f:
        text = f.read()
    with open(ann_file, 'w', encoding='utf-8-sig') as f:
        f.write(text)
    assert check(ann_file, data_root).problems == []


def test_config_num_classes_and_background_against_data(
        data_root, valid_entries, write_ann):
    ann_file = write_ann(data_root, valid_entries)
    dataset = annotation_cfg(ann_file, data_root, pipeline=[])
    cfg = Config(
        dict(
            crop_size=(7, 7),
            model=dict(num_classes=5, background_index=2),
            train_dataloader=dict(dataset=dataset),
            val_dataloader=dict(dataset=dataset),
            test_dataloader=dict(dataset=dataset)))

    reports = check_config_datasets(cfg)

    assert list(reports) == ['train']  # val and test: the same dataset
    problems = reports['train'].problems
    assert len(problems) == 2, problems
    assert 'model.num_classes=5 but the dataset of train_dataloader' in \
        problems[0]
    assert "has 3 classes ['background', 'cat', 'dog']" in problems[0]
    assert 'expected model.num_classes=3' in problems[0]
    assert "model.background_index=2 but the background class " \
        "'background'" in problems[1]
    assert 'expected model.background_index=0' in problems[1]
    # the config's crop_size (H, W) is compared with the 6 x 8 images
    assert len(reports['train'].smaller_than_crop) == 3


def test_demo_pipelines_take_any_size(tmp_path, write_rgb, write_ann,
                                      write_label_map):
    """The demo configs' pipelines (used by run_pipeline.py on any data)
    give every image the 64 x 64 input, leave 64 x 64 images untouched and
    keep the val masks at the original size for the metric."""
    cfg = Config.fromfile(
        str(REPO / 'configs/_base_/datasets/weak_demo.py'))
    sizes = [(64, 64), (1, 1), (30, 50)]
    pixels = []
    for index, size in enumerate(sizes):
        pixels.append(write_rgb(tmp_path / f'{index}.png', size=size))
        write_label_map(tmp_path / f'{index}_mask.png',
                        np.zeros(size, np.uint8))
    ann_file = write_ann(tmp_path, [
        dict(img_path=f'{index}.png', tags=[],
             seg_map_path=f'{index}_mask.png') for index in range(3)
    ])
    for pipeline in (cfg.train_pipeline, cfg.test_pipeline):
        dataset = DATASETS.build(
            annotation_cfg(ann_file, tmp_path, pipeline=pipeline))
        samples = [dataset[index] for index in range(3)]
        assert all(sample['inputs'].shape == (3, 64, 64)
                   for sample in samples)
        flipped = samples[0]['data_samples'].metainfo.get('flip', False)
        unchanged = pixels[0][:, ::-1] if flipped else pixels[0]
        np.testing.assert_array_equal(
            samples[0]['inputs'].permute(1, 2, 0).numpy()[..., ::-1],
            unchanged)
    for sample, size in zip(samples, sizes):  # test pipeline: masks as is
        assert sample['data_samples'].gt_sem_seg.shape == size
        assert sample['data_samples'].ori_shape == size
