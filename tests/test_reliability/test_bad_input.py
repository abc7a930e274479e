# Copyright (c) mmweakseg contributors. All rights reserved.
"""Bad input, swept: every case is either handled as documented or fails
with an error naming the file (or config field) and what was expected.

Dataset-level problems (annotation file, entries, missing files) raise at
construction, i.e. before training starts; problems inside image and mask
files raise when the sample is loaded (``tools/analysis_tools/
check_dataset.py`` finds them all before training); model problems raise
when the model is built, config problems when the config is loaded.
"""
import json
import logging
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Type

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from PIL import Image

from mmseg.registry import DATASETS, MODELS
from mmweakseg.datasets import WeakTagDataError
from mmweakseg.utils import load_config
from reliability_utils import (SEG_CONFIG, save_tiny_classifier,
                               tiny_segmentor_cfg)

CLASSES = ['background', 'cat', 'dog']
SIZE = (8, 8)  # (H, W) of the images
LOAD_PIPELINE = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='PackWeakSegInputs')
]


@pytest.fixture(autouse=True)
def mmseg_scope() -> None:
    init_default_scope('mmseg')


@pytest.fixture
def logged() -> Iterator[List[str]]:
    """Messages logged through mmengine's current logger during the
    test."""
    messages = []

    class Collect(logging.Handler):

        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = MMLogger.get_current_instance()
    handler = Collect()
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)


def write_image(path: Path, pixels: np.ndarray) -> None:
    """Write a PNG in the mode PIL gives ``pixels``: L for (H, W) uint8,
    I;16 for uint16, RGB or RGBA for (H, W, 3 or 4) uint8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


def write_dataset(root: Path, data_list: Optional[list] = None) -> str:
    """images/a.png (RGB) with masks/a.png and images/b.png; returns the
    annotation file holding ``data_list`` (default: both images)."""
    pixels = np.random.default_rng(0).integers(0, 256, (*SIZE, 3), np.uint8)
    write_image(root / 'images/a.png', pixels)
    write_image(root / 'images/b.png', pixels[::-1])
    write_image(root / 'masks/a.png', np.full(SIZE, 2, np.uint8))
    if data_list is None:
        data_list = [
            dict(
                img_path='images/a.png',
                tags=['dog'],
                seg_map_path='masks/a.png'),
            dict(img_path='images/b.png', tags=['cat'])
        ]
    ann_file = root / 'ann.json'
    ann_file.write_text(
        json.dumps(dict(metainfo=dict(classes=CLASSES), data_list=data_list)))
    return str(ann_file)


def build_dataset(root: Path, pipeline: list = LOAD_PIPELINE, **kwargs):
    return DATASETS.build(
        dict(
            type='WeakTagDataset',
            ann_file=str(root / 'ann.json'),
            data_root=str(root),
            pipeline=pipeline,
            **kwargs))


def large_png_header(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims ``width`` x ``height`` RGB pixels (and that
    holds no pixel data): what a huge photo looks like to a decoder."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data)))

    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) +
                     chunk(b'IEND', b''))


@dataclass
class Case:
    """One bad input.

    Attributes:
        prepare: ``prepare(tmp_path) -> action``: writes the input and
            returns what uses it (builds a dataset, loads a sample, ...).
        error: The exception the action must raise; None if the input is
            handled.
        mentions: Texts the error message must contain: the file or field,
            and what is wrong.
        check: For handled inputs, ``check(result)`` asserts the documented
            handling.
        known_gap: Why the package does not behave so yet; the case is then
            a strict expected failure.
    """
    prepare: Callable[[Path], Callable[[], object]]
    error: Optional[Type[Exception]] = None
    mentions: Sequence[str] = ()
    check: Optional[Callable[[object], None]] = None
    known_gap: Optional[str] = None


def dataset_with(data_list: Optional[list] = None,
                 change: Callable[[Path], None] = lambda root: None):
    """``prepare`` building the dataset after ``change`` (a file edit)."""

    def prepare(root: Path) -> Callable[[], object]:
        write_dataset(root, data_list)
        change(root)
        return lambda: build_dataset(root)

    return prepare


def sample_with(change: Callable[[Path], None], index: int = 0):
    """``prepare`` loading sample ``index`` after ``change`` (a file
    edit); the dataset itself builds."""

    def prepare(root: Path) -> Callable[[], object]:
        write_dataset(root)
        change(root)
        dataset = build_dataset(root)
        return lambda: dataset[index]

    return prepare


def image_replaced_by(pixels: np.ndarray):
    """``change`` replacing images/a.png by ``pixels``."""
    return lambda root: write_image(root / 'images/a.png', pixels)


def loaded_bgr(result: dict) -> np.ndarray:
    """The loaded image (H, W, 3) uint8 BGR of a packed sample."""
    return result['inputs'].permute(1, 2, 0).numpy()


GRAY = np.arange(64, dtype=np.uint8).reshape(SIZE) * 4
RGBA = np.dstack(
    [np.full((*SIZE, 3), 200, np.uint8),
     np.full(SIZE, 51, np.uint8)])
WORDS_16BIT = np.full(SIZE, 65535, np.uint16)
WORDS_16BIT[0, 0] = 0
PALETTE_INDICES = np.zeros(SIZE, np.uint8)
PALETTE_INDICES[:, 4:] = 1


def palette_image(root: Path) -> None:
    image = Image.fromarray(PALETTE_INDICES, 'P')
    image.putpalette([10, 20, 30, 250, 0, 5] + [0] * 762)
    image.save(root / 'images/a.png')


def check_gray(result: dict) -> None:
    bgr = loaded_bgr(result)
    assert bgr.shape == (*SIZE, 3)
    for channel in range(3):
        np.testing.assert_array_equal(bgr[..., channel], GRAY)


def check_rgba(result: dict) -> None:
    # composited on black: 200 * 51 / 255 = 40
    np.testing.assert_array_equal(loaded_bgr(result), 40)


def check_16bit(result: dict) -> None:
    bgr = loaded_bgr(result)
    assert bgr[0, 0].tolist() == [0, 0, 0] and (bgr[1:] == 255).all()


def check_palette(result: dict) -> None:
    bgr = loaded_bgr(result)
    assert bgr[0, 0].tolist() == [30, 20, 10]  # palette entry 0, as BGR
    assert bgr[0, 7].tolist() == [5, 0, 250]


def small_image_batch(root: Path) -> Callable[[], object]:
    """An image smaller than the crop size (8 x 8 for a 16 x 16 crop) in a
    batch with a 16 x 16 one: mmseg's RandomCrop keeps it whole and the
    data preprocessor pads it (image 0 = mean colour, mask 255 =
    ignored)."""
    write_dataset(root)
    write_image(root / 'images/b.png', np.zeros((16, 16, 3), np.uint8))
    pipeline = [
        dict(type='LoadRGBImageFromFile'),
        dict(type='LoadWeakAnnotations'),
        dict(type='RandomCrop', crop_size=(16, 16)),
        dict(type='PackWeakSegInputs')
    ]
    dataset = build_dataset(root, pipeline=pipeline)
    preprocessor = MODELS.build(
        Config.fromfile(str(SEG_CONFIG)).model.data_preprocessor)

    def collate_and_preprocess() -> dict:
        samples = [dataset[0], dataset[1]]
        return preprocessor(
            dict(
                inputs=[sample['inputs'] for sample in samples],
                data_samples=[sample['data_samples'] for sample in samples]),
            training=True)

    return collate_and_preprocess


def check_small_image_batch(batch: dict) -> None:
    inputs = batch['inputs']
    assert inputs.shape == (2, 3, 16, 16)
    padding = torch.ones(16, 16, dtype=torch.bool)
    padding[:8, :8] = False
    assert inputs[0][:, padding].abs().sum() == 0  # 0 = the mean colour
    gt = batch['data_samples'][0].gt_sem_seg.data
    assert gt.shape == (1, 16, 16)
    assert (gt[0, :8, :8] == 2).all() and (gt[0, 8:] == 255).all()


def segmentor_with_classifier(num_classes: int, from_meta: bool):
    """``prepare`` building a segmentor for 4 classes guided by a classifier
    checkpoint for ``num_classes`` classes; with ``from_meta`` the
    classifier architecture comes from the checkpoint, else from the
    config (with 4 classes)."""

    def prepare(root: Path) -> Callable[[], object]:
        checkpoint = save_tiny_classifier(root / 'classifier.pth', num_classes)
        cfg = tiny_segmentor_cfg(checkpoint)
        if not from_meta:
            classifier = Config.fromstring(
                torch.load(checkpoint, weights_only=False)['meta']['cfg'],
                '.py').model
            classifier.num_classes = 4
            cfg.losses[2].classifier = classifier
        return lambda: MODELS.build(cfg)

    return prepare


def missing_classifier(root: Path) -> Callable[[], object]:
    cfg = tiny_segmentor_cfg(str(root / 'no_such_classifier.pth'))
    return lambda: MODELS.build(cfg)


def config_with(**options):
    return lambda root: lambda: load_config(
        str(SEG_CONFIG), cfg_options=options)


CASES = dict(
    corrupt_image_bytes=Case(
        sample_with(lambda root: (root / 'images/a.png').write_bytes(
            b'\x89PNG\r\n\x1a\n this is no image')),
        error=WeakTagDataError,
        mentions=['images/a.png', 'cannot decode image']),
    missing_image=Case(
        dataset_with([dict(img_path='images/gone.png', tags=['cat'])]),
        error=WeakTagDataError,
        mentions=[
            'ann.json', 'entry 0', 'images/gone.png', 'missing image file'
        ]),
    zero_byte_image=Case(
        sample_with(lambda root: (root / 'images/a.png').write_bytes(b'')),
        error=WeakTagDataError,
        mentions=['images/a.png', 'empty (0 bytes)']),
    truncated_json=Case(
        dataset_with(change=lambda root: (root / 'ann.json').write_text(
            (root / 'ann.json').read_text()[:40])),
        error=WeakTagDataError,
        mentions=['ann.json', 'malformed JSON at line 1']),
    malformed_json=Case(
        dataset_with(change=lambda root: (root / 'ann.json').write_text(
            json.dumps(dict(data_list=dict(img_path='images/a.png'))))),
        error=WeakTagDataError,
        mentions=['ann.json', '"data_list" is a dict']),
    unknown_tag=Case(
        dataset_with([dict(img_path='images/a.png', tags=['unicorn'])]),
        error=WeakTagDataError,
        mentions=[
            'ann.json', 'entry 0', 'images/a.png', "unknown tag 'unicorn'"
        ]),
    duplicate_entries=Case(
        dataset_with([
            dict(img_path='images/a.png', tags=['cat']),
            dict(img_path='images/a.png', tags=['dog'])
        ]),
        error=WeakTagDataError,
        mentions=[
            'ann.json', 'entry 1', 'images/a.png', 'duplicate of entry 0'
        ]),
    empty_data_list=Case(
        dataset_with([]),
        error=WeakTagDataError,
        mentions=['ann.json', 'empty data list']),
    mask_of_other_size=Case(
        sample_with(lambda root: write_image(root / 'masks/a.png',
                                             np.zeros((4, 8), np.uint8))),
        error=WeakTagDataError,
        mentions=['masks/a.png', 'mask size', 'differs']),
    mask_values_outside_classes=Case(
        sample_with(lambda root: write_image(root / 'masks/a.png',
                                             np.full(SIZE, 7, np.uint8))),
        error=WeakTagDataError,
        mentions=['masks/a.png', 'values [7]', '[0, 3)']),
    grayscale_image=Case(
        sample_with(image_replaced_by(GRAY)), check=check_gray),
    rgba_image=Case(sample_with(image_replaced_by(RGBA)), check=check_rgba),
    sixteen_bit_image=Case(
        sample_with(image_replaced_by(WORDS_16BIT)), check=check_16bit),
    palette_image=Case(sample_with(palette_image), check=check_palette),
    image_smaller_than_crop=Case(
        small_image_batch, check=check_small_image_batch),
    very_large_image=Case(
        sample_with(lambda root: large_png_header(root / 'images/a.png', 30000,
                                                  30000)),
        error=WeakTagDataError,
        mentions=[
            'images/a.png', 'cannot decode image', 'DecompressionBombError'
        ]),
    classifier_with_other_classes=Case(
        segmentor_with_classifier(num_classes=3, from_meta=False),
        error=ValueError,
        mentions=['classifier.pth', 'fc.weight', 'num_classes=4']),
    classifier_with_other_classes_from_meta=Case(
        segmentor_with_classifier(num_classes=3, from_meta=True),
        error=ValueError,
        mentions=[
            'classifier.pth', 'num_classes=3', 'model.losses[2].checkpoint'
        ]),
    missing_classifier_checkpoint=Case(
        missing_classifier,
        error=FileNotFoundError,
        mentions=[
            'no_such_classifier.pth', '`checkpoint` of the ImageletClassifier'
        ]),
    unknown_backbone=Case(
        config_with(**{'model.backbone.type': 'ResNot'}),
        error=ValueError,
        mentions=[
            "model.backbone.type='ResNot'", 'not a registered', "'ResNet'"
        ]),
    unknown_loss=Case(
        config_with(**{'model.losses.1.type': 'MaskAreaLos'}),
        error=ValueError,
        mentions=["model.losses.1.type='MaskAreaLos'", "'MaskAreaLoss'"]),
)


@pytest.mark.parametrize('case', [
    pytest.param(
        case,
        id=name,
        marks=[pytest.mark.xfail(strict=True, reason=case.known_gap)]
        if case.known_gap else []) for name, case in CASES.items()
])
def test_bad_input(case: Case, tmp_path):
    action = case.prepare(tmp_path)
    if case.error is None:
        case.check(action())
        return
    with pytest.raises(case.error) as error:
        action()
    message = str(error.value)
    for text in case.mentions:
        assert text in message, message


def test_skip_invalid_reports_count_and_names(tmp_path, logged):
    write_dataset(tmp_path, [
        dict(img_path='images/a.png', tags=['dog']),
        dict(img_path='images/gone.png', tags=['cat']),
        dict(img_path='images/b.png', tags=['unicorn']),
        dict(img_path='images/a.png', tags=['cat']),
    ])

    dataset = build_dataset(tmp_path, skip_invalid=True)

    assert len(dataset) == 1
    assert dataset.get_data_info(0)['img_path'].endswith('images/a.png')
    report = '\n'.join(logged)
    assert 'these 3 problem(s); 1 images remain' in report
    for text in ('entry 1 (img_path \'images/gone.png\')',
                 "entry 2 (img_path 'images/b.png'): unknown tag 'unicorn'",
                 "entry 3 (img_path 'images/a.png'): duplicate of entry 0"):
        assert text in report


def test_skip_invalid_replaces_unreadable_training_sample(tmp_path, logged):
    write_dataset(tmp_path)
    (tmp_path / 'images/a.png').write_bytes(b'')
    dataset = build_dataset(tmp_path, skip_invalid=True)

    sample = dataset[0]

    assert sample['data_samples'].img_path.endswith('images/b.png')
    assert any('skipped sample 0' in message and 'images/a.png' in message
               for message in logged)
    test_dataset = build_dataset(tmp_path, skip_invalid=True, test_mode=True)
    with pytest.raises(WeakTagDataError, match='images/a.png'):
        test_dataset[0]  # testing never skips: every sample counts
