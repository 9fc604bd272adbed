"""The command line: parse options, find files, call the library, print.

Exit codes: 0 when every file is done (or skipped as not Dutch), 1 when any
file failed, 2 for usage errors. Status lines go to stderr so that
``-o -`` can stream the translation itself to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from translator import __version__, output
from translator.engines import ENGINES, Engine, load_engine
from translator.errors import TranslatorError
from translator.pipeline import Options, Result, load, translate_paths
from translator.protect import protect

_PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
_FROM = click.option(
    "--from",
    "source_language",
    type=click.Choice(["nl"]),
    help="Treat every file as Dutch and turn language detection off.",
)
_NO_FRONT_MATTER = click.option(
    "--no-front-matter",
    is_flag=True,
    help="Read a leading ---/+++ block as Markdown, not as front matter.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translator")
def main() -> None:
    """Translate Dutch Markdown articles (Hugo page bundles) into English, offline."""


@main.command()
@_PATHS
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Write here instead of beside the source (one PATH only); - for stdout.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="pseudo",
    show_default=True,
    help="Translation engine: pseudo is deterministic and model-free.",
)
@_FROM
@click.option("--force", is_flag=True, help="Overwrite English files translator did not write.")
@_NO_FRONT_MATTER
def translate(
    paths: tuple[Path, ...],
    out: Path | None,
    engine: str,
    source_language: str | None,
    force: bool,
    no_front_matter: bool,
) -> None:
    """Translate PATHS (index.md, index.nl.md, about.md …) into index.en.md beside each.

    All files share one engine load and one batch.
    """
    if out is not None and len(paths) > 1:
        raise click.UsageError("-o/--output takes a single PATH; drop -o to write beside each")
    failed: list[TranslatorError] = []
    targets: dict[Path, Path | None] = {}
    for path in paths:
        try:
            targets[path] = _target(path, out, force=force)
        except TranslatorError as exc:
            failed.append(exc)
    options = Options(source_language=source_language, front_matter=not no_front_matter)
    with _progress(len(targets)) as tick:
        results = translate_paths(list(targets), _engine_factory(engine), options, progress=tick)
    for result in results:
        failed.extend(_report(result, targets[result.path]))
    for error in failed:
        click.secho(f"error: {error}", fg="red", err=True)
    if failed:
        sys.exit(1)


@main.command()
@_PATHS
@_NO_FRONT_MATTER
def detect(paths: tuple[Path, ...], no_front_matter: bool) -> None:
    """Print the language of each file's prose and langdetect's confidence."""
    failed = False
    for path in paths:
        try:
            article = load(path, Options(front_matter=not no_front_matter))
        except TranslatorError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            failed = True
            continue
        found = article.language
        click.echo(f"{path}\t{found.language}\t{found.probability:.2f}")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@_FROM
@_NO_FRONT_MATTER
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of lines.")
def segments(
    path: Path, source_language: str | None, no_front_matter: bool, as_json: bool
) -> None:
    """List the segments of PATH that would be translated, with their line numbers.

    Markup is shown as the engine sees it: ⟦1⟧, ⟦2⟧ … stand for protected spans.
    """
    try:
        article = load(path, Options(source_language, front_matter=not no_front_matter))
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    rows = []
    for i, seg in enumerate(article.segments):
        if not seg.translatable:
            continue
        state = "english" if i in article.english else "translate"
        rows.append(
            {
                "line": seg.line,
                "kind": seg.kind,
                "key": seg.key,
                "state": state,
                "text": protect(seg).text,
            }
        )
    if as_json:
        click.echo(json.dumps({"path": str(path), "segments": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        kind = f"{row['kind']}:{row['key']}" if row["key"] else row["kind"]
        note = "  (English, kept)" if row["state"] == "english" else ""
        click.echo(f"{row['line']:>5}  {kind:<24} {row['text']}{note}")


# --- helpers -------------------------------------------------------------------------------------


def _target(path: Path, out: Path | None, *, force: bool) -> Path | None:
    """Where a file's translation goes; None means stdout."""
    if out is not None and str(out) == "-":
        return None
    target = out if out is not None else output.target_path(path)
    output.check_target(path, target, force=force)
    return target


def _engine_factory(name: str) -> Callable[[], Engine]:
    def factory() -> Engine:
        try:
            return load_engine(name)
        except TranslatorError as exc:
            raise click.ClickException(str(exc)) from None

    return factory


def _report(result: Result, target: Path | None) -> Sequence[TranslatorError]:
    if result.status == "failed":
        assert result.error is not None
        return [result.error]
    if result.status == "skipped":
        click.echo(f"skipped {result.error}", err=True)
        return []
    assert result.text is not None
    if target is None:
        click.echo(result.text, nl=False)
        return []
    try:
        written = output.write_atomic(target, result.text)
    except OSError as exc:
        return [TranslatorError(f"cannot write {target}: {exc.strerror}", path=result.path)]
    stats = result.stats
    details = f"{stats.translated} segments"
    if stats.english:
        details += f", {stats.english} English kept"
    if stats.fallbacks:
        details += f", {stats.fallbacks} translated run by run"
    verb = "translated" if written else "unchanged "
    click.echo(f"{verb} {result.path} -> {target} ({details})", err=True)
    return []


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Path], None]]:
    """A progress bar over files on a terminal; nothing in CI, where lines say enough."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _path: None
        return
    with click.progressbar(length=total, label="reading", file=sys.stderr) as bar:
        yield lambda _path: bar.update(1)
