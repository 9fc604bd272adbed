"""Taxonomy terms in front matter (``tags``, ``categories`` …): through the glossary only.

Hugo makes a page for every term, its URL made from the term itself, so a term
must come out the same on every page and in every run: only a glossary entry
may change it, never the engine. A term the glossary does not list stays as
written and is reported, so that someone can add an entry. The values are
replaced in place, in their own quoting, like every other front-matter edit.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from translator.errors import FrontMatterError
from translator.front_matter import block, load_data, yaml_as_hugo_reads, yaml_needs_quotes
from translator.glossary import Glossary, TermMatch

if TYPE_CHECKING:  # ruamel.yaml is imported where YAML front matter is read
    from ruamel.yaml.nodes import Node

_STR_TAG = "tag:yaml.org,2002:str"
_TOML_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_TOML_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'")
_FLOW_SPECIAL = re.compile(r"[,\[\]{}]")


@dataclass(frozen=True, slots=True)
class Value:
    """One taxonomy term as written in the front matter."""

    key: str
    """The taxonomy's front-matter key, such as ``tags``."""
    value: str
    line: int
    """1-based line in the file."""
    start: int
    """Offset of the written value (quotes included) in the front matter's inner text."""
    end: int
    quote: str
    """``"``, ``'`` or '' (a plain YAML scalar)."""
    flow: bool = False
    """Inside a YAML flow sequence (``[a, b]``), where ``,`` needs quotes."""


def values(head: str, keys: Sequence[str]) -> list[Value]:
    """Every taxonomy term in a front-matter block (``head`` starts with its fence)."""
    found = block(head)
    if found is None or not keys:
        return []
    fence, inner = found
    return _yaml_values(inner, keys) if fence == "---" else _toml_values(inner, keys)


def target(value: str, glossary: Glossary | None) -> str | None:
    """The glossary's English for a whole term, or None when no entry is the whole term."""
    if glossary is None:
        return None
    matches = glossary.find(value)
    if len(matches) != 1 or (matches[0].start, matches[0].end) != (0, len(value)):
        return None
    return _cased(matches[0], value)


def _cased(match: TermMatch, value: str) -> str:
    """A capitalised lower-case term keeps its capital, as the pipeline does in prose."""
    english = match.target
    if match.term.case == "lower" and value[:1].isupper() and english[:1].islower():
        return english[:1].upper() + english[1:]
    return english


def untranslated(head: str, keys: Sequence[str], glossary: Glossary | None) -> list[Value]:
    """The terms no glossary entry translates: they stay Dutch, and should be reported."""
    return [v for v in values(head, keys) if target(v.value, glossary) is None]


def matches(head: str, keys: Sequence[str], glossary: Glossary | None) -> list[TermMatch]:
    """The glossary entries the terms use, so that a change to one marks the article stale."""
    if glossary is None:
        return []
    return [
        m
        for v in values(head, keys)
        if target(v.value, glossary) is not None
        for m in glossary.find(v.value)
    ]


def translate(head: str, keys: Sequence[str], glossary: Glossary | None, *, path: str) -> str:
    """Return the front-matter block with every listed term replaced by its English."""
    found = block(head)
    if found is None:
        return head
    fence, inner = found
    base = head.index("\n") + 1  # the inner text starts after the opening fence's line
    new = inner
    replaced: dict[str, str] = {}
    for v in reversed(values(head, keys)):
        english = target(v.value, glossary)
        if english is None or english == v.value:
            continue
        replaced[v.value] = english
        new = new[: v.start] + _emit(english, v, toml=fence == "+++") + new[v.end :]
    if new == inner:
        return head
    _check(inner, new, fence, keys, replaced, path)
    return head[:base] + new + head[base + len(inner) :]


def _check(
    inner: str, new: str, fence: str, keys: Sequence[str], replaced: dict[str, str], path: str
) -> None:
    """Re-read both and prove that only the taxonomy terms changed, each to its target."""
    fmt: Literal["yaml", "toml"] = "yaml" if fence == "---" else "toml"
    before, after = load_data(inner, fmt, path), load_data(new, fmt, path)
    others = {k: v for k, v in before.items() if k not in keys}
    if others != {k: v for k, v in after.items() if k not in keys} or not all(
        _as_replaced(before[k], after.get(k), replaced) for k in before if k in keys
    ):
        raise FrontMatterError(
            "translating the taxonomy terms would change other values; "
            "report this with the file attached",
            path=path,
        )


def _as_replaced(old: Any, new: Any, replaced: dict[str, str]) -> bool:
    """Whether ``new`` is ``old`` with some of its terms replaced by their English."""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return all(_as_replaced(o, n, replaced) for o, n in zip(old, new, strict=True))
    return bool(old == new or (isinstance(old, str) and replaced.get(old) == new))


def _emit(english: str, value: Value, *, toml: bool) -> str:
    if value.quote == "'" and "'" not in english:
        return f"'{english}'"
    if value.quote == "" and not toml:
        flow_unsafe = value.flow and _FLOW_SPECIAL.search(english)
        if not flow_unsafe and not yaml_needs_quotes(english):
            return english
    return json.dumps(english, ensure_ascii=False)  # valid in YAML and as a TOML basic string


# --- YAML ----------------------------------------------------------------------------------------


def _yaml_values(inner: str, keys: Sequence[str]) -> list[Value]:
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415
    from ruamel.yaml.nodes import MappingNode  # noqa: PLC0415

    try:
        root = YAML(typ="rt").compose(yaml_as_hugo_reads(inner))
    except YAMLError:
        return []  # the front-matter stage has reported it already
    if not isinstance(root, MappingNode):
        return []
    found = []
    for key_node, node in root.value:
        if str(key_node.value) in keys:
            found += list(_yaml_scalars(str(key_node.value), node, inner))
    return found


def _yaml_scalars(key: str, node: Node, inner: str) -> Iterator[Value]:
    from ruamel.yaml.nodes import ScalarNode, SequenceNode  # noqa: PLC0415

    flow = isinstance(node, SequenceNode) and bool(node.flow_style)
    items = node.value if isinstance(node, SequenceNode) else [node]
    for item in items:
        if not isinstance(item, ScalarNode) or item.tag != _STR_TAG or not item.value:
            continue
        start, end = item.start_mark.index, item.end_mark.index
        if item.style not in (None, "", '"', "'") or "\n" in inner[start:end]:
            continue  # block and folded terms are left as written
        quote = item.style or ""
        yield Value(key, item.value, item.start_mark.line + 2, start, end, quote, flow)


# --- TOML ----------------------------------------------------------------------------------------


def _toml_values(inner: str, keys: Sequence[str]) -> list[Value]:
    """Top-level ``key = "term"`` and ``key = ["a", "b"]``, found by position: tomlkit
    keeps no offsets, and a term is a plain string in practice."""
    header = _TOML_HEADER.search(inner)
    top = inner[: header.start()] if header else inner
    found = []
    for key in keys:
        assignment = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=[ \t]*", top, re.M)
        if assignment is None:
            continue
        found += _toml_strings(key, inner, assignment.end())
    return sorted(found, key=lambda v: v.start)


def _toml_strings(key: str, inner: str, at: int) -> list[Value]:
    span = _toml_span(inner, at)
    found = []
    for match in _TOML_STRING.finditer(inner, at, span):
        written = match.group(0)
        value = tomllib.loads(f"v = {written}")["v"]
        line = inner.count("\n", 0, match.start()) + 2
        found.append(Value(key, value, line, match.start(), match.end(), written[0]))
    return found


def _toml_span(inner: str, at: int) -> int:
    """Where the value starting at ``at`` ends: its closing ``]``, or its line's end."""
    if inner[at : at + 1] != "[":
        end = inner.find("\n", at)
        return len(inner) if end < 0 else end
    cursor = at + 1
    while cursor < len(inner):
        string = _TOML_STRING.match(inner, cursor)
        if string:
            cursor = string.end()
        elif inner[cursor] == "]":
            return cursor
        else:
            cursor += 1
    return len(inner)
