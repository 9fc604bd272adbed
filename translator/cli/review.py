"""translator review: the bilingual review page."""

from __future__ import annotations

from pathlib import Path

import click

from translator import output, review_page
from translator.cli._common import (
    _FROM,
    _GLOSSARY,
    _glossary,
    _settings,
    examples,
    main,
    site_language,
)
from translator.pipeline import Options


@main.command(
    epilog=examples(
        ("translator review content", "writes review.html; open it in a browser"),
        ("translator review --only-changed -o changes.html content", "only what changed"),
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
@_FROM
@_GLOSSARY
@click.option("--no-glossary", is_flag=True, help="Highlight no glossary terms.")
def review(
    root: Path,
    out: Path,
    only_changed: bool,
    source_language: str | None,
    glossary_path: Path | None,
    no_glossary: bool,
) -> None:
    """Write one self-contained HTML page to review ROOT's Dutch and English side by side."""
    settings = _settings(glossary="off" if no_glossary else glossary_path)
    options = Options(
        source_language=source_language,
        front_matter_keys=settings.front_matter_keys,
        glossary=_glossary(settings),
        site_language=site_language(settings, root),
    )
    page = review_page.render_page(root, out, options, only_changed=only_changed)
    output.write_atomic(out, page)
    click.echo(f"wrote {out} ({len(page) // 1024} KiB); open it in a browser", err=True)
