# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest
from PIL import Image

import mmweakseg  # noqa: F401
from mmseg.registry import TRANSFORMS
from mmweakseg.datasets import (LoadRGBImageFromFile, LoadWeakAnnotations,
                                WeakTagDataError)


def load(path) -> dict:
    return LoadRGBImageFromFile().transform(dict(img_path=str(path)))


def test_rgb_becomes_bgr(tmp_path, write_rgb):
    rgb = write_rgb(tmp_path / 'a.png')
    results = load(tmp_path / 'a.png')

    assert results['img'].dtype == np.uint8
    assert results['img'].flags.c_contiguous
    np.testing.assert_array_equal(results['img'], rgb[..., ::-1])
    assert results['img_shape'] == (6, 8)
    assert results['ori_shape'] == (6, 8)


def test_grayscale_is_replicated(tmp_path):
    gray = np.array([[0, 10], [128, 255]], dtype=np.uint8)
    Image.fromarray(gray).save(tmp_path / 'gray.png')
    img = load(tmp_path / 'gray.png')['img']

    assert img.shape == (2, 2, 3)
    np.testing.assert_array_equal(img, np.repeat(gray[..., None], 3, 2))


def test_rgba_is_composited_on_black(tmp_path):
    rgba = np.array([[[200, 100, 50, 255], [200, 100, 50, 0],
                      [200, 100, 50, 128]]],
                    dtype=np.uint8)
    Image.fromarray(rgba).save(tmp_path / 'rgba.png')
    img = load(tmp_path / 'rgba.png')['img']

    # BGR; alpha 128 gives (c * 128 + 127) // 255.
    np.testing.assert_array_equal(img,
                                  [[[50, 100, 200], [0, 0, 0], [25, 50, 100]]])


def test_palette_is_expanded(tmp_path):
    indices = np.array([[0, 1], [1, 2]], dtype=np.uint8)
    image = Image.fromarray(indices)
    image.putpalette([10, 20, 30, 200, 0, 0, 0, 255, 0])
    image.save(tmp_path / 'palette.png')
    assert Image.open(tmp_path / 'palette.png').mode == 'P'
    img = load(tmp_path / 'palette.png')['img']

    np.testing.assert_array_equal(img, [[[30, 20, 10], [0, 0, 200]],
                                        [[0, 0, 200], [0, 255, 0]]])


def test_palette_with_transparency(tmp_path):
    image = Image.fromarray(np.array([[0, 1]], dtype=np.uint8))
    image.putpalette([10, 20, 30, 200, 0, 0])
    image.save(tmp_path / 'palette.png', transparency=0)
    img = load(tmp_path / 'palette.png')['img']

    np.testing.assert_array_equal(img, [[[0, 0, 0], [0, 0, 200]]])


def test_16_bit_is_scaled_to_8_bit(tmp_path):
    values = np.array([[0, 257, 32896, 65535]], dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / 'deep.png')
    assert Image.open(tmp_path / 'deep.png').mode.startswith('I')
    img = load(tmp_path / 'deep.png')['img']

    assert img.dtype == np.uint8 and img.shape == (1, 4, 3)
    np.testing.assert_array_equal(img[..., 0], [[0, 1, 128, 255]])
    np.testing.assert_array_equal(img[..., 0], img[..., 2])


def test_32_bit_integer_mode_is_scaled_and_clipped(tmp_path):
    values = np.array([[514, 70000, -5]], dtype=np.int32)
    Image.fromarray(values).save(tmp_path / 'int.tiff')
    assert Image.open(tmp_path / 'int.tiff').mode == 'I'
    img = load(tmp_path / 'int.tiff')['img']

    np.testing.assert_array_equal(img[..., 1], [[2, 255, 0]])


def test_to_float32_and_registry(tmp_path, write_rgb):
    rgb = write_rgb(tmp_path / 'a.png')
    transform = TRANSFORMS.build(
        dict(type='LoadRGBImageFromFile', to_float32=True))
    img = transform(dict(img_path=str(tmp_path / 'a.png')))['img']

    assert img.dtype == np.float32
    np.testing.assert_array_equal(img, rgb[..., ::-1])


@pytest.mark.parametrize(
    'content, expected', [(b'', 'is empty (0 bytes)'),
                          (b'not an image at all', 'cannot decode image'),
                          (None, 'cannot read')],
    ids=['zero_byte', 'garbage', 'missing'])
def test_unreadable_image(tmp_path, content, expected):
    path = tmp_path / 'bad.png'
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WeakTagDataError) as error:
        load(path)
    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)


def test_truncated_image(tmp_path, write_rgb):
    write_rgb(tmp_path / 'a.png', size=(32, 32))
    data = (tmp_path / 'a.png').read_bytes()
    (tmp_path / 'cut.png').write_bytes(data[:len(data) // 2])
    with pytest.raises(WeakTagDataError, match='cut.png: cannot decode'):
        load(tmp_path / 'cut.png')


def annotation_results(seg_map_path, shape=(2, 3), num_classes=3) -> dict:
    return dict(
        seg_map_path=None if seg_map_path is None else str(seg_map_path),
        gt_tags=np.ones(num_classes, dtype=np.float32),
        ori_shape=shape,
        seg_fields=[])


def test_load_weak_annotations(tmp_path, write_label_map):
    label_map = np.array([[0, 1, 2], [255, 2, 0]], dtype=np.uint8)
    write_label_map(tmp_path / 'mask.png', label_map)
    results = LoadWeakAnnotations()(annotation_results(tmp_path / 'mask.png'))

    assert results['gt_seg_map'].dtype == np.uint8
    np.testing.assert_array_equal(results['gt_seg_map'], label_map)
    assert results['seg_fields'] == ['gt_seg_map']


def test_load_weak_annotations_palette_mask(tmp_path):
    mask = Image.fromarray(np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8))
    mask.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0])
    mask.save(tmp_path / 'mask.png')
    results = LoadWeakAnnotations()(annotation_results(tmp_path / 'mask.png'))

    np.testing.assert_array_equal(results['gt_seg_map'],
                                  [[0, 1, 2], [2, 1, 0]])


def test_load_weak_annotations_without_mask():
    results = LoadWeakAnnotations()(annotation_results(None))
    assert 'gt_seg_map' not in results
    assert results['seg_fields'] == []


@pytest.mark.parametrize(
    'label_map, shape, expected', [
        (np.zeros((3, 3), np.uint8), (2, 3),
         'mask size (H, W) = (3, 3) differs from the image size (2, 3)'),
        (np.array([[0, 3, 7], [255, 1, 7]], np.uint8), (2, 3),
         'mask holds values [3, 7] that are no class index; expected values '
         'in [0, 3) or 255'),
        (np.zeros((2, 3, 3), np.uint8), (2, 3), "mask has mode 'RGB'"),
    ],
    ids=['size_mismatch', 'bad_values', 'rgb_mask'])
def test_load_weak_annotations_rejects(tmp_path, label_map, shape, expected):
    Image.fromarray(label_map).save(tmp_path / 'mask.png')
    with pytest.raises(WeakTagDataError) as error:
        LoadWeakAnnotations()(
            annotation_results(tmp_path / 'mask.png', shape=shape))
    assert str(error.value).startswith(str(tmp_path / 'mask.png'))
    assert expected in str(error.value)
