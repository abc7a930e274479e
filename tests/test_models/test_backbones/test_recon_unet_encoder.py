# Copyright (c) mmweakseg contributors. All rights reserved.
import torch
import torch.nn as nn
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.backbones import ReconUNetEncoder


def test_paper_encoder_parameter_count():
    # Table 1 of the paper
    encoder = ReconUNetEncoder(base_channels=64)
    assert sum(p.numel() for p in encoder.parameters()) == 9_404_992


def test_feature_shapes_shallow_to_deep():
    encoder = MODELS.build(dict(type='ReconUNetEncoder', base_channels=8))
    features = encoder(torch.rand(2, 3, 32, 32))
    expected = [(2, 8, 16, 16), (2, 16, 8, 8), (2, 32, 4, 4), (2, 64, 2, 2),
                (2, 128, 2, 2)]
    assert [tuple(f.shape) for f in features] == expected


def test_layers_follow_table1():
    encoder = ReconUNetEncoder(base_channels=8)
    convs = [m for m in encoder.modules() if isinstance(m, nn.Conv2d)]
    expected = [(3, 8), (8, 8), (8, 16), (16, 16), (16, 32), (32, 32),
                (32, 64), (64, 64), (64, 128)]
    assert [(c.in_channels, c.out_channels) for c in convs] == expected
    for conv in convs:
        assert conv.kernel_size == (3, 3) and conv.padding == (1, 1)
        assert conv.stride == (1, 1) and conv.bias is not None
    acts = [m for m in encoder.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(acts) == len(convs)
    assert all(act.negative_slope == 0.01 for act in acts)
    assert sum(isinstance(m, nn.MaxPool2d) for m in encoder.modules()) == 4
    assert not any(
        isinstance(m, nn.modules.batchnorm._BatchNorm)
        for m in encoder.modules())


def test_norm_cfg_adds_norm_layers():
    encoder = ReconUNetEncoder(base_channels=4, norm_cfg=dict(type='BN'))
    norms = [m for m in encoder.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(norms) == 9
