# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.decoders import UNetDecoder

PAPER_CHANNELS = [64, 128, 256, 512, 1024]


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('out_channels, expected', [(6, 12_576_070),
                                                    (2, 12_573_762)])
def test_paper_decoder_parameter_count(out_channels, expected):
    # Table 2 of the paper: 3K = 6 (image-lets) and K = 2 (masks)
    decoder = UNetDecoder(PAPER_CHANNELS, out_channels)
    assert num_params(decoder) == expected


def test_paper_decoder_blocks_follow_table2():
    decoder = UNetDecoder(PAPER_CHANNELS, 6)
    block_params = [num_params(block) for block in decoder.blocks]
    assert block_params == [9_438_208, 2_359_808, 590_080, 147_584]
    assert num_params(decoder.refine_conv) == 36_928
    assert num_params(decoder.conv_out) == 3_462


def test_forward_with_unet_features():
    decoder = MODELS.build(
        dict(
            type='UNetDecoder',
            in_channels=[8, 16, 32, 64, 128],
            out_channels=9))
    features = [
        torch.rand(2, 8, 16, 16),
        torch.rand(2, 16, 8, 8),
        torch.rand(2, 32, 4, 4),
        torch.rand(2, 64, 2, 2),
        torch.rand(2, 128, 2, 2)
    ]
    assert decoder(features).shape == (2, 9, 32, 32)


def test_forward_resizes_deeper_feature_to_skip():
    # ResNet-like strides 4..32: every block meets a skip of twice the size
    decoder = UNetDecoder([4, 8, 16], 3, channels=[5, 7])
    features = [
        torch.rand(1, 4, 8, 8),
        torch.rand(1, 8, 4, 4),
        torch.rand(1, 16, 2, 2)
    ]
    assert [b.fuse_conv.conv.in_channels
            for b in decoder.blocks] == [16 + 8, 7 + 4]
    assert [b.up_conv.conv.out_channels for b in decoder.blocks] == [7, 5]
    assert decoder(features).shape == (1, 3, 16, 16)


def test_upsampling_is_bilinear():
    decoder = UNetDecoder([1, 1], 1)
    block = decoder.blocks[0]
    for conv in (block.fuse_conv.conv, block.up_conv.conv):
        nn.init.zeros_(conv.weight)
        nn.init.zeros_(conv.bias)
    # identity-like fuse conv: output = first input channel (x), then
    # identity up conv, so the block output is the upsampled x
    block.fuse_conv.conv.weight.data[0, 0, 1, 1] = 1
    block.up_conv.conv.weight.data[0, 0, 1, 1] = 1
    x = torch.tensor([[[[0., 4.]]]])
    out = block(x, torch.zeros(1, 1, 1, 2))
    expected = torch.tensor([[[[0., 1., 3., 4.], [0., 1., 3., 4.]]]])
    torch.testing.assert_close(out, expected)


def test_invalid_configs():
    with pytest.raises(ValueError, match='at least two features'):
        UNetDecoder([8], 2)
    with pytest.raises(ValueError, match='one entry per feature'):
        UNetDecoder([8, 16, 32], 2, channels=[8])
    decoder = UNetDecoder([8, 16], 2)
    with pytest.raises(ValueError, match='expects 2 features'):
        decoder([torch.rand(1, 16, 2, 2)])
