# Copyright (c) mmweakseg contributors. All rights reserved.
import math

import pytest
import torch
import torchvision
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.classifiers import TagClassifier

TINY_RESNET = dict(
    type='ResNet',
    depth=18,
    stem_channels=8,
    base_channels=8,
    style='pytorch',
    out_indices=(3, ),
    norm_cfg=dict(type='BN'))
TINY_CHANNELS = 8 * 2**3
DATA_PREPROCESSOR = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    size=(32, 32))
# (background_index, gt_tags (N, K), hand-mapped foreground targets (N, K-1))
TAG_CASES = [
    (0, [[1, 1, 0], [1, 0, 1]], [[1, 0], [0, 1]]),
    (1, [[1, 1, 0], [0, 1, 1]], [[1, 0], [0, 1]]),
    (2, [[1, 0, 1], [0, 1, 1]], [[1, 0], [0, 1]]),
]


def _classifier(background_index=0, num_classes=3, **kwargs):
    init_default_scope('mmseg')
    cfg = dict(
        type='TagClassifier',
        backbone=TINY_RESNET,
        num_classes=num_classes,
        background_index=background_index,
        in_channels=TINY_CHANNELS,
        data_preprocessor=DATA_PREPROCESSOR)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _batch(gt_tags):
    """A dataloader batch of 32x32 uint8 BGR images with ``gt_tags``."""
    generator = torch.Generator().manual_seed(0)
    inputs, data_samples = [], []
    for tags in gt_tags:
        inputs.append(
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8))
        sample = SegDataSample(metainfo=dict(img_shape=(32, 32)))
        sample.set_field(
            torch.tensor(tags, dtype=torch.float32),
            'gt_tags',
            dtype=torch.Tensor)
        data_samples.append(sample)
    return dict(inputs=inputs, data_samples=data_samples)


@pytest.mark.parametrize('background_index,gt_tags,fg_targets',
                         [TAG_CASES[0], TAG_CASES[-1]])
def test_forward_modes(background_index, gt_tags, fg_targets):
    model = _classifier(background_index).eval()
    assert isinstance(model, TagClassifier)
    data = model.data_preprocessor(_batch(gt_tags), True)
    fg_indices = [k for k in range(3) if k != background_index]
    assert model.fg_indices == fg_indices

    logits = model(data['inputs'], mode='tensor')
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    predictions = model(data['inputs'], data['data_samples'], mode='predict')

    assert logits.shape == (2, 2)
    assert list(losses) == ['loss_cls']
    assert losses['loss_cls'].shape == () and losses['loss_cls'] > 0
    assert predictions is data['data_samples']
    for sample, sample_logits in zip(predictions, logits):
        scores = sample.pred_tag_scores
        assert scores.shape == (3, )
        assert scores[background_index] == 1.0
        torch.testing.assert_close(scores[fg_indices], sample_logits.sigmoid())
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(data['inputs'], mode='segment')


@pytest.mark.parametrize('background_index,gt_tags,fg_targets', TAG_CASES)
def test_loss_is_eq9_on_foreground_tags(background_index, gt_tags, fg_targets):
    model = _classifier(background_index).eval()
    data = model.data_preprocessor(_batch(gt_tags), True)

    logits = model(data['inputs'], mode='tensor').tolist()
    loss = model(data['inputs'], data['data_samples'], mode='loss')['loss_cls']

    def bce(z, y):
        p = 1 / (1 + math.exp(-z))
        return -y * math.log(p) - (1 - y) * math.log(1 - p)

    expected = sum(
        bce(z, y) for image_logits, image_targets in zip(logits, fg_targets)
        for z, y in zip(image_logits, image_targets)) / len(fg_targets)
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_predict_without_data_samples():
    model = _classifier(background_index=2).eval()
    predictions = model.predict(torch.randn(3, 3, 32, 32))

    assert len(predictions) == 3
    for sample in predictions:
        assert isinstance(sample, SegDataSample)
        assert sample.pred_tag_scores.shape == (3, )
        assert sample.pred_tag_scores[2] == 1.0


def test_features_and_fc_give_class_activation_maps():
    model = _classifier(num_classes=4, background_index=3).eval()
    inputs = torch.randn(2, 3, 64, 64)

    feats = model.extract_feat(inputs)
    cams = torch.einsum('kc,nchw->nkhw', model.fc.weight, feats)

    assert feats.shape == (2, TINY_CHANNELS, 2, 2)
    assert model.fc.weight.shape == (3, TINY_CHANNELS)
    torch.testing.assert_close(
        cams.mean(dim=(2, 3)) + model.fc.bias, model(inputs))


def test_train_step_updates_weights():
    model = _classifier(background_index=0)
    optim_wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), 1e-2))
    fc_before = model.fc.weight.detach().clone()
    conv_before = model.backbone.conv1.weight.detach().clone()

    log_vars = model.train_step(_batch([[1, 1, 0], [1, 0, 1]]), optim_wrapper)

    assert set(log_vars) == {'loss', 'loss_cls'}
    assert torch.isfinite(log_vars['loss'])
    assert not torch.equal(model.fc.weight, fc_before)
    assert not torch.equal(model.backbone.conv1.weight, conv_before)


def test_val_step_returns_tag_scores():
    model = _classifier(background_index=1).eval()
    data = _batch([[1, 1, 0], [0, 1, 1]])
    with torch.no_grad():
        predictions = model.val_step(data)
    assert [p.pred_tag_scores[1].item() for p in predictions] == [1.0, 1.0]


def test_resnet18_loads_torchvision_state_dict(tmp_path):
    checkpoint = tmp_path / 'resnet18.pth'
    state_dict = torchvision.models.resnet18().state_dict()
    torch.save(state_dict, checkpoint)
    init_default_scope('mmseg')
    model = MODELS.build(
        dict(
            type='TagClassifier',
            backbone=dict(
                type='ResNet',
                depth=18,
                style='pytorch',
                out_indices=(3, ),
                norm_cfg=dict(type='BN'),
                init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint))),
            num_classes=2,
            background_index=1,
            in_channels=512))

    model.init_weights()

    loaded = model.backbone.state_dict()
    assert set(loaded) == {k for k in state_dict if not k.startswith('fc.')}
    for name, tensor in loaded.items():
        assert torch.equal(tensor, state_dict[name]), name


def test_missing_pretrained_file_is_a_clear_error(tmp_path):
    missing = str(tmp_path / 'checkpoints' / 'resnet18-f37072fd.pth')
    backbone = dict(
        TINY_RESNET, init_cfg=dict(type='Pretrained', checkpoint=missing))
    with pytest.raises(FileNotFoundError) as error:
        _classifier(backbone=backbone)
    message = str(error.value)
    assert missing in message
    assert 'no download is attempted' in message
    assert '`backbone.init_cfg.checkpoint`' in message


def test_invalid_arguments():
    with pytest.raises(ValueError, match='background_index'):
        _classifier(background_index=3)
    with pytest.raises(ValueError, match='at least 2'):
        _classifier(num_classes=1)
    with pytest.raises(ValueError, match='`in_channels` is 32'):
        _classifier(in_channels=32).eval()(torch.randn(1, 3, 32, 32))
    model = _classifier()
    data = model.data_preprocessor(_batch([[1, 1, 0, 0]]), True)
    with pytest.raises(ValueError, match='K=3 entries'):
        model(**data, mode='loss')
