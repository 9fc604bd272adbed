"""Translation memory: nothing is decoded twice.

An embedded SQLite database keyed by model name and version, glossary hash and
the normalised source sentence. It keeps the target pieces and their alignment
to the source pieces as well as the text, so that a sentence found in memory
can still have its markup placed back exactly as after decoding. TMX 1.4 export
hands the memory to CAT tools.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from translator import __version__
from translator.errors import TranslatorError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    model TEXT NOT NULL,
    glossary TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    pieces TEXT NOT NULL,
    alignment TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'mt',
    created TEXT NOT NULL,
    PRIMARY KEY (model, glossary, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS corrections (
    key TEXT PRIMARY KEY,
    dutch TEXT NOT NULL,
    english TEXT NOT NULL,
    created TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rendered (
    model TEXT NOT NULL,
    glossary TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (model, glossary, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS languages (
    key TEXT PRIMARY KEY,
    language TEXT NOT NULL,
    probability REAL NOT NULL,
    created TEXT NOT NULL
) WITHOUT ROWID;
"""


def _alignment(stored: str) -> tuple[tuple[tuple[int, float], ...], ...]:
    """Read an alignment; memories written before soft alignments hold one piece per row."""
    return tuple(
        ((row, 1.0),) if isinstance(row, int) else tuple((int(s), float(w)) for s, w in row)
        for row in json.loads(stored)
    )


class MemoryStoreError(TranslatorError):
    """The memory database cannot be opened or is damaged."""


def normalize(sentence: str) -> str:
    """The memory key of a sentence: NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", sentence).split())


@dataclass(frozen=True, slots=True)
class Entry:
    """One remembered translation."""

    source: str
    target: str
    pieces: tuple[str, ...]
    """Target SentencePiece pieces, as decoded."""
    alignment: tuple[tuple[tuple[int, float], ...], ...]
    """For each target piece, the source pieces it attends to: (piece, weight) pairs."""


@dataclass(frozen=True, slots=True)
class Stats:
    entries: int
    models: dict[str, int]
    path: Path
    size: int


def _now() -> str:
    """When a row is written, as every table records it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Memory:
    """A translation memory in one SQLite file.

    The memory only saves work, so it never costs a run its output: when the
    database cannot be opened, is damaged, or a write fails (a full disk, a lock
    held for longer than 30 s), the memory turns itself off for the rest of the
    run and says why in ``problem``. ``strict`` (for the ``memory`` commands,
    whose whole point is the database) raises instead; ``clear`` rebuilds a
    damaged database from nothing.
    """

    def __init__(self, path: Path, *, strict: bool = False) -> None:
        self.path = path
        self.problem: str | None = None
        """Why the memory was turned off during this run; None while it works."""
        self._db: sqlite3.Connection | None = None
        try:
            self._open()
        except (OSError, sqlite3.Error) as exc:
            self._fail(exc)
            if strict:
                raise MemoryStoreError(
                    f"cannot open the translation memory: {exc}; run 'translator memory "
                    "clear --yes' to rebuild it, point TRANSLATOR_MEMORY or 'memory' in "
                    "[tool.translator] at a writable file, or pass --no-memory",
                    path=path,
                ) from None

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.executescript(_SCHEMA)

    def _fail(self, exc: BaseException) -> None:
        """Turn the memory off for the rest of the run, keeping the first reason."""
        if self.problem is None:
            self.problem = (
                f"the translation memory {self.path} cannot be used ({exc}); this run went on "
                "without it. Run 'translator memory clear --yes' to rebuild it"
            )
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query; none when the memory is off or fails now."""
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self._fail(exc)
            return []

    def _write(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One transaction; a failure turns the memory off, never the run."""
        if self._db is None or not rows:
            return
        try:
            with self._db:
                self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            self._fail(exc)

    def lookup(self, model: str, glossary: str, sources: Iterable[str]) -> dict[str, Entry]:
        """Entries for those sources that are in memory."""
        keys = (normalize(s) for s in sources)
        rows = self._select("segments", "source, target, pieces, alignment", model, glossary, keys)
        return {
            source: Entry(source, target, tuple(json.loads(pieces)), _alignment(alignment))
            for source, target, pieces, alignment in rows
        }

    def store(
        self, model: str, glossary: str, entries: Sequence[Entry], origin: str = "mt"
    ) -> None:
        now = _now()
        self._write(
            "INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    model,
                    glossary,
                    normalize(e.source),
                    e.target,
                    json.dumps(e.pieces),
                    json.dumps(e.alignment),
                    origin,
                    now,
                )
                for e in entries
            ],
        )

    def rendered(self, model: str, glossary: str, texts: Iterable[str]) -> dict[str, str]:
        """Whole engine texts (placeholders included) translated before, as the engine
        returned them: a warm run needs neither the sentence splitter nor the model."""
        return dict(self._select("rendered", "source, target", model, glossary, texts))

    def _select(
        self, table: str, columns: str, model: str, glossary: str, keys: Iterable[str]
    ) -> Iterator[tuple[Any, ...]]:
        return self._keyed(
            f"SELECT {columns} FROM {table} WHERE model = ? AND glossary = ? AND source IN "
            "({marks})",
            keys,
            (model, glossary),
        )

    def _keyed(
        self, sql: str, keys: Iterable[str], params: Sequence[Any] = ()
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of a query whose ``IN ({marks})`` takes the keys (after ``params``), 500
        keys at a time: SQLite caps the number of parameters."""
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            yield from self._query(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk))

    def store_rendered(self, model: str, glossary: str, pairs: Iterable[tuple[str, str]]) -> None:
        self._write(
            "INSERT OR REPLACE INTO rendered VALUES (?, ?, ?, ?)",
            [(model, glossary, source, target) for source, target in pairs],
        )

    def corrections(self, keys: Iterable[str]) -> dict[str, str]:
        """A person's English for Dutch segments, by segment key (see batch)."""
        return dict(
            self._keyed("SELECT key, english FROM corrections WHERE key IN ({marks})", keys)
        )

    def store_corrections(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Record (key, Dutch, English) for segments a person corrected."""
        now = _now()
        self._write(
            "INSERT OR REPLACE INTO corrections VALUES (?, ?, ?, ?)",
            [(key, dutch, english, now) for key, dutch, english in entries],
        )

    def languages(self, keys: Iterable[str]) -> dict[str, tuple[str, float]]:
        """The language found before for pages that were not Dutch, by page key (see
        ``batch.Decisions``): an unchanged page is not detected again."""
        rows = self._keyed(
            "SELECT key, language, probability FROM languages WHERE key IN ({marks})", keys
        )
        return {key: (language, probability) for key, language, probability in rows}

    def store_languages(self, entries: Iterable[tuple[str, str, float]]) -> None:
        """Record (key, language, probability) for pages found not to be Dutch."""
        now = _now()
        self._write(
            "INSERT OR REPLACE INTO languages VALUES (?, ?, ?, ?)",
            [(key, language, probability, now) for key, language, probability in entries],
        )

    def stats(self) -> Stats:
        models = dict(self._strict("SELECT model, COUNT(*) FROM segments GROUP BY model"))
        return Stats(sum(models.values()), models, self.path, self.path.stat().st_size)

    def clear(self) -> int:
        """Delete every entry; a database too damaged for that is rebuilt empty."""
        try:
            if self._db is None:
                raise sqlite3.DatabaseError(self.problem or "not open")
            with self._db:
                self._db.execute("DELETE FROM rendered")
                self._db.execute("DELETE FROM corrections")
                self._db.execute("DELETE FROM languages")
                return int(self._db.execute("DELETE FROM segments").rowcount)
        except sqlite3.DatabaseError:
            self.rebuild()
            return 0

    def rebuild(self) -> None:
        """Replace the database file (and its journals) by an empty memory."""
        self.close()
        self.problem = None
        try:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._open()
        except (OSError, sqlite3.Error) as exc:
            raise MemoryStoreError(
                f"cannot create the translation memory: {exc}", path=self.path
            ) from None

    def _strict(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows for the memory commands, which report a damaged database instead."""
        try:
            if self._db is None:
                raise sqlite3.DatabaseError(self.problem or "not open")
            return self._db.execute(sql).fetchall()
        except sqlite3.Error as exc:
            raise MemoryStoreError(
                f"the translation memory is damaged ({exc}); run 'translator memory clear "
                "--yes' to rebuild it",
                path=self.path,
            ) from None

    def rows(self) -> Iterator[tuple[str, str, str, str, str]]:
        yield from self._strict(
            "SELECT model, source, target, origin, created FROM segments ORDER BY model, source"
        )
        yield from self._strict(
            "SELECT 'human', dutch, english, 'human', created FROM corrections ORDER BY dutch"
        )


def export_tmx(memory: Memory) -> str:
    """The memory as a TMX 1.4 document (Dutch source, English target)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        f'  <header creationtool="translator" creationtoolversion={quoteattr(__version__)} '
        'datatype="plaintext" segtype="sentence" adminlang="en" srclang="nl" o-tmf="sqlite"/>',
        "  <body>",
    ]
    for model, source, target, origin, created in memory.rows():
        stamp = created.replace("-", "").replace(":", "")
        lines += [
            f'    <tu creationdate="{stamp}" creationid={quoteattr(model)}>',
            f'      <prop type="x-origin">{escape(origin)}</prop>',
            f'      <tuv xml:lang="nl"><seg>{escape(source)}</seg></tuv>',
            f'      <tuv xml:lang="en"><seg>{escape(target)}</seg></tuv>',
            "    </tu>",
        ]
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines)
