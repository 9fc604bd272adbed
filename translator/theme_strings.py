"""Theme strings: a Hugo site's ``i18n/nl.*`` translated into ``i18n/en.*``.

Layouts show strings such as "Lees verder" through Hugo's ``i18n`` function; an
English page that shows them in Dutch is not English. Each string is
translated like a front-matter value (Go template actions such as
``{{ .Count }}`` kept verbatim), and the English file records, per string, a
hash of its Dutch and of the English written. A later run translates only the
strings whose Dutch changed, and keeps a string a person corrected, as batch
does for articles: until its Dutch changes (or always, with ``keep_edits``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translator import __version__, output, protect, reassemble
from translator.engines import Engine
from translator.errors import InputError, OutputError
from translator.glossary import Glossary
from translator.hugo import find_site, shown
from translator.segment import Atom, AtomKind, Segment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SUFFIXES = (".toml", ".yaml", ".yml")
_RECORD = re.compile(r"^# translator-record: (\{.*\})\s*$", re.MULTILINE)
_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)

Key = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ThemeStrings:
    """A site's Dutch theme strings file and the English one translator keeps."""

    source: Path
    target: Path


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did to the English theme strings."""

    status: str
    """translated, up-to-date or stale (with check)."""
    reason: str | None = None
    total: int = 0
    engine: int = 0
    reused: int = 0
    notes: list[str] = field(default_factory=list)


def find(root: Path) -> ThemeStrings | None:
    """The theme strings of the Hugo site that ``root`` belongs to, if it has Dutch ones."""
    site = find_site(root)
    if site is None:
        return None
    for suffix in SUFFIXES:
        source = shown(site.root / "i18n" / f"nl{suffix}")
        if source.is_file():
            return ThemeStrings(source, source.with_name(f"en{suffix}"))
    return None


def update(
    strings: ThemeStrings,
    engine: Engine,
    glossary: Glossary | None = None,
    *,
    check: bool = False,
    force: bool = False,
    keep_edits: bool = False,
) -> Outcome:
    """Bring ``strings.target`` up to date with ``strings.source``; with check, write nothing."""
    dutch = dict(_leaves(_load(strings.source)))
    english, record = _previous(strings.target, force=force)
    todo, kept, notes = _plan(dutch, english, record, force=force, keep_edits=keep_edits)
    if not todo and set(record) == {_name(k) for k in dutch} and english.keys() >= dutch.keys():
        return Outcome("up-to-date", total=len(dutch), reused=len(dutch))
    reason = "missing" if not strings.target.exists() else "source changed"
    if check:
        return Outcome("stale", reason, total=len(dutch), notes=notes)
    translated = _translate({k: dutch[k] for k in todo}, engine, glossary)
    values = {**kept, **translated}
    data = _replace(_load(strings.source), values)
    new_record = {_name(k): f"{_hash(dutch[k])}:{_hash(values[k])}" for k in dutch}
    output.write_atomic(strings.target, _dump(strings, data, new_record, engine))
    return Outcome(
        "translated", reason, len(dutch), len(translated), len(dutch) - len(todo), notes
    )


def _plan(
    dutch: dict[Key, str],
    english: dict[Key, str],
    record: dict[str, tuple[str, str]],
    *,
    force: bool,
    keep_edits: bool,
) -> tuple[list[Key], dict[Key, str], list[str]]:
    """Which strings go to the engine, which English is kept, and notes for reviewers."""
    todo, kept, notes = [], {}, []
    for key, text in dutch.items():
        current = english.get(key)
        was = record.get(_name(key))
        if force or current is None:
            todo.append(key)
        elif was is None or was[0] == _hash(text):
            kept[key] = current  # unchanged Dutch, or a string a person added
        elif _hash(current) == was[1]:
            todo.append(key)  # the Dutch changed and nobody touched the English
        elif keep_edits:
            kept[key] = current
            notes.append(f"{_name(key)}: kept a human correction whose Dutch changed; review it")
        else:
            todo.append(key)
            notes.append(f"{_name(key)}: replaced a human correction because its Dutch changed")
    return todo, kept, notes


def _translate(texts: dict[Key, str], engine: Engine, glossary: Glossary | None) -> dict[Key, str]:
    if not texts:
        return {}
    protected = {key: protect.protect(_segment(text), glossary) for key, text in texts.items()}
    results = engine.translate([p.text for p in protected.values()])
    return {
        key: reassemble.rebuild(protected[key], result, kind="front_matter", markdown=False)
        for key, result in zip(protected, results, strict=True)
    }


def _segment(text: str) -> Segment:
    """A theme string as one segment: template actions protected, the rest prose."""
    atoms, cursor = [], 0
    for match in _ACTION.finditer(text):
        if match.start() > cursor:
            atoms.append(Atom(AtomKind.TEXT, cursor, match.start(), text[cursor : match.start()]))
        atoms.append(Atom(AtomKind.PROTECTED, match.start(), match.end(), match.group(0)))
        cursor = match.end()
    if cursor < len(text):
        atoms.append(Atom(AtomKind.TEXT, cursor, len(text), text[cursor:]))
    return Segment("front_matter", 1, 0, len(text), tuple(atoms))


def _previous(target: Path, *, force: bool) -> tuple[dict[Key, str], dict[str, tuple[str, str]]]:
    """The English strings and translator's record of them, if translator wrote the file."""
    if not target.exists():
        return {}, {}
    text = target.read_text(encoding="utf-8")
    found = _RECORD.search(text)
    if found is None:
        if force:
            return {}, {}
        raise OutputError(
            "was not written by translator (it has no '# translator-record:' line); it may "
            "hold a human's translation. Move it away, or pass --force to replace it",
            path=target,
        )
    entries: dict[str, str] = json.loads(found.group(1))
    record = {name: _pair(value) for name, value in entries.items()}
    return dict(_leaves(_load(target))), record


def _pair(value: str) -> tuple[str, str]:
    dutch, _, english = value.partition(":")
    return dutch, english


def _leaves(data: Any, key: Key = ()) -> Iterator[tuple[Key, str]]:
    """Every string of an i18n file, by its path; ``id`` keys name strings, never translated."""
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            if name != "id":
                yield from _leaves(value, (*key, str(name)))
    elif isinstance(data, list):
        for number, value in enumerate(data):
            yield from _leaves(value, (*key, number))


def _replace(data: Any, values: dict[Key, str], key: Key = ()) -> Any:
    if isinstance(data, str):
        return values.get(key, data)
    if isinstance(data, dict):
        return {
            name: value if name == "id" else _replace(value, values, (*key, str(name)))
            for name, value in data.items()
        }
    if isinstance(data, list):
        return [_replace(value, values, (*key, n)) for n, value in enumerate(data)]
    return data


def _name(key: Key) -> str:
    return ".".join(str(part) for part in key)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _load(path: Path) -> Any:
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        return YAML(typ="safe", pure=True).load(text) or {}
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        problem = str(exc)[: found.start()].strip() if found else str(exc)
        line = int(found.group(1)) if found else None
        raise InputError(f"is not valid TOML: {problem}", path=path, line=line) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"is not valid YAML ({exc})", path=path, line=line) from None


def _dump(strings: ThemeStrings, data: Any, record: dict[str, str], engine: Engine) -> str:
    header = (
        f"# Machine translation of {strings.source.name} by translator {__version__} "
        f"(engine {engine.name}, model {engine.model}).\n"
        "# Correct any string here: translator keeps corrections until their Dutch changes.\n"
        f"# translator-record: {json.dumps(record, sort_keys=True)}\n\n"
    )
    import tomlkit  # noqa: PLC0415
    from ruamel.yaml import YAML  # noqa: PLC0415

    if strings.target.suffix == ".toml":
        return header + tomlkit.dumps(data)
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.dump(data, stream)
    return header + stream.getvalue()
