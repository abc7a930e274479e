# Copyright (c) mmweakseg contributors. All rights reserved.
from types import SimpleNamespace

import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.engine.hooks import ChannelsLastHook


def build_segmentor(tmp_path):
    """The demo's model, tiny: U-Net w = 4, K = 3, all three losses with a
    frozen classifier that has BN layers."""
    init_default_scope('mmseg')
    classifier = dict(
        type='TagClassifier',
        backbone=dict(
            type='ReconUNetEncoder', base_channels=2,
            norm_cfg=dict(type='BN')),
        num_classes=3,
        background_index=0,
        in_channels=32)
    checkpoint = str(tmp_path / 'stage1.pth')
    torch.manual_seed(0)
    torch.save({'state_dict': MODELS.build(classifier).state_dict()},
               checkpoint)
    return MODELS.build(
        dict(
            type='ReconstructionSegmentor',
            data_preprocessor=dict(
                type='SegDataPreProcessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                bgr_to_rgb=True,
                size_divisor=16),
            backbone=dict(type='ReconUNetEncoder', base_channels=4),
            mask_decoder=dict(type='UNetDecoder'),
            imagelet_decoder=dict(type='UNetDecoder'),
            losses=[
                dict(type='ReconstructionLoss'),
                dict(type='MaskAreaLoss', loss_weight=1e-3),
                dict(
                    type='ImageletClassifierLoss',
                    classifier=classifier,
                    checkpoint=checkpoint,
                    loss_weight=1e-3)
            ],
            num_classes=3,
            background_index=0))


def make_batch():
    torch.manual_seed(1)
    samples = []
    for tags in ([1., 1., 0.], [1., 0., 1.]):
        sample = SegDataSample()
        sample.set_field(torch.tensor(tags), 'gt_tags', dtype=torch.Tensor)
        samples.append(sample)
    inputs = [torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8)] * 2
    return dict(inputs=inputs, data_samples=samples)


def is_channels_last(weight: torch.Tensor) -> bool:
    return weight.is_contiguous(memory_format=torch.channels_last) \
        and not weight.is_contiguous()


def test_converts_model_and_hidden_classifier_in_place(tmp_path):
    model = build_segmentor(tmp_path)
    conv = model.backbone.blocks[0][0].conv
    weight = conv.weight
    values = weight.detach().clone()
    data = model.data_preprocessor(make_batch(), True)
    model.eval()
    with torch.no_grad():
        expected = model(**data, mode='loss')

    ChannelsLastHook().before_train(SimpleNamespace(model=model))

    assert conv.weight is weight  # the optimizer's references stay valid
    assert is_channels_last(weight) and torch.equal(weight, values)
    classifier = model.losses[2].classifier
    assert is_channels_last(classifier.backbone.blocks[0][0].conv.weight)
    with torch.no_grad():
        losses = model(**data, mode='loss')
    for name, value in expected.items():
        torch.testing.assert_close(losses[name], value, rtol=1e-4, atol=1e-6)


def test_trains_finite_with_bf16_amp(tmp_path):
    model = build_segmentor(tmp_path)
    ChannelsLastHook().before_train(SimpleNamespace(model=model))
    wrapper = build_optim_wrapper(
        model,
        dict(type='BF16AmpOptimWrapper', optimizer=dict(type='Adam', lr=1e-3)))
    batch = make_batch()
    for _ in range(2):
        log_vars = model.train_step(batch, wrapper)
    assert {'loss', 'loss_recon', 'loss_mask', 'loss_cls'} <= set(log_vars)
    assert all(torch.isfinite(value) for value in log_vars.values())
    assert all(
        torch.isfinite(param).all() and param.dtype == torch.float32
        for param in model.parameters())
    assert is_channels_last(model.backbone.blocks[0][0].conv.weight)
