# Copyright (c) mmweakseg contributors. All rights reserved.
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmseg.structures import SegDataSample
from PIL import Image

from mmweakseg.apis import (init_weak_segmentor, predict_images,
                            segment_folder)
from mmweakseg.apis.inference import (build_inference_pipeline, check_images,
                                      find_images, label_map_names)
from mmweakseg.datasets import (WeakTagDataError, read_image_as_bgr,
                                read_label_map, save_label_map)

REPO = Path(__file__).parents[2]
RESIZE_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='LoadAnnotations'),
    dict(type='PackWeakSegInputs')
]


@pytest.fixture
def image_dir(tmp_path, write_image) -> Path:
    """Images of different sizes and modes, in nested folders, with files
    that are not images."""
    rng = np.random.default_rng(0)
    root = tmp_path / 'images'
    write_image(root / 'rgb.jpg', rng.integers(0, 256, (20, 24, 3), np.uint8))
    write_image(root / 'sub' / 'gray.PNG',
                rng.integers(0, 256, (17, 31), np.uint8))
    write_image(root / 'sub' / 'deeper' / 'rgba.png',
                rng.integers(0, 256, (33, 18, 4), np.uint8))
    write_image(root / 'sixteen_bit.png',
                rng.integers(0, 65536, (12, 12), np.uint16))
    (root / 'notes.txt').write_text('not an image')
    write_image(root / '.hidden' / 'skipped.png', np.zeros((4, 4), np.uint8))
    return root


IMAGE_SIZES = {
    'rgb.png': (20, 24),
    'sub/gray.png': (17, 31),
    'sub/deeper/rgba.png': (33, 18),
    'sixteen_bit.png': (12, 12)
}


def test_init_weak_segmentor_needs_no_classifier(segmentor_files,
                                                 dataset_meta):
    config, checkpoint = segmentor_files
    classifier = Config.fromfile(config).model.losses[2].checkpoint
    assert not os.path.exists(classifier)  # only training needs it
    model = init_weak_segmentor(config, checkpoint)
    assert not model.training
    assert len(model.losses) == 0
    assert model.dataset_meta == dataset_meta
    assert isinstance(model.cfg, Config)

    saved = torch.load(checkpoint, weights_only=False)['state_dict']
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, saved[name])


def test_init_weak_segmentor_without_dataset_meta(tmp_path, segmentor_files):
    config, saved = segmentor_files
    checkpoint = str(tmp_path / 'bare.pth')
    state = torch.load(saved, weights_only=False)
    torch.save({'state_dict': state['state_dict']}, checkpoint)
    with pytest.warns(UserWarning, match='no dataset_meta'):
        model = init_weak_segmentor(config, checkpoint)
    assert model.dataset_meta['classes'] == ('class_0', 'class_1', 'class_2')
    assert model.dataset_meta['background_index'] == 2  # the model's
    assert model.dataset_meta['palette'][2] == [0, 0, 0]


def test_init_weak_segmentor_rejects_other_classes(tmp_path, segmentor_files):
    config, saved = segmentor_files
    checkpoint = str(tmp_path / 'other_classes.pth')
    state = torch.load(saved, weights_only=False)
    state['meta']['dataset_meta']['classes'] = ('cat', 'background')
    torch.save(state, checkpoint)
    with pytest.raises(ValueError, match='names 2 classes'):
        init_weak_segmentor(config, checkpoint)
    with pytest.raises(TypeError, match='config must be'):
        init_weak_segmentor(dict(), checkpoint)


def test_inference_pipeline_drops_annotations():
    cfg = Config(dict(test_pipeline=RESIZE_PIPELINE))
    pipeline = build_inference_pipeline(cfg)
    assert [type(t).__name__ for t in pipeline.transforms
            ] == ['LoadRGBImageFromFile', 'Resize', 'PackWeakSegInputs']
    assert cfg.test_pipeline == RESIZE_PIPELINE  # not modified
    with pytest.raises(ValueError, match='has no test_pipeline'):
        build_inference_pipeline(Config(dict()))
    with pytest.raises(ValueError, match='must start with'):
        build_inference_pipeline(
            Config(dict(test_pipeline=[dict(type='PackWeakSegInputs')])))


def test_predict_images_matches_model_at_original_size(segmentor_files,
                                                       image_dir):
    model = init_weak_segmentor(*segmentor_files)
    paths = find_images(str(image_dir))
    results = list(predict_images(model, paths, batch_size=3))
    assert len(results) == len(paths)
    for path, result in zip(paths, results):
        assert result.img_path == path
        height, width = read_image_as_bgr(path).shape[:2]
        assert result.seg_logits.shape == (height, width)
        assert result.seg_logits.data.shape[0] == 3
        assert result.pred_sem_seg.data.shape == (1, height, width)

    # the same as running the model by hand on the 20 x 24 RGB image padded
    # to 32 x 32
    assert paths[0].endswith('rgb.jpg')
    bgr = torch.from_numpy(read_image_as_bgr(paths[0])).permute(2, 0, 1)
    inputs = model.data_preprocessor(
        dict(inputs=[bgr], data_samples=[SegDataSample()]), False)['inputs']
    assert inputs.shape == (1, 3, 32, 32)
    with torch.no_grad():
        logits = model.encode_decode(inputs, None)[:, :, :20, :24]
    torch.testing.assert_close(results[0].seg_logits.data, logits[0])
    torch.testing.assert_close(results[0].pred_sem_seg.data,
                               logits.argmax(dim=1))


def test_predict_images_batches_same_sizes(segmentor_files, image_dir,
                                           monkeypatch):
    paths = find_images(str(image_dir))
    for cfg_options, batch_size, batch_lengths in [
        (None, 8, [1, 1, 1, 1]),  # four sizes: one image per batch
        (dict(test_pipeline=RESIZE_PIPELINE), 3, [3, 1]),  # all 32 x 32
    ]:
        model = init_weak_segmentor(*segmentor_files, cfg_options=cfg_options)
        lengths = []
        test_step = model.test_step

        def counting_test_step(data, test_step=test_step):
            lengths.append(len(data['inputs']))
            return test_step(data)

        monkeypatch.setattr(model, 'test_step', counting_test_step)
        results = list(predict_images(model, paths, batch_size))
        assert lengths == batch_lengths
        for path, result in zip(paths, results):
            height, width = read_image_as_bgr(path).shape[:2]
            assert result.pred_sem_seg.shape == (height, width)
    with pytest.raises(ValueError, match='batch_size'):
        next(predict_images(model, paths, batch_size=0))


def test_save_label_map_round_trip(tmp_path):
    label_map = np.array([[0, 1, 2], [2, 2, 1]])
    path = str(tmp_path / 'a' / 'b.png')
    palette = [[200, 0, 0], [0, 200, 0], [0, 0, 0]]
    save_label_map(label_map, path, palette)
    with Image.open(path) as image:
        assert image.mode == 'P'
        assert image.getpalette()[:9] == [200, 0, 0, 0, 200, 0, 0, 0, 0]
    np.testing.assert_array_equal(
        read_label_map(path, num_classes=3, image_shape=(2, 3)), label_map)
    with pytest.raises(ValueError, match=r'class indices in \[0, 256\)'):
        save_label_map(np.array([[256]]), path, palette)
    with pytest.raises(ValueError, match='shape'):
        save_label_map(np.zeros((1, 2, 3)), path, palette)


def test_find_images_and_names(image_dir, tmp_path):
    paths = find_images(str(image_dir))
    names = label_map_names(paths, root=str(image_dir))
    assert sorted(names) == sorted(IMAGE_SIZES)
    assert label_map_names([str(image_dir / 'sub' / 'gray.PNG')
                            ]) == ['gray.png']
    with pytest.raises(ValueError, match='would both be saved as'):
        label_map_names(['x/a.jpg', 'x/a.png'])
    with pytest.raises(FileNotFoundError, match='no image files'):
        find_images(str(image_dir / '.hidden'), suffixes=('.jpg', ))
    with pytest.raises(FileNotFoundError, match='no such folder'):
        find_images(str(tmp_path / 'missing'))


def test_segment_folder_writes_masks_and_overlays(tmp_path, segmentor_files,
                                                  image_dir):
    model = init_weak_segmentor(*segmentor_files)
    out_dir = tmp_path / 'out'
    mask_paths = segment_folder(
        model, str(image_dir), str(out_dir), overlay=True)
    assert len(mask_paths) == len(IMAGE_SIZES)
    for name, size in IMAGE_SIZES.items():
        label_map = read_label_map(
            str(out_dir / 'masks' / name), 3, image_shape=size)
        with Image.open(out_dir / 'overlays' / name) as overlay:
            assert overlay.mode == 'RGB'
            overlay = np.asarray(overlay)
        assert overlay.shape == (*size, 3)
        if name == 'sixteen_bit.png':
            # background pixels (class 2) keep the image's colour, others
            # are blended with their class colour
            image = read_image_as_bgr(str(image_dir / name))[..., ::-1]
            background = label_map == 2
            assert background.any() and not background.all()
            np.testing.assert_array_equal(overlay[background],
                                          image[background])
            assert (overlay[~background] != image[~background]).any()


def test_segment_folder_names_unreadable_file(tmp_path, segmentor_files,
                                              image_dir):
    model = init_weak_segmentor(*segmentor_files)
    broken = image_dir / 'sub' / 'broken.png'
    broken.write_bytes(b'\x89PNG\r\n\x1a\n truncated')
    with pytest.raises(WeakTagDataError, match=str(broken)) as error:
        segment_folder(model, str(image_dir), str(tmp_path / 'out'))
    assert 'nothing was written' in str(error.value)
    # every input is checked first: no mask of the images before it
    assert not (tmp_path / 'out').exists()


def test_check_images_skips_and_lists_bad_files(image_dir):
    image_paths = find_images(str(image_dir))
    (image_dir / 'rgb.jpg').write_bytes(b'')
    readable, skipped = check_images(image_paths, skip_bad=True)
    assert [image_paths[index] for index in readable] == [
        path for path in image_paths if not path.endswith('rgb.jpg')
    ]
    assert len(skipped) == 1 and str(image_dir / 'rgb.jpg') in skipped[0]


def test_segment_one_pixel_image(tmp_path, segmentor_files, write_image):
    """A 1 x 1 image goes through a model with four poolings and no resize
    in its test pipeline: the input is padded, the padding cropped."""
    config, checkpoint = segmentor_files
    cfg = Config.fromfile(config)
    cfg.model.data_preprocessor.pop('test_cfg')  # as the demo configs
    cfg.model.data_preprocessor.size_divisor = 16
    write_image(tmp_path / 'images' / 'dot.png', np.zeros((1, 1, 3),
                                                          np.uint8))
    model = init_weak_segmentor(cfg, checkpoint)
    mask_paths = segment_folder(model, str(tmp_path / 'images'),
                                str(tmp_path / 'out'))
    assert read_label_map(mask_paths[0], 3, image_shape=(1, 1)).shape == (1,
                                                                          1)


def test_inference_tool(tmp_path, segmentor_files, image_dir):
    config, checkpoint = segmentor_files
    out_dir = tmp_path / 'tool_out'
    result = subprocess.run([
        sys.executable,
        str(REPO / 'tools' / 'inference.py'), config, checkpoint,
        str(image_dir), '--out-dir',
        str(out_dir), '--overlay', '--batch-size', '2'
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'wrote 4 label maps' in result.stdout
    for name, size in IMAGE_SIZES.items():
        read_label_map(str(out_dir / 'masks' / name), 3, image_shape=size)
        assert (out_dir / 'overlays' / name).is_file()


def test_inference_tool_skip_bad(tmp_path, segmentor_files, image_dir):
    config, checkpoint = segmentor_files
    broken = image_dir / 'sub' / 'broken.png'
    broken.write_bytes(b'')
    out_dir = tmp_path / 'tool_out'
    command = [
        sys.executable,
        str(REPO / 'tools' / 'inference.py'), config, checkpoint,
        str(image_dir), '--out-dir',
        str(out_dir)
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert str(broken) in result.stderr and 'empty (0 bytes)' in \
        result.stderr
    assert not out_dir.exists()

    result = subprocess.run(
        command + ['--skip-bad'], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'wrote 4 label maps' in result.stdout
    assert 'skipped 1 unreadable image(s)' in result.stdout
    assert str(broken) in result.stdout
    for name, size in IMAGE_SIZES.items():
        read_label_map(str(out_dir / 'masks' / name), 3, image_shape=size)
