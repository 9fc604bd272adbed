"""translator translate, detect and segments: one or more articles, by hand."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from translator import output
from translator.batch import Writer, current_writer, plan_reuse
from translator.cli._common import (
    _FROM,
    _NO_FRONT_MATTER,
    _PATHS,
    LazyBar,
    _glossary,
    _run_options,
    _run_settings,
    _settings,
    decode_bar,
    examples,
    main,
    site_language,
    site_options,
    watch,
)
from translator.config import Settings
from translator.engines import ENGINES, Engine, load_engine
from translator.errors import TranslatorError
from translator.pipeline import Article, Kept, Options, Result, load, translate_paths, unkept_id
from translator.previous import read_previous
from translator.protect import protect


@main.command(
    epilog=examples(
        ("translator translate content/over-t3d/index.md", "writes index.en.md beside it"),
        ("translator translate --from nl -o - about.md", "Dutch for sure; print the English"),
        ("translator translate --engine pseudo content/*/*/index.md", "no model: accents only"),
    )
)
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
    help="argos: offline neural translation (default); pseudo: deterministic, model-free.",
)
@_FROM
@click.option(
    "--force",
    is_flag=True,
    help="Re-translate every segment, dropping kept English and human corrections, and "
    "overwrite English files translator did not write.",
)
@_NO_FRONT_MATTER
@_run_options
def translate(
    paths: tuple[Path, ...],
    out: Path | None,
    engine: str | None,
    source_language: str | None,
    force: bool,
    no_front_matter: bool,
    **run_options: Any,
) -> None:
    """Translate PATHS (index.md, index.nl.md, about.md …) into index.en.md beside each.

    All files share one engine load and one batch. Settings come from
    [tool.translator] in pyproject.toml or a translator.toml; options win.
    """
    if out is not None and len(paths) > 1:
        raise click.UsageError("-o/--output takes a single PATH; drop -o to write beside each")
    settings = _run_settings(engine=engine, **run_options)
    failed: list[TranslatorError] = []
    targets: dict[Path, Path | None] = {}
    for path in paths:
        try:
            targets[path] = _target(path, out, force=force)
        except TranslatorError as exc:
            failed.append(exc)
    options = site_options(settings, paths[0], source_language, front_matter=not no_front_matter)
    loaded: list[Engine] = []
    bar = decode_bar()
    with _progress(len(targets)) as tick:
        results = translate_paths(
            list(targets),
            _engine_factory(settings, loaded, bar),
            options,
            progress=tick,
            reuse=None if force else _keeper(targets, options, current_writer(settings)),
        )
    if bar is not None:
        bar.close()
    for result in results:
        failed.extend(_report(result, targets[result.path]))
    if loaded:
        _summary(loaded[0], results)
        problem = getattr(getattr(loaded[0], "memory", None), "problem", None)
        if problem:
            click.secho(f"Warning: {problem}", fg="yellow", err=True)
    _hugo_warnings(results)
    if options.glossary is not None:
        _adherence(results)
    for error in failed:
        click.secho(f"Error: {error}", fg="red", err=True)
    if failed:
        sys.exit(1)


@main.command(
    epilog=examples(
        ("translator detect content/over-t3d/index.md", "nl 1.00, or the language found"),
        ("translator detect content/*/*/index*.md", "every article of a site"),
    )
)
@_PATHS
@_NO_FRONT_MATTER
def detect(paths: tuple[Path, ...], no_front_matter: bool) -> None:
    """Print the language of each file's prose and langdetect's confidence."""
    failed = False
    site = site_language(_settings(), paths[0])
    for path in paths:
        try:
            article = load(path, Options(front_matter=not no_front_matter, site_language=site))
        except TranslatorError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            failed = True
            continue
        found = article.language
        why = "\t(the site's language: the prose alone does not tell)" if found.site else ""
        click.echo(f"{path}\t{found.language}\t{found.probability:.2f}{why}")
    if failed:
        sys.exit(1)


@main.command(
    epilog=examples(
        ("translator segments content/over-t3d/index.md", "what the engine will be given"),
        ("translator segments --json index.md", "the same, as one JSON document"),
    )
)
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
    settings = _settings()
    terms = _glossary(settings)
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
                "text": protect(seg, terms).text,
            }
        )
    if as_json:
        click.echo(json.dumps({"path": str(path), "segments": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        kind = f"{row['kind']}:{row['key']}" if row["key"] else row["kind"]
        note = "  (English, kept)" if row["state"] == "english" else ""
        click.echo(f"{row['line']:>5}  {kind:<24} {row['text']}{note}")


def _target(path: Path, out: Path | None, *, force: bool) -> Path | None:
    """Where a file's translation goes; None means stdout."""
    if out is not None and str(out) == "-":
        return None
    target = out if out is not None else output.target_path(path)
    output.check_target(path, target, force=force)
    return target


def _keeper(
    targets: dict[Path, Path | None], options: Options, writer: Writer | None
) -> Callable[[Article], Kept]:
    """Keep what translator wrote before for unchanged segments, human corrections included
    (machine English only if this run's engine and model wrote it)."""

    def keep(article: Article) -> Kept:
        target = targets.get(article.path)
        previous = read_previous(target) if target is not None and target.is_file() else None
        if previous is None:
            return Kept()
        plan = plan_reuse(article, previous, options.glossary, {}, keep_edits=False, writer=writer)
        for note in plan.notes:
            click.echo(f"Note: {article.path}: {note}", err=True)
        return plan.kept()

    return keep


def _engine_factory(
    settings: Settings, loaded: list[Engine], bar: LazyBar | None
) -> Callable[[], Engine]:
    """Load the engine only when some file needs it, and remember it for the summary."""

    def factory() -> Engine:
        try:
            engine = load_engine(settings.engine, settings)
        except TranslatorError as exc:
            raise click.ClickException(str(exc)) from None
        watch(engine, bar)
        loaded.append(engine)
        return engine

    return factory


_PROBLEMS = {
    "missing": "missing",
    "duplicated": "written more often than the Dutch uses it",
    "mangled": "glued to another word",
}


def _hugo_warnings(results: Sequence[Result]) -> None:
    """Warn about links the English page cannot keep and taxonomy terms kept in Dutch."""
    for result in results:
        for line, anchor in result.unkept_ids:
            click.secho(
                f"Warning: {result.path}:{line}: {unkept_id(anchor)}", fg="yellow", err=True
            )
        for term in result.untranslated_terms:
            click.secho(
                f"Warning: {result.path}:{term.line}: {term.key} term {term.value!r} kept "
                "as written (no glossary entry); add one to translate it",
                fg="yellow",
                err=True,
            )


def _adherence(results: Sequence[Result]) -> None:
    """Warn about every glossary target that is missing, then print the adherence."""
    expected = sum(r.stats.terms_expected for r in results if r.status == "translated")
    present = sum(r.stats.terms_present for r in results if r.status == "translated")
    for result in results:
        for miss in result.misses:
            click.secho(
                f"Warning: {miss.path}:{miss.line}: glossary term {miss.term!r} "
                f"should be {miss.target!r} but is {_PROBLEMS[miss.problem]}",
                fg="yellow",
                err=True,
            )
        for line in result.uncertain:
            click.secho(
                f"Warning: {result.path}:{line}: markup placed with low confidence; "
                "check which English words it marks",
                fg="yellow",
                err=True,
            )
    if expected:
        click.echo(
            f"glossary adherence: {present}/{expected} targets present "
            f"({100 * present / expected:.1f}%)",
            err=True,
        )


def _summary(engine: Engine, results: Sequence[Result]) -> None:
    """One line on what the engine did: the run report."""
    fallbacks = sum(r.stats.fallbacks for r in results)
    stats = getattr(engine, "stats", None)
    line = f"{engine.name} {engine.model}"
    if stats is not None:
        line += (
            f": {stats.texts_remembered} segments from memory; {stats.sentences} sentences, "
            f"{stats.remembered} distinct from memory, {stats.decoded} decoded in "
            f"{stats.seconds:.1f} s; {stats.aligned} placeholders aligned"
        )
        if stats.split:
            line += f"; {stats.split} long sentences split"
        if stats.fragments:
            line += f"; {stats.fragments} marked spans also translated alone"
        if stats.uncertain:
            line += f"; {stats.uncertain} marks placed with low confidence"
    line += f"; {fallbacks} segments translated run by run"
    click.echo(line, err=True)


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
