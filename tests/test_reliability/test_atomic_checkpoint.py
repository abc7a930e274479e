# Copyright (c) mmweakseg contributors. All rights reserved.
"""A kill while a checkpoint is saved never leaves a checkpoint that looks
valid but is not; the previous one stays usable for ``--resume``."""
import glob
import multiprocessing
import os
import runpy
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.fileio import get_file_backend

from mmweakseg.utils import AtomicLocalBackend, atomic_write
from reliability_utils import REPO

# Trains a linear model for 2 epochs with AtomicCheckpointHook
# (max_keep_ckpts=1, so saving epoch 2 must delete epoch 1). With --kill the
# process SIGKILLs itself inside the save of epoch 2, after the bytes are
# written and before the file is renamed into place; with --resume it
# resumes from last_checkpoint.
TRAIN_SCRIPT = '''
import os, signal, sys
import torch
from torch import nn
from mmengine.model import BaseModel
from mmengine.runner import Runner
import mmweakseg  # noqa: F401


class LinearModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        loss = self.linear(inputs).pow(2).mean()
        return dict(loss=loss) if mode == 'loss' else [loss]


if '--kill' in sys.argv:
    replace = os.replace

    def replace_or_die(src, dst):
        if dst.endswith('epoch_2.pth'):
            os.kill(os.getpid(), signal.SIGKILL)
        replace(src, dst)

    os.replace = replace_or_die

torch.manual_seed(0)
Runner(
    model=LinearModel(),
    work_dir=sys.argv[1],
    experiment_name='atomic',
    default_scope='mmseg',
    train_dataloader=dict(
        dataset=[dict(inputs=torch.randn(2)) for _ in range(4)],
        sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'),
        batch_size=2),
    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
    train_cfg=dict(by_epoch=True, max_epochs=2),
    default_hooks=dict(
        checkpoint=dict(
            type='AtomicCheckpointHook', interval=1, max_keep_ckpts=1)),
    resume='--resume' in sys.argv,
).train()
'''


def write_train_script(tmp_path: Path) -> str:
    script = tmp_path / 'train_linear.py'
    script.write_text(TRAIN_SCRIPT)
    return str(script)


def write_then_die(path: str) -> None:
    """Child process: atomically write ``path`` and get SIGKILLed after the
    new bytes are written and flushed, before the rename."""

    def die(*args):
        os.kill(os.getpid(), signal.SIGKILL)

    os.replace = die
    atomic_write(b'new, complete content' * 1000, path)


def test_atomic_write_replaces_whole_file(tmp_path):
    path = tmp_path / 'sub' / 'file.bin'

    atomic_write(b'first', path)
    atomic_write(b'second', path)

    assert path.read_bytes() == b'second'
    assert os.listdir(path.parent) == ['file.bin']  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_killed_atomic_write_keeps_the_previous_file(tmp_path):
    path = str(tmp_path / 'epoch_1.pth')
    atomic_write(b'previous', path)

    child = multiprocessing.get_context('fork').Process(
        target=write_then_die, args=(path, ))
    child.start()
    child.join()

    assert child.exitcode == -signal.SIGKILL
    assert Path(path).read_bytes() == b'previous'
    leftovers = glob.glob(str(tmp_path / '.epoch_1.pth.*.tmp'))
    assert len(leftovers) == 1  # the interrupted write, hidden and ignored


def test_failed_atomic_write_removes_its_temporary_file(tmp_path):
    path = tmp_path / 'epoch_1.pth'
    with pytest.raises(TypeError):
        atomic_write('text is not bytes', path)
    assert os.listdir(tmp_path) == []


def test_atomic_backend_is_registered(tmp_path):
    backend = get_file_backend(
        str(tmp_path), backend_args=dict(backend='atomic_local'))
    assert isinstance(backend, AtomicLocalBackend)
    backend.put_text('epoch_3.pth', tmp_path / 'last_checkpoint')
    assert backend.get_text(tmp_path / 'last_checkpoint') == 'epoch_3.pth'


def test_kill_while_saving_keeps_last_checkpoint_usable(tmp_path, monkeypatch):
    work_dir = tmp_path / 'work_dir'
    script = write_train_script(tmp_path)

    killed = subprocess.run([sys.executable, script, work_dir, '--kill'],
                            cwd=REPO,
                            capture_output=True,
                            text=True)

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    # the save of epoch 2 was interrupted: epoch 1 is still there, complete,
    # and named by last_checkpoint (mmengine's CheckpointHook deletes it
    # before saving epoch 2)
    assert not (work_dir / 'epoch_2.pth').exists()
    assert glob.glob(str(work_dir / '.epoch_2.pth.*.tmp'))
    last = (work_dir / 'last_checkpoint').read_text()
    assert last == str(work_dir / 'epoch_1.pth')
    epoch_1 = torch.load(last, weights_only=False)
    assert epoch_1['meta']['epoch'] == 1

    # resume in this process (faster than a new interpreter)
    monkeypatch.setattr(sys, 'argv', [script, str(work_dir), '--resume'])
    runpy.run_path(script)

    assert (work_dir / 'last_checkpoint').read_text() == str(work_dir /
                                                             'epoch_2.pth')
    assert torch.load(
        work_dir / 'epoch_2.pth', weights_only=False)['meta']['epoch'] == 2
    # the outdated checkpoint goes only once the new one is complete
    assert not (work_dir / 'epoch_1.pth').exists()
