# Copyright (c) mmweakseg contributors. All rights reserved.
"""RefinedEncoderDecoder: mmseg's EncoderDecoder with the test-time
refinement of the reconstruction segmentor (``test_cfg.refine``)."""
import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmweakseg  # noqa: F401
from mmweakseg.models.utils import PixelAdaptiveRefinement, refine_seg_logits

REFINE = dict(type='PixelAdaptiveRefinement', dilations=(1, 2), num_iters=3)


def model_cfg(model_type='RefinedEncoderDecoder', refine=None,
              num_classes=3, out_channels=None):
    """A two-stage U-Net with an FCN head, small enough for the CPU."""
    test_cfg = dict(mode='whole')
    if refine is not None:
        test_cfg['refine'] = refine
    return dict(
        type=model_type,
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[128.0] * 3,
            std=[64.0] * 3,
            bgr_to_rgb=False),
        backbone=dict(
            type='UNet',
            in_channels=3,
            base_channels=4,
            num_stages=2,
            strides=(1, 1),
            enc_num_convs=(1, 1),
            dec_num_convs=(1, ),
            downsamples=(True, ),
            enc_dilations=(1, 1),
            dec_dilations=(1, ),
            norm_cfg=dict(type='BN'),
            upsample_cfg=dict(type='InterpConv')),
        decode_head=dict(
            type='FCNHead',
            in_channels=4,
            in_index=1,
            channels=4,
            num_convs=1,
            concat_input=False,
            num_classes=num_classes,
            out_channels=out_channels,
            loss_decode=dict(type='CrossEntropyLoss')),
        test_cfg=test_cfg)


def build(**kwargs):
    init_default_scope('mmseg')
    model = MODELS.build(ConfigDict(model_cfg(**kwargs)))  # as from a file
    model.eval()
    return model


def make_batch(num_images=2, size=16):
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(num_images):
        inputs.append(
            torch.randint(0, 256, (3, size, size), generator=generator,
                          dtype=torch.uint8))
        sample = SegDataSample()
        sample.set_metainfo(
            dict(ori_shape=(size, size), img_shape=(size, size),
                 pad_shape=(size, size), padding_size=[0, 0, 0, 0]))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def test_without_refine_it_is_encoder_decoder():
    plain = build(model_type='EncoderDecoder')
    ours = build()
    assert type(plain) is EncoderDecoder
    assert isinstance(ours, EncoderDecoder)
    assert ours.test_refinement is None
    assert list(ours.state_dict()) == list(plain.state_dict())
    ours.load_state_dict(plain.state_dict())  # checkpoints load both ways
    data = plain.data_preprocessor(make_batch(), False)
    with torch.no_grad():
        expected = plain.predict(data['inputs'], data['data_samples'])
        samples = ours.predict(data['inputs'], data['data_samples'])
    for sample, reference in zip(samples, expected):
        torch.testing.assert_close(sample.seg_logits.data,
                                   reference.seg_logits.data)


def test_refine_scores_the_refined_softmax():
    plain = build(model_type='EncoderDecoder')
    ours = build(refine=REFINE)
    assert isinstance(ours.test_refinement, PixelAdaptiveRefinement)
    assert ours.test_refinement.dilations == (1, 2)
    ours.load_state_dict(plain.state_dict())
    data = plain.data_preprocessor(make_batch(), False)
    with torch.no_grad():
        logits = plain.encode_decode(
            data['inputs'], [s.metainfo for s in data['data_samples']])
        expected = ours.test_refinement(data['inputs'], logits.softmax(1))
        samples = ours.predict(data['inputs'], data['data_samples'])
    assert not torch.allclose(expected, logits.softmax(1), atol=1e-3)
    for i, sample in enumerate(samples):
        torch.testing.assert_close(
            sample.seg_logits.data.softmax(dim=0), expected[i],
            atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(sample.pred_sem_seg.data[0],
                                   expected[i].argmax(dim=0))


class RecordingRefinement(torch.nn.Module):
    """Stand-in refinement: records the images, halves the masks."""

    def forward(self, images, masks):
        self.images = images
        return masks / 2


def test_refine_seg_logits_crops_the_padding():
    inputs = torch.arange(2 * 3 * 6 * 7, dtype=torch.float).view(2, 3, 6, 7)
    logits = torch.zeros(2, 2, 4, 5)
    logits[:, 1] = 1.0
    refinement = RecordingRefinement()
    refined = refine_seg_logits(refinement, inputs, logits)
    torch.testing.assert_close(refinement.images, inputs[:, :, :4, :5])
    # log(softmax / 2): softmax of [0, 1] is [0.2689, 0.7311]
    torch.testing.assert_close(refined[1, :, 3, 4],
                               torch.tensor([0.2689, 0.7311]).div(2).log(),
                               atol=1e-4, rtol=1e-4)
    with pytest.raises(ValueError, match='do not fit'):
        refine_seg_logits(refinement, inputs[:, :, :3], logits)


def test_refine_needs_a_softmax_head():
    with pytest.raises(ValueError, match='out_channels=1'):
        build(refine=REFINE, num_classes=2, out_channels=1)
    build(num_classes=2, out_channels=1)  # without refine it is allowed
