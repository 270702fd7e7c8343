"""One ``essbot run`` per database: an exclusive OS lock on ``<database>.lock``.

Two bots on one database would both poll the same Telegram token (409 Conflict) and
answer the same users twice. The lock is ``flock(2)`` on a file beside the database: it is
held by the open file, so the kernel releases it when the process ends, however it ends
(kill -9 included); a stale lock file is harmless. The file holds the pid of the holder,
for the message given to the second instance. Read-only commands (``essbot stats``,
``export``, ``backup``) do not take it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from bot.store.files import private_parent


class InstanceLocked(RuntimeError):
    """Another process holds the database's lock."""


class InstanceLock:
    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    @classmethod
    def for_database(cls, database: str | Path) -> InstanceLock:
        database = Path(database)
        return cls(database.with_name(database.name + ".lock"))

    def acquire(self) -> None:
        private_parent(self.path)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise InstanceLocked(
                f"another essbot is already running on this database (pid {holder}, lock "
                f"{self.path}); stop it first, or set ESSBOT_DB to another database") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def holder(self) -> str | None:
        """The pid of the process holding the lock now, or None (nobody, or no file yet);
        takes nothing and creates nothing."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
