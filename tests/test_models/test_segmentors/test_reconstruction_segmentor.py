# Copyright (c) mmweakseg contributors. All rights reserved.
import copy
from typing import List, Optional

import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmseg.models import SegTTAModel
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.segmentors import ReconstructionSegmentor

# configs run with default_scope='mmseg'; BaseModel builds the data
# preprocessor in the current scope
init_default_scope('mmseg')

DATA_PREPROCESSOR = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    size=(32, 32),
    pad_val=0,
    seg_pad_val=255)


def classifier_cfg(num_classes: int, background_index: int) -> dict:
    """A tiny TagClassifier with BN layers (so it has running statistics)."""
    return dict(
        type='TagClassifier',
        backbone=dict(
            type='ReconUNetEncoder', base_channels=4,
            norm_cfg=dict(type='BN')),
        num_classes=num_classes,
        background_index=background_index,
        in_channels=64)


def save_classifier(tmp_path, num_classes: int, background_index: int) -> str:
    """Write a stage-1 checkpoint the way the runner does ('state_dict')."""
    classifier = MODELS.build(classifier_cfg(num_classes, background_index))
    path = str(tmp_path / f'classifier_k{num_classes}_bg{background_index}')
    torch.save({'state_dict': classifier.state_dict(), 'meta': {}}, path)
    return path


def segmentor_cfg(checkpoint: str,
                  num_classes: int = 2,
                  background_index: int = 0,
                  backbone: Optional[dict] = None) -> dict:
    """The paper's model, tiny (w = 8) unless ``backbone`` is given."""
    return dict(
        type='ReconstructionSegmentor',
        data_preprocessor=DATA_PREPROCESSOR,
        backbone=backbone or dict(type='ReconUNetEncoder', base_channels=8),
        mask_decoder=dict(type='UNetDecoder'),
        imagelet_decoder=dict(type='UNetDecoder'),
        losses=[
            dict(type='ReconstructionLoss'),
            dict(type='MaskAreaLoss', loss_weight=1e-3),
            dict(
                type='ImageletClassifierLoss',
                classifier=classifier_cfg(num_classes, background_index),
                checkpoint=checkpoint,
                loss_weight=1e-3)
        ],
        num_classes=num_classes,
        background_index=background_index,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def build_segmentor(tmp_path, num_classes=2, background_index=0, **kwargs):
    checkpoint = save_classifier(tmp_path, num_classes, background_index)
    return MODELS.build(
        segmentor_cfg(checkpoint, num_classes, background_index, **kwargs))


def make_batch(num_classes: int,
               background_index: int = 0,
               num_imgs: int = 2,
               size=(32, 32)) -> dict:
    """Random uint8 images with tags: background plus class i mod K."""
    inputs, data_samples = [], []
    for i in range(num_imgs):
        inputs.append(torch.randint(0, 256, (3, *size), dtype=torch.uint8))
        tags = torch.zeros(num_classes)
        tags[[background_index, i % num_classes]] = 1
        data_sample = SegDataSample(
            metainfo=dict(
                ori_shape=size,
                img_shape=size,
                pad_shape=size,
                padding_size=[0, 0, 0, 0]))
        data_sample.set_field(tags, 'gt_tags', dtype=torch.Tensor)
        data_samples.append(data_sample)
    return dict(inputs=inputs, data_samples=data_samples)


def frozen_state(segmentor) -> List[torch.Tensor]:
    classifier = segmentor.losses[2].classifier
    return [t.clone() for t in classifier.state_dict().values()]


@pytest.mark.parametrize('num_classes, background_index', [(2, 0), (3, 2)])
def test_decompose(tmp_path, num_classes, background_index):
    segmentor = build_segmentor(tmp_path, num_classes, background_index)
    assert isinstance(segmentor, ReconstructionSegmentor)
    assert segmentor.num_classes == num_classes
    assert segmentor.background_index == background_index
    assert segmentor.mask_decoder.in_channels == [8, 16, 32, 64, 128]
    assert segmentor.mask_decoder.out_channels == num_classes
    assert segmentor.imagelet_decoder.out_channels == 3 * num_classes

    inputs = torch.randn(2, 3, 32, 32)
    out = segmentor.decompose(inputs)
    k = num_classes
    assert out['mask_logits'].shape == (2, k, 32, 32)
    assert out['imagelets'].shape == (2, k, 3, 32, 32)
    assert out['reconstruction'].shape == (2, 3, 32, 32)
    torch.testing.assert_close(out['masks'], out['mask_logits'].softmax(dim=1))
    torch.testing.assert_close(out['masks'].sum(dim=1), torch.ones(2, 32, 32))
    # Eq. 1, one image-let at a time
    expected = sum(out['masks'][:, i, None] * out['imagelets'][:, i]
                   for i in range(k))
    torch.testing.assert_close(out['reconstruction'], expected)
    # image-let k is decoder channels 3k .. 3k+2
    raw = segmentor.imagelet_decoder(segmentor.extract_feat(inputs))
    torch.testing.assert_close(out['imagelets'][:, k - 1],
                               raw[:, 3 * k - 3:3 * k])
    assert segmentor(inputs, mode='tensor').shape == (2, k, 32, 32)


def test_loss_keys_and_gradients(tmp_path):
    segmentor = build_segmentor(tmp_path, 3, 0)
    data = segmentor.data_preprocessor(make_batch(3), True)
    losses = segmentor(**data, mode='loss')
    assert set(losses) == {'loss_recon', 'loss_mask', 'loss_cls'}
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    for part in ('backbone', 'mask_decoder', 'imagelet_decoder'):
        for name, param in getattr(segmentor, part).named_parameters():
            assert param.grad is not None and param.grad.abs().sum() > 0, (
                f'{part}.{name}')


def test_losses_with_same_name_are_summed(tmp_path):
    cfg = segmentor_cfg(save_classifier(tmp_path, 2, 0))
    cfg['losses'] = [
        dict(type='ReconstructionLoss'),
        dict(type='ReconstructionLoss', loss_weight=2.)
    ]
    segmentor = MODELS.build(cfg)
    data = segmentor.data_preprocessor(make_batch(2), True)
    recon = segmentor.decompose(data['inputs'])['reconstruction']
    expected = 3 * torch.mean((recon - data['inputs'])**2)
    losses = segmentor(**data, mode='loss')
    assert list(losses) == ['loss_recon']
    torch.testing.assert_close(losses['loss_recon'], expected)


def test_frozen_classifier_unchanged_by_training(tmp_path):
    segmentor = build_segmentor(tmp_path, 3, 2)
    classifier = segmentor.losses[2].classifier
    before = frozen_state(segmentor)
    assert any('running_mean' in name for name in classifier.state_dict())

    classifier_ids = {id(p) for p in classifier.parameters()}
    assert not classifier_ids & {id(p) for p in segmentor.parameters()}
    assert not any('classifier' in name for name in segmentor.state_dict())

    segmentor.init_weights()  # as the runner does; must not reach it
    segmentor.train()
    optim_wrapper = OptimWrapper(
        torch.optim.Adam(segmentor.parameters(), lr=1e-3))
    for _ in range(3):
        log_vars = segmentor.train_step(make_batch(3, 2), optim_wrapper)
        assert {'loss', 'loss_recon', 'loss_mask', 'loss_cls'} <= set(log_vars)
    assert segmentor.training and not classifier.training
    for old, new in zip(before, frozen_state(segmentor)):
        assert torch.equal(old, new)


@pytest.mark.parametrize('num_classes, background_index', [(2, 0), (3, 2)])
def test_predict_undoes_padding_and_resizes(tmp_path, num_classes,
                                            background_index):
    segmentor = build_segmentor(tmp_path, num_classes, background_index)
    segmentor.eval()
    batch = make_batch(num_classes, background_index)
    for data_sample in batch['data_samples']:
        # a 28 x 32 image padded at the bottom to 32 x 32, shown at 20 x 24
        data_sample.set_metainfo(
            dict(
                ori_shape=(20, 24),
                img_shape=(28, 32),
                padding_size=[0, 0, 0, 4]))
    results = segmentor.val_step(batch)
    assert len(results) == 2
    for result in results:
        assert result.pred_sem_seg.shape == (20, 24)
        assert result.seg_logits.data.shape == (num_classes, 20, 24)
        labels = result.pred_sem_seg.data.unique()
        assert labels.min() >= 0 and labels.max() < num_classes
        scores = result.pred_tag_scores
        assert scores.shape == (num_classes, )
        torch.testing.assert_close(scores.sum(), torch.tensor(1.))
        torch.testing.assert_close(
            scores,
            result.seg_logits.data.softmax(0).mean(dim=(1, 2)))


def test_predict_without_data_samples(tmp_path):
    segmentor = build_segmentor(tmp_path)
    results = segmentor.predict(torch.randn(1, 3, 32, 32))
    assert results[0].pred_sem_seg.shape == (32, 32)
    assert results[0].pred_tag_scores.shape == (2, )


def test_tta_merges_flipped_predictions(tmp_path):
    segmentor = build_segmentor(tmp_path)
    segmentor.eval()
    tta = SegTTAModel(module=segmentor)
    plain = make_batch(2, num_imgs=1)
    flipped = copy.deepcopy(plain)
    flipped['inputs'] = [plain['inputs'][0].flip(-1)]
    flipped['data_samples'][0].set_metainfo(
        dict(flip=True, flip_direction='horizontal'))
    for batch in (plain, flipped):
        batch['data_samples'][0].set_metainfo(dict(img_path='a.png'))
    results = tta.test_step(
        dict(
            inputs=[plain['inputs'], flipped['inputs']],
            data_samples=[plain['data_samples'], flipped['data_samples']]))
    assert results[0].pred_sem_seg.shape == (32, 32)


@pytest.mark.parametrize('backbone', [
    dict(type='ResNetV1c', depth=18, out_indices=(0, 1, 2, 3)),
    dict(type='MobileNetV2', out_indices=(1, 2, 4, 6)),
])
def test_mmseg_backbones_train_step(tmp_path, backbone):
    segmentor = build_segmentor(tmp_path, 3, 0, backbone=backbone)
    segmentor.train()
    assert segmentor(torch.randn(2, 3, 32, 32)).shape == (2, 3, 32, 32)
    optim_wrapper = OptimWrapper(
        torch.optim.Adam(segmentor.parameters(), lr=1e-3))
    before = [p.clone() for p in segmentor.mask_decoder.parameters()]
    log_vars = segmentor.train_step(make_batch(3), optim_wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert any(
        not torch.equal(old, new)
        for old, new in zip(before, segmentor.mask_decoder.parameters()))


def test_paper_parameter_count(tmp_path):
    cfg = segmentor_cfg(
        save_classifier(tmp_path, 2, 1), 2, 1,
        dict(type='ReconUNetEncoder', base_channels=64))
    segmentor = MODELS.build(cfg)
    trainable = sum(p.numel() for p in segmentor.parameters())
    assert trainable == 9_404_992 + 12_573_762 + 12_576_070


def test_invalid_configs(tmp_path):
    checkpoint = save_classifier(tmp_path, 2, 0)
    cfg = segmentor_cfg(checkpoint)
    cfg['mask_decoder'] = dict(type='UNetDecoder', out_channels=3)
    with pytest.raises(ValueError, match='`mask_decoder.out_channels` must'):
        MODELS.build(cfg)
    for field, value, message in [
        ('num_classes', 1, 'at least 2'),
        ('background_index', 2, r'`background_index` must be in \[0, 2\)'),
        ('test_cfg', dict(mode='slide'), "only test_cfg.mode='whole'"),
    ]:
        cfg = segmentor_cfg(checkpoint)
        cfg[field] = value
        with pytest.raises(ValueError, match=message):
            MODELS.build(cfg)


def test_missing_classifier_checkpoint(tmp_path):
    cfg = segmentor_cfg(str(tmp_path / 'missing.pth'))
    with pytest.raises(FileNotFoundError, match='missing.pth.*model.losses'):
        MODELS.build(cfg)


def test_bounded_imagelets_stay_in_image_range(tmp_path):
    """With ``bounded_imagelets`` every image-let pixel is a real colour:
    in [0, 255] once the preprocessor's normalisation is undone."""
    cfg = segmentor_cfg(save_classifier(tmp_path, 3, 0), 3, 0)
    cfg['bounded_imagelets'] = True
    segmentor = MODELS.build(cfg)
    for conv in segmentor.imagelet_decoder.modules():
        if isinstance(conv, torch.nn.Conv2d):
            torch.nn.init.normal_(conv.weight, std=3.0)  # push to extremes
    data = segmentor.data_preprocessor(make_batch(3), False)

    imagelets = segmentor.decompose(data['inputs'])['imagelets']

    mean = torch.tensor(DATA_PREPROCESSOR['mean']).view(3, 1, 1)
    std = torch.tensor(DATA_PREPROCESSOR['std']).view(3, 1, 1)
    pixels = imagelets * std + mean
    assert pixels.min() >= -1e-3 and pixels.max() <= 255 + 1e-3
    assert pixels.min() < 5 and pixels.max() > 250  # the range is used
