"""Batch benchmark (``make bench``): first run, no-op rerun, one paragraph changed.

200 generated articles with the tiny word-for-word model; then the no-op path
over 1,000 articles, with and without the project glossary, paired and
alternated (whole commands, so each time includes starting Python; CPU time
is the child's); last, the same no-op with three English pages added, whose
language the translation memory remembers, against ``--no-memory``, which
detects them every run. Prints a table and the no-op goals, and writes
build/bench-batch.json.

``python bench/batch.py --no-op [--rounds N] [--against REV]`` measures the
no-op path alone (1,000 articles translated once with the pseudo engine, no
model needed), in a minute or two instead of the whole benchmark's many; with
``--against main``, also paired with that revision's code (``git archive``).
"""

from __future__ import annotations

import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from paired import alternate, compare, goal, save  # noqa: E402
from run import corpus  # noqa: E402

GLOSSARY = ROOT / "glossary" / "terms.csv"
PSEUDO = ("--engine", "pseudo")


def batch(folder: Path, *args: str, glossary: bool = False) -> tuple[float, dict[str, int]]:
    found = timed_batch(folder, *args, glossary=glossary)
    return found["wall"], found["totals"]


def timed_batch(
    folder: Path,
    *args: str,
    glossary: bool = False,
    source: Path | None = None,
    detect: bool = False,
) -> dict[str, Any]:
    """One ``translator batch`` command: wall time, the child's CPU time, its totals.

    ``source``: run the translator package found there (another revision) instead.
    ``detect``: detect languages (else ``--from nl``, as the site is all Dutch).
    """
    env = {
        **os.environ,
        "HOME": str(folder),
        "TRANSLATOR_MODELS_DIR": str(folder / "models"),
        "TRANSLATOR_MEMORY": str(folder / "memory.sqlite"),
        **({"PYTHONPATH": str(source)} if source is not None else {}),
    }
    terms = ["--glossary", str(GLOSSARY)] if glossary else ["--no-glossary"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "translator",
            "batch",
            "--json",
            *([] if detect else ["--from", "nl"]),
            *terms,
            *args,
            str(folder / "site"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,  # not the repository, which would come first on sys.path
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"wall": wall, "cpu": cpu, "totals": json.loads(done.stdout)["totals"]}


def no_op(folder: Path, rounds: int) -> dict[str, Any]:
    """The no-op path over the whole site, without and with the glossary, alternated."""
    # Records written with the glossary by the pseudo engine, which every run below
    # names too: where a model is installed, a run without --engine would find the
    # engine changed and translate the whole site again.
    batch(folder, *PSEUDO, "--force", glossary=True)
    without, with_ = alternate(
        functools.partial(timed_batch, folder, *PSEUDO),
        functools.partial(timed_batch, folder, *PSEUDO, glossary=True),
        rounds,
    )
    for run in (*without, *with_):
        assert run["totals"]["up-to-date"] == run["totals"]["files"], run["totals"]
    startup = [version() for _ in range(rounds)]
    inside = compare(
        *alternate(
            functools.partial(in_process, folder, glossary=True),
            functools.partial(in_process, folder, glossary=False),
            rounds,
        )
    )
    return {
        "without": without,
        "with": with_,
        **compare(with_, without),
        "startup": {k: statistics.median(run[k] for run in startup) for k in ("wall", "cpu")},
        "in_process": inside,
    }


ENGLISH = (
    "---\ntitle: About the project {}\n---\n\nThis page is written in English. The "
    "municipalities share their results with each other, and the programme works on a "
    "digital twin of the city.\n"
)


def no_op_skipped(folder: Path, rounds: int) -> dict[str, Any]:
    """The no-op with three English pages added (skipped, never given an English file):
    their language remembered in the translation memory, against ``--no-memory``, which
    detects them every run. Run last: the other figures are of the Dutch site alone."""
    for i in range(3):
        page = folder / "site" / f"english{i}" / "index.md"
        page.parent.mkdir()
        page.write_text(ENGLISH.format(i), "utf-8")
    timed_batch(folder, *PSEUDO, detect=True)  # detects them once, and remembers
    remembered, detected = alternate(
        functools.partial(timed_batch, folder, *PSEUDO, detect=True),
        functools.partial(timed_batch, folder, *PSEUDO, "--no-memory", detect=True),
        rounds,
    )
    for run in (*remembered, *detected):
        assert run["totals"]["skipped"] == 3, run["totals"]
        assert run["totals"]["up-to-date"] == run["totals"]["files"] - 3, run["totals"]
    return compare(remembered, detected)


def report_skipped(found: dict[str, Any]) -> None:
    print(
        f"  with 3 English pages added (detecting languages, no --from nl): "
        f"{found['a_cpu']:.2f} s CPU ({found['a_wall']:.2f} s wall) with their language "
        f"remembered, {found['b_cpu']:.2f} s CPU ({found['b_wall']:.2f} s wall) detected "
        f"every run (--no-memory); CPU {found['cpu_ratio']:.2f}x, wall {found['wall_ratio']:.2f}x"
    )


def version() -> dict[str, float]:
    """``translator --version``: starting Python and importing what every command imports."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "translator", "--version"], check=True, capture_output=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": time.perf_counter() - started,
        "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
    }


def in_process(folder: Path, *, glossary: bool) -> dict[str, Any]:
    """The no-op run_batch alone, in a fresh process, after its imports."""
    terms = "yes" if glossary else "no"
    out = subprocess.run(
        [sys.executable, __file__, "--in-process", str(folder / "site"), terms],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def no_op_here(site: Path, glossary: bool) -> dict[str, float]:
    from translator import glossary as terms  # noqa: PLC0415
    from translator.batch import run_batch  # noqa: PLC0415
    from translator.config import Settings  # noqa: PLC0415
    from translator.pipeline import Options  # noqa: PLC0415

    wall, cpu = time.perf_counter(), time.process_time()
    options = Options("nl", glossary=terms.load(GLOSSARY) if glossary else None)
    settings = Settings(engine="pseudo", memory=None, glossary=None)  # as the records name
    report = run_batch(site, settings, options)
    assert report.totals()["up-to-date"] == len(report.items)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def main() -> None:
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "site").mkdir()
        corpus(folder / "site")
        install_file(folder / "models", build_model(folder / "tiny.argosmodel"))
        rows["first run"] = batch(folder)
        rows["no-op rerun"] = batch(folder)
        article = folder / "site" / "a000" / "index.md"
        lines = article.read_text("utf-8").splitlines(keepends=True)
        lines[4] = "Een geheel nieuwe alinea over de stad en de kaart.\n"
        article.write_text("".join(lines), "utf-8")
        rows["one paragraph changed"] = batch(folder)
        rows["check, nothing to do"] = batch(folder, "--check")
        big = folder / "site" / "more"
        big.mkdir()
        corpus(big, count=800)
        # The no-op over 1,000 articles: no_op writes every record with the pseudo
        # engine first (a run naming another engine would find them all stale).
        noop = no_op(folder, rounds=5)
        noop["skipped"] = no_op_skipped(folder, rounds=5)
    first = rows["first run"][0]
    print(f"{'run':32} {'seconds':>8} {'ratio':>7} {'engine':>7} {'reused':>7}")
    for name, (seconds, totals) in rows.items():
        print(
            f"{name:32} {seconds:8.2f} {seconds / first:7.2f} {totals['engine']:7} "
            f"{totals['reused']:7}"
        )
    report_no_op(noop, rounds=5)
    report_skipped(noop["skipped"])
    save(
        "bench-batch.json",
        {**{k: {"seconds": v[0], **v[1]} for k, v in rows.items()}, "no-op": noop},
    )


def report_no_op(noop: dict[str, Any], rounds: int) -> None:
    """The no-op goals: CPU time is the main figure (the machine is shared), wall beside it."""
    print(
        f"no-op over 1,000 articles ({rounds} rounds, alternated; medians; "
        f"'translator --version' alone takes {noop['startup']['cpu']:.2f} s CPU, "
        f"{noop['startup']['wall']:.2f} s):"
    )
    goal(
        "no-op over 1,000 articles without the glossary <= 0.5 s CPU",
        f"{noop['b_cpu']:.2f} s CPU ({noop['b_wall']:.2f} s wall)",
    )
    inside = noop["in_process"]
    print(
        f"  in process, after the imports: {inside['b_cpu']:.2f} s CPU without the glossary "
        f"({inside['b_wall']:.2f} s wall), {inside['a_cpu']:.2f} s CPU with it, loading it "
        f"included (CPU {inside['cpu_ratio']:.2f}x; wall {inside['wall_ratio']:.2f}x)"
    )
    goal(
        "with the glossary <= 1.5x that",
        f"{noop['cpu_ratio']:.2f}x CPU ({noop['a_cpu']:.2f} s CPU; wall {noop['a_wall']:.2f} s, "
        f"{noop['wall_ratio']:.2f}x)",
    )


def main_no_op(rounds: int, against: str | None) -> None:
    """Only the no-op path: 1,000 articles translated once with the pseudo engine;
    with ``against``, also paired with that git revision's code on the same site."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "site").mkdir()
        corpus(folder / "site", count=1000)
        noop = no_op(folder, rounds=rounds)
        report_no_op(noop, rounds)
        if against is not None:
            noop["against"] = {against: versus(folder, against, rounds)}
        noop["skipped"] = no_op_skipped(folder, rounds)
        report_skipped(noop["skipped"])
    save("bench-batch-no-op.json", noop)


def versus(folder: Path, revision: str, rounds: int) -> dict[str, Any]:
    """This code against another revision's, whole no-op commands alternated, both
    without and with the glossary."""
    other = folder / "against"
    other.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
    found = {}
    for glossary in (False, True):
        ours, theirs = alternate(
            functools.partial(timed_batch, folder, *PSEUDO, glossary=glossary),
            functools.partial(timed_batch, folder, *PSEUDO, glossary=glossary, source=other),
            rounds,
        )
        found["with" if glossary else "without"] = compare(ours, theirs)
    for name, c in found.items():
        print(
            f"  {name} the glossary, this code vs {revision}: CPU {c['cpu_ratio']:.2f}x, "
            f"wall {c['wall_ratio']:.2f}x ({c['a_cpu']:.2f} s vs {c['b_cpu']:.2f} s CPU)"
        )
    return found


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--in-process":
        print(json.dumps(no_op_here(Path(sys.argv[2]), sys.argv[3] == "yes")))
    elif len(sys.argv) > 1 and sys.argv[1] == "--no-op":
        given = dict(zip(sys.argv[2::2], sys.argv[3::2], strict=False))
        main_no_op(int(given.get("--rounds", 5)), given.get("--against"))
    else:
        main()
