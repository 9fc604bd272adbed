"""Layers: translator's modules import each other without a cycle.

Lower modules used to reach up for small helpers (``glossary`` for
``output.write_atomic``, ``previous`` for ``pipeline.read``, ``config`` for
``glossary.default_path``, ``engines.argos`` for ``protect.PLACEHOLDER``), which
tied nine modules into one knot. Imports inside functions count too: they
are still dependencies, only later.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "translator"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each module and the translator modules it imports, anywhere in its code.

    ``from translator.engines import placement`` depends on the submodule, not on
    the package's ``__init__``. The top package (the public facade, which imports
    the pipeline) is left out: ``from translator import __version__`` reads a constant.
    """
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("translator"):
                assert node.module is not None
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)
        graph[module_name(path)] = found
    return {
        name: {d for d in deps if d in graph and d not in (name, "translator")}
        for name, deps in graph.items()
    }


def cycle_from(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        name, path = stack.pop()
        for dep in sorted(graph[name]):
            if dep == start:
                return [*path, start]
            if dep not in seen:
                seen.add(dep)
                stack.append((dep, [*path, dep]))
    return None


def test_no_module_imports_itself_through_others() -> None:
    graph = imports()
    assert len(graph) > 25
    cycles = [c for name in graph if (c := cycle_from(graph, name))]
    assert cycles == []


def test_the_small_helpers_live_in_the_lowest_layer() -> None:
    graph = imports()
    assert graph["translator.files"] == {"translator.errors"}
    for low in ("translator.glossary", "translator.previous", "translator.config"):
        assert "translator.pipeline" not in graph[low] and "translator.output" not in graph[low]
    assert "translator.protect" not in graph["translator.engines.argos"]
