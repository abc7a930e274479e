# Copyright (c) mmweakseg contributors. All rights reserved.
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend, get_file_backend
from mmengine.hooks import CheckpointHook
from mmseg.registry import HOOKS

from ...utils import atomic_write

ATOMIC_BACKEND_ARGS = dict(backend='atomic_local')


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` made safe against a kill while saving.

    mmengine writes a checkpoint straight to its final path, deletes the
    oldest checkpoint (``max_keep_ckpts``) *before* saving the new one, and
    then rewrites ``last_checkpoint`` in place. A process killed during a
    save can therefore leave a truncated ``epoch_N.pth`` that looks valid, or
    a ``last_checkpoint`` that names a deleted or partial file, and
    ``--resume`` fails. This hook keeps every argument and behaviour of
    ``CheckpointHook`` but

    - writes local checkpoints (also ``best_*`` ones) through the
      ``'atomic_local'`` file backend: a temporary file, ``fsync``, then an
      atomic rename (:func:`mmweakseg.utils.atomic_write`);
    - updates ``last_checkpoint`` atomically, and only after the checkpoint
      it names is complete;
    - deletes the outdated checkpoint only after that.

    So at any instant ``last_checkpoint`` names a complete checkpoint. A kill
    may leave a hidden ``.epoch_N.pth.*.tmp`` file, or one checkpoint more
    than ``max_keep_ckpts``; neither is ever read. Checkpoints for a remote
    ``out_dir`` or with explicit ``backend_args`` are written as mmengine
    does.

    Args:
        See :class:`mmengine.hooks.CheckpointHook`.
    """

    def before_train(self, runner) -> None:
        """Select the atomic backend for a local ``out_dir``, then set up as
        ``CheckpointHook`` does."""
        out_dir = self.out_dir or runner.work_dir
        if (self.backend_args is None and self.file_client_args is None
                and isinstance(get_file_backend(out_dir), LocalBackend)):
            self.backend_args = dict(ATOMIC_BACKEND_ARGS)
        super().before_train(runner)

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        """Save the checkpoint of ``step``, then point ``last_checkpoint`` at
        it, then delete the checkpoint that fell out of ``max_keep_ckpts``."""
        outdated_step = self._track_kept_step(runner, step)
        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir,
                                                     ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)

        runner.save_checkpoint(
            self.out_dir,
            ckpt_filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)

        if not is_main_process():
            return
        atomic_write(
            str(self.last_ckpt).encode(),
            osp.join(runner.work_dir, 'last_checkpoint'))
        if outdated_step is not None:
            self._remove_checkpoint(self.filename_tmpl.format(outdated_step))

    def _track_kept_step(self, runner, step: int) -> Optional[int]:
        """Record ``step`` among the kept checkpoints (in the message hub, so
        it is saved with the checkpoint).

        Returns:
            int, optional: The step whose checkpoint is now outdated and
            must be deleted once the new one is saved, if any.
        """
        if self.max_keep_ckpts <= 0 or (self.keep_ckpt_ids
                                        and self.keep_ckpt_ids[-1] == step):
            # ``_save_best_checkpoint`` may save the same step again
            return None
        outdated_step = None
        if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
            outdated_step = self.keep_ckpt_ids.popleft()
        self.keep_ckpt_ids.append(step)
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))
        return outdated_step

    def _remove_checkpoint(self, filename: str) -> None:
        """Delete a checkpoint file (or a DeepSpeed checkpoint folder) of
        ``out_dir`` if it exists."""
        path = self.file_backend.join_path(self.out_dir, filename)
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):
            self.file_backend.rmtree(path)
