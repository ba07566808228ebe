"""An exclusive lock per run or job directory, so two runs never write into one folder at once.

The lock is an advisory ``flock`` on ``<dir>/.scamsim.lock``, taken without
waiting: the second run into a folder that is in use fails at once with
:class:`RunDirLocked` and touches nothing there (the lock file already
exists, it is only opened).  The kernel drops the lock when its process ends,
however it ends, so a killed run never leaves a folder locked.  The file is
kept, not deleted, on release: deleting it would let a third run lock a new
file while a second still holds the old one.

``flock`` works on Linux and macOS, on local disks and on NFS (Linux emulates
it with byte-range locks there), which covers the cluster launchers.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path
from types import TracebackType

LOCK_NAME = ".scamsim.lock"

__all__ = ["LOCK_NAME", "RunDirLock", "RunDirLocked"]


class RunDirLocked(RuntimeError):
    """Another process is running into this directory."""


class RunDirLock:
    """``with RunDirLock(outdir):`` holds ``outdir``'s lock for the block (creating ``outdir``)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> RunDirLock:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunDirLocked(
                    f"{self.directory} is in use by another scamsim run; nothing was written (wait for it, or pick another folder)"
                ) from None
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunDirLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
