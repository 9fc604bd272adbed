"""Settings: defaults, then ``[tool.translator]`` or ``translator.toml``, then the command line.

The nearest ``translator.toml`` (whole file) or ``pyproject.toml`` with a
``[tool.translator]`` table, searched from the working folder upwards, holds a
project's settings; environment variables point at machine-specific folders.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from translator.errors import ConfigError
from translator.files import default_glossary
from translator.front_matter import DEFAULT_KEYS
from translator.markdown import VISIBLE_PARAMETERS, Parameters

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


_PAIR = re.compile(r"[\w/-]+:[\w-]+")


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def default_models_dir() -> Path:
    """``TRANSLATOR_MODELS_DIR``, else ``ARGOS_PACKAGES_DIR``, else the user's data folder."""
    for variable in ("TRANSLATOR_MODELS_DIR", "ARGOS_PACKAGES_DIR"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    return _data_home() / "translator" / "models"


def default_memory_path() -> Path:
    """``TRANSLATOR_MEMORY``, else ``memory.sqlite`` in the user's cache folder."""
    if os.environ.get("TRANSLATOR_MEMORY"):
        return Path(os.environ["TRANSLATOR_MEMORY"])
    return cache_home() / "translator" / "memory.sqlite"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be told; CLI options override the file, which overrides these."""

    engine: str = "argos"
    """Default engine: ``argos`` (neural, offline) or ``pseudo`` (deterministic test engine)."""
    models_dir: Path = field(default_factory=default_models_dir)
    """Where Argos packages are installed."""
    memory: Path | None = field(default_factory=default_memory_path)
    """The translation memory database; None turns the memory off."""
    beam_size: int = 4
    """Beam width; 1 is greedy and fastest."""
    compute_type: str = "int8"
    """CTranslate2 compute type: int8 on CPU by default, ``auto`` picks for the device."""
    device: str = "cpu"
    """``cpu`` or ``cuda``."""
    inter_threads: int = 1
    """Batches decoded in parallel."""
    intra_threads: int = 0
    """Threads per batch; 0 lets CTranslate2 use every core."""
    max_batch_tokens: int = 4096
    """Tokens per decoding batch (``batch_type="tokens"``)."""
    max_sentence_tokens: int = 200
    """Longer sentences are split at clause or word boundaries, never cut."""
    front_matter_keys: tuple[str, ...] = DEFAULT_KEYS
    """Top-level front-matter keys to translate (nested ``caption`` always is)."""
    glossary: Path | None = field(default_factory=default_glossary)
    """The glossary CSV; default ``glossary/terms.csv`` here or in a parent folder."""
    translate_alt_texts: bool = True
    """Image alt texts and image and link titles (WCAG 2.1 SC 3.1.2); false keeps them."""
    translate_taxonomies: bool = False
    """Front-matter taxonomy terms (``tags``, ``categories`` and the site's own taxonomies)
    through the glossary only: a listed term becomes its English, any other stays as
    written (a term is a URL in Hugo) and is reported."""
    shortcode_parameters: tuple[str, ...] = tuple(
        f"{name}:{parameter}" for name, parameter in sorted(VISIBLE_PARAMETERS)
    )
    """Shortcode parameters a reader sees, as ``shortcode:parameter``; their values are
    translated, every other parameter is kept."""

    @property
    def visible_parameters(self) -> Parameters:
        """``shortcode_parameters`` as (shortcode, parameter) pairs."""
        return frozenset(
            (name, parameter)
            for name, _, parameter in (p.partition(":") for p in self.shortcode_parameters)
        )

    source_language: str = ""
    """The site's language, followed by pages too short to tell; empty: Hugo's
    ``defaultContentLanguage``, if the site's configuration sets it."""

    def merged(self, values: Mapping[str, Any], *, source: str) -> Settings:
        """Return settings updated from a mapping, checking every name and type."""
        known = {f.name: f for f in fields(self)}
        updates: dict[str, Any] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ConfigError(
                    f"unknown setting {key!r}; known settings: "
                    f"{', '.join(sorted(k.replace('_', '-') for k in known))}",
                    path=source,
                )
            updates[name] = _coerce(name, value, getattr(self, name), source)
        return replace(self, **updates)


def _coerce(name: str, value: Any, current: Any, source: str) -> Any:
    if value is None:
        return current
    if name in ("models_dir", "memory", "glossary"):
        if name in ("memory", "glossary") and value in ("", "off", False):
            return None
        path = Path(str(value)).expanduser()
        if not path.is_absolute() and source not in ("command line",):
            path = Path(source).parent / path  # relative to the settings file
        return path
    if name in ("front_matter_keys", "shortcode_parameters"):
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name.replace('_', '-')} must be a list of strings", path=source)
        if name == "shortcode_parameters" and not all(_PAIR.fullmatch(v) for v in value):
            raise ConfigError(
                "shortcode-parameters must be written shortcode:parameter, "
                f"like 'figure:caption', not {value!r}",
                path=source,
            )
        return tuple(value)
    if isinstance(current, bool) or not isinstance(current, (int, str)):
        return value
    expected = type(current)
    if isinstance(value, expected) and not isinstance(value, bool):
        return value
    raise ConfigError(
        f"{name.replace('_', '-')} must be {'a whole number' if expected is int else 'text'}, "
        f"not {value!r}",
        path=source,
    )


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest translator.toml, or pyproject.toml with [tool.translator]."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "translator.toml"
        if own.is_file():
            return own, _own_table(_load(own))
        project = candidate / "pyproject.toml"
        if project.is_file():
            table = _load(project).get("tool", {}).get("translator")
            if isinstance(table, dict):
                return project, table
    return None


def _own_table(data: dict[str, Any]) -> dict[str, Any]:
    """translator.toml's settings: top-level keys, or the README's ``[tool.translator]``
    table copied as it is (the same block works in either file)."""
    table = data.get("tool", {}).get("translator") if set(data) == {"tool"} else None
    return table if isinstance(table, dict) else data


def load_settings(start: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the nearest config file, then explicit overrides (None is ignored)."""
    settings = Settings()
    found = find_config(start)
    if found is not None:
        settings = settings.merged(found[1], source=str(found[0]))
    return settings.merged(
        {k: v for k, v in overrides.items() if v is not None}, source="command line"
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read settings: {exc}", path=path) from None
