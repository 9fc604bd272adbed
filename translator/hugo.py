"""The Hugo site around a content folder: its configuration, as far as translation needs it.

Hugo reads ``hugo.toml|yaml|json`` (or the older ``config.*``) at the site root,
or a ``config/_default/`` folder in which ``hugo.toml`` holds the top level and
every other file one top-level key (``languages.toml`` → ``languages``). From
it translator needs the languages (is English configured, so that Hugo builds
the pages translator writes?), each language's content folder and the
Goldmark settings that decide what Markdown means.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translator.errors import ConfigError
from translator.markdown import ID_TYPES, Goldmark

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_STEMS = ("hugo", "config")
DEFAULT_TAXONOMIES = ("tags", "categories")
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
TARGET_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Site:
    """A Hugo site: where it is and what its configuration says."""

    root: Path
    config: tuple[Path, ...]
    """The configuration files read, in the order Hugo merges them."""
    default_language: str = "en"
    """``defaultContentLanguage``; Hugo's own default is English."""
    declared_language: str | None = None
    """``defaultContentLanguage`` as the site sets it, its primary subtag (``nl-NL`` → ``nl``);
    None when the site sets none (Hugo's default is not a declaration)."""
    languages: tuple[str, ...] = ()
    """The configured language keys; empty when the site configures none."""
    content_dirs: Mapping[str, Path] = field(default_factory=dict)
    """Per language, its ``contentDir`` when it has its own."""
    goldmark: Mapping[str, Any] = field(default_factory=dict)
    """``markup.goldmark`` as configured (Hugo's defaults apply to what is missing)."""
    taxonomies: tuple[str, ...] = DEFAULT_TAXONOMIES
    """The front-matter keys of the site's taxonomies (the values of its ``taxonomies``
    table, ``tag = "tags"``); Hugo's ``tags`` and ``categories`` when it sets none."""

    @property
    def content_dir(self) -> Path:
        """The content folder of the default language."""
        return self.content_dirs.get(self.default_language, self.root / "content")

    def warnings(self) -> list[str]:
        """What stops Hugo from building the English pages translator writes."""
        config = shown(self.config[0])
        if self.languages and TARGET_LANGUAGE not in self.languages:
            return [
                f"{config}: '{TARGET_LANGUAGE}' is not a configured language "
                f"({', '.join(self.languages)}), so Hugo will not build the English pages; "
                f"add a [languages.{TARGET_LANGUAGE}] table"
            ]
        if not self.languages:
            return [
                f"{config}: the site configures no languages, so Hugo builds one "
                f"({self.default_language!r}) and ignores the *.en.md files; add "
                f"[languages.nl] and [languages.{TARGET_LANGUAGE}] tables"
            ]
        return []

    def markdown(self) -> Goldmark:
        """The Goldmark settings that decide heading ids, Hugo's defaults where unset."""
        id_type = str(self.setting("parser", "autoHeadingIDType", default="github")).lower()
        if id_type not in ID_TYPES:
            raise ConfigError(
                f"markup.goldmark.parser.autoHeadingIDType is {id_type!r}; Hugo knows "
                f"{', '.join(ID_TYPES)}",
                path=self.config[0],
            )
        return Goldmark(
            heading_attributes=self.setting("parser", "attribute", "title", default=True) is True,
            auto_ids=self.setting("parser", "autoHeadingID", default=True) is True,
            id_type=id_type,
        )

    def setting(self, *keys: str, default: Any = None) -> Any:
        """A ``markup.goldmark`` setting by its path, or ``default``."""
        value: Any = self.goldmark
        for key in keys:
            if not isinstance(value, Mapping) or key not in value:
                return default
            value = value[key]
        return value


def find_site(start: Path) -> Site | None:
    """The Hugo site that ``start`` (a content folder or file) belongs to, if any."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        files = config_files(candidate)
        if files:
            return read_site(candidate, files)
    return None


def config_files(root: Path) -> tuple[Path, ...]:
    """The configuration files of a site root, in merge order; empty if it is none."""
    for stem in CONFIG_STEMS:
        for suffix in CONFIG_SUFFIXES:
            if (root / f"{stem}{suffix}").is_file():
                return (root / f"{stem}{suffix}",)
    folder = root / "config" / "_default"
    if folder.is_dir():
        return tuple(sorted(p for p in folder.iterdir() if p.suffix in CONFIG_SUFFIXES))
    return ()


def read_site(root: Path, files: tuple[Path, ...]) -> Site:
    """Read and merge a site's configuration files."""
    config: dict[str, Any] = {}
    for path in files:
        data = _load(path)
        if path.parent.name == "_default" and path.stem not in CONFIG_STEMS:
            config[path.stem] = data  # config/_default/languages.toml → languages
        else:
            config.update(data)
    keys = {k.lower(): v for k, v in config.items()}
    languages = keys.get("languages") or {}
    if not isinstance(languages, Mapping):
        raise ConfigError("'languages' is not a table of languages", path=files[0])
    content_dirs = {
        str(code): root / str(settings["contentDir"])
        for code, settings in languages.items()
        if isinstance(settings, Mapping) and "contentDir" in settings
    }
    declared = keys.get("defaultcontentlanguage")
    if not isinstance(declared, str) or not declared.strip():
        declared = None
    else:
        declared = declared.strip().lower().replace("_", "-").split("-")[0]
    default = str(keys.get("defaultcontentlanguage", "en")).lower()
    if "contentdir" in keys:
        content_dirs.setdefault(default, root / str(keys["contentdir"]))
    markup = keys.get("markup") or {}
    goldmark = markup.get("goldmark", {}) if isinstance(markup, Mapping) else {}
    return Site(
        root=root,
        config=files,
        default_language=default,
        declared_language=declared,
        languages=tuple(str(code).lower() for code in languages),
        content_dirs=content_dirs,
        goldmark=goldmark if isinstance(goldmark, Mapping) else {},
        taxonomies=_taxonomies(keys.get("taxonomies"), files[0]),
    )


def _taxonomies(configured: Any, path: Path) -> tuple[str, ...]:
    """The front-matter keys of a ``taxonomies`` table: its values (``tag = "tags"``)."""
    if configured is None:
        return DEFAULT_TAXONOMIES
    if not isinstance(configured, Mapping):
        raise ConfigError("'taxonomies' is not a table such as tag = \"tags\"", path=path)
    return tuple(str(plural) for plural in configured.values() if plural)


def _load_yaml(text: str, path: Path) -> Any:
    """A YAML configuration; ruamel.yaml is imported only for a site configured in YAML."""
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise _unreadable(path, f"invalid YAML: {exc}") from None


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, str(exc)) from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = _load_yaml(text, path)
    except tomllib.TOMLDecodeError as exc:
        raise _unreadable(path, f"invalid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise _unreadable(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("is not a table of settings", path=path)
    return data


def _unreadable(path: Path, problem: str, line: int | None = None) -> ConfigError:
    return ConfigError(
        f"cannot read the Hugo configuration ({problem}); fix it, Hugo cannot build either",
        path=path,
        line=line,
    )


def site_warnings(root: Path) -> list[str]:
    """Warnings about the Hugo site that ``root`` belongs to; none outside a site."""
    site = find_site(root)
    return [] if site is None else site.warnings()


def shown(path: Path) -> Path:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path
