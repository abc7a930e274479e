# Copyright (c) mmweakseg contributors. All rights reserved.
import math
from pathlib import Path
from typing import List

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401

init_default_scope('mmseg')
SUPERVISED_CONFIG = Path(__file__).parents[3] / \
    'configs/supervised/pixel-ce_unet-w16_1xb8-20e_weak-demo-64x64.py'


def make_samples(labels: List[List[List[int]]]) -> List[SegDataSample]:
    samples = []
    for label in labels:
        data_sample = SegDataSample()
        data_sample.gt_sem_seg = PixelData(data=torch.tensor(label)[None])
        samples.append(data_sample)
    return samples


def build_loss(**kwargs):
    return MODELS.build(dict(type='PixelCrossEntropyLoss', **kwargs))


def test_mean_over_labelled_pixels_by_hand():
    # pixels: [0, 1] -> class 1; [2, 0] ignored; [0, 0] -> class 0
    logits = torch.tensor([[[[0., 2., 0.]], [[1., 0., 0.]]]],
                          requires_grad=True)
    loss = build_loss(loss_weight=2.0)
    value = loss(dict(mask_logits=logits), None, make_samples([[[1, 255, 0]]]))
    expected = (math.log(1 + math.exp(-1)) + math.log(2)) / 2
    assert value.item() == pytest.approx(2 * expected)
    assert loss.loss_name == 'loss_ce'
    value.backward()
    assert torch.all(logits.grad[..., 1] == 0)  # the ignored pixel


def test_all_pixels_ignored_gives_zero_with_graph():
    logits = torch.randn(2, 3, 2, 2, requires_grad=True)
    value = build_loss()(dict(mask_logits=logits), None,
                         make_samples([[[255, 255], [255, 255]]] * 2))
    assert value.item() == 0
    value.backward()
    assert torch.equal(logits.grad, torch.zeros_like(logits))


def test_needs_masks():
    with pytest.raises(KeyError, match='LoadWeakAnnotations'):
        build_loss()(dict(mask_logits=torch.zeros(1, 2, 2, 2)), None,
                     [SegDataSample()])


def test_mask_shape_must_match_logits():
    with pytest.raises(ValueError, match=r'\(1, 3\) does not match'):
        build_loss()(dict(mask_logits=torch.zeros(1, 2, 2, 2)), None,
                     make_samples([[[0, 1, 0]]]))


def test_supervised_upper_bound_config_trains():
    """The supervised config: the method's mask branch alone (no image-let
    decoder, no classifier), trained on the masks."""
    cfg = Config.fromfile(SUPERVISED_CONFIG)
    assert cfg.model.imagelet_decoder is None
    assert [t['type'] for t in cfg.train_dataloader.dataset.pipeline
            ][:2] == ['LoadRGBImageFromFile', 'LoadWeakAnnotations']
    assert cfg.custom_hooks == []
    cfg.model.backbone.base_channels = 2
    model = MODELS.build(cfg.model)
    assert model.imagelet_decoder is None

    torch.manual_seed(0)
    inputs = torch.randn(2, 3, 16, 16)
    decomposition = model.decompose(inputs)
    assert set(decomposition) == {'mask_logits', 'masks'}
    assert decomposition['masks'].shape == (2, 4, 16, 16)

    images = [torch.randint(0, 256, (3, 16, 16), dtype=torch.uint8)] * 2
    samples = make_samples([torch.randint(0, 4, (16, 16)).tolist()] * 2)
    for data_sample in samples:
        data_sample.set_metainfo(dict(img_shape=(16, 16), ori_shape=(16, 16)))
    optim_wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), 1e-2))
    data = dict(inputs=images, data_samples=samples)
    first = model.train_step(data, optim_wrapper)
    for _ in range(5):
        last = model.train_step(data, optim_wrapper)
    assert set(first) == {'loss', 'loss_ce'}
    assert last['loss_ce'] < first['loss_ce']
