# Copyright (c) mmweakseg contributors. All rights reserved.
"""A work directory that a failed command does not leave half made."""
import os
import os.path as osp
import shutil
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def created_or_removed(work_dir: str) -> Iterator[str]:
    """Create ``work_dir`` and remove it again if the block fails.

    A folder that existed before is never removed. Use it around the steps
    before anything worth keeping is written (checks, configs), so that an
    error there leaves no empty or half-made work directory behind.

    Args:
        work_dir (str): The folder to create (with its parents).

    Yields:
        str: ``work_dir``.

    Raises:
        OSError: The folder cannot be created or written to; the message
            names it and says what was expected.
    """
    existed = osp.isdir(work_dir)
    try:
        os.makedirs(work_dir, exist_ok=True)
        if not os.access(work_dir, os.W_OK):
            raise PermissionError(f'no write permission for {work_dir!r}')
    except OSError as error:
        raise OSError(
            f'cannot create the work dir {work_dir!r} '
            f'({type(error).__name__}: {error}); expected a folder path '
            'that can be created and written to') from error
    try:
        yield work_dir
    except BaseException:
        if not existed:
            shutil.rmtree(work_dir, ignore_errors=True)
        raise
