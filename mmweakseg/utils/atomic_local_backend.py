# Copyright (c) mmweakseg contributors. All rights reserved.
"""Crash-safe writing of local files (checkpoints, ``last_checkpoint``).

mmengine's ``LocalBackend.put`` opens the final path with ``'wb'`` and writes
into it, so a process killed while saving leaves a truncated checkpoint under
the real name. :func:`atomic_write` writes a hidden temporary file in the
same folder, flushes it to disk (``fsync``) and renames it over the final
path with :func:`os.replace`, which POSIX makes atomic: the final path holds
either the previous file or the complete new one, never a part. A killed
write leaves only the temporary file ``.<name>.<pid>.<random>.tmp``, which
no mmengine or mmweakseg code reads and which may be deleted.

:class:`AtomicLocalBackend` is mmengine's local backend with ``put`` and
``put_text`` made atomic; it is registered as the file backend
``'atomic_local'``, selected by ``backend_args=dict(backend='atomic_local')``.
"""
import os
import os.path as osp
import uuid
from pathlib import Path
from typing import Union

import mmengine
from mmengine.fileio import LocalBackend, register_backend


def _fsync_folder(folder: str) -> None:
    """Flush a folder's entries (a rename) to disk, where POSIX allows it."""
    if not hasattr(os, 'O_DIRECTORY'):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` so that a crash never leaves a part.

    The folder is created if missing. The new file gets the permissions of a
    plainly created one (``0o666`` minus the umask).

    Args:
        data (bytes): The whole content of the file.
        filepath (str | Path): The final path.
    """
    filepath = str(filepath)
    folder = osp.dirname(osp.abspath(filepath))
    mmengine.mkdir_or_exist(folder)
    temp_path = osp.join(
        folder,
        f'.{osp.basename(filepath)}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp')
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_path, filepath)
    except BaseException:
        if osp.exists(temp_path):
            os.remove(temp_path)
        raise
    _fsync_folder(folder)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """mmengine's ``LocalBackend`` whose writes are atomic (see
    :func:`atomic_write`); reading, listing and removing are unchanged."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath`` atomically."""
        atomic_write(obj, filepath)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically."""
        atomic_write(obj.encode(encoding), filepath)
