"""Shared helpers: run the CLI, strip provenance, count engine calls."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from translator.cli import main

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
GLOSSARY = REPO / "glossary" / "terms.csv"
SHARED = REPO.parent / "shared"

_PROVENANCE_YAML = re.compile(r"^machine_translation:\r?\n(?:  .*\r?\n)+", re.MULTILINE)
_PROVENANCE_TOML = re.compile(r"\r?\n\[machine_translation\]\r?\n(?:.*=.*\r?\n)+")
_ONLY_PROVENANCE = re.compile(r"\A---\r?\n---\r?\n")


def strip_provenance(text: str) -> str:
    """Remove translator's provenance record, and the front matter it alone made."""
    text = _PROVENANCE_TOML.sub("", _PROVENANCE_YAML.sub("", text, count=1), count=1)
    return _ONLY_PROVENANCE.sub("", text, count=1)


def run(args: Sequence[str | Path]) -> Result:
    """Invoke the CLI in-process, as a user would from a shell."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


class CountingEngine:
    """A pseudo-like engine that records every batch it receives."""

    name = "counting"
    model = "none"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def translate(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return [t.translate(str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")) for t in texts]


@pytest.fixture
def counting() -> CountingEngine:
    return CountingEngine()


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the user's models, memory, settings and home folder."""
    return isolate(tmp_path_factory, monkeypatch)


@pytest.fixture(scope="module")
def module_isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same isolation for module-scoped fixtures, which run before `isolated`."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield isolate(tmp_path_factory, monkeypatch)


def isolate(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    for name, value in {
        "HOME": home,
        "XDG_DATA_HOME": home / "data",
        "XDG_CACHE_HOME": home / "cache",
        "XDG_CONFIG_HOME": home / "config",
        "TRANSLATOR_MODELS_DIR": home / "models",
        "TRANSLATOR_MEMORY": home / "memory.sqlite",
    }.items():
        monkeypatch.setenv(name, str(value))
    for name in ("ARGOS_PACKAGES_DIR", "TRANSLATOR_PACKAGE_INDEX", "ARGOS_PACKAGE_INDEX"):
        monkeypatch.delenv(name, raising=False)
    # No settings file or glossary from the repository: tests name what they use.
    work = home / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The word-for-word .argosmodel that translator.testing builds (once per session)."""
    from translator.testing import build_model

    return build_model(tmp_path_factory.mktemp("model") / "translate-nl_en-test.argosmodel")


@pytest.fixture
def installed(tiny_model: Path, isolated: Path) -> Path:
    """Install the tiny model through the CLI, as a user without internet would."""
    result = run(["models", "install", "--file", tiny_model])
    assert result.exit_code == 0, result.output
    return isolated / "models"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of content/ without its English files."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("*.en.md"))
    return root
