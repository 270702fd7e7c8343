"""Private files: the database, its WAL and SHM, the secret, the lock, created 0600 in a
folder created 0700.

SQLite gives the ``-wal`` and ``-shm`` files the mode of the database file, so creating
the database 0600 before SQLite opens it is enough for all three. An existing database
that others can read (made by an older essbot, under umask 022) is tightened, with a
warning. A folder that already exists is left as it is: it may be shared on purpose.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_parent(path: Path) -> None:
    """Create the folders above ``path`` that are missing, 0700."""
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it is missing; tighten it if it exists."""
    private_parent(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten(path)
    else:
        os.close(fd)


def tighten(path: Path) -> None:
    """Remove the group's and others' access to an existing file of ours."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        try:
            os.chmod(path, mode & 0o700)
        except PermissionError:
            log.warning("%s is readable by other users (mode %o) and cannot be changed: "
                        "chmod 600 it", path, mode)
            return
        log.warning("%s was readable by other users (mode %o): now %o", path, mode,
                    mode & 0o700)
