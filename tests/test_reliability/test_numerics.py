# Copyright (c) mmweakseg contributors. All rights reserved.
"""Losses and gradients stay finite with empty and full masks, with bf16
autocast and with all-black or all-white images; the same seed gives the
same losses."""
from typing import Dict, List

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmseg.registry import MODELS
from mmweakseg.datasets import make_demo_dataset
from reliability_utils import (CLS_CONFIG, SEG_CONFIG, TINY_CLASSIFIER,
                               make_batch, tiny_segmentor_cfg)

K = 4  # demo classes, background 0
SIZE = 32
TAGS = dict(background_only=[1, 0, 0, 0], all_classes=[1, 1, 1, 1])


@pytest.fixture(autouse=True)
def mmseg_scope() -> None:
    init_default_scope('mmseg')


@pytest.fixture(scope='module')
def segmentor(tiny_classifier):
    torch.manual_seed(0)
    return MODELS.build(tiny_segmentor_cfg(tiny_classifier))


@pytest.fixture(scope='module')
def classifier():
    cfg = Config.fromfile(str(CLS_CONFIG))
    cfg.merge_from_dict(TINY_CLASSIFIER)
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


def assert_finite_losses_and_gradients(losses: Dict[str, torch.Tensor],
                                       *tensors: torch.Tensor) -> None:
    """Every loss is finite, and so are the gradients of their sum on
    ``tensors`` (which require grad)."""
    for name, value in losses.items():
        assert torch.isfinite(value).all(), f'{name} = {value}'
    total = sum(value for name, value in losses.items() if 'loss' in name)
    gradients = torch.autograd.grad(total, tensors, allow_unused=True)
    for gradient in gradients:
        assert gradient is None or torch.isfinite(gradient).all()


def one_class_decomposition(filled_class: int) -> Dict[str, torch.Tensor]:
    """Masks (2, K, H, W) exactly 1 for ``filled_class`` and exactly 0 (in
    float32) for the others, random image-lets; both require grad."""
    mask_logits = torch.full((2, K, SIZE, SIZE), -1e4)
    mask_logits[:, filled_class] = 1e4
    mask_logits.requires_grad_(True)
    imagelets = torch.randn(2, K, 3, SIZE, SIZE, requires_grad=True)
    masks = mask_logits.softmax(dim=1)
    return dict(
        mask_logits=mask_logits,
        masks=masks,
        imagelets=imagelets,
        reconstruction=(masks.unsqueeze(2) * imagelets).sum(dim=1))


@pytest.mark.parametrize('tags', TAGS.values(), ids=TAGS.keys())
@pytest.mark.parametrize('filled_class', [0, 1], ids=['background', 'disc'])
def test_losses_finite_with_empty_and_full_masks(segmentor, filled_class,
                                                 tags):
    decomposition = one_class_decomposition(filled_class)
    assert decomposition['masks'][:, filled_class].eq(1).all()
    assert decomposition['masks'].sum(dim=1).eq(1).all()
    batch = make_batch(
        torch.zeros(2, 3, SIZE, SIZE, dtype=torch.uint8), [tags, tags])
    for data_sample in batch['data_samples']:
        # areas of the filled mask: 1 for its class, 0 for the others
        areas = torch.zeros(K)
        areas[filled_class] = 1
        data_sample.set_field(areas, 'gt_tag_areas', dtype=torch.Tensor)
    inputs = torch.randn(2, 3, SIZE, SIZE)
    # past every warm-up, so the self-training loss is on
    MessageHub.get_current_instance().update_info('iter', 10**6)

    losses = {}
    for loss in segmentor.losses:
        loss_inputs = decomposition
        if hasattr(loss, 'make_view'):  # the view's logits: saturated too
            loss_inputs = dict(
                decomposition,
                view_mask_logits=loss.make_view(
                    decomposition['mask_logits']))
        losses[loss.loss_name] = loss(loss_inputs, inputs,
                                      batch['data_samples'])
    MessageHub.get_current_instance().update_info('iter', 0)

    assert len(losses) == len(segmentor.losses) == 6
    assert_finite_losses_and_gradients(losses, decomposition['mask_logits'],
                                       decomposition['imagelets'])


@pytest.mark.parametrize('bf16_autocast', [False, True], ids=['fp32', 'bf16'])
@pytest.mark.parametrize('fill', [0, 255], ids=['black', 'white'])
@pytest.mark.parametrize('model_name', ['segmentor', 'classifier'])
def test_losses_finite_on_extreme_images(request, model_name, fill,
                                         bf16_autocast):
    model = request.getfixturevalue(model_name)
    model.train()
    model.zero_grad()
    images = torch.full((2, 3, SIZE, SIZE), fill, dtype=torch.uint8)
    batch = make_batch(images, list(TAGS.values()))

    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16_autocast):
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
    total, _ = model.parse_losses(losses)
    total.backward()

    assert torch.isfinite(total)
    for name, value in losses.items():
        assert torch.isfinite(value).all(), name
    for name, parameter in model.named_parameters():
        assert parameter.grad is None or torch.isfinite(
            parameter.grad).all(), name


class LossRecorder(Hook):
    """Records the loss dict of every training iteration."""

    def __init__(self) -> None:
        self.losses: List[Dict[str, float]] = []

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        self.losses.append({
            name: value.item()
            for name, value in outputs.items()
        })


@pytest.fixture
def restore_determinism():
    """``randomness.deterministic`` switches torch's deterministic mode on
    for the whole process; switch it back."""
    enabled = torch.are_deterministic_algorithms_enabled()
    yield
    torch.use_deterministic_algorithms(enabled)


def train_and_record_losses(tmp_path, data_root: str, classifier: str,
                            name: str) -> List[Dict[str, float]]:
    """3 iterations (6 images, batch 2) of the tiny demo segmentor with seed
    0 in deterministic mode."""
    cfg = Config.fromfile(str(SEG_CONFIG))
    cfg.model = tiny_segmentor_cfg(classifier)
    cfg.train_dataloader.update(
        batch_size=2, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = data_root
    cfg.update(
        work_dir=str(tmp_path / name),
        experiment_name=name,
        randomness=dict(seed=0, deterministic=True),
        train_cfg=dict(type='EpochBasedTrainLoop', max_epochs=1),
        val_dataloader=None,
        val_cfg=None,
        val_evaluator=None,
        test_dataloader=None,
        test_cfg=None,
        test_evaluator=None,
        custom_hooks=[])
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.visualization.draw = False
    runner = Runner.from_cfg(cfg)
    recorder = LossRecorder()
    runner.register_hook(recorder)
    runner.train()
    return recorder.losses


def test_same_seed_same_losses(tmp_path, tiny_classifier, restore_determinism):
    data_root = str(tmp_path / 'data')
    make_demo_dataset(data_root, num_train=6, num_val=0, size=32, seed=4)

    first, second = (
        train_and_record_losses(tmp_path, data_root, tiny_classifier, name)
        for name in ('first', 'second'))

    assert len(first) == 3
    assert len({losses['loss'] for losses in first}) == 3
    assert first == second
