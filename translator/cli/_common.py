"""What the command modules share: the command group, common options, settings, output."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from translator import __version__, detect, hugo, output
from translator.config import Settings, load_settings
from translator.errors import TranslatorError
from translator.markdown import Goldmark
from translator.options import Options, site_links

if TYPE_CHECKING:  # the glossary is imported by the runs that have one
    from translator.glossary import Glossary

# Not readable=True: one unreadable file fails that file, not the whole command.
_PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)
_FROM = click.option(
    "--from",
    "source_language",
    type=click.Choice(["nl"]),
    help="Treat every file as Dutch and turn language detection off.",
)
_MODELS_DIR = click.option(
    "--models-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where Argos packages are installed (default: TRANSLATOR_MODELS_DIR or user data).",
)
_GLOSSARY = click.option(
    "--glossary",
    "glossary_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Glossary CSV to enforce (default: glossary/terms.csv here or in a parent folder).",
)
_NO_FRONT_MATTER = click.option(
    "--no-front-matter",
    is_flag=True,
    help="Read a leading ---/+++ block as Markdown, not as front matter.",
)


COMPUTE_TYPES = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
    "auto",
    "default",
)
"""CTranslate2's compute types (``default`` keeps the model's own)."""

_RUN_OPTIONS = [
    click.option("--beam-size", type=click.IntRange(1, 16), help="Beam width (default 4)."),
    click.option(
        "--compute-type",
        type=click.Choice(COMPUTE_TYPES),
        help="CTranslate2 compute type (default int8; auto picks the fastest for the device).",
    ),
    click.option(
        "--device",
        type=click.Choice(["cpu", "cuda"]),
        help="Where to decode (default cpu; cuda needs an NVIDIA GPU and driver).",
    ),
    click.option("--inter-threads", type=click.IntRange(1), help="Batches decoded in parallel."),
    click.option("--intra-threads", type=click.IntRange(0), help="Threads per batch (0: all)."),
    _MODELS_DIR,
    click.option(
        "--memory",
        "memory_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Translation memory database (default in the user cache folder).",
    ),
    click.option(
        "--no-memory", is_flag=True, help="Neither read nor write the translation memory."
    ),
    _GLOSSARY,
    click.option("--no-glossary", is_flag=True, help="Enforce no glossary terms."),
]


def examples(*lines: tuple[str, str]) -> str:
    """A command's epilog: example command lines, each with what it does."""
    body = "\n".join(f"  {command}\n      {what}" for command, what in lines)
    return f"\b\nExamples:\n{body}"


def _run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every translating command shares: decoding, models, memory, glossary."""
    for option in reversed(_RUN_OPTIONS):
        command = option(command)
    return command


COMMANDS = {
    "batch": "translator.cli.batch",
    "clean": "translator.cli.clean",
    "detect": "translator.cli.translate",
    "glossary": "translator.cli.glossary",
    "memory": "translator.cli.models",
    "models": "translator.cli.models",
    "review": "translator.cli.review",
    "segments": "translator.cli.translate",
    "translate": "translator.cli.translate",
}
"""Each command and the module that defines it (registering it on ``main``)."""


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is wanted.

    The command modules import the library they drive (the Markdown parser, the
    review page, model installation …); importing them all made every command,
    even a no-op ``translator batch``, pay for all of them. See click's
    documentation, "Lazily Loading Subcommands".
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            importlib.import_module(COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=examples(
        ("translator translate content/over-t3d/index.md", "one article, beside it"),
        ("translator batch content", "every Dutch article whose English is missing or stale"),
        ("translator review content", "review.html: Dutch and English side by side"),
    ),
)
@click.version_option(__version__, prog_name="translator")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Translate Dutch Markdown articles (Hugo page bundles) into English, offline."""
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (plain kill, CI cancellation) ends a run as Ctrl-C does: temporaries
        # removed, workers stopped, the lock released.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


_EXPORT_TO = click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write; - for stdout.",
)


def _export(document: str, out: Path, what: str) -> None:
    """Write an export to stdout, or atomically to a file."""
    if str(out) == "-":
        click.echo(document, nl=False)
    else:
        output.write_atomic(out, document)
        click.echo(f"wrote {what} to {out}", err=True)


_MEMORY = click.option(
    "--memory",
    "memory_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Translation memory database (default in the user cache folder).",
)


def _run_settings(
    *,
    no_memory: bool,
    memory_path: Path | None,
    no_glossary: bool,
    glossary_path: Path | None,
    **overrides: Any,
) -> Settings:
    """Settings for a translating command, from the options of ``_run_options``."""
    settings = _settings(
        memory="off" if no_memory else memory_path,
        glossary="off" if no_glossary else glossary_path,
        **overrides,
    )
    if settings.compute_type not in COMPUTE_TYPES:  # from a settings file
        raise click.ClickException(
            f"compute-type {settings.compute_type!r} is not a CTranslate2 compute type; "
            f"choose one of: {', '.join(COMPUTE_TYPES)}"
        )
    if settings.engine == "argos" and settings.device == "cuda" and not _cuda_available():
        raise click.ClickException(
            "device cuda: CTranslate2 finds no CUDA GPU on this machine (no NVIDIA GPU or "
            "driver, or a ctranslate2 build without CUDA); decode on the CPU with "
            '--device cpu, the default, or remove device = "cuda" from the settings'
        )
    return settings


def _cuda_available() -> bool:
    import ctranslate2  # noqa: PLC0415 - heavy, and only needed for --device cuda

    try:
        return bool(ctranslate2.get_cuda_device_count())
    except RuntimeError:
        return False


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


def site_options(
    settings: Settings,
    where: Path,
    source_language: str | None,
    *,
    front_matter: bool = True,
) -> Options:
    """How a run reads the articles at ``where``: the settings, plus what the Hugo site
    they belong to declares (its language, taxonomies, heading ids, linked headings)."""
    return Options(
        source_language=source_language,
        front_matter=front_matter,
        front_matter_keys=settings.front_matter_keys,
        glossary=_glossary(settings),
        alt_texts=settings.translate_alt_texts,
        shortcode_parameters=settings.visible_parameters,
        taxonomies=taxonomy_keys(settings, where),
        goldmark=goldmark(where),
        linked=linked_ids(where),
        site_language=site_language(settings, where),
    )


def site_language(settings: Settings, where: Path) -> str | None:
    """The site's declared language: the source-language setting, else Hugo's."""
    if settings.source_language:
        return settings.source_language
    try:
        return detect.site_language(where)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


def taxonomy_keys(settings: Settings, where: Path) -> tuple[str, ...]:
    """The front-matter keys of the site's taxonomies, when the setting turns them on."""
    if not settings.translate_taxonomies:
        return ()
    try:
        site = hugo.find_site(where)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    return hugo.DEFAULT_TAXONOMIES if site is None else site.taxonomies


def goldmark(where: Path) -> Goldmark:
    """The Goldmark settings of the Hugo site around ``where``; Hugo's defaults outside one."""
    try:
        site = hugo.find_site(where)
        return Goldmark() if site is None else site.markdown()
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


def linked_ids(where: Path) -> frozenset[str]:
    """Heading ids linked from other pages of the site's content (or of ``where``)."""
    try:
        site = hugo.find_site(where)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    folder = site.content_dir if site is not None and site.content_dir.is_dir() else where
    return site_links(_dutch_pages(folder if folder.is_dir() else folder.parent))


def _dutch_pages(folder: Path) -> list[Path]:
    """The Markdown pages under ``folder`` but translator's English ones, which follow
    their Dutch source (and may be a run behind). os.walk skips what it cannot list
    (a path too long, no permission): batch reports those."""
    paths = (
        Path(top, name)
        for top, _, names in os.walk(folder)
        for name in names
        if name.endswith(".md")  # a Path for Markdown files only: a site has many others
    )
    return sorted(p for p in paths if p.suffix == ".md" and not output.is_translation(p))


def _glossary(settings: Settings) -> Glossary | None:
    if settings.glossary is None:
        return None
    from translator import glossary  # noqa: PLC0415

    try:
        return glossary.load(settings.glossary)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``: counts in messages read as English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class LazyBar:
    """A progress bar opened at the first report, when the total is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.seen = 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total or 0, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.seen)
        self.seen = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def watch(engine: object, bar: LazyBar | None) -> None:
    """Show an engine's decoding progress on a terminal, if it reports any."""
    if bar is not None and hasattr(engine, "progress"):
        engine.progress = bar


def decode_bar() -> LazyBar | None:
    """A bar for decoded sentences on a terminal; nothing in CI logs."""
    return LazyBar("decoding") if sys.stderr.isatty() else None
