# Copyright (c) mmweakseg contributors. All rights reserved.
"""The field's components inside the segmentor: a loss with its own view,
the background index handed to the losses, test-time refinement."""
import math

import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401

from test_reconstruction_segmentor import (  # isort: skip
    classifier_cfg, make_batch, save_classifier, segmentor_cfg)


def build(tmp_path, num_classes=3, background_index=0, extra_losses=(),
          **overrides):
    checkpoint = save_classifier(tmp_path, num_classes, background_index)
    cfg = segmentor_cfg(checkpoint, num_classes, background_index)
    cfg['losses'] = cfg['losses'] + list(extra_losses)
    cfg.update(overrides)
    return MODELS.build(cfg)


@MODELS.register_module(force=True)
class ViewRecordingLoss(nn.Module):
    """Stand-in loss with a view: the image flipped upside down; records the
    view's mask logits it is given."""
    loss_name = 'loss_view'

    def __init__(self):
        super().__init__()
        self.seen = []

    def make_view(self, images):
        return images.flip(-2)

    def forward(self, decomposition, inputs, data_samples):
        self.seen.append(decomposition['view_mask_logits'])
        return decomposition['view_mask_logits'].mean() * 0


def test_losses_with_a_view_get_its_mask_logits(tmp_path):
    segmentor = build(tmp_path, extra_losses=[dict(type='ViewRecordingLoss')])
    data = segmentor.data_preprocessor(make_batch(3), True)
    losses = segmentor(**data, mode='loss')
    assert 'loss_view' in losses
    (view_logits, ) = segmentor.losses[3].seen
    expected = segmentor.encode_decode(data['inputs'].flip(-2), None)
    torch.testing.assert_close(view_logits, expected)
    # the other losses see no view
    segmentor.eval()
    assert 'view_mask_logits' not in segmentor.decompose(data['inputs'])


def test_equivariance_and_masked_classifier_train_step(tmp_path):
    checkpoint = save_classifier(tmp_path, 3, 0)
    segmentor = build(
        tmp_path,
        extra_losses=[
            dict(
                type='MaskedImageClassifierLoss',
                classifier=classifier_cfg(3, 0),
                checkpoint=checkpoint),
            dict(type='MaskEquivarianceLoss', scale=0.5),
            dict(type='RefinedPseudoLabelLoss')
        ])
    data = segmentor.data_preprocessor(make_batch(3), True)
    losses = segmentor(**data, mode='loss')
    for name in ('loss_masked_cls', 'loss_equivariance',
                 'loss_self_training'):
        assert torch.isfinite(losses[name]), name
    sum(losses.values()).backward()
    assert segmentor.mask_decoder.conv_out.weight.grad.abs().sum() > 0


def test_background_index_is_handed_to_the_losses(tmp_path):
    segmentor = build(
        tmp_path,
        background_index=2,
        extra_losses=[
            dict(type='RefinedPseudoLabelLoss'),
            dict(type='RefinedPseudoLabelLoss', background_index=1)
        ])
    assert segmentor.losses[3].background_index == 2
    assert segmentor.losses[4].background_index == 1  # set in its config


def test_handed_background_index_does_not_keep_the_area_term(tmp_path):
    """``MaskAreaLoss`` takes the segmentor's background index, but that
    alone keeps no term after ``present_end_iter``: only
    ``keep_background_term`` does."""
    segmentor = build(
        tmp_path,
        background_index=2,
        extra_losses=[
            dict(type='MaskAreaLoss', present_end_iter=0),
            dict(
                type='MaskAreaLoss',
                present_end_iter=0,
                keep_background_term=True)
        ])
    handing_over, keeping = segmentor.losses[3], segmentor.losses[4]
    assert handing_over.background_index == keeping.background_index == 2
    # every pixel (0.5, 0.3, 0.2); class 1 absent, 0 and 2 (background)
    # tagged; iteration 0 (no runner) is past present_end_iter=0
    logits = torch.tensor([0.5, 0.3, 0.2]).log().view(1, 3, 1, 1).expand(
        1, 3, 2, 2)
    tags = torch.tensor([[1., 0., 1.]])
    data_samples = make_batch(3, background_index=2, num_imgs=1)[
        'data_samples']
    data_samples[0].gt_tags = tags[0]
    absent = -math.log(1 - 0.3) / 3
    background = -math.log(0.2) / 3
    decomposition = dict(mask_logits=logits)
    assert handing_over(decomposition, None,
                        data_samples).item() == pytest.approx(absent)
    assert keeping(decomposition, None, data_samples).item() == \
        pytest.approx(absent + background)


def test_test_time_refinement(tmp_path):
    plain = build(tmp_path)
    refining = build(
        tmp_path,
        test_cfg=dict(
            mode='whole', refine=dict(type='PixelAdaptiveRefinement')))
    assert plain.test_refinement is None
    refining.load_state_dict(plain.state_dict())
    plain.eval()
    refining.eval()
    data = plain.data_preprocessor(make_batch(3), False)
    with torch.no_grad():
        logits = plain.encode_decode(data['inputs'], None)
        expected = refining.test_refinement(data['inputs'],
                                            logits.softmax(dim=1))
        samples = refining.predict(data['inputs'], data['data_samples'])
    for i, sample in enumerate(samples):
        probs = sample.seg_logits.data.softmax(dim=0)
        torch.testing.assert_close(probs, expected[i], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(sample.pred_sem_seg.data[0],
                                   expected[i].argmax(dim=0))
        torch.testing.assert_close(sample.pred_tag_scores,
                                   expected[i].mean(dim=(1, 2)),
                                   atol=1e-5, rtol=1e-4)
