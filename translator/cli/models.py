"""translator models and memory: the Argos packages and the translation memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click

from translator import models
from translator.cli._common import (
    _EXPORT_TO,
    _MEMORY,
    _MODELS_DIR,
    LazyBar,
    _export,
    _settings,
    examples,
    main,
)
from translator.errors import TranslatorError
from translator.memory import Memory, export_tmx


@main.group(
    "models",
    epilog=examples(
        ("translator models install", "download the Dutch→English model"),
        ("translator models install --file translate-nl_en-1_9.argosmodel", "offline"),
        ("translator models list", "what is installed"),
    ),
)
def models_group() -> None:
    """List, install and remove Argos Translate models."""


@models_group.command(
    "list", epilog=examples(("translator models list", "name, languages, version, folder"))
)
@_MODELS_DIR
def models_list(models_dir: Path | None) -> None:
    """Show the installed models."""
    settings = _settings(models_dir=models_dir)
    found = models.installed(settings.models_dir)
    if not found:
        click.echo(f"no models installed in {settings.models_dir}", err=True)
    for model in found:
        click.echo(
            f"{model.name}\t{model.from_code}->{model.to_code}\t{model.version}\t{model.path}"
        )


@models_group.command(
    "install",
    epilog=examples(
        ("translator models install", "from the Argos package index"),
        ("translator models install --file translate-nl_en-1_9.argosmodel", "offline"),
    ),
)
@click.option(
    "--file",
    "archive",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Install this .argosmodel file instead of downloading (for machines without "
    "internet): translate-nl_en-<version>.argosmodel from the Argos package index.",
)
@_MODELS_DIR
def models_install(archive: Path | None, models_dir: Path | None) -> None:
    """Download and install the Dutch→English model, or install one from --file."""
    settings = _settings(models_dir=models_dir)
    try:
        if archive is not None:
            checked = models.check_archive(archive)
            click.echo(
                f"checked {archive}: {checked.folder} version {checked.version}, "
                f"{checked.languages}; sha256 {checked.sha256}"
            )
            model = models.install_file(settings.models_dir, archive, checked)
        else:
            with _download_bar() as progress:
                model = models.install_from_index(settings.models_dir, progress)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"installed {model.name} ({model.from_code}->{model.to_code} {model.version}) "
        f"in {model.path}"
    )


@models_group.command(
    "remove",
    epilog=examples(("translator models remove translate-nl_en-1_9", "a name from models list")),
)
@click.argument("name")
@_MODELS_DIR
def models_remove(name: str, models_dir: Path | None) -> None:
    """Uninstall the model NAME (as shown by 'models list')."""
    settings = _settings(models_dir=models_dir)
    try:
        model = models.remove(settings.models_dir, name)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed {model.name} from {settings.models_dir}")


@main.group(
    "memory",
    epilog=examples(
        ("translator memory stats", "entries per model"),
        ("translator memory export -o memory.tmx", "for a CAT tool"),
    ),
)
def memory_group() -> None:
    """Inspect, export and clear the translation memory."""


def _open_memory(memory_path: Path | None, *, strict: bool = True) -> Memory:
    settings = _settings(memory=memory_path)
    if settings.memory is None:
        raise click.ClickException("the translation memory is turned off in the settings")
    try:
        return Memory(settings.memory, strict=strict)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


_T = TypeVar("_T")


def _use(memory: Memory, action: Callable[[Memory], _T]) -> _T:
    """Do one thing with the memory and close it; a damaged memory is one line."""
    try:
        return action(memory)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        memory.close()


@memory_group.command("stats", epilog=examples(("translator memory stats", "entries per model")))
@_MEMORY
def memory_stats(memory_path: Path | None) -> None:
    """Entries per model, and where the memory is."""
    stats = _use(_open_memory(memory_path), Memory.stats)
    click.echo(f"{stats.path}: {stats.entries} entries, {stats.size // 1024} KiB")
    for model, count in sorted(stats.models.items()):
        click.echo(f"  {model}\t{count}")


@memory_group.command(
    "export",
    epilog=examples(
        ("translator memory export -o memory.tmx", "TMX 1.4 for OmegaT or Trados"),
        ("translator memory export | head", "to stdout"),
    ),
)
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True)
@_EXPORT_TO
@_MEMORY
def memory_export(fmt: str, out: Path, memory_path: Path | None) -> None:
    """Export the memory as TMX 1.4, for CAT tools (OmegaT, Trados …)."""
    document = _use(_open_memory(memory_path), export_tmx)
    _export(document, out, "the translation memory")


@memory_group.command(
    "clear",
    epilog=examples(
        ("translator memory clear", "asks first"),
        ("translator memory clear --yes", "in scripts"),
    ),
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_MEMORY
def memory_clear(yes: bool, memory_path: Path | None) -> None:
    """Delete every entry of the translation memory (a damaged one is rebuilt)."""
    memory = _open_memory(memory_path, strict=False)  # a damaged memory is what clear fixes
    if not yes and not click.confirm(f"Delete all entries of {memory.path}?"):
        raise click.Abort
    removed = _use(memory, Memory.clear)
    click.echo(f"removed {removed} entries from {memory.path}")


@contextmanager
def _download_bar() -> Iterator[models.Progress]:
    bar = LazyBar("downloading")
    try:
        yield bar
    finally:
        bar.close()
