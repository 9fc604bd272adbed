"""Layers: translator's modules import each other without a cycle, and a run imports
only what it uses.

Lower modules used to reach up for small helpers (``glossary`` for
``output.write_atomic``, ``previous`` for ``pipeline.read``, ``config`` for
``glossary.default_path``, ``engines.argos`` for ``protect.PLACEHOLDER``), which
tied nine modules into one knot. Imports inside functions count too: they
are still dependencies, only later.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CONTENT, GLOSSARY, REPO, run

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


# What a run with nothing to translate must not import: the Markdown parser, YAML and
# TOML libraries, language detection, sentence splitting, the model runtime,
# morphology, the review page's browser driver, the memory database, downloads,
# worker processes and the translating stages. Each is imported where it is used,
# by the run that needs it.
HEAVY = (
    "markdown_it",
    "mdit_py_plugins",
    "ruamel",
    "yaml",
    "frontmatter",
    "tomlkit",
    "langdetect",
    "pysbd",
    "ctranslate2",
    "sentencepiece",
    "argostranslate",
    "simplemma",
    "lemminflect",
    "inflect",
    "sacremoses",
    "jinja2",
    "selenium",
    "sqlite3",
    "urllib.request",
    "multiprocessing",
    "difflib",
    "translator.review_page",
    "translator.memory",
    "translator.models",
    # The stages that translate: a no-op builds its Options and compares hashes only.
    "translator.pipeline",
    "translator.protect",
    "translator.reassemble",
    "translator.verify",
    "translator.taxonomies",
)


def imported(args: list[str], home: Path) -> tuple[set[str], str]:
    """The modules a fresh ``translator`` process imports (``-X importtime``), and its stdout."""
    env = {
        **os.environ,
        "HOME": str(home),
        "TRANSLATOR_MEMORY": str(home / "memory.sqlite"),
        "TRANSLATOR_MODELS_DIR": str(home / "models"),
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "translator", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        check=True,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, done.stdout


def heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == h or n.startswith(f"{h}.") for h in HEAVY))


@pytest.mark.parametrize("glossary", [["--no-glossary"], ["--glossary", str(GLOSSARY)]])
def test_a_no_op_batch_imports_nothing_heavy(tmp_path: Path, glossary: list[str]) -> None:
    site = tmp_path / "content"  # Dutch articles only: an English one is detected each run
    shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md", "english"))
    assert run(["batch", "--engine", "pseudo", *glossary, site]).exit_code == 0
    again = ["batch", "--engine", "pseudo", "--json", *glossary, str(site)]
    names, out = imported(again, tmp_path)
    totals = json.loads(out)["totals"]
    assert totals["up-to-date"] == totals["files"] == 5
    assert "translator.batch" in names  # the trace is read right
    assert heavy(names) == []
    assert ("translator.glossary" in names) == (glossary != ["--no-glossary"])


def test_the_version_imports_no_command(tmp_path: Path) -> None:
    names, out = imported(["--version"], tmp_path)
    assert "version" in out
    assert heavy(names) == []
    commands = {n for n in names if n.startswith("translator.cli.")}
    assert commands == {"translator.cli._common"}


def test_a_run_that_translates_imports_the_stages(tmp_path: Path) -> None:
    """The guard's other side: the lazy imports do happen when there is work."""
    site = tmp_path / "content"
    shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md"))
    names, out = imported(["batch", "--engine", "pseudo", "--json", str(site)], tmp_path)
    assert json.loads(out)["totals"]["translated"] == 5
    assert {"markdown_it", "ruamel.yaml", "translator.pipeline"} <= names
