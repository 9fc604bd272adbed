"""A first run's memory does not grow with the site (issue 13, item 4).

Peak RSS itself is measured by ``bench/memory.py`` (minutes of CPU); these tests
guard the two things it rests on, quickly and without timing: a batch run keeps
no article's state beyond its chunk, and the Argos engine never hands CTranslate2
more than ``DECODE_SLICE`` sentences at once.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from translator import pipeline
from translator.batch import Item, run_batch
from translator.config import Settings
from translator.engines import argos
from translator.engines.argos import ArgosEngine

CHUNK = 2


def small_site(folder: Path, articles: int) -> Path:
    for n in range(articles):
        bundle = folder / f"a{n:03d}"
        bundle.mkdir(parents=True)
        (bundle / "index.md").write_text(
            f"---\ntitle: De gemeente {n}\n---\n\nDe gemeente {n} deelt **kennis** met de "
            f"stad. Het programma {n} heeft [drie doelen](https://example.nl/{n}).\n",
            "utf-8",
        )
    return folder


def live(kind: type) -> int:
    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


def most_alive(site: Path, engine: str, models: Path) -> dict[str, int]:
    """The most Article and Result objects alive at the end of any chunk of a first run."""
    most = {"articles": 0, "results": 0}
    seen: list[Item] = []

    def after_chunk(item: Item) -> None:
        seen.append(item)
        if len(seen) % CHUNK == 0:  # the chunk's last article: all of it is written
            most["articles"] = max(most["articles"], live(pipeline.Article))
            most["results"] = max(most["results"], live(pipeline.Result))

    settings = Settings(engine=engine, memory=None, glossary=None, models_dir=models)
    options = pipeline.Options(source_language="nl")
    report = run_batch(site, settings, options, progress=after_chunk, chunk=CHUNK)
    assert report.totals()["translated"] == len(seen) > CHUNK
    return most


def test_a_run_keeps_no_article_beyond_its_chunk(tmp_path: Path) -> None:
    small = most_alive(small_site(tmp_path / "small", 3 * CHUNK), "pseudo", tmp_path)
    large = most_alive(small_site(tmp_path / "large", 9 * CHUNK), "pseudo", tmp_path)
    assert large == small
    assert 0 < large["articles"] <= CHUNK and 0 < large["results"] <= CHUNK


def test_the_argos_engine_keeps_no_article_beyond_its_chunk(
    tmp_path: Path, installed: Path
) -> None:
    small = most_alive(small_site(tmp_path / "small", 2 * CHUNK), "argos", installed)
    large = most_alive(small_site(tmp_path / "large", 6 * CHUNK), "argos", installed)
    assert large == small
    assert 0 < large["articles"] <= CHUNK


class Recording:
    """CTranslate2's translator, with the size of every call recorded."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        self.calls: list[int] = []

    def translate_batch(self, tokens: list[list[str]], **options: Any) -> Any:
        self.calls.append(len(tokens))
        return self.translator.translate_batch(tokens, **options)


def test_decoding_is_sliced_and_changes_nothing(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        f"De gemeente {i} deelt **kennis** met de stad{'.' * (i % 3)} Het programma {i} ook."
        for i in range(60)
    ]
    whole = ArgosEngine.load(Settings(memory=None))
    whole._translator = recorded = Recording(whole._translator)
    expected = whole.translate(texts)
    assert len(recorded.calls) == 1 and recorded.calls[0] > 16
    monkeypatch.setattr(argos, "DECODE_SLICE", 16)
    sliced = ArgosEngine.load(Settings(memory=None))
    sliced._translator = recorded = Recording(sliced._translator)
    assert sliced.translate(texts) == expected
    assert max(recorded.calls) == 16 and sum(recorded.calls) == whole.stats.decoded
    assert sliced.stats.batches == whole.stats.batches  # one decode, in slices
