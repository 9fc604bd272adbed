"""Batch translation for CI: incremental, safe, parallel English page bundles.

A run walks a content tree, decides for each Dutch article whether its English
is missing, stale (the source or the glossary terms it uses changed) or
current, and translates only what changed, down to the segment: an unchanged
paragraph keeps its English, including a correction a person made to it. A
run with nothing to do reads hashes only and never loads a model.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import importlib.util
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from translator import __version__, files, output, theme_strings
from translator.config import Settings, cache_home
from translator.engines import Engine, load_engine
from translator.errors import EngineError, InputError, OutputError, TranslatorError
from translator.options import Options, glossary_fingerprint, links_hash
from translator.previous import Previous, read_previous, read_record

if TYPE_CHECKING:  # multiprocessing is imported when --jobs starts workers, the
    # pipeline when an article is loaded: a run with nothing to do imports neither
    from multiprocessing.connection import Connection

    from translator.glossary import Glossary
    from translator.memory import Memory
    from translator.pipeline import Article, Kept, Result

Layout = Literal["bundle", "tree"]


class LockedError(TranslatorError):
    """Another batch run is writing the same tree."""


@dataclass
class Item:
    """One article of a batch run, and what happened to it."""

    source: Path
    target: Path | None
    status: str = "up-to-date"
    """translated, up-to-date, stale (with --check), needs-review, skipped or failed."""
    language: str | None = None
    error: str | None = None
    reason: str | None = None
    """Why the article is stale: missing, source changed, glossary changed, forced."""
    total: int = 0
    engine: int = 0
    reused: int = 0
    notes: list[str] = field(default_factory=list)
    """Human edits kept, replaced or needing review, with their lines."""
    terms_expected: int = 0
    terms_present: int = 0
    reported: bool = field(default=False, repr=False)
    """Whether the progress callback has seen it."""

    def as_json(self, root: Path) -> dict[str, Any]:
        return {
            "source": _relative(self.source, root),
            "target": _relative(self.target, root) if self.target else None,
            "status": self.status,
            "reason": self.reason,
            "language": self.language,
            "error": self.error,
            "segments": {"total": self.total, "engine": self.engine, "reused": self.reused},
            "notes": self.notes,
        }


@dataclass
class BatchReport:
    root: Path
    items: list[Item]
    check: bool
    warnings: list[str] = field(default_factory=list)
    """Problems that did not stop the run, such as a damaged translation memory."""

    @property
    def failed(self) -> bool:
        bad = {"failed", "stale", "needs-review"} if self.check else {"failed"}
        return any(item.status in bad for item in self.items)

    def totals(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        return {
            "files": len(self.items),
            **{
                s: counts.get(s, 0)
                for s in ("translated", "up-to-date", "stale", "needs-review", "skipped", "failed")
            },
            "segments": sum(i.total for i in self.items),
            "engine": sum(i.engine for i in self.items),
            "reused": sum(i.reused for i in self.items),
            "terms_expected": sum(i.terms_expected for i in self.items),
            "terms_present": sum(i.terms_present for i in self.items),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "files": [i.as_json(self.root) for i in self.items],
            "totals": self.totals(),
            "warnings": self.warnings,
        }


# --- finding articles ------------------------------------------------------------------------


def find_articles(
    root: Path, layout: Layout = "bundle", unreadable: list[TranslatorError] | None = None
) -> list[Path]:
    """Markdown sources under the Dutch root; never outputs, never outside ROOT via links.

    Folders that cannot be listed (too long a path, no permission) are added to
    ``unreadable`` when it is given, so that a run reports them instead of
    silently translating less.
    """
    base = source_root(root, layout)
    resolved = base.resolve()
    found = []

    def refused(exc: OSError) -> None:
        if unreadable is not None:
            where = Path(exc.filename) if exc.filename else base
            unreadable.append(InputError(f"cannot be read: {files.reason(exc)}", path=where))

    # os.walk follows no link to a folder, so every folder it enters is inside ROOT.
    for folder, dirs, names in os.walk(base, onerror=refused):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.lower().endswith((".md", ".markdown")):
                continue
            path = Path(folder, name)
            if not output.is_translation(path) and _stays(path, resolved):
                found.append(path)
    return found


def _stays(path: Path, resolved: Path) -> bool:
    """Whether a walked file stays inside the resolved root; a link loop stays too, to
    fail by name instead of vanishing.

    Only a symbolic link is resolved: its folder is inside already (see above), so
    a no-op run need not resolve every path.
    """
    if not path.is_symlink():
        return True
    return files.inside(path, resolved) or not files.resolvable(path)


def confinement(root: Path, layout: Layout) -> Path:
    """The folder nothing is read from or written to outside of (resolved): ROOT, or
    for the tree layout the folder holding both ``nl`` and ``en``."""
    return (source_root(root, layout).parent if layout == "tree" else root).resolve()


def confine(path: Path, root: Path, what: str) -> None:
    """Refuse a path that, its links resolved, leads outside the confinement root."""
    if not files.inside(path, root):
        raise OutputError(
            f"{what} {path} leads outside {root} (through a symbolic link); translator "
            "reads and writes nothing outside ROOT. Replace the link with the file itself",
            path=path,
        )


def source_root(root: Path, layout: Layout) -> Path:
    """The Dutch tree: ROOT itself (bundle), or ROOT/nl (tree; ROOT may be the nl folder)."""
    if layout == "bundle":
        return root
    if root.name == "nl":
        return root
    if (root / "nl").is_dir():
        return root / "nl"
    raise OutputError("the tree layout needs a Dutch tree: ROOT/nl, or ROOT named nl", path=root)


def target_for(source: Path, root: Path, layout: Layout) -> Path:
    """Where an article's English goes in the chosen layout."""
    if layout == "bundle":
        return output.target_path(source)
    base = source_root(root, layout)
    english = base.parent / "en" / source.relative_to(base)
    name = english.name.replace(".nl.md", ".md").replace(".nl.markdown", ".markdown")
    return english.with_name(name)


def in_shard(path: Path, root: Path, shard: tuple[int, int] | None) -> bool:
    """Whether an article belongs to shard K of N, by a stable hash of its path."""
    if shard is None:
        return True
    k, n = shard
    digest = hashlib.sha256(_relative(path, root).encode("utf-8")).hexdigest()
    return int(digest[:12], 16) % n == k - 1


# --- deciding what is stale ------------------------------------------------------------------


def freshness(
    source: Path,
    target: Path,
    options: Options,
    *,
    force: bool,
    writer: Writer | None = None,
) -> str | None:
    """None when the English is current; otherwise why it is not.

    Reads hashes only (and, when the glossary changed since the English was
    written, the article's terms): a run with nothing to do loads no model and
    detects no language. ``writer`` is the engine and model this run would
    translate with; English another one wrote is stale, so that installing a
    better model replaces the old machine text.
    """
    if not files.exists(target):
        return "missing"
    head = files.read_bytes(target, files.RECORD_LIMIT)  # the record is at the top
    try:
        record = read_record(head.decode("utf-8", errors="replace"))
    except TranslatorError:
        # Ours, but someone broke the record (a bad quote, a duplicated key): stale, so
        # that reading it in full marks it for review rather than failing the run.
        return "forced" if force else "record broken"
    if record is None:
        if force:
            return "forced"
        raise OutputError(
            f"{target} exists and was not written by translator; it may hold a human's "
            "translation. Move it away, or pass --force to overwrite it",
            path=source,
        )
    if force:
        return "forced"
    if record.get("source_sha256") != hashlib.sha256(files.read_bytes(source)).hexdigest():
        return "source changed"
    if writer is not None and not same_writer(record, writer):
        return "model changed"
    if _links_changed(source, record, options):
        return "links from other pages changed"
    if options.glossary is not None:
        if record.get("glossary_all_sha256") == glossary_fingerprint(options.glossary):
            return None  # the glossary is as it was, so are the terms this article uses
        from translator.glossary import uses_hash  # noqa: PLC0415
        from translator.pipeline import article_terms, load  # noqa: PLC0415

        plain = replace(options, source_language="nl")  # hashes need no language detection
        article = load(source, plain)
        if record.get("glossary_sha256") != uses_hash(article_terms(article, options.glossary)):
            return "glossary changed"
    return None


def _links_changed(source: Path, record: Mapping[str, Any], options: Options) -> bool:
    """Whether another page now links to a heading of this one that its English does not
    keep (or no longer does). Segments the article only when the site's links changed."""
    recorded = record.get("site_links_sha256")
    if recorded == (_links_hash(options.linked) if options.linked else None):
        return False
    from translator.pipeline import linked_kept, load  # noqa: PLC0415

    article = load(source, replace(options, source_language="nl"))
    return str(record.get("linked_ids", "")) != linked_kept(article)


_links_hash = functools.lru_cache(maxsize=2)(links_hash)
"""The same for every article of a run: hashed once, not once per article."""

Writer = tuple[str, str]
"""An engine's name and its model (``name@version``, or ``none``), as provenance records them."""


def current_writer(settings: Settings) -> Writer | None:
    """The engine and model a run with these settings would write with, read from metadata.

    None when that cannot be told without loading anything (no model installed):
    such a run fails anyway if it has anything to translate.
    """
    engine = LazyEngine(settings)
    try:
        return engine.name, engine.model
    except TranslatorError:
        return None


def same_writer(record: Mapping[str, Any], writer: Writer | None) -> bool:
    """Whether an English file's record names this engine and model (or none is known)."""
    return writer is None or (str(record.get("engine")), str(record.get("model"))) == writer


# --- reusing segments ------------------------------------------------------------------------


@dataclass
class Plan:
    """For one stale article: the English to keep, by segment index, and what to say."""

    reuse: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    changed: tuple[str, ...] = ()
    """What the previous translation recorded as new (see ``pipeline.Kept``)."""
    human: set[int] = field(default_factory=set)
    """Indices among ``reuse`` whose English a person wrote."""

    def kept(self) -> Kept:
        from translator.pipeline import Kept  # noqa: PLC0415

        return Kept(self.reuse, self.changed, frozenset(self.human))


def plan_reuse(
    article: Article,
    previous: Previous | None,
    glossary: Glossary | None,
    corrections: Mapping[str, str],
    *,
    keep_edits: bool,
    writer: Writer | None = None,
) -> Plan:
    """Keep the English of every segment whose Dutch key is unchanged.

    A person's correction to such a segment is kept; machine English is kept
    only when ``writer`` (this run's engine and model) also wrote it. Where a corrected
    segment's Dutch changed, the new Dutch is translated afresh and the edit
    reported as replaced, or, with keep_edits, the edit is kept and reported as
    needing review. A correction made elsewhere to the same Dutch is used too.
    """
    from translator.pipeline import segment_keys  # noqa: PLC0415

    keys = segment_keys(article, glossary)
    plan = Plan()
    if previous is not None:
        plan.changed = tuple(str(previous.record.get("changed", "")).split())
    old = list(previous.entries) if previous is not None else []
    machine_ok = previous is not None and same_writer(previous.record, writer)
    by_key = {e.key: e for e in old if e.edited or machine_ok}
    todo = article.todo
    for i in todo:
        if keys[i] in by_key:
            entry = by_key[keys[i]]
            plan.reuse[i] = entry.english
            if entry.edited:
                plan.human.add(i)
                plan.notes.append(f"human edit kept (English line {entry.line})")
        elif keys[i] in corrections:
            plan.reuse[i] = corrections[keys[i]]
            plan.human.add(i)
            plan.notes.append(
                f"correction from another article used (line {article.segments[i].line})"
            )
    order = [i for i in keys if i in todo]
    import difflib  # noqa: PLC0415 - a no-op run plans nothing

    matcher = difflib.SequenceMatcher(
        a=[e.key for e in old], b=[keys[i] for i in order], autojunk=False
    )
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "replace":
            continue
        for entry, index in zip(old[a0:a1], order[b0:b1], strict=False):
            if not entry.edited or index in plan.reuse:
                continue
            where = f"English line {entry.line}, Dutch line {article.segments[index].line}"
            if keep_edits:
                plan.reuse[index] = entry.english
                plan.human.add(index)
                plan.notes.append(
                    f"needs review: human edit kept though its Dutch changed ({where})"
                )
            else:
                plan.notes.append(f"human edit replaced: its Dutch changed ({where})")
    return plan


# --- running -----------------------------------------------------------------------------------


def lock_path(root: Path) -> Path:
    """The lock file for a content tree: in the user cache, named by the tree's real path.

    Kept out of the tree so that ``git add content`` never commits it, and keyed
    by the resolved path so that two spellings of one tree share one lock.
    """
    return cache_home() / "translator" / "locks" / f"{tree_key(root)}.lock"


def tree_key(root: Path) -> str:
    """A short name for a content tree, the same however its path is spelled."""
    return hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]


@contextlib.contextmanager
def locked(root: Path, *, wait: bool) -> Iterator[None]:
    """Hold the tree's lock file for the run; a second run waits or is told.

    A run on a folder that contains this tree, or lies inside it, writes some of
    the same files: each run also holds the lock of every enclosing folder,
    shared, so that overlapping runs exclude each other and side-by-side ones
    (content/a, content/b) do not.
    """
    path = lock_path(root)
    handle = _acquire(path, root, wait=wait)
    with handle, contextlib.ExitStack() as enclosing:
        for folder in root.resolve().parents:
            enclosing.enter_context(_acquire(lock_path(folder), folder, wait=wait, shared=True))
        try:  # unbuffered: a failed write leaves nothing for close() to fail on again
            os.ftruncate(handle.fileno(), 0)
            os.pwrite(handle.fileno(), f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)
        except OSError as exc:  # a full disk, say
            raise LockedError(
                f"cannot write the lock file: {exc.strerror}; free some space and try again",
                path=path,
            ) from None
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(handle.fileno(), 0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(path: Path, root: Path, *, wait: bool, shared: bool = False) -> IO[str]:
    """Open and lock the lock file, taking it over from a holder that is dead.

    flock is released when its holder dies, unless a process that inherited the
    descriptor lives on: then the recorded pid is dead but the file stays locked.
    Such a file is unlinked and a fresh one locked (old holders keep a lock on
    a file no run opens any more); locking re-checks that the name still leads
    to the file locked, so two runs that take over at once cannot both win.
    """
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    what = f"{root}, which contains this tree" if shared else "this tree or a folder in it"
    for _ in range(5):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a+")
        except OSError as exc:
            raise LockedError(f"cannot create the lock file: {exc.strerror}", path=path) from None
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            if _dead(holder) and _same_file(handle, path):
                files.unlink_quietly(path)
                handle.close()
                continue
            if not wait:
                handle.close()
                raise LockedError(
                    f"another translator batch ({holder or 'another process'}) is writing "
                    f"{what}; wait for it to finish, or pass --wait to queue behind it",
                    path=root,
                ) from None
            fcntl.flock(handle, mode)
        if _same_file(handle, path):
            return handle
        handle.close()  # taken over meanwhile: lock the file the name leads to now
    raise LockedError("the lock file keeps changing; try again", path=path)


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    return handle.read(200).strip()


def _dead(holder: str) -> bool:
    """Whether a lock's recorded holder (``pid N on HOST``) is a process gone from here."""
    pid, _, host = holder.removeprefix("pid ").partition(" on ")
    return pid.isdigit() and host == socket.gethostname() and not files.alive(int(pid))


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        opened, named = os.fstat(handle.fileno()), path.stat()
    except OSError:
        return False
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


CHUNK = 100
"""Articles translated together: large enough to keep batching efficient, small enough
that memory does not grow with the site (see README, *Benchmark*)."""


def run_batch(
    root: Path,
    settings: Settings,
    options: Options,
    *,
    check: bool = False,
    layout: Layout = "bundle",
    jobs: int = 1,
    shard: tuple[int, int] | None = None,
    force: bool = False,
    keep_edits: bool = False,
    progress: Callable[[Item], None] | None = None,
    decoding: Callable[[int, int], None] | None = None,
    chunk: int | None = None,
) -> BatchReport:
    """Bring the English side of a content tree up to date (or, with check, report).

    Stale articles are loaded, translated and written ``chunk`` (default
    ``CHUNK``) at a time, so a first run over a large site holds a bounded number
    of articles in memory; the output is the same byte for byte as in one chunk.
    """
    chunk = chunk or CHUNK
    writer = current_writer(settings)
    decisions = Decisions(settings.memory, options, force=force)
    items, stale = _survey(
        root, options, layout, shard, force=force, check=check, writer=writer, decisions=decisions
    )
    items += _theme_strings(
        root, settings, options, check=check, force=force, keep_edits=keep_edits
    )
    report = BatchReport(root, items, check)
    if not check:  # what a killed run left behind (see files.write_atomic)
        for item in items:
            if item.target is not None:
                files.remove_stale_temporaries(item.target)
    if check:
        for item in stale:
            _needs_review(item, read_previous(item.target) if item.target else None)
    if check or not stale:
        decisions.save(report.warnings)
        _report(items, len(items), progress)
        return report
    parts = [stale[k : k + chunk] for k in range(0, len(stale), chunk)]
    # Corrections are shared between articles: with several chunks, gather them first.
    edits = _edits(stale) if len(parts) > 1 and not force else None
    decoded = _Decoding(decoding, len(stale))
    engine = LazyEngine(settings, decoded if decoding is not None else None)
    stored: set[str] = set()
    for part in parts:
        articles, plans = _prepare(
            part,
            options,
            settings.memory,
            keep_edits=keep_edits,
            force=force,
            edits=edits,
            stored=stored,
            writer=writer,
            warnings=report.warnings,
            decisions=decisions,
        )
        decoded.begin(len(part))
        results = _translate(articles, plans, settings, options, jobs, engine, report.warnings)
        for item in part:
            _finish(item, articles, plans, results, root, layout)
        _report(items, items.index(part[-1]) + 1, progress)
    if edits and settings.memory is not None:  # corrections whose Dutch no chunk had
        _store_corrections(
            settings.memory, {}, {k: edits[k] for k in edits if k not in stored}, report.warnings
        )
    decisions.save(report.warnings)
    if engine.memory_problem is not None:
        report.warnings.append(engine.memory_problem)
    report.warnings[:] = list(dict.fromkeys(report.warnings))
    _report(items, len(items), progress)  # the current articles after the last stale one
    return report


def _theme_strings(
    root: Path, settings: Settings, options: Options, *, check: bool, force: bool, keep_edits: bool
) -> list[Item]:
    """The site's i18n/nl.* → i18n/en.*, one more item of the run each (see theme_strings)."""
    return [
        _theme_strings_file(
            found, settings, options, check=check, force=force, keep_edits=keep_edits
        )
        for found in theme_strings.find(root)
    ]


def _theme_strings_file(
    found: theme_strings.ThemeStrings,
    settings: Settings,
    options: Options,
    *,
    check: bool,
    force: bool,
    keep_edits: bool,
) -> Item:
    item = Item(found.source, found.target)
    try:
        done = theme_strings.update(
            found,
            LazyEngine(settings),
            options.glossary,
            check=check,
            force=force,
            keep_edits=keep_edits,
        )
    except TranslatorError as exc:
        item.status, item.error = "failed", str(exc)
        return item
    item.status, item.reason, item.notes = done.status, done.reason, done.notes
    item.total, item.engine, item.reused = done.total, done.engine, done.reused
    return item


def _report(items: list[Item], until: int, progress: Callable[[Item], None] | None) -> None:
    """Report the items before ``until`` that are not reported yet, in order."""
    if progress is None:
        return
    for item in items[:until]:
        if not item.reported:
            item.reported = True
            progress(item)


class _Decoding:
    """Decoding progress over all chunks: the engine reports within one chunk."""

    def __init__(self, report: Callable[[int, int], None] | None, articles: int) -> None:
        self.report = report
        self.articles = articles
        self.done = 0
        """Sentences decoded in earlier chunks and this one so far."""
        self.before = 0
        """Sentences decoded in earlier chunks."""
        self.earlier = 0
        """Articles in earlier chunks."""
        self.size = 0
        """Articles in this chunk."""

    def begin(self, articles: int) -> None:
        self.before, self.earlier, self.size = self.done, self.earlier + self.size, articles

    def __call__(self, done: int, total: int) -> None:
        if self.report is None:
            return
        self.done = self.before + done
        # Later chunks' sentences are not counted yet: estimate them from this one's.
        later = (self.articles - self.earlier - self.size) * total // max(1, self.size)
        self.report(self.done, self.before + total + later)


def _survey(
    root: Path,
    options: Options,
    layout: Layout,
    shard: tuple[int, int] | None,
    *,
    force: bool,
    writer: Writer | None,
    check: bool,
    decisions: Decisions | None = None,
) -> tuple[list[Item], list[Item]]:
    items = []
    unreadable: list[TranslatorError] = []
    sources = find_articles(root, layout, unreadable)
    targets = _targets(sources, root, layout)
    rivals = _rivals(targets)
    inside = confinement(root, layout)
    for source in sources:
        if not in_shard(source, root, shard):
            continue
        item = Item(source, None)
        items.append(item)
        try:
            item.target = _target(targets[source])
            if source in rivals:
                raise _conflict(source, rivals[source], item.target)
            if layout == "tree" or item.target.is_symlink():
                # A bundle's English sits in its source's folder, which the walk found
                # inside ROOT: only a link there can lead outside.
                confine(item.target, inside, "the English file")
            item.reason = freshness(source, item.target, options, force=force, writer=writer)
        except TranslatorError as exc:
            item.status, item.error = "failed", str(exc)
            continue
        if item.reason is not None:
            item.status = "stale"
    # Only articles without a translation pay for language detection: here to tell a
    # check, later (one chunk at a time) when they are translated; and not even those
    # that were found not Dutch before and are unchanged (see Decisions).
    missing = [item for item in items if item.status == "stale" and item.reason == "missing"]
    if decisions is not None:
        decisions.recall(missing)
    if check:
        for item in missing:
            if item.status == "stale":
                load_dutch(item, options, decisions)
    stale = [item for item in items if item.status == "stale"]
    for problem in unreadable:
        items.append(Item(Path(problem.path or root), None, "failed", error=str(problem)))
    return items, stale


def _targets(
    sources: Sequence[Path], root: Path, layout: Layout
) -> dict[Path, Path | TranslatorError]:
    """Each source's English file, or why it has none (reported for the source's shard)."""
    targets: dict[Path, Path | TranslatorError] = {}
    for source in sources:
        try:
            targets[source] = target_for(source, root, layout)
        except TranslatorError as exc:
            targets[source] = exc
    return targets


def _target(found: Path | TranslatorError) -> Path:
    if isinstance(found, TranslatorError):
        raise found
    return found


def _rivals(targets: Mapping[Path, Path | TranslatorError]) -> dict[Path, list[Path]]:
    """Sources that would write the same English file (``index.md`` and ``index.nl.md``
    in one bundle), each with the whole group: each run would rewrite it from the other.

    Found over the whole tree, not one ``--shard``: the two files of a bundle hash
    into different shards, and each shard must still see the conflict.
    """
    by_target: dict[Path, list[Path]] = {}
    for source, target in targets.items():
        if isinstance(target, Path):  # else the survey reports it for the source's shard
            by_target.setdefault(target, []).append(source)
    return {s: group for group in by_target.values() if len(group) > 1 for s in group}


def _conflict(source: Path, group: Sequence[Path], target: Path) -> OutputError:
    names = " and ".join(s.name for s in group)
    return OutputError(
        f"{names} would both be translated into {target.name}; keep one Dutch "
        "source in the bundle (remove or rename the other)",
        path=source,
    )


def load_dutch(item: Item, options: Options, decisions: Decisions | None = None) -> Article | None:
    """Load an article and detect its language; None (item marked) if it fails or is not
    Dutch, which ``decisions`` then remembers for the next run."""
    from translator.pipeline import load, not_dutch  # noqa: PLC0415

    try:
        article = load(item.source, options)
    except TranslatorError as exc:
        item.status, item.error = "failed", str(exc)
        return None
    item.language = article.language.language
    if not article.dutch:
        item.status, item.error = "skipped", str(not_dutch(article))
        if decisions is not None:
            decisions.remember(article)
        return None
    return article


class Decisions:
    """The language of pages found not Dutch, remembered across runs in the translation
    memory, so that an unchanged one costs reading and hashing it, not a detection.

    Such a page (written in English, or a section ``_index.md`` with only a title)
    never gets an English file that would record that it was looked at. A decision
    is found again by a key made of the page's bytes, of the options that shape its
    prose and its language (``--from`` among them: with it nothing is detected, so
    nothing is remembered), and of the code that decides (``detection_version``):
    a changed page, other settings or another translator decide afresh, and so does
    ``--force``. Without a memory (``--no-memory``), or with a damaged one, every
    run detects as before: the memory never costs a run its output.
    """

    def __init__(self, memory: Path | None, options: Options, *, force: bool) -> None:
        self.memory = memory if options.source_language is None else None
        self.options = options
        self.force = force
        self.found: list[tuple[str, str, float]] = []
        """Decisions made in this run: (key, language, probability)."""
        self.problems: list[str] = []
        """Why the memory could not be read, reported with ``save``'s warnings."""

    def recall(self, items: Sequence[Item]) -> None:
        """Mark skipped, as the run that decided it did, each page whose decision is
        remembered. Opens the memory only when there is a page to ask about."""
        if self.memory is None or self.force or not items or self.prefix is None:
            return
        keys = {}
        for item in items:
            with contextlib.suppress(TranslatorError):  # loading it tells why, as before
                page = hashlib.sha256(files.read_bytes(item.source)).hexdigest()
                keys[item.source] = self._key(page)
        if not keys:
            return
        with _memory(self.memory, self.problems) as memory:
            known = memory.languages(keys.values())
        from translator.detect import Detection, not_dutch  # noqa: PLC0415

        for item in items:
            if (found := known.get(keys.get(item.source, ""))) is not None:
                language, probability = found
                item.status, item.language = "skipped", language
                item.error = str(not_dutch(Detection(language, probability), item.source))

    def remember(self, article: Article) -> None:
        """Note that a page was found not Dutch; ``save`` writes it."""
        if self.memory is not None and self.prefix is not None:
            found = article.language
            key = self._key(article.sha256)  # the hash of the bytes that were judged
            self.found.append((key, found.language, found.probability))

    def save(self, warnings: list[str]) -> None:
        """Write this run's decisions; a memory that fails says so among the warnings."""
        if self.memory is not None and self.found:
            with _memory(self.memory, self.problems) as memory:
                memory.store_languages(self.found)
            self.found = []
        warnings.extend(p for p in self.problems if p not in warnings)

    def _key(self, page: str) -> str:
        """A page's key, from the hash of its bytes."""
        return hashlib.sha256(f"{self.prefix} {page}".encode()).hexdigest()

    @functools.cached_property
    def prefix(self) -> str | None:
        """What every key of this run shares: the code that decides and the options."""
        version = detection_version()
        if version is None:
            return None
        settings = [
            (f.name, _stable(getattr(self.options, f.name)))
            for f in fields(self.options)
            if f.name != "glossary"  # loading and detecting a page never look at it
        ]
        return hashlib.sha256(f"{version} {settings!r}".encode()).hexdigest()


def _stable(value: object) -> object:
    """A value as the same text in every process: sets sorted (their order changes)."""
    return sorted(map(repr, value)) if isinstance(value, frozenset | set) else value


DECIDING = ("detect.py", "pipeline.py", "segment.py", "markdown.py", "front_matter.py")
"""The modules that find a page's prose and judge its language."""


@functools.cache
def detection_version(code: Path | None = None) -> str | None:
    """A hash of the code that decides a page's language: translator's modules that do
    (``DECIDING``, in ``code``: this package's folder), and the langdetect release
    installed. A change to any of them makes every remembered decision void. None when
    it cannot be told: nothing is remembered.
    """
    here = code or Path(__file__).parent
    spec = importlib.util.find_spec("langdetect")
    if spec is None or spec.origin is None:
        return None
    installed = Path(spec.origin).parent.parent
    release = sorted(p.name for p in installed.glob("langdetect-*.dist-info"))
    digest = hashlib.sha256(f"{__version__} {release}".encode())
    try:
        for name in DECIDING:
            digest.update(files.read_bytes(here / name))
    except TranslatorError:
        return None
    return digest.hexdigest()


@contextlib.contextmanager
def _memory(path: Path, warnings: list[str]) -> Iterator[Memory]:
    """The translation memory, open for one step; why it failed, if it did, goes to
    ``warnings`` (once), and the run goes on without it."""
    from translator.memory import Memory  # noqa: PLC0415

    memory = Memory(path)
    try:
        yield memory
    finally:
        memory.close()
        if memory.problem is not None and memory.problem not in warnings:
            warnings.append(memory.problem)


def _prepare(
    stale: Sequence[Item],
    options: Options,
    memory_path: Path | None,
    *,
    keep_edits: bool,
    force: bool,
    writer: Writer | None,
    edits: Mapping[str, str] | None = None,
    stored: set[str] | None = None,
    warnings: list[str] | None = None,
    decisions: Decisions | None = None,
) -> tuple[dict[Path, Article], dict[Path, Plan]]:
    """Load articles and their previous English, and plan what each keeps.

    ``edits`` are the corrections of the whole run when it has several chunks;
    otherwise they are found in these articles' English files.
    """
    articles: dict[Path, Article] = {}
    previous: dict[Path, Previous | None] = {}
    for item in stale:
        article = load_dutch(item, options, decisions)
        if article is None:
            continue
        assert item.target is not None
        prev = None if force else read_previous(item.target)
        if _needs_review(item, prev):
            continue
        articles[item.source] = article
        previous[item.source] = prev
    found = _found_edits(previous.values()) if edits is None else dict(edits)
    corrections = _corrections(
        articles,
        found,
        options.glossary,
        memory_path,
        stored,
        [] if warnings is None else warnings,
    )
    plans = {
        path: plan_reuse(
            article,
            previous[path],
            options.glossary,
            corrections,
            keep_edits=keep_edits,
            writer=writer,
        )
        for path, article in articles.items()
    }
    return articles, plans


def _needs_review(item: Item, previous: Previous | None) -> bool:
    """Mark an article whose English no longer lines up with its record: it holds a
    person's work that no segment can be matched to, so it is left as it is."""
    if previous is None or previous.misaligned is None:
        return False
    item.status = "needs-review"
    item.error = str(previous.review_error())
    return True


def _found_edits(previous: Iterable[Previous | None]) -> dict[str, str]:
    """People's corrections in English files, by segment key."""
    return {
        entry.key: entry.english
        for prev in previous
        if prev is not None
        for entry in prev.entries
        if entry.edited
    }


def _edits(stale: Sequence[Item]) -> dict[str, str]:
    """The corrections in every stale article's English, read before the first chunk."""
    return _found_edits(
        read_previous(item.target) for item in stale if item.target and item.target.exists()
    )


def _corrections(
    articles: Mapping[Path, Article],
    found: dict[str, str],
    glossary: Glossary | None,
    memory_path: Path | None,
    stored: set[str] | None,
    warnings: list[str],
) -> dict[str, str]:
    """People's corrections by segment key: found in this run's English files, and
    remembered in the translation memory from earlier runs (where they are recorded).

    ``stored`` collects the keys recorded so far when a run has several chunks.
    """
    if memory_path is None:
        return found
    from translator.pipeline import segment_keys  # noqa: PLC0415

    dutch = {
        key: article.segments[i].source_in(article.raw)
        for article in articles.values()
        for i, key in segment_keys(article, glossary).items()
    }
    if stored is None:
        return _store_corrections(memory_path, dutch, found, warnings)
    mine = {k: v for k, v in found.items() if k in dutch}
    stored.update(mine)
    return {**_store_corrections(memory_path, dutch, mine, warnings), **found}


def _store_corrections(
    memory_path: Path, dutch: Mapping[str, str], found: Mapping[str, str], warnings: list[str]
) -> dict[str, str]:
    """Record corrections with their Dutch; return those remembered for these segments."""
    with _memory(memory_path, warnings) as memory:
        memory.store_corrections((k, dutch.get(k, ""), english) for k, english in found.items())
        return {**memory.corrections(dutch), **found}


def _translate(
    articles: Mapping[Path, Article],
    plans: Mapping[Path, Plan],
    settings: Settings,
    options: Options,
    jobs: int,
    engine: Engine,
    warnings: list[str],
) -> dict[Path, Result]:
    if not articles:
        return {}
    from translator.pipeline import translate_articles  # noqa: PLC0415

    reuse = {path: plan.kept() for path, plan in plans.items()}
    paths = list(articles)
    if jobs <= 1 or len(paths) < 2:
        done = translate_articles([articles[p] for p in paths], engine, options.glossary, reuse)
        return {r.path: r for r in done}
    groups = [paths[k::jobs] for k in range(jobs) if paths[k::jobs]]
    # One CTranslate2 translator per process, sharing the cores between processes.
    per_job = replace(settings, intra_threads=max(1, (os.cpu_count() or 1) // len(groups)))
    outcomes = _in_workers(
        [
            ([articles[p] for p in group], {p: reuse[p] for p in group}, per_job, options.glossary)
            for group in groups
        ]
    )
    warnings.extend(dict.fromkeys(problem for _, problem in outcomes if problem))
    return {r.path: r for results, _ in outcomes for r in results}


_WorkArgs = tuple["list[Article]", "dict[Path, Kept]", Settings, "Glossary | None"]


def _in_workers(tasks: Sequence[_WorkArgs]) -> list[tuple[list[Result], str | None]]:
    """Run ``_work`` once per task, each in a process of its own.

    Plain processes and pipes, no pool threads: when the parent is interrupted
    (Ctrl-C, SIGTERM) it kills its workers at once, and a parent killed outright
    takes them along (``_die_with_parent``). A pool's helper threads can block
    forever feeding tasks to workers that are gone.
    """
    from multiprocessing import get_context  # noqa: PLC0415

    context = get_context("spawn")
    workers = []
    try:
        with _interrupts_held():
            for task in tasks:
                receive, send = context.Pipe(duplex=False)
                worker = context.Process(target=_worker, args=(os.getpid(), send, task))
                worker.start()
                send.close()
                workers.append((worker, receive))
        done = []
        for worker, receive in workers:
            try:
                outcome = receive.recv()
            except EOFError:
                raise EngineError(
                    f"a worker process of --jobs died (exit code {worker.exitcode}); "
                    "run again, or with --jobs 1"
                ) from None
            if isinstance(outcome, str):
                raise TranslatorError(outcome)
            done.append(outcome)
        return done
    finally:
        for worker, receive in workers:
            receive.close()
            if worker.is_alive():
                worker.kill()
            worker.join()


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while workers start: an interruption halfway
    through sending a worker its task would leave it a truncated one (and a traceback).
    A signal that came meanwhile interrupts the run right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    held = {signal.SIGINT, signal.SIGTERM}
    previous = {s: signal.signal(s, lambda signum, _frame: came.append(signum)) for s in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if came:
        raise KeyboardInterrupt


def _worker(parent: int, send: Connection, task: _WorkArgs) -> None:
    """A --jobs worker: dies with its parent, sends back what ``_work`` returns."""
    _die_with_parent(parent)
    try:
        send.send(_work(*task))
    except TranslatorError as exc:  # such as no model installed: the parent reports it
        send.send(exc.format())
    send.close()


def _work(
    articles: list[Article],
    reuse: dict[Path, Kept],
    settings: Settings,
    glossary: Glossary | None,
) -> tuple[list[Result], str | None]:
    """One worker process of --jobs: its own engine, its share of the articles; also
    returns why the translation memory was turned off, if it was."""
    from translator.pipeline import translate_articles  # noqa: PLC0415

    engine = LazyEngine(settings)
    return translate_articles(articles, engine, glossary, reuse), engine.memory_problem


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the batch that started it dies (Linux);
    a worker orphaned before that took effect exits at once."""
    if sys.platform == "linux":
        import ctypes  # noqa: PLC0415

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class LazyEngine:
    """An engine loaded on first use: a run whose segments are all reused loads no model."""

    def __init__(
        self, settings: Settings, progress: Callable[[int, int], None] | None = None
    ) -> None:
        self.settings = settings
        self.name = settings.engine
        self.progress = progress
        self._engine: Engine | None = None

    @property
    def model(self) -> str:
        if self._engine is not None:
            return self._engine.model
        if self.name == "argos":
            from translator.models import find  # noqa: PLC0415

            return find(self.settings.models_dir).label  # metadata only, no model load
        return "none"

    @property
    def memory_problem(self) -> str | None:
        """Why the engine's translation memory was turned off during the run, if it was."""
        memory = getattr(self._engine, "memory", None)
        problem = getattr(memory, "problem", None)
        return problem if isinstance(problem, str) else None

    def translate(self, texts: Sequence[str]) -> list[str]:
        if self._engine is None:
            self._engine = load_engine(self.name, self.settings)
            if self.progress is not None and hasattr(self._engine, "progress"):
                self._engine.progress = self.progress
        return self._engine.translate(texts)


def _finish(
    item: Item,
    articles: Mapping[Path, Article],
    plans: Mapping[Path, Plan],
    results: Mapping[Path, Result],
    root: Path,
    layout: Layout,
) -> None:
    if item.status in ("failed", "skipped", "needs-review"):
        return
    from translator.pipeline import unkept_id  # noqa: PLC0415

    result = results[item.source]
    plan = plans[item.source]
    item.total = result.stats.segments
    item.engine = result.stats.translated
    item.reused = result.stats.reused
    item.terms_expected = result.stats.terms_expected
    item.terms_present = result.stats.terms_present
    item.notes = (
        plan.notes
        + [
            f"glossary term {m.term!r} should be {m.target!r} but is {m.problem} (line {m.line})"
            for m in result.misses
        ]
        + [f"markup placed with low confidence (line {line})" for line in result.uncertain]
        + [f"{item.source}:{line}: {unkept_id(anchor)}" for line, anchor in result.unkept_ids]
        + [
            f"{item.source}:{t.line}: {t.key} term {t.value!r} kept as written "
            "(no glossary entry); add one to translate it"
            for t in result.untranslated_terms
        ]
    )
    if result.status != "translated" or result.text is None:
        item.status = "failed"
        item.error = str(result.error)
        return
    assert item.target is not None
    try:
        copies = _copies(item.source, item.target, confinement(root, layout), layout)
        output.write_atomic(item.target, result.text)
        for resource, copy in copies:
            output.write_atomic(copy, files.read_bytes(resource))
    except TranslatorError as exc:
        item.status, item.error = "failed", str(exc)
        return
    except OSError as exc:
        item.status, item.error = "failed", f"cannot write {item.target}: {exc.strerror}"
        return
    item.status = "translated"


def _copies(source: Path, target: Path, root: Path, layout: Layout) -> list[tuple[Path, Path]]:
    """The tree layout's bundle files and where their copies go, all checked to stay
    inside ``root`` before anything is written."""
    if layout != "tree":
        return []
    pairs = [(r, target.parent / r.relative_to(source.parent)) for r in resources(source, root)]
    for _, copy in pairs:
        confine(copy, root, "the copy")
    return pairs


def resources(source: Path, root: Path) -> list[Path]:
    """A bundle's other files (images, data), for the tree layout to copy.

    Links to folders are not followed; a file that leads outside ``root`` is
    refused, so that nothing from elsewhere on the machine lands in content/en.
    """
    if source.name not in ("index.md", "index.nl.md", "_index.md", "_index.nl.md"):
        return []
    found = []
    for folder, dirs, names in os.walk(source.parent):
        dirs.sort()
        for name in sorted(names):
            resource = Path(folder) / name
            if resource.suffix.lower() in (".md", ".markdown") or files.is_temporary(name):
                continue
            confine(resource, root, "the bundle file")
            if files.is_regular(resource):
                found.append(resource)
    return found


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
