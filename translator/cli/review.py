"""translator review: the bilingual review page."""

from __future__ import annotations

from pathlib import Path

import click

from translator import output, review_page
from translator.cli._common import (
    _FROM,
    _GLOSSARY,
    _settings,
    examples,
    main,
    plural,
    site_options,
)
from translator.errors import TranslatorError


@main.command(
    epilog=examples(
        ("translator review content", "writes review.html; open it in a browser"),
        ("translator review --mark-reviewed content", "after reviewing: all of it is seen"),
        ("translator review --only-changed -o changes.html content", "only what is new since"),
    )
)
@click.argument("root", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default="review.html",
    show_default=True,
    help="Where to write the page.",
)
@click.option(
    "--only-changed",
    is_flag=True,
    help="Only articles that are not up to date, and their changed segments.",
)
@click.option(
    "--mark-reviewed",
    is_flag=True,
    help="Record every segment's English as it is now as reviewed (writes no page); later "
    "pages flag only what is new since.",
)
@click.option(
    "--marks",
    "marks_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The review marks file (default: in the user cache, per ROOT); name one in the "
    "repository to share marks between reviewers.",
)
@_FROM
@_GLOSSARY
@click.option("--no-glossary", is_flag=True, help="Highlight no glossary terms.")
def review(
    root: Path,
    out: Path,
    only_changed: bool,
    mark_reviewed: bool,
    marks_file: Path | None,
    source_language: str | None,
    glossary_path: Path | None,
    no_glossary: bool,
) -> None:
    """Write one self-contained HTML page to review ROOT's Dutch and English side by side.

    Segments new since the last --mark-reviewed are flagged "new since the last
    review" (before any, those the last run translated).
    """
    marks = marks_file or review_page.marks_path(root)
    if mark_reviewed:
        current = review_page.current_marks(root)
        review_page.write_marks(marks, root, current)
        click.echo(f"marked {plural(len(current), 'segment')} as reviewed in {marks}", err=True)
        return
    try:
        reviewed = review_page.read_marks(marks)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    settings = _settings(glossary="off" if no_glossary else glossary_path)
    options = site_options(settings, root, source_language)
    page = review_page.render_page(
        root, out, options, only_changed=only_changed, reviewed=reviewed
    )
    output.write_atomic(out, page)
    click.echo(f"wrote {out} ({len(page) // 1024} KiB); open it in a browser", err=True)
