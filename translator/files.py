"""Reading files safely: regular files only, bounded where the size is not ours to trust.

A path named ``*.md`` can be a FIFO (reading it blocks forever), a device
(``/dev/full`` never ends; replacing ``/dev/stdout`` would destroy a device
node), a directory, or a symbolic link out of the content tree. Every read of
an article, an English file or a lock goes through here, so that such a path
fails that file with one line instead of hanging or aborting the run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from translator.errors import InputError

RECORD_LIMIT = 16 << 20
"""How much of a possible English file is read to find translator's record: the
front matter comes first, so a file (or a device) of any size costs at most this."""


def open_regular(path: Path) -> int:
    """Open a file for reading, refusing anything that is not a regular file.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a
    writer; the type is then checked on the open descriptor, not on the name.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a Markdown file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {_reason(exc)}", path=path) from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    if stat.S_ISDIR(mode):
        raise InputError("is a directory, not a Markdown file", path=path)
    raise InputError(f"is not a regular file (it is a {_kind(mode)}); nothing was read", path=path)


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file; with ``limit``, at most that many."""
    fd = open_regular(path)
    try:
        with os.fdopen(fd, "rb", closefd=True) as handle:
            return handle.read() if limit is None else handle.read(limit)
    except OSError as exc:
        raise InputError(f"cannot be read: {_reason(exc)}", path=path) from None


def is_regular(path: Path) -> bool:
    """Whether a path (links followed) is a regular file."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError):
        return False


def exists(path: Path) -> bool:
    """Whether anything is at a path, a dangling or looping link included."""
    try:
        path.lstat()
    except OSError:
        return False
    return True


def inside(path: Path, root: Path) -> bool:
    """Whether a path, every link on the way resolved, stays inside ``root`` (resolved).

    A link loop or a path the system cannot resolve counts as outside.
    """
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def resolvable(path: Path) -> bool:
    """Whether the system can follow every link of a path (no loop, not too long)."""
    try:
        path.resolve()
    except (OSError, RuntimeError):
        return False
    return True


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "named pipe"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long for the file system"
    return exc.strerror or str(exc)


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
