"""Theme strings: a Hugo site's ``i18n/nl.*`` translated into ``i18n/en.*``.

Layouts show strings such as "Lees verder" through Hugo's ``i18n`` function; an
English page that shows them in Dutch is not English. Each string is
translated like a front-matter value (Go template actions such as
``{{ .Count }}`` kept verbatim), and the English file records, per string, a
hash of its Dutch and of the English written. A later run translates only the
strings whose Dutch changed, and keeps a string a person corrected, as batch
does for articles: until its Dutch changes (or always, with ``keep_edits``).

TOML and YAML carry that record in a comment. JSON has no comments, so an
``en.json`` carries it where go-i18n (Hugo's i18n library) has room for it:
each message's reserved ``hash`` field, ``"nl:<dutch> en:<english>"``, next to
the ``other`` a person corrects, and a ``_translator`` message whose
``description`` says what wrote the file. Hugo builds such a file without a
warning (``tests/test_hugo_site.py`` builds one).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translator import __version__, output
from translator.engines import Engine
from translator.errors import InputError, OutputError
from translator.hugo import find_site, shown
from translator.segment import Atom, AtomKind, Segment

if TYPE_CHECKING:  # annotations only: a run without a glossary does not import it
    from translator.glossary import Glossary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SUFFIXES = (".json", ".toml", ".yaml", ".yml")
"""In Hugo's order: where several ``nl.*`` files hold one id, the first one's string wins."""
_RECORD = re.compile(r"^# translator-record: (\{.*\})\s*$", re.MULTILINE)
_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)

Key = tuple[str | int, ...]
Forms = dict[str, str]
"""A go-i18n message's plural forms (``other``, ``one`` …) and their text."""

PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})
# go-i18n's reserved message keys; an object that has one holding a string is a message.
_RESERVED = PLURAL_FORMS | {"id", "description", "hash", "leftdelim", "rightdelim"}
HEADER = "_translator"
"""The id of the message in ``en.json`` that says what wrote the file."""
_JSON_RECORD = re.compile(r"^nl:([0-9a-f]{10}) en:([0-9a-f]{10})$")


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


def find(root: Path) -> list[ThemeStrings]:
    """The Dutch theme strings files of the Hugo site that ``root`` belongs to.

    Hugo merges every ``i18n/nl.*`` file, so each is translated into its own
    ``en.*``: the English side then merges the same way, and an English page
    shows the translation of the very string the Dutch page shows.
    """
    site = find_site(root)
    if site is None:
        return []
    found = []
    for suffix in SUFFIXES:
        source = shown(site.root / "i18n" / f"nl{suffix}")
        if source.is_file():
            found.append(ThemeStrings(source, source.with_name(f"en{suffix}")))
    return found


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
    if not force:
        _refuse_a_persons_other_file(strings)
    if strings.source.suffix == ".json":
        return _update_json(
            strings, engine, glossary, check=check, force=force, keep_edits=keep_edits
        )
    dutch = dict(_leaves(_load(strings.source)))
    english, record = _previous(strings.target, force=force)
    todo, kept, notes = _plan(dutch, english, record, force=force, keep_edits=keep_edits)
    if _up_to_date(todo, notes, dutch, english, record):
        return Outcome("up-to-date", total=len(dutch), reused=len(dutch))
    reason = "missing" if not strings.target.exists() else "source changed"
    if check:
        return Outcome("stale", reason, total=len(dutch), notes=notes)
    translated = _translate({k: dutch[k] for k in todo}, engine, glossary)
    values = {**kept, **translated}
    data = _replace(_load(strings.source), values)
    new_record = {
        _name(k): f"{_hash(dutch[k])}:{_written(k, values[k], translated, record)}" for k in dutch
    }
    output.write_atomic(strings.target, _dump(strings, data, new_record, engine))
    return Outcome(
        "translated", reason, len(dutch), len(translated), len(dutch) - len(todo), notes
    )


def _up_to_date(
    todo: list[Key],
    notes: list[str],
    dutch: dict[Key, Any],
    english: dict[Key, Any],
    record: dict[str, tuple[str, str]],
) -> bool:
    """Nothing to translate or report, and the English file has every string and its record.

    A correction kept with ``keep_edits`` is reported, and its new Dutch recorded,
    so that it is reported once.
    """
    return (
        not todo
        and not notes
        and set(record) == {_name(k) for k in dutch}
        and english.keys() >= dutch.keys()
    )


def _refuse_a_persons_other_file(strings: ThemeStrings) -> None:
    """Refuse to write next to an ``en.*`` that a person wrote for no ``nl.*`` of its own.

    Hugo merges it with the file translator writes, and where both hold an id
    the first in Hugo's order wins: machine English could hide the person's.
    """
    for suffix in SUFFIXES:
        other = strings.target.with_name(f"en{suffix}")
        if suffix == strings.target.suffix or not other.is_file():
            continue
        if strings.source.with_name(f"nl{suffix}").is_file() or _written_by_translator(other):
            continue
        raise OutputError(
            f"holds a person's English theme strings, and Hugo merges it with the "
            f"{strings.target.name} translator would write for {strings.source.name}. Add the "
            f"missing English strings to {other.name} yourself, or pass --force to write "
            f"{strings.target.name} anyway",
            path=other,
        )


def _written_by_translator(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".json":
        return _RECORD.search(text) is not None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and isinstance(data.get(HEADER), dict)


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


def _written(
    key: Key, english: str, translated: Collection[Key], record: dict[str, tuple[str, str]]
) -> str:
    """The hash of the English translator wrote for ``key``.

    A kept string keeps its recorded hash, so that a person's correction stays
    recognised as theirs in later runs (and is reported if its Dutch changes).
    """
    was = record.get(_name(key))
    return was[1] if was is not None and key not in translated else _hash(english)


def _translate(texts: dict[Key, str], engine: Engine, glossary: Glossary | None) -> dict[Key, str]:
    from translator import protect, reassemble  # noqa: PLC0415 - not for a run with nothing to do

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


def _update_json(
    strings: ThemeStrings,
    engine: Engine,
    glossary: Glossary | None,
    *,
    check: bool,
    force: bool,
    keep_edits: bool,
) -> Outcome:
    """``update`` for ``en.json``: planned per message, its record in the message's ``hash``."""
    data = _load(strings.source)
    dutch = dict(_messages(data, strings.source))
    english, record = _previous_json(strings.target, force=force)
    todo, _, notes = _plan(
        {k: _canonical(f) for k, f in dutch.items()},
        {k: _canonical(f) for k, f in english.items()},
        record,
        force=force,
        keep_edits=keep_edits,
    )
    total = sum(len(forms) for forms in dutch.values())
    if _up_to_date(todo, notes, dutch, english, record):
        return Outcome("up-to-date", total=total, reused=total)
    reason = "missing" if not strings.target.exists() else "source changed"
    if check:
        return Outcome("stale", reason, total=total, notes=notes)
    texts = {(*key, form): text for key in todo for form, text in dutch[key].items()}
    translated = _translate(texts, engine, glossary)
    values = {
        key: {form: translated[(*key, form)] for form in dutch[key]}
        if key in todo
        else english[key]
        for key in dutch
    }
    hashes = {
        key: f"nl:{_hash(_canonical(dutch[key]))} "
        f"en:{_written(key, _canonical(values[key]), todo, record)}"
        for key in dutch
    }
    header = {
        "description": (
            f"Machine translation of {strings.source.name} by translator {__version__} "
            f"(engine {engine.name}, model {engine.model}). Correct any string here: translator "
            "keeps a correction until its Dutch changes. Each hash records the Dutch and the "
            "English that translator wrote."
        )
    }
    english_data = {HEADER: header, **_english_json(data, values, hashes)}
    text = json.dumps(english_data, ensure_ascii=False, indent=2) + "\n"
    output.write_atomic(strings.target, text)
    return Outcome("translated", reason, total, len(translated), total - len(translated), notes)


def _messages(data: Any, path: Path, key: Key = ()) -> Iterator[tuple[Key, Forms]]:
    """Every message of a go-i18n JSON file by its id path, as go-i18n reads them."""
    if not key and not isinstance(data, dict):
        raise InputError(
            "is not a JSON object of theme strings; write it as go-i18n's object form, "
            '{"readMore": "Lees verder", "pages": {"one": "…", "other": "…"}}',
            path=path,
            line=1,
        )
    if isinstance(data, str):
        yield key, {"other": data}
    elif isinstance(data, dict) and _is_message(data):
        unknown = [name for name in data if name not in _RESERVED]
        if unknown:
            raise InputError(
                f"message '{_name(key)}' mixes go-i18n's reserved keys with {unknown}, which "
                "Hugo refuses; keep only the plural forms (other, one …), description and id",
                path=path,
                line=_line_of(path, str(key[-1])),
            )
        forms = {name: value for name, value in data.items() if name in PLURAL_FORMS}
        yield key, {name: _text(value, (*key, name), path) for name, value in forms.items()}
    elif isinstance(data, dict):
        for name, value in data.items():
            if key or name != HEADER:
                yield from _messages(value, path, (*key, str(name)))
    else:
        raise InputError(
            f"'{_name(key)}' is {json.dumps(data)}, not a string or an object of plural forms; "
            'write it as "text" or {"one": "…", "other": "…"}',
            path=path,
            line=_line_of(path, str(key[-1])),
        )


def _is_message(data: dict[str, Any]) -> bool:
    return any(isinstance(data.get(name), str) for name in _RESERVED)


def _text(value: Any, key: Key, path: Path) -> str:
    if not isinstance(value, str):
        raise InputError(
            f"'{_name(key)}' is {json.dumps(value)}, not a string; write the form's text in "
            "quotes",
            path=path,
            line=_line_of(path, str(key[-1])),
        )
    return value


def _line_of(path: Path, name: str) -> int | None:
    """The line where ``"name":`` first appears: JSON's parser gives no line for a shape."""
    text = _read(path)
    found = re.search(re.escape(json.dumps(name, ensure_ascii=False)) + r"\s*:", text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _canonical(forms: Forms) -> str:
    return json.dumps(forms, ensure_ascii=False, sort_keys=True)


def _previous_json(
    target: Path, *, force: bool
) -> tuple[dict[Key, Forms], dict[str, tuple[str, str]]]:
    """An ``en.json``'s messages and translator's record of them, if translator wrote it."""
    if not target.exists() or (force and not _written_by_translator(target)):
        return {}, {}
    data = _load(target)
    if not isinstance(data, dict) or not isinstance(data.get(HEADER), dict):
        raise OutputError(
            f'was not written by translator (it has no "{HEADER}" message); it may hold a '
            "human's translation. Move it away, or pass --force to replace it",
            path=target,
        )
    messages = dict(_messages(data, target))
    record = {}
    for key in messages:
        found = _JSON_RECORD.match(str(_node(data, key).get("hash", "")))
        if found:
            record[_name(key)] = (found.group(1), found.group(2))
    return messages, record


def _node(data: Any, key: Key) -> dict[str, Any]:
    """The object of the message at ``key``; a plain string has no record."""
    for part in key:
        data = data[part]
    return data if isinstance(data, dict) else {}


def _english_json(
    data: Any, values: dict[Key, Forms], hashes: dict[Key, str], key: Key = ()
) -> Any:
    """The Dutch file's structure with English messages, each carrying its record."""
    if isinstance(data, str) or (isinstance(data, dict) and _is_message(data)):
        node = {} if isinstance(data, str) else data
        notes = {k: v for k, v in node.items() if k not in PLURAL_FORMS and k != "hash"}
        return {**notes, **values[key], "hash": hashes[key]}
    return {
        name: _english_json(value, values, hashes, (*key, str(name)))
        for name, value in data.items()
        if key or name != HEADER
    }


def _name(key: Key) -> str:
    return ".".join(str(part) for part in key)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _load(path: Path) -> Any:
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    text = _read(path)
    try:
        if path.suffix == ".json":
            return json.loads(text)
        if path.suffix == ".toml":
            return tomllib.loads(text)
        return YAML(typ="safe", pure=True).load(text) or {}
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        problem = str(exc)[: found.start()].strip() if found else str(exc)
        line = int(found.group(1)) if found else None
        raise InputError(f"is not valid TOML: {problem}", path=path, line=line) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON ({exc.msg}); Hugo cannot read it either, so correct it there",
            path=path,
            line=exc.lineno,
        ) from None
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
