"""The Argos engine decodes in a background thread while it renders (issue 13, item 3).

CTranslate2 releases the GIL while it decodes, so the engine's own Python work
(entries, placement, the memory) on one slice overlaps the decoding of the next.
These tests guard what that rests on without timing: the decoding runs in
another thread, rendering starts before the last slice is decoded, an error
in the thread reaches the caller as the same ``EngineError`` and stops the
slices not started, and the output is that of decoding in the caller's thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from translator.config import Settings
from translator.engines import argos
from translator.engines.argos import ArgosEngine
from translator.errors import EngineError
from translator.memory import Memory

SLICE = 16
TEXTS = [
    f"De gemeente {i} deelt **kennis** met de stad{'.' * (i % 3)} Het programma {i} ook."
    for i in range(60)
]


class Watched:
    """CTranslate2's translator with its calls and their threads noted in ``events``."""

    def __init__(self, translator: Any, events: list[str], fail_at: int = 0) -> None:
        self.translator = translator
        self.events = events
        self.threads: set[int] = set()
        self.calls = 0
        self.fail_at = fail_at

    def translate_batch(self, tokens: list[list[str]], **options: Any) -> Any:
        self.calls += 1
        self.threads.add(threading.get_ident())
        self.events.append(f"decode {self.calls}")
        if self.calls == self.fail_at:
            raise RuntimeError("out of memory")
        return self.translator.translate_batch(tokens, **options)


def watched_engine(
    monkeypatch: pytest.MonkeyPatch, events: list[str], fail_at: int = 0, **settings: Any
) -> tuple[ArgosEngine, Watched]:
    monkeypatch.setattr(argos, "DECODE_SLICE", SLICE)
    engine = ArgosEngine.load(Settings(memory=None, **settings))
    engine._translator = watched = Watched(engine._translator, events, fail_at)
    rendered = engine._rendered

    def render(text: str, *args: Any) -> str:
        events.append("render")
        return rendered(text, *args)

    monkeypatch.setattr(engine, "_rendered", render)
    return engine, watched


def test_decoding_runs_in_another_thread_and_rendering_overlaps_it(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = ArgosEngine.load(Settings(memory=None)).translate(TEXTS)  # one call
    events: list[str] = []
    engine, watched = watched_engine(monkeypatch, events)
    assert engine.translate(TEXTS) == expected
    last = f"decode {watched.calls}"
    assert watched.calls > 2
    assert watched.threads and threading.get_ident() not in watched.threads
    # Texts whose sentences all came in an early slice are rendered before the
    # last slice is even handed to the decoder.
    assert "render" in events[: events.index(last)]
    assert events.count("render") == len(TEXTS)
    assert engine.stats.decoded == sum(engine.stats.batches) > 2 * SLICE


def test_an_error_in_the_decoding_thread_reaches_the_caller_and_stops_the_rest(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    engine, watched = watched_engine(monkeypatch, events, fail_at=2)
    with pytest.raises(EngineError, match="CTranslate2 failed to decode: out of memory"):
        engine.translate(TEXTS)
    assert watched.calls == 2  # the slices after the failing one never started
    assert not any(t.name.startswith("translator-decode") for t in threading.enumerate())


def test_each_slice_is_remembered_as_it_arrives(
    installed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A run that fails halfway keeps in memory what it decoded before the failure."""
    events: list[str] = []
    engine, _ = watched_engine(monkeypatch, events, fail_at=3)
    engine.memory = memory = Memory(tmp_path / "memory.sqlite")
    with pytest.raises(EngineError):
        engine.translate(TEXTS)
    assert memory.stats().entries == 2 * SLICE
    again, _ = watched_engine(monkeypatch, [])
    again.memory = memory
    assert again.translate(TEXTS) == ArgosEngine.load(Settings(memory=None)).translate(TEXTS)
    assert again.stats.remembered == 2 * SLICE


def test_an_error_while_rendering_leaves_no_decoding_thread_behind(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decoding generators are closed before the error reaches the caller, not when
    collected: a second Ctrl-C while the thread ends its call must not be swallowed."""
    whole, all_calls = watched_engine(monkeypatch, [])
    whole.translate(TEXTS)
    engine, watched = watched_engine(monkeypatch, [])

    def fail(text: str, *args: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "_rendered", fail)
    with pytest.raises(KeyboardInterrupt) as raised:
        engine.translate(TEXTS)
    assert raised.traceback  # the frames, and whatever they hold, are still alive
    assert not any(t.name.startswith("translator-decode") for t in threading.enumerate())
    assert watched.calls < all_calls.calls  # the calls not started never were
