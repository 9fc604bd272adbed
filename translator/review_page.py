"""The bilingual review page: Dutch and English side by side, before publishing.

One self-contained HTML file (no network, no external CSS or JS, images as
data URIs) that a reviewer opens from disk: an index of the articles and their
state, then per article its segments aligned Dutch | English, glossary terms
highlighted in both columns, and badges with filters for what needs a look:
segments new since the last review, human edits, repaired markup, text left
in English, glossary misses.

What a reviewer has seen is recorded with ``translator review --mark-reviewed``:
one mark per segment, its Dutch key and a hash of its English as the file holds
it then. A later page flags as new exactly the segments whose English is not
marked (translated since, or edited since); before any mark, "new" means what
the last run translated.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from markdown_it import MarkdownIt

from translator import __version__, output
from translator.batch import Item, find_articles, freshness, load_dutch, target_for, tree_key
from translator.config import cache_home
from translator.errors import TranslatorError
from translator.files import text_hash
from translator.glossary import Glossary
from translator.models import is_word_for_word
from translator.pipeline import Article, Options, segment_keys
from translator.previous import Entry, Previous, read_previous
from translator.protect import TermUse, protect
from translator.segment import AtomKind, Segment, as_written

FLAGS = {
    "changed": "new since the last review",
    "human": "edited by a person",
    "repaired": "markup repaired",
    "uncertain": "markup placed with low confidence",
    "english": "left in English",
    "miss": "glossary term missing",
}
_MIME = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
MAX_IMAGE_BYTES = 512 * 1024
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FIGURE = re.compile(r"\{\{[<%]\s*figure\b[^}]*?\bsrc=\"([^\"]+)\"[^}]*?[%>]\}\}")
_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"


@dataclass
class Row:
    """One line of an article's table: a segment pair, or a picture."""

    line: int
    dutch: str = ""
    english: str = ""
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    picture: tuple[str, str] | None = None
    """For a picture row: (src for the page, alt text)."""


@dataclass
class ArticleReview:
    item: Item
    rows: list[Row]
    expected: int = 0
    present: int = 0
    engine: str = ""
    model: str = ""


def _renderer() -> MarkdownIt:
    # Raw HTML from articles is shown escaped, never run: a review page must not
    # execute what it reviews.
    return MarkdownIt("commonmark", {"html": False}).enable(["strikethrough"])


def build(
    root: Path,
    out: Path,
    options: Options,
    *,
    only_changed: bool = False,
    reviewed: frozenset[str] | None = None,
) -> str:
    """The review page for the content tree at root, with links relative to ``out``.

    ``reviewed`` holds the marks of the last review (see ``marks``); None when
    there was none, and "new" means new in the last run.
    """
    started = time.perf_counter()
    reviews = [r for r in _reviews(root, options, reviewed) if not only_changed or _changed(r)]
    if only_changed:
        for review in reviews:
            review.rows = [r for r in review.rows if "changed" in r.flags or r.picture]
    elapsed = time.perf_counter() - started
    return _page(root, out, reviews, options.glossary, elapsed)


def _changed(review: ArticleReview) -> bool:
    """Whether an article needs a look: it is stale, failed or skipped, or has new segments
    (a translated article whose segments are all reviewed does not)."""
    settled = ("up-to-date", "translated")
    return review.item.status not in settled or any("changed" in r.flags for r in review.rows)


def _reviews(
    root: Path, options: Options, reviewed: frozenset[str] | None
) -> Iterator[ArticleReview]:
    md = _renderer()
    for source in find_articles(root):
        item = Item(source, None)
        try:
            item.target = target_for(source, root, "bundle")
            item.reason = freshness(source, item.target, options, force=False)
        except TranslatorError as exc:
            item.status, item.error = "failed", str(exc)
        article = load_dutch(item, options) if item.status != "failed" else None
        if article is None:  # failed or skipped, and the item says why
            item.reason = None if item.status == "skipped" else item.reason
            yield ArticleReview(item, [])
            continue
        item.status = "up-to-date" if item.reason is None else "stale"
        target = item.target
        previous = read_previous(target) if target is not None and target.exists() else None
        yield _review(article, item, previous, options.glossary, md, reviewed)


def _review(
    article: Article,
    item: Item,
    previous: Previous | None,
    glossary: Glossary | None,
    md: MarkdownIt,
    reviewed: frozenset[str] | None = None,
) -> ArticleReview:
    keys = segment_keys(article, glossary)
    old = {e.key: e for e in (previous.entries if previous is not None else ())}
    record = previous.record if previous is not None else {}
    repaired = set(str(record.get("repaired", "")).split())
    uncertain = set(str(record.get("uncertain", "")).split())
    fresh = set(str(record.get("changed", "")).split())  # what the last run translated
    if item.status == "up-to-date" and fresh:
        item.status = "translated"
    review = ArticleReview(item, [])
    if previous is not None:
        review.engine = str(previous.record.get("engine", ""))
        review.model = str(previous.record.get("model", ""))
    for index, seg in enumerate(article.segments):
        if not seg.translatable:
            continue
        terms = [u for u in protect(seg, glossary).terms if u is not None]
        entry = old.get(keys[index])
        row = Row(seg.line, dutch=_dutch_html(seg, terms, md, article))
        if index in article.english:
            row.flags.append("english")
        if entry is None:
            row.flags.append("changed")
            row.english = '<span class="pending">not translated yet</span>'
        else:
            if entry.key in fresh if reviewed is None else _mark(entry) not in reviewed:
                row.flags.append("changed")
            if entry.edited:
                row.flags.append("human")
            if entry.key in repaired:
                row.flags.append("repaired")
            if entry.key in uncertain:
                row.flags.append("uncertain")
            row.english, missing = _english_html(entry.english, seg, terms, md, article)
            review.expected += len(terms)
            review.present += len(terms) - len(missing)
            if missing:
                row.flags.append("miss")
                row.notes += [f"expected “{t}”" for t in missing]
        review.rows.append(row)
    review.rows += _pictures(article)
    review.rows.sort(key=lambda r: r.line)
    return review


# --- cells -------------------------------------------------------------------------------------


def _inline_source(seg: Segment, raw: str | None = None) -> str:
    """A segment's inline Markdown: soft breaks as spaces, hard breaks kept (a line's
    trailing backslash or two spaces), blockquote markers dropped."""
    if raw is not None:
        return "\n".join(line.lstrip(" >") for line in raw.splitlines())
    return as_written("".join(a.text if a.kind is not AtomKind.BREAK else " " for a in seg.atoms))


def _render(source: str, md: MarkdownIt, article: Article) -> str:
    rendered = str(md.renderInline(source))
    return _embed_images(rendered, article.path.parent)


def _dutch_html(seg: Segment, terms: Sequence[TermUse], md: MarkdownIt, article: Article) -> str:
    source = _inline_source(seg)
    spans: list[tuple[int, int, TermUse]] = []
    for use in terms:
        at = source.find(use.match.source, spans[-1][1] if spans else 0)
        if at >= 0:
            spans.append((at, at + len(use.match.source), use))
    return _highlight(source, spans, md, article)


def _english_html(
    english: str, seg: Segment, terms: Sequence[TermUse], md: MarkdownIt, article: Article
) -> tuple[str, list[str]]:
    source = english if seg.kind == "front_matter" else _inline_source(seg, english)
    spans: list[tuple[int, int, TermUse]] = []
    missing: list[str] = []
    cursor = 0
    lowered = source.casefold()
    for use in terms:
        at = lowered.find(use.target.casefold(), cursor)
        if at < 0:
            at = lowered.find(use.target.casefold())
        if at < 0 or any(s <= at < e for s, e, _ in spans):
            missing.append(use.target)
            continue
        spans.append((at, at + len(use.target), use))
        cursor = at + len(use.target)
    spans.sort(key=lambda s: s[0])
    return _highlight(source, spans, md, article), missing


_MARKER = re.compile(f"{_OPEN}\\d+{_MID}|{_CLOSE}")


def _highlight(
    source: str, spans: Sequence[tuple[int, int, TermUse]], md: MarkdownIt, article: Article
) -> str:
    """Render inline Markdown with terms wrapped in <mark>, coloured per term."""
    marked: list[str] = []
    uses: list[TermUse] = []
    cursor = 0
    for start, end, use in spans:
        marked += [source[cursor:start], f"{_OPEN}{len(uses)}{_MID}", source[start:end], _CLOSE]
        uses.append(use)
        cursor = end
    marked.append(source[cursor:])
    rendered = _render("".join(marked), md, article)

    def mark(match: re.Match[str]) -> str:
        use = uses[int(match.group(1))]
        term = use.match.term
        kind = "term dnt" if term.dnt else "term"
        title = html.escape(
            f"{term.nl} → {term.en}" + (" (do not translate)" if term.dnt else ""), quote=True
        )
        return f'<mark class="{kind} {_term_class(term.nl)}" title="{title}">'

    # A term in an alt text or title stays unmarked: a <mark> cannot stand in an attribute.
    rendered = re.sub(r"<[^<>]*>", lambda tag: _MARKER.sub("", tag.group(0)), rendered)
    rendered = re.sub(f"{_OPEN}(\\d+){_MID}", mark, rendered)
    return rendered.replace(_CLOSE, "</mark>")


def _term_class(term: str) -> str:
    return "t" + hashlib.sha256(term.encode()).hexdigest()[:6]


def _pictures(article: Article) -> list[Row]:
    """Standalone images and figure shortcodes, as thumbnails where the article has them."""
    rows = []
    segment_lines = {s.line for s in article.segments if s.translatable}
    for number, line in enumerate(article.raw.splitlines(), start=1):
        if number not in segment_lines:  # inline images are shown in their segment
            for alt, src in _IMAGE.findall(line):
                rows.append(Row(number, picture=(_data_uri(article.path.parent, src) or src, alt)))
        for src in _FIGURE.findall(line):  # a figure's caption may be a segment: shown after it
            rows.append(Row(number, picture=(_data_uri(article.path.parent, src) or src, src)))
    return rows


def _embed_images(rendered: str, folder: Path) -> str:
    """Local images as data URIs; any other image as a link, which loads nothing."""

    def embed(match: re.Match[str]) -> str:
        src = html.unescape(_attribute(match.group(0), "src"))
        uri = _data_uri(folder, src)
        if uri is None:
            return _image_link(src, html.unescape(_attribute(match.group(0), "alt")))
        return match.group(0).replace(match.group(1), f'src="{uri}" class="thumb"', 1)

    return re.sub(r'<img [^>]*?(src="[^"]*")[^>]*>', embed, rendered)


def _attribute(tag: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else ""


def _image_link(src: str, alt: str) -> str:
    """An image the page does not embed (remote, or not found in the bundle): its
    address as a link, so that opening the page never fetches anything."""
    return (
        f'<a class="image-link" href="{html.escape(src, quote=True)}" rel="noreferrer">'
        f"[image{': ' + html.escape(alt) if alt else ''}] {html.escape(src)}</a>"
    )


def _data_uri(folder: Path, src: str) -> str | None:
    """An image of the bundle as a data URI, so the page needs nothing beside it."""
    if re.match(r"[a-z]+:", src) or src.startswith("/"):
        return None
    path = (folder / src).resolve()
    mime = _MIME.get(path.suffix.lower())
    if mime is None or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
        return None
    if not path.is_relative_to(folder.resolve()):
        return None
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


# --- the page ----------------------------------------------------------------------------------


def _page(
    root: Path,
    out: Path,
    reviews: Sequence[ArticleReview],
    glossary: Glossary | None,
    elapsed: float,
) -> str:
    rows = [r for review in reviews for r in review.rows if r.picture is None]
    counts = {flag: sum(flag in r.flags for r in rows) for flag in FLAGS}
    expected = sum(r.expected for r in reviews)
    present = sum(r.present for r in reviews)
    statuses: dict[str, int] = {}
    for review in reviews:
        statuses[review.item.status] = statuses.get(review.item.status, 0) + 1
    engines = sorted({f"{r.engine} {r.model}".strip() for r in reviews if r.engine})
    adherence = f"{present}/{expected} ({100 * present / expected:.1f}%)" if expected else "n/a"
    summary = {
        "Articles": ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "none",
        "Segments": str(len(rows)),
        "Engine and model": ", ".join(engines) or "n/a",
        "Glossary": (
            f"{glossary.path.name if glossary.path else 'given'}, "
            f"{len(glossary.terms)} terms; adherence {adherence}"
        )
        if glossary
        else "none",
        "Generated": (
            f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} in "
            f"{elapsed:.1f} s by translator {__version__}"
        ),
    }
    parts = [
        _HEAD.replace("{title}", html.escape(f"Translation review: {root.name}")),
        f"<header><h1>Translation review: {html.escape(str(root))}</h1>",
        *_demo_banner(reviews),
        '<dl class="summary">',
    ]
    parts += [f"<dt>{k}</dt><dd>{html.escape(v)}</dd>" for k, v in summary.items()]
    parts.append(
        '</dl><nav class="filters" aria-label="Filters">'
        '<button type="button" data-filter="all" aria-pressed="true">All</button>'
    )
    parts += [
        f'<button type="button" data-filter="{flag}" aria-pressed="false">'
        f'<span class="badge {flag}">{html.escape(label)}</span> '
        f'<span class="count">{counts[flag]}</span></button>'
        for flag, label in FLAGS.items()
    ]
    parts.append(
        '<span class="keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous flagged '
        "segment</span></nav></header><main>"
    )
    parts.append(_index(reviews, root))
    parts += [_article(n, review, root, out) for n, review in enumerate(reviews, start=1)]
    parts.append(f"</main><script>\n{_asset('review.js')}</script></body></html>\n")
    return "\n".join(parts)


def _demo_banner(reviews: Sequence[ArticleReview]) -> list[str]:
    """A banner no reviewer can miss when a word-for-word model wrote any English."""
    demos = sorted({r.model for r in reviews if is_word_for_word(r.model)})
    if not demos:
        return []
    return [
        f'<p class="banner demo" role="alert"><strong>Not a real translation.</strong> '
        f"The English from {html.escape(', '.join(demos))} is a word-for-word demo: "
        "install a real model (translator models install) and run translator batch.</p>"
    ]


def _index(reviews: Sequence[ArticleReview], root: Path) -> str:
    lines = [
        '<table class="index"><thead><tr><th>Article</th><th>State</th><th>Segments</th>'
        "<th>Flagged</th></tr></thead><tbody>"
    ]
    for n, review in enumerate(reviews, start=1):
        flagged = sum(1 for r in review.rows if r.flags)
        lines.append(
            f'<tr data-status="{review.item.status}"><td><a href="#a{n}">'
            f"{html.escape(_rel(review.item.source, root))}</a></td>"
            f'<td><span class="state {review.item.status}">{review.item.status}</span></td>'
            f"<td>{sum(1 for r in review.rows if r.picture is None)}</td><td>{flagged}</td></tr>"
        )
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _article(n: int, review: ArticleReview, root: Path, out: Path) -> str:
    item = review.item
    link = _link(item.source, out)
    head = (
        f'<section class="article" id="a{n}" data-status="{item.status}"><details open>'
        f'<summary><span class="path">{html.escape(_rel(item.source, root))}</span> '
        f'<span class="state {item.status}">{item.status}</span>'
        + (f' <span class="reason">{html.escape(item.reason)}</span>' if item.reason else "")
        + "</summary>"
    )
    if item.error:
        kind = "error" if item.status == "failed" else "skip-note"
        return head + f'<p class="{kind}">{html.escape(item.error)}</p></details></section>'
    lines = [
        head,
        '<table class="segments"><thead><tr><th>Line</th><th lang="nl">Dutch</th>'
        '<th lang="en">English</th></tr></thead><tbody>',
    ]
    for m, row in enumerate(review.rows, start=1):
        number = (
            f'<a href="{link}" title="{html.escape(_rel(item.source, root))} line '
            f'{row.line}">{row.line}</a>'
        )
        if row.picture is not None:
            src, alt = row.picture
            image = (
                f'<img class="thumb" src="{html.escape(src, quote=True)}" '
                f'alt="{html.escape(alt, quote=True)}">'
                if src.startswith("data:")
                else _image_link(src, alt)
            )
            # The English page shows the same image: it is kept byte for byte.
            lines.append(
                f'<tr class="picture"><td class="line">{number}</td>'
                f'<td class="nl">{image}</td><td class="en">{image}</td></tr>'
            )
            continue
        badges = "".join(
            f'<span class="badge {f}">{html.escape(FLAGS[f])}</span>' for f in row.flags
        )
        notes = "".join(f'<span class="note">{html.escape(t)}</span>' for t in row.notes)
        lines.append(
            f'<tr class="segment" id="s{n}-{m}" data-flags="{" ".join(row.flags)}" '
            f'tabindex="-1"><td class="line">{number}</td>'
            f'<td class="nl" lang="nl">{row.dutch}</td>'
            f'<td class="en" lang="en">{row.english}{badges}{notes}</td></tr>'
        )
    lines.append("</tbody></table></details></section>")
    return "\n".join(lines)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _link(path: Path, out: Path) -> str:
    """A link from the page to a source file that works from file://."""
    import os  # noqa: PLC0415

    relative = os.path.relpath(path.resolve(), out.resolve().parent)
    return html.escape(Path(relative).as_posix(), quote=True)


def term_colours(glossary: Glossary | None) -> str:
    """One background colour per term, the same in both columns."""
    if glossary is None:
        return ""
    rules = []
    for term in glossary.terms:
        hue = int(hashlib.sha256(term.nl.encode()).hexdigest()[:4], 16) % 360
        rules.append(f"mark.{_term_class(term.nl)}{{background:hsl({hue} 85% 85%)}}")
    return "".join(rules)


_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="POLICY">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
STYLE
</style></head><body>"""


def _asset(name: str) -> str:
    """A file shipped beside this module, inlined so the page stands alone."""
    return (resources.files("translator") / name).read_text(encoding="utf-8")


def render_page(
    root: Path,
    out: Path,
    options: Options,
    *,
    only_changed: bool = False,
    reviewed: frozenset[str] | None = None,
) -> str:
    """The complete page, with the glossary's colours in its style sheet."""
    page = build(root, out, options, only_changed=only_changed, reviewed=reviewed)
    style = _asset("review.css") + term_colours(options.glossary)
    policy = content_policy(f"\n{style}\n", f"\n{_asset('review.js')}")
    return page.replace("POLICY", policy, 1).replace("STYLE", style, 1)


def content_policy(style: str, script: str) -> str:
    """A Content-Security-Policy that lets the page fetch nothing at all: no network,
    no file beside it; only its own style sheet and script (by hash) and data: images
    run or show, so neither a link nor injected markup can make the browser load."""
    style_hash = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    script_hash = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (
        f"default-src 'none'; img-src data:; style-src 'sha256-{style_hash}'; "
        f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'"
    )


# --- review marks --------------------------------------------------------------------------------


def marks_path(root: Path) -> Path:
    """Where a content tree's review marks are kept by default: the user cache, keyed by
    the tree's real path (outside the tree, so that they are never published)."""
    return cache_home() / "translator" / "reviewed" / f"{tree_key(root)}.json"


def current_marks(root: Path) -> frozenset[str]:
    """A mark for every segment of every English page under root, as it is now."""
    found: set[str] = set()
    for source in find_articles(root):
        try:
            target = target_for(source, root, "bundle")
        except TranslatorError:
            continue
        previous = read_previous(target) if target.exists() else None
        if previous is not None:
            found.update(_mark(entry) for entry in previous.entries)
    return frozenset(found)


def read_marks(path: Path) -> frozenset[str] | None:
    """The marks of the last review, or None when nobody has marked a review yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise TranslatorError(
            f"cannot read the review marks ({exc}); delete the file to start afresh", path=path
        ) from None
    marks = data.get("reviewed") if isinstance(data, dict) else None
    if not isinstance(marks, list):
        raise TranslatorError(
            "is not a file of review marks; delete it to start afresh", path=path
        )
    return frozenset(str(m) for m in marks)


def write_marks(path: Path, root: Path, marks: frozenset[str]) -> None:
    document = {"root": str(root.resolve()), "reviewed": sorted(marks)}
    output.write_atomic(path, json.dumps(document, indent=1) + "\n")


def _mark(entry: Entry) -> str:
    """A segment as reviewed: its Dutch key and a hash of its English now."""
    return f"{entry.key}:{text_hash(entry.english)}"
