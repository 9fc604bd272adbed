"""translator glossary: lint, review, export and import the domain glossary."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from translator import glossary, glossary_review
from translator.cli._common import (
    _EXPORT_TO,
    _FROM,
    _GLOSSARY,
    _export,
    _settings,
    examples,
    main,
)
from translator.errors import TranslatorError


@main.group(
    "glossary",
    epilog=examples(
        ("translator glossary lint", "check glossary/terms.csv"),
        ("translator glossary review content", "term use and candidates"),
    ),
)
def glossary_group() -> None:
    """Check, review, export and import the domain glossary."""


def _glossary_path(path: Path | None) -> Path:
    chosen = path or _settings().glossary
    if chosen is None:
        raise click.ClickException(
            "no glossary found: there is no glossary/terms.csv here or in a parent folder; "
            "name one with --glossary PATH"
        )
    return chosen


@glossary_group.command(
    "lint",
    epilog=examples(
        ("translator glossary lint", "glossary/terms.csv here or above"),
        ("translator glossary lint other/terms.csv", "another glossary"),
    ),
)
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
def glossary_lint(path: Path | None) -> None:
    """Check the glossary: malformed rows, duplicates, conflicting and shadowed forms;
    warn about Dunglish targets and notes that name no source. Exit 1 on any finding."""
    chosen = _glossary_path(path)
    try:
        problems = glossary.lint(chosen)
        rows = glossary.read_rows(chosen)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in problems:
        kind = "warning: " if problem.warning else ""
        click.echo(f"{chosen}:{problem.line}: {kind}{problem.message}")
    if problems:
        warnings = sum(p.warning for p in problems)
        click.secho(
            f"{len(problems) - warnings} error(s) and {warnings} warning(s) in {chosen}"
            + ("; warnings do not stop translation" if warnings == len(problems) else ""),
            fg="red",
            err=True,
        )
        sys.exit(1)
    approved = sum(1 for _, row in rows if row.get("status", "").strip() == "approved")
    click.echo(
        f"{chosen}: {len(rows)} terms ({approved} approved, "
        f"{len(rows) - approved} proposed), no problems"
    )


@glossary_group.command(
    "review",
    epilog=examples(
        ("translator glossary review", "content/ as a table"),
        ("translator glossary review --csv content > review.csv", "for a spreadsheet"),
    ),
)
@click.argument("root", required=False, default="content", type=click.Path(path_type=Path))
@_GLOSSARY
@_FROM
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV rows, terms then candidates.")
@click.option(
    "--min-count",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="How often a candidate must occur to be listed.",
)
def glossary_review_command(
    root: Path,
    glossary_path: Path | None,
    source_language: str | None,
    as_json: bool,
    as_csv: bool,
    min_count: int,
) -> None:
    """Review ROOT (default content/): term use, adherence, unused terms, candidates."""
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    if not root.exists():
        raise click.ClickException(f"{root}: no such file or folder")
    try:
        terms = glossary.load(_glossary_path(glossary_path))
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    found = glossary_review.review(
        root, terms, source_language=source_language, min_count=min_count
    )
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(_review_csv(found), nl=False)
    else:
        _review_table(found)
    for error in found.errors:
        click.secho(f"Error: {error}", fg="red", err=True)


def _review_csv(found: glossary_review.Review) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "kind",
            "nl",
            "en",
            "count",
            "articles",
            "expected",
            "present",
            "violations",
            "example",
            "acronym",
        ]
    )
    for r in found.terms:
        writer.writerow(
            [
                "term",
                r.term.nl,
                r.term.en,
                r.occurrences,
                len(r.articles),
                r.expected,
                r.present,
                "; ".join(f"{v.file}:{v.line}" for v in r.violations),
                "",
                "",
            ]
        )
    for c in found.candidates:
        writer.writerow(
            [
                f"candidate:{c.kind}",
                c.text,
                "",
                c.count,
                len(c.articles),
                "",
                "",
                "",
                c.example,
                c.acronym,
            ]
        )
    return out.getvalue()


def _review_table(found: glossary_review.Review) -> None:
    used = sorted(
        (r for r in found.terms if r.occurrences),
        key=lambda r: (-r.occurrences, r.term.nl.casefold()),
    )
    click.secho(f"Glossary terms in {len(found.articles)} Dutch articles", bold=True)
    click.echo(f"  {'term':34} {'English':34} {'uses':>5} {'arts':>5} {'kept':>9}")
    for r in used:
        kept = f"{r.present}/{r.expected}" if r.expected else "-"
        colour = "red" if r.violations else None
        click.secho(
            f"  {r.term.nl[:34]:34} {r.term.en[:34]:34} {r.occurrences:5} "
            f"{len(r.articles):5} {kept:>9}",
            fg=colour,
        )
        for v in r.violations:
            click.secho(f"      {v.file}:{v.line}: {v.english}", fg="red")
    if found.unused:
        click.secho(f"\nTerms no article uses ({len(found.unused)})", bold=True)
        click.echo("  " + ", ".join(t.nl for t in found.unused))
    if found.candidates:
        click.secho(f"\nCandidate terms ({len(found.candidates)})", bold=True)
        for c in found.candidates:
            name = f"{c.text} ({c.acronym})" if c.acronym else c.text
            click.echo(f"  {name[:34]:34} {c.kind:10} {c.count:5}  {c.example}")


@glossary_group.command(
    "export",
    epilog=examples(
        ("translator glossary export --format tbx -o terms.tbx", "for a CAT tool"),
        ("translator glossary export --format csv", "to stdout"),
    ),
)
@click.option(
    "--format", "fmt", type=click.Choice(["tbx", "csv"]), default="tbx", show_default=True
)
@_EXPORT_TO
@_GLOSSARY
def glossary_export(fmt: str, out: Path, glossary_path: Path | None) -> None:
    """Export the glossary as TBX-Basic (OmegaT, Trados …) or CSV."""
    try:
        terms = glossary.load(_glossary_path(glossary_path))
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    everything = [*terms.terms, *terms.proposed]
    document = glossary.export_tbx(everything) if fmt == "tbx" else glossary.export_csv(everything)
    _export(document, out, f"{len(everything)} terms")


@glossary_group.command(
    "import",
    epilog=examples(
        ("translator glossary import terms.tbx", "merge a TBX file"),
        ("translator glossary import --glossary terms.csv new.csv", "into a named glossary"),
    ),
)
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_GLOSSARY
def glossary_import(file: Path, glossary_path: Path | None) -> None:
    """Merge terms from a CSV or TBX FILE into the glossary, as proposed."""
    target = _glossary_path(glossary_path)
    try:
        added, known = glossary.merge_import(target, glossary.read_import(file))
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {added} proposed term(s) to {target}; {known} already there")
