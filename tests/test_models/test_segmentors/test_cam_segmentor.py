# Copyright (c) mmweakseg contributors. All rights reserved.
from pathlib import Path
from typing import List

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.model import BaseModule
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.segmentors import normalised_cams

init_default_scope('mmseg')
CAM_CONFIG = Path(__file__).parents[3] / \
    'configs/cam/cam_tagcls-r18-w32_weak-demo-64x64.py'


@MODELS.register_module(force=True)
class PassThroughBackbone(BaseModule):
    """Stand-in backbone whose only feature map is the input, so that the
    CAMs are computable by hand; the 1x1 conv gives it weights to load."""

    def __init__(self, init_cfg=None):
        super().__init__(init_cfg)
        self.conv = nn.Conv2d(3, 3, 1)
        nn.init.dirac_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)

    def forward(self, inputs):
        return (self.conv(inputs), )


def classifier_cfg(num_classes: int = 3, background_index: int = 1) -> dict:
    return dict(
        type='TagClassifier',
        backbone=dict(type='PassThroughBackbone'),
        num_classes=num_classes,
        background_index=background_index,
        in_channels=3)


def save_stage1(tmp_path, fc_weight: torch.Tensor) -> str:
    """A stage-1 checkpoint as the runner writes it (config in meta)."""
    classifier = MODELS.build(classifier_cfg())
    with torch.no_grad():
        classifier.fc.weight.copy_(fc_weight)
    path = str(tmp_path / 'stage1.pth')
    torch.save(
        dict(
            state_dict=classifier.state_dict(),
            meta=dict(cfg=Config(dict(model=classifier_cfg())).pretty_text)),
        path)
    return path


def make_samples(tags: List[List[float]], size=(2, 2)) -> List[SegDataSample]:
    samples = []
    for sample_tags in tags:
        sample = SegDataSample(
            metainfo=dict(ori_shape=size, img_shape=size, pad_shape=size))
        sample.set_field(
            torch.tensor(sample_tags), 'gt_tags', dtype=torch.Tensor)
        samples.append(sample)
    return samples


# K = 3, background 1: the foreground outputs are classes 0 and 2; the CAM
# of class 0 is channel 0 of the image, the CAM of class 2 is channel 1.
FC_WEIGHT = torch.tensor([[1., 0., 0.], [0., 1., 0.]])
IMAGE = torch.tensor([[[[1.0, 0.5], [0.0, -2.0]], [[0.0, -1.0], [0.3, 0.9]],
                       [[7.0, 7.0], [7.0, 7.0]]]])


@pytest.fixture
def cam(tmp_path):
    return MODELS.build(
        dict(
            type='CAMSegmentor',
            checkpoint=save_stage1(tmp_path, FC_WEIGHT),
            threshold=0.4))


def test_normalised_cams_by_hand():
    features = torch.tensor([[[[1., 2.], [0., -1.]], [[0., 0.], [3., 1.]]]])
    weight = torch.tensor([[1., 0.], [0., 1.], [-1., 0.]])
    cams = normalised_cams(features, weight, torch.Size((2, 2)))
    # relu, then each map over its maximum (2, 3 and 1)
    expected = torch.tensor([[[[0.5, 1.], [0., 0.]], [[0., 0.], [1., 1 / 3]],
                              [[0., 0.], [0., 1.]]]])
    assert torch.allclose(cams, expected, atol=1e-4)


def test_normalised_cams_resize_and_range():
    features = torch.rand(2, 4, 2, 2)
    weight = torch.randn(3, 4)
    cams = normalised_cams(features, weight, torch.Size((8, 8)))
    assert cams.shape == (2, 3, 8, 8)
    assert cams.min() >= 0 and cams.max() < 1
    peaks = cams.amax(dim=(2, 3))
    assert torch.all((peaks == 0) | (peaks > 0.999))
    # a constant 1 x 1 map is constant after resizing
    flat = normalised_cams(
        torch.ones(1, 1, 1, 1), torch.ones(1, 1), torch.Size((4, 4)))
    assert torch.allclose(flat, torch.ones(1, 1, 4, 4), atol=1e-4)


def test_cams_of_the_classifier(cam):
    cams = cam(IMAGE, mode='tensor')
    assert cams.shape == (1, 2, 2, 2)
    # channel 0 (max 1) and channel 1 (max 0.9), negatives clipped
    assert torch.allclose(
        cams[0, 0], torch.tensor([[1.0, 0.5], [0.0, 0.0]]), atol=1e-4)
    assert torch.allclose(
        cams[0, 1], torch.tensor([[0.0, 0.0], [1 / 3, 1.0]]), atol=1e-4)


def test_predict_all_tags_present(cam):
    results = cam.predict(IMAGE, make_samples([[1., 1., 1.]]))
    scores = results[0].seg_logits.data
    assert torch.allclose(scores[1], torch.full((2, 2), 0.4))
    assert torch.allclose(
        scores[2], torch.tensor([[0.0, 0.0], [1 / 3, 1.0]]), atol=1e-4)
    # class 0 wins the top row, class 2's 1/3 < 0.4 leaves background
    assert results[0].pred_sem_seg.data.tolist() == [[[0, 0], [1, 2]]]


def test_absent_class_is_never_predicted(cam):
    results = cam.predict(IMAGE, make_samples([[1., 1., 0.]]))
    assert torch.equal(results[0].seg_logits.data[2], torch.zeros(2, 2))
    assert results[0].pred_sem_seg.data.tolist() == [[[0, 0], [1, 1]]]


def test_batch_and_flip_undone(cam):
    samples = make_samples([[1., 1., 1.], [0., 1., 1.]])
    samples[1].set_metainfo(dict(flip=True, flip_direction='horizontal'))
    results = cam.predict(torch.cat([IMAGE, IMAGE]), samples)
    assert results[0].pred_sem_seg.data.tolist() == [[[0, 0], [1, 2]]]
    assert results[1].pred_sem_seg.data.tolist() == [[[1, 1], [2, 1]]]


def test_tags_required(cam):
    with pytest.raises(KeyError, match='gt_tags'):
        cam.predict(IMAGE, [SegDataSample(metainfo=dict(ori_shape=(2, 2)))])


def test_stage1_checkpoint_layout(tmp_path, cam):
    """The segmentor holds the classifier's backbone and fc, so the stage-1
    checkpoint loads strictly, as ``tools/test.py`` does."""
    checkpoint = save_stage1(tmp_path, FC_WEIGHT)
    stage1_keys = set(torch.load(checkpoint, weights_only=False)['state_dict'])
    assert set(cam.state_dict()) == stage1_keys
    with torch.no_grad():
        cam.fc.weight.zero_()
    load_checkpoint(cam, checkpoint, strict=True)
    assert torch.equal(cam.fc.weight, FC_WEIGHT)
    assert cam.num_classes == 3 and cam.background_index == 1
    assert cam.fg_indices == [0, 2]
    assert not any(p.requires_grad for p in cam.parameters())


def test_demo_config_builds_from_stage1_meta(tmp_path):
    """The shipped config with a stage-1 checkpoint of its classes."""
    cfg = Config.fromfile(CAM_CONFIG)
    classifier = classifier_cfg(num_classes=4, background_index=0)
    path = str(tmp_path / 'stage1.pth')
    torch.save(
        dict(
            state_dict=MODELS.build(classifier).state_dict(),
            meta=dict(cfg=Config(dict(model=classifier)).pretty_text)), path)
    cfg.model.checkpoint = path
    model = MODELS.build(cfg.model)
    inputs = torch.randint(0, 256, (3, 64, 64), dtype=torch.uint8)
    sample = make_samples([[1., 1., 0., 1.]], size=(64, 64))[0]
    results = model.test_step(dict(inputs=[inputs], data_samples=[sample]))
    assert results[0].seg_logits.data.shape == (4, 64, 64)
    assert set(results[0].pred_sem_seg.data.unique().tolist()) <= {0, 1, 3}


@pytest.mark.parametrize('field, value', [('num_classes', 4),
                                          ('background_index', 0)])
def test_class_layout_must_match_classifier(tmp_path, field, value):
    with pytest.raises(ValueError, match=f'`model.{field}` is {value}'):
        MODELS.build({
            'type': 'CAMSegmentor',
            'checkpoint': save_stage1(tmp_path, FC_WEIGHT),
            field: value
        })


@pytest.mark.parametrize('threshold', [0., 1., -0.1])
def test_threshold_range(tmp_path, threshold):
    with pytest.raises(ValueError, match=r'`threshold` must be in \(0, 1\)'):
        MODELS.build(
            dict(
                type='CAMSegmentor',
                checkpoint=save_stage1(tmp_path, FC_WEIGHT),
                threshold=threshold))


def test_missing_checkpoint_names_the_field(tmp_path):
    with pytest.raises(FileNotFoundError, match='the CAMSegmentor'):
        MODELS.build(
            dict(type='CAMSegmentor', checkpoint=str(tmp_path / 'no.pth')))


def test_nothing_to_train(cam):
    with pytest.raises(RuntimeError, match='nothing to train'):
        cam(IMAGE, make_samples([[1., 1., 1.]]), mode='loss')


def test_backbone_overrides_refine_the_cams(tmp_path):
    """The output-stride-8 config dilates the stage-1 ResNet at test time:
    same weights (strict load), CAMs of 8 x 8 instead of 2 x 2 at 64 x 64."""
    classifier = dict(
        type='TagClassifier',
        num_classes=4,
        background_index=0,
        in_channels=64,
        backbone=dict(
            type='ResNet', depth=18, stem_channels=8, base_channels=8))
    path = str(tmp_path / 'stage1.pth')
    torch.save(
        dict(
            state_dict=MODELS.build(classifier).state_dict(),
            meta=dict(cfg=Config(dict(model=classifier)).pretty_text)), path)
    inputs = torch.randn(1, 3, 64, 64)
    feature_sizes = {}
    for config in ('cam_tagcls-r18-w32_weak-demo-64x64.py',
                   'cam_tagcls-r18-w32-os8_weak-demo-64x64.py'):
        cfg = Config.fromfile(CAM_CONFIG.parent / config)
        cfg.model.checkpoint = path
        model = MODELS.build(cfg.model).eval()
        feature_sizes[config] = tuple(model.extract_feat(inputs).shape[2:])
        assert model(inputs).shape == (1, 3, 64, 64)
    assert list(feature_sizes.values()) == [(2, 2), (8, 8)]
