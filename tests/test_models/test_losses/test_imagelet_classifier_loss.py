# Copyright (c) mmweakseg contributors. All rights reserved.
import math
from typing import List

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.model import BaseModel
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import imagelet_classifier_loss


@MODELS.register_module(force=True)
class ChannelMeanClassifier(BaseModel):
    """Stand-in TagClassifier whose logits are easy to compute by hand:
    ``fc(mean over H, W of the image)``, shape (N, K-1). It records the
    shapes of the batches it sees."""

    def __init__(self, num_classes: int, background_index: int):
        super().__init__()
        self.num_classes = num_classes
        self.background_index = background_index
        self.fc = nn.Linear(3, num_classes - 1)
        self.batch_shapes = []

    @property
    def fg_indices(self) -> List[int]:
        return [
            k for k in range(self.num_classes) if k != self.background_index
        ]

    def forward(self, inputs, data_samples=None, mode='tensor'):
        self.batch_shapes.append(tuple(inputs.shape))
        return self.fc(inputs.mean(dim=(2, 3)))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def make_samples(tags) -> List[SegDataSample]:
    samples = []
    for sample_tags in tags:
        data_sample = SegDataSample()
        data_sample.set_field(
            torch.tensor(sample_tags), 'gt_tags', dtype=torch.Tensor)
        samples.append(data_sample)
    return samples


def save_checkpoint(model: nn.Module, path) -> str:
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return str(path)


LOGITS = [[0.5, -1.0], [2.0, 0.3], [-0.7, 1.5]]


def test_eq6_background_first():
    # K = 3, background 0, outputs for classes 1 and 2; class 2 is absent
    loss = imagelet_classifier_loss(
        torch.tensor([LOGITS]), torch.tensor([[1., 1., 0.]]), [1, 2])
    expected = (
        # k = 0 (background): no positive term, both classes negative
        -math.log(1 - sigmoid(0.5)) - math.log(1 - sigmoid(-1.0))
        # k = 1 (present): own class positive, class 2 negative
        - math.log(sigmoid(2.0)) - math.log(1 - sigmoid(0.3))
        # k = 2 (absent): no positive term, class 1 negative
        - math.log(1 - sigmoid(-0.7))) / 3
    assert loss.item() == pytest.approx(expected)


def test_eq6_background_last():
    # K = 3, background 2, outputs for classes 0 and 1; class 0 is absent
    loss = imagelet_classifier_loss(
        torch.tensor([LOGITS]), torch.tensor([[0., 1., 1.]]), [0, 1])
    expected = (
        # k = 0 (absent): class 1 negative
        -math.log(1 - sigmoid(-1.0))
        # k = 1 (present): own class positive, class 0 negative
        - math.log(sigmoid(0.3)) - math.log(1 - sigmoid(2.0))
        # k = 2 (background): both classes negative
        - math.log(1 - sigmoid(-0.7)) - math.log(1 - sigmoid(1.5))) / 3
    assert loss.item() == pytest.approx(expected)


def test_eq6_batch_mean():
    logits = torch.tensor([LOGITS, LOGITS])
    tags = torch.tensor([[1., 1., 0.], [1., 0., 1.]])
    per_sample = [
        imagelet_classifier_loss(logits[i:i + 1], tags[i:i + 1], [1, 2])
        for i in range(2)
    ]
    loss = imagelet_classifier_loss(logits, tags, [1, 2])
    assert loss.item() == pytest.approx(sum(per_sample).item() / 2)


def eq6_reference(masks, imagelets, tags, fc: nn.Linear, bg: int) -> float:
    """Eq. 6 written out with loops over images, image-lets and classes."""
    num_imgs, num_classes = masks.shape[:2]
    fg = [k for k in range(num_classes) if k != bg]
    total = 0.
    for n in range(num_imgs):
        for k in range(num_classes):
            channel_means = (masks[n, k] * imagelets[n, k]).mean(dim=(1, 2))
            scores = torch.sigmoid(fc(channel_means)).tolist()
            if k != bg and tags[n][k] == 1:
                total -= math.log(scores[fg.index(k)])
            total -= sum(
                math.log(1 - scores[f]) for f, j in enumerate(fg) if j != k)
    return total / num_classes / num_imgs


@pytest.mark.parametrize('background_index', [0, 2])
def test_module_matches_eq6_with_one_batched_forward(tmp_path,
                                                     background_index):
    torch.manual_seed(0)
    stage1 = ChannelMeanClassifier(3, background_index)
    checkpoint = save_checkpoint(stage1, tmp_path / 'stage1.pth')
    loss = MODELS.build(
        dict(
            type='ImageletClassifierLoss',
            classifier=dict(
                type='ChannelMeanClassifier',
                num_classes=3,
                background_index=background_index),
            checkpoint=checkpoint,
            loss_weight=0.5))
    assert loss.loss_name == 'loss_cls'
    masks = torch.rand(2, 3, 4, 4).softmax(dim=1).requires_grad_()
    imagelets = torch.randn(2, 3, 3, 4, 4, requires_grad=True)
    tags = [[1., 1., 0.], [1., 0., 1.]]
    value = loss(
        dict(masks=masks, imagelets=imagelets), None, make_samples(tags))

    expected = eq6_reference(masks.detach(), imagelets.detach(), tags,
                             stage1.fc, background_index)
    assert value.item() == pytest.approx(0.5 * expected, rel=1e-5)
    assert loss.classifier.batch_shapes == [(6, 3, 4, 4)]

    value.backward()
    assert masks.grad.abs().sum() > 0
    assert imagelets.grad.abs().sum() > 0
    assert all(p.grad is None for p in loss.classifier.parameters())


def test_classifier_is_frozen_and_hidden(tmp_path):
    checkpoint = save_checkpoint(
        ChannelMeanClassifier(2, 0), tmp_path / 'stage1.pth')
    loss = MODELS.build(
        dict(
            type='ImageletClassifierLoss',
            classifier=dict(
                type='ChannelMeanClassifier',
                num_classes=2,
                background_index=0),
            checkpoint=checkpoint))
    classifier = loss.classifier
    assert list(loss.parameters()) == []
    assert loss.state_dict() == {}
    assert list(loss.children()) == []
    assert not any(p.requires_grad for p in classifier.parameters())
    loss.train()
    assert not classifier.training
    loss.double()
    assert classifier.fc.weight.dtype == torch.float64
    assert checkpoint in repr(loss)


def tag_classifier_cfg(num_classes: int) -> dict:
    return dict(
        type='TagClassifier',
        backbone=dict(type='ReconUNetEncoder', base_channels=2),
        num_classes=num_classes,
        background_index=0,
        in_channels=32)


def test_loads_real_tag_classifier(tmp_path):
    stage1 = MODELS.build(tag_classifier_cfg(3))
    checkpoint = save_checkpoint(stage1, tmp_path / 'epoch_1.pth')
    loss = MODELS.build(
        dict(
            type='ImageletClassifierLoss',
            classifier=tag_classifier_cfg(3),
            checkpoint=checkpoint))
    loaded = loss.classifier.state_dict()
    for name, tensor in stage1.state_dict().items():
        assert torch.equal(loaded[name], tensor), name


def test_missing_checkpoint(tmp_path):
    path = str(tmp_path / 'nowhere.pth')
    with pytest.raises(FileNotFoundError) as error:
        MODELS.build(
            dict(
                type='ImageletClassifierLoss',
                classifier=tag_classifier_cfg(2),
                checkpoint=path))
    assert path in str(error.value)
    assert '`checkpoint`' in str(error.value)
    assert '`model.losses`' in str(error.value)


def test_class_count_mismatch(tmp_path):
    checkpoint = save_checkpoint(
        MODELS.build(tag_classifier_cfg(3)), tmp_path / 'epoch_1.pth')
    with pytest.raises(ValueError, match=r'2 foreground outputs \(fc.weight'):
        MODELS.build(
            dict(
                type='ImageletClassifierLoss',
                classifier=tag_classifier_cfg(2),
                checkpoint=checkpoint))


def test_segmentor_class_count_mismatch(tmp_path):
    checkpoint = save_checkpoint(
        MODELS.build(tag_classifier_cfg(3)), tmp_path / 'epoch_1.pth')
    loss = MODELS.build(
        dict(
            type='ImageletClassifierLoss',
            classifier=tag_classifier_cfg(3),
            checkpoint=checkpoint))
    decomposition = dict(
        masks=torch.rand(1, 2, 4, 4), imagelets=torch.rand(1, 2, 3, 4, 4))
    with pytest.raises(ValueError, match='predicts 2 classes'):
        loss(decomposition, None, make_samples([[1., 1.]]))


def test_classifier_config_read_from_checkpoint_meta(tmp_path):
    """Without ``classifier``, the architecture comes from the config text
    mmengine's runner stores in ``meta['cfg']``; pretrained init is dropped
    because the checkpoint holds the weights."""
    model_cfg = tag_classifier_cfg(3)
    model_cfg['backbone']['init_cfg'] = dict(
        type='Pretrained', checkpoint=str(tmp_path / 'gone.pth'))
    stage1 = MODELS.build(tag_classifier_cfg(3))
    checkpoint = str(tmp_path / 'epoch_1.pth')
    torch.save(
        {
            'state_dict': stage1.state_dict(),
            'meta': {
                'cfg': Config(dict(model=model_cfg)).pretty_text
            }
        }, checkpoint)

    loss = MODELS.build(
        dict(type='ImageletClassifierLoss', checkpoint=checkpoint))

    assert loss.classifier.num_classes == 3
    loaded = loss.classifier.state_dict()
    for name, tensor in stage1.state_dict().items():
        assert torch.equal(loaded[name], tensor), name


def test_checkpoint_without_config_needs_classifier(tmp_path):
    checkpoint = save_checkpoint(
        MODELS.build(tag_classifier_cfg(3)), tmp_path / 'epoch_1.pth')
    with pytest.raises(ValueError, match=r"no config in meta\['cfg'\]"):
        MODELS.build(
            dict(type='ImageletClassifierLoss', checkpoint=checkpoint))


@pytest.mark.parametrize('detach_imagelets', [False, True])
def test_detach_imagelets_keeps_gradient_on_masks_only(tmp_path,
                                                       detach_imagelets):
    torch.manual_seed(0)
    checkpoint = save_checkpoint(
        ChannelMeanClassifier(3, 0), tmp_path / 'stage1.pth')
    loss = MODELS.build(
        dict(
            type='ImageletClassifierLoss',
            classifier=dict(
                type='ChannelMeanClassifier', num_classes=3,
                background_index=0),
            checkpoint=checkpoint,
            detach_imagelets=detach_imagelets))
    masks = torch.rand(2, 3, 4, 4).softmax(dim=1).requires_grad_()
    imagelets = torch.randn(2, 3, 3, 4, 4, requires_grad=True)
    tags = make_samples([[1., 1., 0.], [1., 0., 1.]])

    value = loss(dict(masks=masks, imagelets=imagelets), None, tags)
    value.backward()

    # the value is Eq. 6 either way; only where the gradient goes changes
    assert value.item() == pytest.approx(
        eq6_reference(masks.detach(), imagelets.detach(),
                      [[1, 1, 0], [1, 0, 1]], loss.classifier.fc, 0))
    assert masks.grad.abs().sum() > 0
    assert (imagelets.grad is None) == detach_imagelets
