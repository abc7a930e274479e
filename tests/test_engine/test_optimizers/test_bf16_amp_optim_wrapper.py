# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import mmweakseg  # noqa: F401
from mmweakseg.engine.optimizers import (BF16AmpOptimWrapper,
                                         set_amp_optim_wrapper)


def test_bf16_autocast_on_cpu_with_float32_weights_and_grads():
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.LazyLinear(2))
    model(torch.zeros(1, 3, 6, 6))
    wrapper = build_optim_wrapper(
        model,
        dict(type='BF16AmpOptimWrapper', optimizer=dict(type='Adam', lr=0.1)))
    assert isinstance(wrapper, BF16AmpOptimWrapper)
    before = model[0].weight.detach().clone()

    with wrapper.optim_context(model):
        out = model(torch.randn(2, 3, 6, 6))
    assert out.dtype == torch.bfloat16
    loss = out.float().square().mean()
    wrapper.update_params(loss)

    assert torch.isfinite(loss)
    assert model[0].weight.dtype == torch.float32
    assert not torch.equal(model[0].weight, before)
    # outside the context nothing is autocast
    assert model(torch.randn(1, 3, 6, 6)).dtype == torch.float32


def optim_cfg(wrapper_type: str = 'OptimWrapper') -> Config:
    return Config(
        dict(
            optim_wrapper=dict(
                type=wrapper_type, optimizer=dict(type='Adam', lr=1e-3))))


def test_set_amp_optim_wrapper_per_device():
    cfg = optim_cfg()
    set_amp_optim_wrapper(cfg, device='cpu')
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'
    assert 'loss_scale' not in cfg.optim_wrapper

    cfg = optim_cfg()
    set_amp_optim_wrapper(cfg, device='cuda')
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.optim_wrapper.dtype == 'float16'

    cfg = optim_cfg()
    set_amp_optim_wrapper(cfg, dtype='bfloat16', device='cuda')
    assert cfg.optim_wrapper.dtype == 'bfloat16'

    cfg = optim_cfg('AmpOptimWrapper')
    set_amp_optim_wrapper(cfg, device='cpu')
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'


@pytest.mark.parametrize('wrapper_type, dtype, device, message', [
    ('ApexOptimWrapper', None, 'cpu',
     "'OptimWrapper', got 'ApexOptimWrapper'"),
    ('OptimWrapper', 'float64', 'cpu', 'one of'),
    ('OptimWrapper', 'float16', 'cpu', 'float16 autocast needs CUDA'),
])
def test_set_amp_optim_wrapper_errors(wrapper_type, dtype, device, message):
    with pytest.raises(ValueError, match=message):
        set_amp_optim_wrapper(optim_cfg(wrapper_type), dtype, device)
