# Copyright (c) mmweakseg contributors. All rights reserved.
"""``tools/analysis_tools/benchmark_train_speed.py`` and
``benchmark_cls_loss.py`` on tiny data: the figures are printed, not
asserted; what is asserted is that both loops ran the same training."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.datasets import make_demo_dataset
from mmweakseg.benchmarks.train_speed import (PlainTrainer,
                                                   configure_benchmark,
                                                   gradient_clipper,
                                                   plain_optimizer)

REPO = Path(__file__).parents[2]
CLS_CONFIG = REPO / 'configs/tag_classifier/' \
    'tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py'
SEG_CONFIG = REPO / 'configs/recon_decomp/' \
    'recdec_unet-w16_1xb8-10e_weak-demo-64x64.py'


def run_tool(tool: str, *args) -> str:
    """Run ``tools/analysis_tools/<tool>`` and return its stdout. One
    OpenMP thread: on a busy machine more threads than free cores make
    tiny models tens of times slower."""
    result = subprocess.run(
        [sys.executable,
         str(REPO / 'tools/analysis_tools' / tool)] + [str(a) for a in args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result.stdout


def tiny_classifier_cfg() -> Config:
    cfg = Config.fromfile(CLS_CONFIG)
    cfg.model.backbone.stem_channels = 8
    cfg.model.backbone.base_channels = 8
    cfg.model.in_channels = 64
    return cfg


@pytest.fixture(scope='module')
def tiny_setup(tmp_path_factory) -> Path:
    """Tiny demo data and a randomly initialised stage-1 checkpoint whose
    meta holds its config, as the runner saves it."""
    root = tmp_path_factory.mktemp('bench')
    make_demo_dataset(
        str(root / 'data'), num_train=8, num_val=2, size=32, seed=1)
    init_default_scope('mmseg')
    cfg = tiny_classifier_cfg()
    torch.save(
        {
            'state_dict': MODELS.build(cfg.model).state_dict(),
            'meta': dict(cfg=cfg.pretty_text)
        }, root / 'stage1.pth')
    return root


def test_train_speed_tool_amp_channels_last(tiny_setup):
    options = [
        f'model.losses.2.checkpoint={tiny_setup / "stage1.pth"}',
        f'model.losses.3.checkpoint={tiny_setup / "stage1.pth"}',
        'model.backbone.base_channels=4'
    ]
    for loader in ('train_dataloader', 'val_dataloader'):
        options += [
            f'{loader}.dataset.data_root={tiny_setup / "data"}',
            f'{loader}.num_workers=0', f'{loader}.persistent_workers=False'
        ]
    output = run_tool('benchmark_train_speed.py', SEG_CONFIG, '--iters', 2,
                      '--warmup', 1, '--batch-size', 2, '--amp',
                      '--channels-last', '--cfg-options', *options)

    assert 'bfloat16, channels_last=True, batch 2' in output
    for phase in ('runner', 'plain loop'):
        match = re.search(rf'^{phase} +([\d.]+) +([\d.]+) +(\d+)$', output,
                          re.M)
        assert match, output
        assert float(match.group(1)) > 0
    assert re.search(r'runner / plain loop speed: \d+\.\d{3}', output)
    # same initial state, batches and optimizer: the same losses
    difference = re.search(r'runner vs plain loop: (\S+)', output).group(1)
    assert float(difference) < 1e-3
    assert 'non-finite' not in output
    for part in ('data loading', 'train_step',
                 'hook MainProcessLoggerHook.after_train_iter',
                 'data preprocessor',
                 'backbone forward', 'backbone backward',
                 'mask_decoder backward', 'imagelet_decoder forward',
                 'loss_recon backward', 'loss_cls forward',
                 'loss_cls backward', 'loss_mask forward', 'optimizer step',
                 'forward, rest'):
        assert re.search(rf'^  {re.escape(part)} +[-\d.]+ ms', output,
                         re.M), part


def test_cls_loss_tool():
    output = run_tool('benchmark_cls_loss.py', CLS_CONFIG, '--num-classes', 2,
                      5, '--max-absent-classes', 1, '--batch-size', 2,
                      '--size', 16, '--iters', 1, '--max-present', 1)
    rows = re.findall(r'^ +(\d+) +(all|\d+) +([\d.]+) +([\d.]+) +', output,
                      re.M)
    # K = 2: the one foreground class is always tagged; K = 5: background,
    # one tagged class, then all 3 absent or 1 of them
    assert [(k, m, float(n)) for k, m, n, _ in rows] == [('2', 'all', 2.),
                                                         ('2', '1', 2.),
                                                         ('5', 'all', 5.),
                                                         ('5', '1', 3.)]


def test_configure_benchmark():
    cfg = Config.fromfile(SEG_CONFIG)
    # the demo config trains channels last; the benchmark keeps it by default
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks
    other_hooks = [
        hook for hook in cfg.custom_hooks if hook.type != 'ChannelsLastHook'
    ]
    assert other_hooks
    configure_benchmark(cfg, iters=3, warmup=2)
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks
    # False removes the config's hook (the reference layout), True adds one
    configure_benchmark(cfg, iters=3, warmup=2, channels_last=False)
    assert cfg.custom_hooks == other_hooks
    configure_benchmark(
        cfg, iters=3, warmup=2, batch_size=5, amp=True, channels_last=True)
    assert cfg.train_cfg == dict(
        type='IterBasedTrainLoop', max_iters=5, val_begin=6, val_interval=6)
    assert cfg.default_hooks.checkpoint is None
    assert cfg.train_dataloader.batch_size == 5
    expected = 'AmpOptimWrapper' if torch.cuda.is_available() else \
        'BF16AmpOptimWrapper'
    assert cfg.optim_wrapper.type == expected
    assert cfg.custom_hooks == other_hooks + [dict(type='ChannelsLastHook')]
    configure_benchmark(cfg, iters=3, warmup=2, channels_last=True)
    assert cfg.custom_hooks == other_hooks + [dict(type='ChannelsLastHook')]

    with pytest.raises(ValueError, match='warmup >= 1'):
        configure_benchmark(cfg, iters=3, warmup=0)


def test_plain_optimizer_copies_groups_and_settings():
    weight, bias = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(
        torch.ones(1))
    optimizer = torch.optim.Adam([{
        'params': [weight],
        'lr': 0.5
    }, {
        'params': [bias]
    }],
                                 lr=0.1,
                                 betas=(0.8, 0.9))
    weight.sum().backward()
    optimizer.step()

    fresh = plain_optimizer(optimizer)
    assert type(fresh) is torch.optim.Adam
    assert [group['params'] for group in fresh.param_groups] == [[weight],
                                                                 [bias]]
    assert [group['lr'] for group in fresh.param_groups] == [0.5, 0.1]
    assert fresh.defaults == optimizer.defaults
    assert fresh.state_dict()['state'] == {}


@pytest.mark.parametrize('clip_grad', [None, dict(max_norm=0.1)])
def test_plain_trainer_clips_as_the_optim_wrapper(clip_grad):
    """The plain loop clips gradients exactly as the runner's wrapper (both
    train the same model from the same state, as in the benchmark)."""
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    inputs = torch.randn(4, 3) * 10
    wrapper = OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=1.), clip_grad=clip_grad)
    wrapper.update_params(model(inputs).square().sum())
    after_runner = [param.detach().clone() for param in model.parameters()]

    model.load_state_dict(initial)
    clipper = gradient_clipper(wrapper, model)
    assert (clipper is None) == (clip_grad is None)
    trainer = PlainTrainer(model, plain_optimizer(wrapper.optimizer), None,
                           clipper)
    trainer.update(model(inputs).square().sum())

    for runner_param, plain_param in zip(after_runner, model.parameters()):
        torch.testing.assert_close(runner_param, plain_param.detach())
    # SGD with lr 1 moves the weights by the (clipped) gradient
    step = torch.cat([(param.detach() - initial[name]).flatten()
                      for name, param in model.named_parameters()])
    if clip_grad is None:
        assert step.norm() > 1
    else:
        assert step.norm().item() == pytest.approx(0.1, rel=1e-4)
