"""translator clean: remove the English files translator wrote, and nothing else."""

from __future__ import annotations

from pathlib import Path

import click

from translator import clean as clean_module
from translator.cli._common import examples, main, plural


@main.command(
    epilog=examples(
        ("translator clean --dry-run content", "list what would be removed"),
        ("translator clean content", "remove it"),
    )
)
@click.argument("root", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def clean(root: Path, dry_run: bool) -> None:
    """Remove the English files translator wrote under ROOT.

    Only files with translator's provenance record whose English nobody has
    changed are removed; a person's translation, or a file a person corrected,
    is kept and listed.
    """
    found = clean_module.survey(root)
    verb = "would remove" if dry_run else "removed"
    for item in found:
        if item.action == "remove":
            click.echo(f"{verb} {item.path}", err=True)
        else:
            click.echo(f"kept {item.path}: {item.why}", err=True)
    removed = sum(f.action == "remove" for f in found) if dry_run else clean_module.remove(found)
    kept = sum(f.action == "keep" for f in found)
    click.echo(
        f"{verb} {plural(removed, 'file')} that translator wrote; "
        f"kept {plural(kept, 'file')} a person changed",
        err=True,
    )
