# Copyright (c) mmweakseg contributors. All rights reserved.
"""Distributed training and testing with 2 CPU processes (gloo): the launch
scripts, metrics equal to a single process, SyncBN and the frozen
classifier under DDP."""
import multiprocessing
import os
import socket
import subprocess
import sys
import traceback
from datetime import timedelta
from pathlib import Path

import pytest
import torch
import torch.distributed as torch_dist
import torch.nn as nn
from mmengine.config import Config
from mmengine.model import convert_sync_batchnorm, revert_sync_batchnorm
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODEL_WRAPPERS, MODELS

from mmweakseg.datasets import make_demo_dataset
from mmweakseg.utils import (CPUDistributedDataParallel, count_sync_batchnorm,
                             setup_cpu_distributed)
from reliability_utils import (REPO, SEG_CONFIG, data_options, finish_tool,
                               make_batch, metrics_without_timing, run_tool,
                               start_tool, tiny_segmentor_cfg, tool_env)

WORLD_SIZE = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_dist_train_and_test_match_single_process(tmp_path, tiny_classifier,
                                                  monkeypatch):
    data_root = str(tmp_path / 'data')
    # 8 training images: 2 iterations of 2 images on each of 2 processes.
    # 5 test images on purpose: the sampler pads rank 1 with a copy of
    # image 0, which the metrics must drop.
    make_demo_dataset(data_root, num_train=8, num_val=5, size=32, seed=3)
    options = data_options(data_root) + [
        'model.backbone.base_channels=4',
        f'model.losses.2.checkpoint={tiny_classifier}',
        f'model.losses.3.checkpoint={tiny_classifier}',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'default_hooks.checkpoint.interval=1', 'custom_hooks=[]'
    ]
    train_dir = tmp_path / 'train'

    monkeypatch.setenv('PORT', str(free_port()))
    output = run_tool('dist_train.sh', SEG_CONFIG, WORLD_SIZE, '--work-dir',
                      train_dir, '--cfg-options', *options)

    assert "backend='nccl' replaced by 'gloo'" in output
    assert 'Epoch(train) [1][2/2]' in output  # 8 images / (2 x 2)
    checkpoint = train_dir / 'epoch_1.pth'
    assert checkpoint.is_file()

    monkeypatch.setenv('PORT', str(free_port()))
    single_process = start_tool('test.py', SEG_CONFIG, checkpoint,
                                '--work-dir', tmp_path / 'single',
                                '--cfg-options', *options)
    output = run_tool('dist_test.sh', SEG_CONFIG, checkpoint, WORLD_SIZE,
                      '--work-dir', tmp_path / 'dist', '--cfg-options',
                      *options)
    finish_tool(single_process)

    assert 'Epoch(test) [3/3]' in output  # 5 images padded to 2 x 3
    single = metrics_without_timing(tmp_path / 'single')
    assert {'mIoU', 'IoU.background', 'mAP', 'AP.disc'} <= set(single)
    assert metrics_without_timing(tmp_path / 'dist') == single


def all_parameters_equal_across_ranks(module: nn.Module) -> bool:
    flat = torch.cat([p.detach().flatten() for p in module.parameters()])
    gathered = [torch.empty_like(flat) for _ in range(WORLD_SIZE)]
    torch_dist.all_gather(gathered, flat)
    return all(torch.equal(gathered[0], other) for other in gathered[1:])


def ddp_train_worker(rank: int, init_file: str, classifier: str,
                     result_dir: str) -> None:
    """One of 2 gloo processes: wrap the segmentor (SyncBN everywhere) the
    way the runner does on CPU, train 2 steps on rank-specific images, and
    save what the parent checks."""
    try:
        torch.set_num_threads(1)
        torch_dist.init_process_group(
            'gloo',
            init_method=f'file://{init_file}',
            rank=rank,
            world_size=WORLD_SIZE)
        init_default_scope('mmseg')
        torch.manual_seed(0)  # the same initial weights on both ranks
        segmentor = MODELS.build(
            tiny_segmentor_cfg(classifier, norm_cfg=dict(type='SyncBN')))
        frozen = segmentor.losses[2].classifier
        frozen_before = {
            name: value.clone()
            for name, value in frozen.state_dict().items()
        }
        sync_bn_before = count_sync_batchnorm(segmentor)
        ddp = MODEL_WRAPPERS.build(
            dict(
                type='mmseg.CPUDistributedDataParallel',
                broadcast_buffers=False,
                find_unused_parameters=False),
            default_args=dict(module=segmentor, device_ids=[rank]))
        optim_wrapper = OptimWrapper(torch.optim.SGD(ddp.parameters(), lr=0.1))
        torch.manual_seed(1 + rank)  # different images on each rank
        for _ in range(2):
            images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
            ddp.train_step(
                make_batch(images, [[1, 1, 0, 0], [1, 0, 1, 1]]),
                optim_wrapper)
        result = dict(
            sync_bn_before=sync_bn_before,
            sync_bn_after=count_sync_batchnorm(ddp.module),
            wrapper=type(ddp).__name__,
            frozen_in_ddp=any(p is q for p in frozen.parameters()
                              for q in ddp.parameters()),
            frozen_unchanged=all(
                torch.equal(value, frozen_before[name])
                for name, value in frozen.state_dict().items()),
            frozen_training=frozen.training,
            frozen_requires_grad=any(p.requires_grad
                                     for p in frozen.parameters()),
            parameters_synchronised=all_parameters_equal_across_ranks(
                ddp.module))
        torch_dist.destroy_process_group()
    except Exception:
        result = dict(error=traceback.format_exc())
    torch.save(result, Path(result_dir) / f'rank{rank}.pth')


def test_sync_bn_and_frozen_classifier_under_ddp(tmp_path, tiny_classifier):
    context = multiprocessing.get_context('fork')
    workers = [
        context.Process(
            target=ddp_train_worker,
            args=(rank, str(tmp_path / 'init'), tiny_classifier,
                  str(tmp_path))) for rank in range(WORLD_SIZE)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0

    for rank in range(WORLD_SIZE):
        result = torch.load(tmp_path / f'rank{rank}.pth')
        assert 'error' not in result, result.get('error')
        assert result['wrapper'] == 'CPUDistributedDataParallel'
        # SyncBN needs GPUs: reverted to BN on CPU processes
        assert result['sync_bn_before'] > 0
        assert result['sync_bn_after'] == 0
        # DDP averaged the gradients of the trainable part ...
        assert result['parameters_synchronised']
        # ... and never saw the frozen classifier, which kept its weights
        # and BN statistics, in eval mode and without gradients
        assert not result['frozen_in_ddp']
        assert result['frozen_unchanged']
        assert not result['frozen_training']
        assert not result['frozen_requires_grad']


def test_sync_bn_conversion_leaves_frozen_classifier_alone(tiny_classifier):
    """The GPU path: ``cfg.sync_bn='torch'`` converts the trainable BN layers
    only; without DDP the runner reverts configured SyncBN layers."""
    init_default_scope('mmseg')
    cfg = tiny_segmentor_cfg(tiny_classifier, norm_cfg=dict(type='BN'))
    for loss in cfg.losses:  # the demo config folds the classifier's BN
        if 'fuse_conv_bn' in loss:
            loss.fuse_conv_bn = False
    segmentor = MODELS.build(cfg)
    frozen = segmentor.losses[2].classifier
    num_frozen_bn = sum(
        isinstance(m, nn.BatchNorm2d) for m in frozen.modules())
    assert num_frozen_bn > 0

    converted = convert_sync_batchnorm(segmentor)

    assert count_sync_batchnorm(converted) > 0
    assert not any(
        isinstance(m, nn.BatchNorm2d) for m in converted.backbone.modules())
    assert count_sync_batchnorm(frozen) == 0
    assert sum(isinstance(m, nn.BatchNorm2d)
               for m in frozen.modules()) == num_frozen_bn

    reverted = revert_sync_batchnorm(
        MODELS.build(
            tiny_segmentor_cfg(tiny_classifier, norm_cfg=dict(type='SyncBN'))))
    assert count_sync_batchnorm(reverted) == 0


@pytest.fixture
def dist_cfg() -> Config:
    cfg = Config(
        dict(
            launcher='pytorch',
            env_cfg=dict(dist_cfg=dict(backend='nccl')),
            find_unused_parameters=True))
    return cfg


def test_setup_cpu_distributed_selects_gloo_and_cpu_wrapper(
        dist_cfg, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    calls = []
    monkeypatch.setattr(torch_dist, 'init_process_group',
                        lambda **kwargs: calls.append(kwargs))
    dist_cfg.env_cfg.dist_cfg.timeout = 60

    assert setup_cpu_distributed(dist_cfg)

    assert calls == [dict(backend='gloo', timeout=timedelta(seconds=60))]
    assert dist_cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert dist_cfg.model_wrapper_cfg == dict(
        type='mmseg.CPUDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=True)
    assert MODEL_WRAPPERS.get(dist_cfg.model_wrapper_cfg.type) is \
        CPUDistributedDataParallel


def test_setup_cpu_distributed_keeps_gpu_and_custom_setups(
        dist_cfg, monkeypatch):
    monkeypatch.setattr(torch_dist, 'init_process_group',
                        lambda **kwargs: None)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert not setup_cpu_distributed(dist_cfg)
    assert dist_cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in dist_cfg

    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    dist_cfg.model_wrapper_cfg = dict(type='MMFullyShardedDataParallel')
    assert setup_cpu_distributed(dist_cfg)
    assert dist_cfg.model_wrapper_cfg.type == 'MMFullyShardedDataParallel'

    dist_cfg.launcher = 'none'
    assert not setup_cpu_distributed(dist_cfg)


@pytest.mark.parametrize('script, positional', [
    ('slurm_train.sh', ['CONFIG.py']),
    ('slurm_test.sh', ['CONFIG.py', 'CHECKPOINT.pth']),
])
def test_slurm_scripts_launch_the_tools(tmp_path, script, positional):
    """With a stand-in ``srun`` that prints its arguments: one task per GPU,
    the tool with ``--launcher slurm`` and the extra arguments."""
    srun = tmp_path / 'srun'
    srun.write_text('#!/usr/bin/env bash\necho "srun $*"\n')
    srun.chmod(0o755)
    env = dict(
        tool_env(),
        PATH=f'{tmp_path}:{os.environ["PATH"]}',
        GPUS='16',
        GPUS_PER_NODE='8')

    result = subprocess.run([
        'bash',
        str(REPO / 'tools' / script), 'gpu-partition', 'job', *positional,
        '--cfg-options', 'a=1'
    ],
                            env=env,
                            capture_output=True,
                            text=True)

    assert result.returncode == 0, result.stderr
    command = result.stdout.strip()
    tool = 'train.py' if script == 'slurm_train.sh' else 'test.py'
    assert command.startswith('srun -p gpu-partition --job-name=job '
                              '--gres=gpu:8 --ntasks=16 '
                              '--ntasks-per-node=8')
    assert command.endswith(f'{sys.executable} -u {REPO / "tools"}/{tool} '
                            f'{" ".join(positional)} --launcher slurm '
                            '--cfg-options a=1')
