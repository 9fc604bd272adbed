"""translator batch: keep the English side of a content tree current (for CI)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from translator import batch as batch_module
from translator import hugo
from translator.cli._common import (
    _FROM,
    _run_options,
    _run_settings,
    decode_bar,
    examples,
    main,
    plural,
    site_options,
)
from translator.engines import ENGINES
from translator.errors import TranslatorError


def _shard(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("use K/N with 1 <= K <= N, such as 2/4")
    return int(k), int(n)


@main.command(
    epilog=examples(
        ("translator batch content", "translate what is missing or stale"),
        ("translator batch --check --json content", "CI: write nothing, exit 1 if stale"),
        ("translator batch --jobs 2 --shard 1/4 content", "a quarter, on two processes"),
    )
)
@click.argument("root", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--engine", type=click.Choice(ENGINES), help="Engine (default: argos).")
@_FROM
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if any translation is missing or stale."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
@click.option(
    "--layout",
    type=click.Choice(["bundle", "tree"]),
    default="bundle",
    show_default=True,
    help="bundle: index.en.md beside the source; tree: content/nl/… → content/en/….",
)
@click.option(
    "--jobs",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Worker processes, each with its own engine.",
)
@click.option(
    "--shard",
    callback=_shard,
    metavar="K/N",
    help="Translate only a stable 1/N slice of the articles (by path hash).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Re-translate everything, human edits included; overwrite any English file.",
)
@click.option(
    "--keep-edits",
    is_flag=True,
    help="Keep a human's correction even when its Dutch changed (listed for review).",
)
@click.option("--wait", is_flag=True, help="Wait for another batch run on ROOT to finish.")
@_run_options
def batch(
    root: Path,
    engine: str | None,
    source_language: str | None,
    check: bool,
    as_json: bool,
    layout: str,
    jobs: int,
    shard: tuple[int, int] | None,
    force: bool,
    keep_edits: bool,
    wait: bool,
    **run_options: Any,
) -> None:
    """Translate every Dutch article under ROOT whose English is missing or stale.

    Unchanged segments keep their English, human corrections included; a run
    with nothing to do loads no model. For CI, --check reports and changes nothing.
    """
    settings = _run_settings(engine=engine, **run_options)
    options = site_options(settings, root, source_language)
    chosen: batch_module.Layout = "tree" if layout == "tree" else "bundle"
    try:
        for warning in hugo.site_warnings(root):
            click.secho(f"Warning: {warning}", fg="yellow", err=True)
        with contextlib.ExitStack() as stack:
            if not check:
                stack.enter_context(batch_module.locked(root, wait=wait))
            bar = None if as_json else decode_bar()
            stack.callback(lambda: bar.close() if bar is not None else None)
            with _batch_progress(as_json) as tick:
                report = batch_module.run_batch(
                    root,
                    settings,
                    options,
                    check=check,
                    layout=chosen,
                    jobs=jobs,
                    shard=shard,
                    force=force,
                    keep_edits=keep_edits,
                    progress=tick,
                    decoding=bar,
                )
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    for warning in report.warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    totals = report.totals()
    if not report.items and not batch_module.find_articles(root, chosen):
        raise click.ClickException(
            f"{root}: no Markdown files (.md, .markdown) under it; give the folder that holds "
            "the articles, such as content"
        )
    click.echo(
        f"{plural(totals['files'], 'file')}: {totals['translated']} translated, "
        f"{totals['up-to-date']} up to date, {totals['stale']} stale, "
        f"{totals['needs-review']} need review, {totals['skipped']} "
        f"skipped, {totals['failed']} failed; segments: {totals['engine']} to the engine, "
        f"{totals['reused']} reused",
        err=True,
    )
    if totals["terms_expected"]:
        present, expected = totals["terms_present"], totals["terms_expected"]
        click.echo(
            f"glossary adherence: {present}/{expected} targets present "
            f"({100 * present / expected:.1f}%)",
            err=True,
        )
    if report.failed:
        sys.exit(1)


@contextmanager
def _batch_progress(quiet: bool) -> Iterator[Callable[[batch_module.Item], None]]:
    """One line per article: at once in CI logs; after the run on a terminal, where
    the decoding progress bar has the screen meanwhile."""
    if quiet:
        yield lambda _item: None
        return
    if sys.stderr.isatty():
        lines: list[batch_module.Item] = []
        yield lines.append
        for item in lines:
            _batch_line(item)
        return
    yield _batch_line


def _batch_line(item: batch_module.Item) -> None:
    colour = {"failed": "red", "stale": "yellow", "needs-review": "yellow"}.get(item.status)
    if item.error:  # the message names the file itself
        click.secho(f"{item.status:<10} {item.error}", fg=colour, err=True)
        return
    line = f"{item.status:<10} {item.source}"
    if item.status == "translated":
        line += f" -> {item.target} ({item.engine} segments to the engine, {item.reused} reused)"
    elif item.status == "stale":
        line += f" ({item.reason})"
    click.secho(line, fg=colour, err=True)
    for note in item.notes:
        click.echo(f"           {note}", err=True)
