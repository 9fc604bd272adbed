"""The command line: parse options, find files, call the library, print.

Exit codes: 0 when every file is done (or skipped as not Dutch), 1 when any
file failed, 2 for usage errors. Status lines go to stderr so that
``-o -`` can stream the translation itself to stdout.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from translator import __version__, glossary, glossary_review, models, output, review_page
from translator import batch as batch_module
from translator.config import Settings, load_settings
from translator.engines import ENGINES, Engine, load_engine
from translator.errors import TranslatorError
from translator.glossary import Glossary
from translator.memory import Memory, export_tmx
from translator.pipeline import Options, Result, load, translate_paths
from translator.protect import protect

_PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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


_RUN_OPTIONS = [
    click.option("--beam-size", type=click.IntRange(1, 16), help="Beam width (default 4)."),
    click.option("--compute-type", help="CTranslate2 compute type (default int8)."),
    click.option("--device", type=click.Choice(["cpu", "cuda"]), help="Where to decode."),
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


def _run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every translating command shares: decoding, models, memory, glossary."""
    for option in reversed(_RUN_OPTIONS):
        command = option(command)
    return command


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
    help="argos: offline neural translation (default); pseudo: deterministic, model-free.",
)
@_FROM
@click.option("--force", is_flag=True, help="Overwrite English files translator did not write.")
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
    options = Options(
        source_language=source_language,
        front_matter=not no_front_matter,
        front_matter_keys=settings.front_matter_keys,
        glossary=_glossary(settings),
    )
    loaded: list[Engine] = []
    with _progress(len(targets)) as tick:
        results = translate_paths(
            list(targets), _engine_factory(settings, loaded), options, progress=tick
        )
    for result in results:
        failed.extend(_report(result, targets[result.path]))
    if loaded:
        _summary(loaded[0], results)
    if options.glossary is not None:
        _adherence(results)
    for error in failed:
        click.secho(f"error: {error}", fg="red", err=True)
    if failed:
        sys.exit(1)


def _shard(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("use K/N with 1 <= K <= N, such as 2/4")
    return int(k), int(n)


@main.command()
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
    options = Options(
        source_language=source_language,
        front_matter_keys=settings.front_matter_keys,
        glossary=_glossary(settings),
    )
    chosen: batch_module.Layout = "tree" if layout == "tree" else "bundle"
    try:
        with contextlib.ExitStack() as stack:
            if not check:
                stack.enter_context(batch_module.locked(root, wait=wait))
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
                )
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    totals = report.totals()
    click.echo(
        f"{totals['files']} files: {totals['translated']} translated, "
        f"{totals['up-to-date']} up to date, {totals['stale']} stale, {totals['skipped']} "
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
    """A progress bar on a terminal; one plain line per article elsewhere (CI logs)."""
    if quiet:
        yield lambda _item: None
        return
    if sys.stderr.isatty():
        lines: list[batch_module.Item] = []
        with click.progressbar(length=0, label="articles", file=sys.stderr) as bar:

            def tick(item: batch_module.Item) -> None:
                bar.update(1)
                lines.append(item)

            yield tick
        for item in lines:
            _batch_line(item)
        return
    yield _batch_line


def _batch_line(item: batch_module.Item) -> None:
    colour = {"failed": "red", "stale": "yellow"}.get(item.status)
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


@main.command()
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
    )
    page = review_page.render_page(root, out, options, only_changed=only_changed)
    output.write_atomic(out, page)
    click.echo(f"wrote {out} ({len(page) // 1024} KiB); open it in a browser", err=True)


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


@main.group("models")
def models_group() -> None:
    """List, install and remove Argos Translate models."""


@models_group.command("list")
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


@models_group.command("install")
@click.option(
    "--file",
    "archive",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Install this .argosmodel file instead of downloading (for machines without internet).",
)
@_MODELS_DIR
def models_install(archive: Path | None, models_dir: Path | None) -> None:
    """Download and install the Dutch→English model, or install one from --file."""
    settings = _settings(models_dir=models_dir)
    try:
        if archive is not None:
            model = models.install_file(settings.models_dir, archive)
        else:
            with _download_bar() as progress:
                model = models.install_from_index(settings.models_dir, progress)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"installed {model.name} ({model.from_code}->{model.to_code} {model.version}) "
        f"in {model.path}"
    )


@models_group.command("remove")
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


@main.group("memory")
def memory_group() -> None:
    """Inspect, export and clear the translation memory."""


def _open_memory(memory_path: Path | None) -> Memory:
    settings = _settings(memory=memory_path)
    if settings.memory is None:
        raise click.ClickException("the translation memory is turned off in the settings")
    try:
        return Memory(settings.memory)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


@memory_group.command("stats")
@_MEMORY
def memory_stats(memory_path: Path | None) -> None:
    """Entries per model, and where the memory is."""
    memory = _open_memory(memory_path)
    stats = memory.stats()
    memory.close()
    click.echo(f"{stats.path}: {stats.entries} entries, {stats.size // 1024} KiB")
    for model, count in sorted(stats.models.items()):
        click.echo(f"  {model}\t{count}")


@memory_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True)
@_EXPORT_TO
@_MEMORY
def memory_export(fmt: str, out: Path, memory_path: Path | None) -> None:
    """Export the memory as TMX 1.4, for CAT tools (OmegaT, Trados …)."""
    memory = _open_memory(memory_path)
    document = export_tmx(memory)
    memory.close()
    _export(document, out, "the translation memory")


@memory_group.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_MEMORY
def memory_clear(yes: bool, memory_path: Path | None) -> None:
    """Delete every entry of the translation memory."""
    memory = _open_memory(memory_path)
    if not yes and not click.confirm(f"Delete all entries of {memory.path}?"):
        raise click.Abort
    removed = memory.clear()
    memory.close()
    click.echo(f"removed {removed} entries from {memory.path}")


@main.group("glossary")
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


@glossary_group.command("lint")
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
def glossary_lint(path: Path | None) -> None:
    """Check the glossary: malformed rows, duplicates, conflicting and shadowed forms."""
    chosen = _glossary_path(path)
    try:
        problems = glossary.lint(chosen)
        rows = glossary.read_rows(chosen)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in problems:
        click.echo(f"{chosen}:{problem.line}: {problem.message}")
    if problems:
        click.secho(f"{len(problems)} problem(s) in {chosen}", fg="red", err=True)
        sys.exit(1)
    approved = sum(1 for _, row in rows if row.get("status", "").strip() == "approved")
    click.echo(
        f"{chosen}: {len(rows)} terms ({approved} approved, "
        f"{len(rows) - approved} proposed), no problems"
    )


@glossary_group.command("review")
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
        click.secho(f"error: {error}", fg="red", err=True)


def _review_csv(found: glossary_review.Review) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["kind", "nl", "en", "count", "articles", "expected", "present", "violations", "example"]
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
            ]
        )
    for c in found.candidates:
        writer.writerow(
            [f"candidate:{c.kind}", c.text, "", c.count, len(c.articles), "", "", "", c.example]
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
            click.echo(f"  {c.text[:34]:34} {c.kind:10} {c.count:5}  {c.example}")


@glossary_group.command("export")
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


@glossary_group.command("import")
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


# --- helpers -------------------------------------------------------------------------------------


def _target(path: Path, out: Path | None, *, force: bool) -> Path | None:
    """Where a file's translation goes; None means stdout."""
    if out is not None and str(out) == "-":
        return None
    target = out if out is not None else output.target_path(path)
    output.check_target(path, target, force=force)
    return target


def _run_settings(
    *,
    no_memory: bool,
    memory_path: Path | None,
    no_glossary: bool,
    glossary_path: Path | None,
    **overrides: Any,
) -> Settings:
    """Settings for a translating command, from the options of ``_run_options``."""
    return _settings(
        memory="off" if no_memory else memory_path,
        glossary="off" if no_glossary else glossary_path,
        **overrides,
    )


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


def _engine_factory(settings: Settings, loaded: list[Engine]) -> Callable[[], Engine]:
    """Load the engine only when some file needs it, and remember it for the summary."""

    def factory() -> Engine:
        try:
            engine = load_engine(settings.engine, settings)
        except TranslatorError as exc:
            raise click.ClickException(str(exc)) from None
        loaded.append(engine)
        return engine

    return factory


def _glossary(settings: Settings) -> Glossary | None:
    if settings.glossary is None:
        return None
    try:
        return glossary.load(settings.glossary)
    except TranslatorError as exc:
        raise click.ClickException(str(exc)) from None


def _adherence(results: Sequence[Result]) -> None:
    """Warn about every glossary target that is missing, then print the adherence."""
    expected = sum(r.stats.terms_expected for r in results if r.status == "translated")
    present = sum(r.stats.terms_present for r in results if r.status == "translated")
    for result in results:
        for miss in result.misses:
            click.secho(
                f"warning: {miss.path}:{miss.line}: glossary term {miss.term!r} "
                f"should be {miss.target!r} but is missing",
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


class _DownloadBar:
    """A download progress bar, opened when the first bytes arrive and the size is known."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.seen = 0

    def __call__(self, received: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total or 0, label="downloading", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(received - self.seen)
        self.seen = received

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def _download_bar() -> Iterator[models.Progress]:
    bar = _DownloadBar()
    try:
        yield bar
    finally:
        bar.close()


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Path], None]]:
    """A progress bar over files on a terminal; nothing in CI, where lines say enough."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _path: None
        return
    with click.progressbar(length=total, label="reading", file=sys.stderr) as bar:
        yield lambda _path: bar.update(1)
