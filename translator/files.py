"""Files: the lowest layer, which every stage may use and which uses none.

Reading a source (UTF-8 only, its BOM kept aside), writing an output
atomically, hashing text for the provenance record, and finding the glossary
file. They live here, below the stages, so that no stage has to reach up to
another for a small helper: the pipeline order is also the import order.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from translator.errors import InputError


def read(path: Path) -> tuple[str, bool]:
    """Read a file as UTF-8 text; return the text without BOM and whether it had one."""
    if path.is_dir():
        raise InputError("is a directory; give the Markdown files inside it", path=path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", path=path) from None
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


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` as UTF-8 unless the file already holds it; return whether it was written."""
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
