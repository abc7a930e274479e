# Copyright (c) mmweakseg contributors. All rights reserved.
import json
import math
import os.path as osp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmseg.registry import DATASETS, MODELS

from mmweakseg.apis import (export_pseudo_labels, init_weak_segmentor,
                            predict_images)
from mmweakseg.apis.pseudo_labels import ignore_unconfident, restrict_to_tags
from mmweakseg.datasets import WeakTagDataset, read_label_map

REPO = Path(__file__).parents[2]
STAGE2_CONFIG = REPO / 'configs/retrained/' \
    'fcn_r18-w16-d8_1xb16-1k_weak-demo-pseudo-64x64.py'
ROUND_TRIP_PIPELINE = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='PackWeakSegInputs')
]
# image name -> (size (H, W), tags); the background is class 2
IMAGES = {
    'a.png': ((20, 24, 3), ['cat']),
    'b.png': ((17, 31), ['cat', 'dog']),
    'sub/c.png': ((33, 18, 4), []),
}


@pytest.fixture
def weak_data_root(tmp_path, write_image) -> Path:
    """images/train/{a,b,sub/c}.png (RGB, grayscale, RGBA) and
    annotations/train.json with tags, tag areas for a.png, no masks."""
    root = tmp_path / 'weak'
    rng = np.random.default_rng(0)
    data_list = []
    for name, (shape, tags) in IMAGES.items():
        write_image(root / 'images' / 'train' / name,
                    rng.integers(0, 256, shape, np.uint8))
        data_list.append(dict(img_path=f'images/train/{name}', tags=tags))
    data_list[0]['tag_areas'] = dict(cat=0.25, background=0.75)
    annotation = dict(
        metainfo=dict(
            classes=['cat', 'dog', 'background'], background='background'),
        data_list=data_list)
    (root / 'annotations').mkdir()
    (root / 'annotations' / 'train.json').write_text(json.dumps(annotation))
    return root


def test_restrict_to_tags_by_hand():
    # (K, H, W) = (3, 1, 2): plain argmax gives classes [0, 1]
    seg_logits = torch.tensor([[[5., 0.]], [[1., 3.]], [[2., 1.]]])
    assert seg_logits.argmax(dim=0).tolist() == [[0, 1]]
    label_map = restrict_to_tags(seg_logits, torch.tensor([1., 0., 1.]))
    assert label_map.dtype == torch.int64
    assert label_map.tolist() == [[0, 2]]  # class 1 is not tagged
    only_dog = torch.tensor([0., 1., 0.])
    assert restrict_to_tags(seg_logits, only_dog).tolist() == [[1, 1]]
    assert restrict_to_tags(seg_logits, torch.ones(3)).tolist() == [[0, 1]]
    with pytest.raises(ValueError, match='no tag'):
        restrict_to_tags(seg_logits, torch.zeros(3))
    with pytest.raises(ValueError, match='expected 3 tags'):
        restrict_to_tags(seg_logits, torch.ones(2))


def test_ignore_unconfident_by_hand():
    # (K, H, W) = (3, 1, 2); pixel 0: logits (0, log 3, -inf-ish)
    seg_logits = torch.tensor([[[0., 0.]], [[math.log(3.), 0.]],
                               [[-30., 0.]]])
    labels = torch.tensor([[1, 0]])
    tags = torch.tensor([1., 1., 0.])
    # tagged probabilities: pixel 0 (1/4, 3/4), pixel 1 (1/2, 1/2)
    assert ignore_unconfident(labels, seg_logits, tags, 0.7).tolist() == [[
        1, 255
    ]]
    assert ignore_unconfident(labels, seg_logits, tags, 0.8).tolist() == [[
        255, 255
    ]]
    # over all three classes pixel 1 is only 1/3 sure
    assert ignore_unconfident(labels, seg_logits, torch.ones(3),
                              0.4).tolist() == [[1, 255]]
    with pytest.raises(ValueError, match='min_confidence'):
        ignore_unconfident(labels, seg_logits, tags, 1.0)


def test_export_with_an_ignore_band(tmp_path, segmentor_files,
                                    weak_data_root):
    plain_dir, band_dir = tmp_path / 'plain', tmp_path / 'band'
    source = export(segmentor_files, weak_data_root, plain_dir)
    export(segmentor_files, weak_data_root, band_dir, min_confidence=0.9)
    model = init_weak_segmentor(*segmentor_files)
    for index, (name, prediction) in enumerate(
            zip(IMAGES,
                predict_images(model, [
                    source.get_data_info(i)['img_path']
                    for i in range(len(source))
                ]))):
        tags = torch.from_numpy(source.get_data_info(index)['gt_tags'])
        allowed = tags > 0
        probs = prediction.seg_logits.data[allowed].softmax(dim=0).amax(0)
        plain, band = (read_label_map(str(root / 'masks' / 'train' / name),
                                      3) for root in (plain_dir, band_dir))
        unsure = (probs < 0.9).numpy()
        assert (band[unsure] == 255).all()
        np.testing.assert_array_equal(band[~unsure], plain[~unsure])


def export(segmentor_files, weak_data_root: Path, out_dir: Path,
           **kwargs) -> WeakTagDataset:
    """Export pseudo-labels of the train split; returns the source
    dataset."""
    model = init_weak_segmentor(*segmentor_files)
    dataset = WeakTagDataset(
        data_root=str(weak_data_root), ann_file='annotations/train.json')
    ann_file = export_pseudo_labels(
        model, dataset, str(out_dir), 'train', batch_size=2, **kwargs)
    assert ann_file == osp.join(str(out_dir), 'annotations', 'train.json')
    return dataset


def test_export_round_trips_through_dataset(tmp_path, segmentor_files,
                                            dataset_meta, weak_data_root):
    out_dir = tmp_path / 'pseudo'
    source = export(segmentor_files, weak_data_root, out_dir)
    reloaded = WeakTagDataset(
        data_root=str(out_dir),
        ann_file='annotations/train.json',
        pipeline=ROUND_TRIP_PIPELINE,
        allow_outside_data_root=True)  # img_path: the original images

    assert reloaded.metainfo['classes'] == dataset_meta['classes']
    assert reloaded.metainfo['background_index'] == 2
    assert reloaded.metainfo['palette'] == source.metainfo['palette']
    assert len(reloaded) == len(IMAGES)
    for index, (image, (shape, tags)) in enumerate(IMAGES.items()):
        info = reloaded.get_data_info(index)
        original = source.get_data_info(index)
        assert info['img_path'] == osp.abspath(original['img_path'])
        assert info['seg_map_path'] == str(out_dir / 'masks' / 'train' / image)
        np.testing.assert_array_equal(info['gt_tags'], [
            float(name in tags or name == 'background')
            for name in dataset_meta['classes']
        ])

        item = reloaded[index]
        label_map = item['data_samples'].gt_sem_seg.data[0].numpy()
        assert label_map.shape == shape[:2]
        assert item['inputs'].shape[1:] == shape[:2]
        tagged = np.flatnonzero(original['gt_tags'])
        assert set(np.unique(label_map)) <= set(tagged)
    np.testing.assert_allclose(
        reloaded.get_data_info(0)['gt_tag_areas'], [0.25, 0, 0.75])
    assert 'gt_tag_areas' not in reloaded.get_data_info(1)
    # c.png is tagged with the background only
    assert (reloaded[2]['data_samples'].gt_sem_seg.data == 2).all()


def test_export_without_tag_restriction_keeps_argmax(tmp_path, segmentor_files,
                                                     weak_data_root):
    restricted_dir, plain_dir = tmp_path / 'restricted', tmp_path / 'plain'
    source = export(segmentor_files, weak_data_root, restricted_dir)
    export(segmentor_files, weak_data_root, plain_dir, tag_restricted=False)
    model = init_weak_segmentor(*segmentor_files)
    image_paths = [
        source.get_data_info(i)['img_path'] for i in range(len(source))
    ]
    for index, (name, prediction) in enumerate(
            zip(IMAGES, predict_images(model, image_paths))):
        plain = prediction.pred_sem_seg.data[0].numpy()
        restricted = restrict_to_tags(
            prediction.seg_logits.data,
            torch.from_numpy(source.get_data_info(index)['gt_tags'])).numpy()
        reloaded = [
            read_label_map(str(root / 'masks' / 'train' / name), 3)
            for root in (plain_dir, restricted_dir)
        ]
        np.testing.assert_array_equal(reloaded[0], plain)
        np.testing.assert_array_equal(reloaded[1], restricted)
        # only pixels whose argmax is an untagged class change
        tagged = source.get_data_info(index)['gt_tags'][plain] > 0
        np.testing.assert_array_equal(restricted[tagged], plain[tagged])


def test_export_rejects_other_classes(tmp_path, segmentor_files,
                                      weak_data_root):
    ann_file = weak_data_root / 'annotations' / 'train.json'
    annotation = json.loads(ann_file.read_text())
    annotation['metainfo']['classes'].insert(2, 'bird')
    ann_file.write_text(json.dumps(annotation))
    model = init_weak_segmentor(*segmentor_files)
    dataset = WeakTagDataset(
        ann_file=str(ann_file), data_root=str(weak_data_root))
    with pytest.raises(ValueError, match='4 classes'):
        export_pseudo_labels(model, dataset, str(tmp_path / 'out'), 'train')


def test_stage2_config_trains_on_export(tmp_path, segmentor_files,
                                        weak_data_root):
    out_dir = tmp_path / 'pseudo'
    export(segmentor_files, weak_data_root, out_dir)
    cfg = Config.fromfile(str(STAGE2_CONFIG))
    cfg.train_dataloader.dataset.data_root = str(out_dir)
    for head in ('decode_head', 'auxiliary_head'):
        cfg.model[head].num_classes = 3
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    batch = pseudo_collate([dataset[0], dataset[1]])
    # images of any size are resized to the 64 x 64 crop, masks with them
    assert batch['data_samples'][0].gt_sem_seg.shape == (64, 64)
    losses = model.train_step(batch, optim_wrapper)
    assert set(losses) >= {'decode.loss_ce', 'aux.loss_ce'}
    assert all(torch.isfinite(value) for value in losses.values())


def write_tool_config(tmp_path: Path, config: str,
                      weak_data_root: Path) -> Path:
    """A config of the tiny segmentor whose train and val dataloaders read
    ``weak_data_root``."""
    tool_config = tmp_path / 'with_data.py'
    dataset = dict(
        type='WeakTagDataset',
        data_root=str(weak_data_root),
        ann_file='annotations/train.json',
        pipeline=ROUND_TRIP_PIPELINE)
    tool_config.write_text(f'_base_ = [{config!r}]\n'
                           f'train_dataloader = dict(dataset={dataset!r})\n'
                           'val_dataloader = train_dataloader\n')
    return tool_config


def test_export_tool(tmp_path, segmentor_files, weak_data_root):
    config, checkpoint = segmentor_files
    tool_config = write_tool_config(tmp_path, config, weak_data_root)
    out_dir = tmp_path / 'tool_out'
    result = subprocess.run([
        sys.executable,
        str(REPO / 'tools' / 'export_pseudo_labels.py'),
        str(tool_config), checkpoint, '--split', 'train', '--out-dir',
        str(out_dir)
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'wrote 3 pseudo-label masks' in result.stdout
    reloaded = WeakTagDataset(
        data_root=str(out_dir),
        ann_file='annotations/train.json',
        allow_outside_data_root=True)
    assert len(reloaded) == len(IMAGES)


def test_export_tool_skip_bad(tmp_path, segmentor_files, weak_data_root):
    """An unreadable image: without --skip-bad nothing is written and the
    file is named; with it the others are exported and it is listed."""
    config, checkpoint = segmentor_files
    broken = weak_data_root / 'images' / 'train' / 'b.png'
    broken.write_bytes(b'\x89PNG\r\n\x1a\n cut short')
    tool_config = write_tool_config(tmp_path, config, weak_data_root)
    command = [
        sys.executable,
        str(REPO / 'tools' / 'export_pseudo_labels.py'),
        str(tool_config), checkpoint, '--out-dir',
        str(tmp_path / 'out')
    ]

    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    assert str(broken) in result.stderr
    assert 'nothing was written' in result.stderr
    assert not (tmp_path / 'out').exists()

    result = subprocess.run(
        command + ['--skip-bad'], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'wrote 2 pseudo-label masks' in result.stdout
    assert 'skipped 1 unreadable image(s)' in result.stdout
    assert str(broken) in result.stdout
    annotation = json.loads(
        (tmp_path / 'out' / 'annotations' / 'train.json').read_text())
    assert [osp.basename(entry['img_path'])
            for entry in annotation['data_list']] == ['a.png', 'c.png']
