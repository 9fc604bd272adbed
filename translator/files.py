"""Files: the lowest layer, which every stage may use and which uses none.

Reading a source (UTF-8 only, its BOM kept aside), writing an output
atomically, hashing text for the provenance record, and finding the glossary
file. They live here, below the stages, so that no stage has to reach up to
another for a small helper: the pipeline order is also the import order.

Only regular files are read or replaced. A path named ``*.md`` can be a FIFO
(reading it blocks forever), a device (``/dev/full`` never ends; replacing
``/dev/stdout`` would destroy a device node), a directory, or a symbolic link
out of the content tree: such a path fails its file with one line instead of
hanging or aborting the run.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from translator.errors import InputError, OutputError, TranslatorError

RECORD_LIMIT = 16 << 20
"""How much of a possible English file is read to find translator's record: the
front matter comes first, so a file (or a device) of any size costs at most this."""


def read(path: Path) -> tuple[str, bool]:
    """Read a file as UTF-8 text; return the text without BOM and whether it had one."""
    data = read_bytes(path)  # regular files only: a FIFO or device never hangs a run
    if b"\0" in data[:8192]:
        raise InputError("is a binary file, not Markdown", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8 and try again",
            path=path,
            line=line,
        ) from None
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError("is empty; there is nothing to translate", path=path)
    return text, bom


def text_hash(text: str) -> str:
    """A short, stable hash of a text, for the per-segment record in the provenance."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def default_glossary(start: Path | None = None) -> Path | None:
    """``glossary/terms.csv`` in the working folder or the nearest parent that has one."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / "glossary" / "terms.csv"
        if path.is_file():
            return path
    return None


def write_atomic(path: Path, content: str | bytes) -> bool:
    """Write ``content`` (text as UTF-8) unless the file already holds it; return whether
    it was written. Only a regular file (or nothing) is ever replaced."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if _holds(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether a file already holds exactly ``data``; refuse to replace a non-file."""
    if not exists(path):
        return False
    if not is_regular(path):
        raise OutputError(
            "is not a regular file (a device, pipe or folder); translator replaces only "
            "regular files. Use -o - to write to stdout",
            path=path,
        )
    try:  # one byte more than needed: a longer file differs, however long it is
        return read_bytes(path, len(data) + 1) == data
    except TranslatorError:
        return False


_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp$")


def is_temporary(name: str) -> bool:
    """Whether a file name is one of translator's temporaries (``.index.en.md.PID.XXXX.tmp``)."""
    return _TEMPORARY.match(name) is not None


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporaries of ``path`` left by a killed run: those whose process is gone."""
    try:
        # Names, not a Path per entry: a no-op run looks into every article's folder.
        names = [n for n in os.listdir(path.parent) if n.startswith(f".{path.name}.")]  # noqa: PTH208
    except OSError:
        return
    for name in names:
        found = _TEMPORARY.match(name)
        if found and name[1 : 1 + len(path.name)] == path.name and not alive(int(found[1])):
            unlink_quietly(path.parent / name)


def alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


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
        raise InputError(f"cannot be read: {reason(exc)}", path=path) from None
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
            return handle.read() if limit is None else _read_up_to(handle, limit)
    except OSError as exc:
        raise InputError(f"cannot be read: {reason(exc)}", path=path) from None


def _read_up_to(handle: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes, read in blocks: ``read(limit)`` would allocate all of
    ``limit`` (16 MiB for a record) for every small file a no-op run reads."""
    blocks = []
    while limit > 0 and (block := handle.read(min(limit, _BLOCK_SIZE))):
        blocks.append(block)
        limit -= len(block)
    return b"".join(blocks)


_BLOCK_SIZE = 1 << 16


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


def kind(path: Path) -> str:
    """What a path that is not a regular file is (links followed), in words for a message."""
    try:
        return _kind(path.stat().st_mode)
    except (OSError, RuntimeError):
        return "special file"


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


def reason(exc: OSError) -> str:
    """Why a file system call failed, in words for a message."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long for the file system"
    return exc.strerror or str(exc)


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
