"""The translation memory from the CLI: stats, TMX export, clear."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import run


def test_stats_export_clear(installed: Path, tmp_path: Path) -> None:
    article = tmp_path / "index.md"
    article.write_text("De gemeenten delen resultaten met elkaar. De stad & de kaart.\n", "utf-8")
    assert run(["translate", "--from", "nl", article]).exit_code == 0

    stats = run(["memory", "stats"])
    assert "2 entries" in stats.output and "translator-test@1.0\t2" in stats.output

    exported = run(["memory", "export", "--format", "tmx"])
    tmx = ET.fromstring(exported.stdout)
    assert tmx.get("version") == "1.4"
    assert tmx.find("header").get("srclang") == "nl"  # type: ignore[union-attr]
    pairs = {tuple(seg.text for seg in tu.iter("seg")) for tu in tmx.iter("tu")}
    assert (
        "De gemeenten delen resultaten met elkaar.",
        "The municipalities share results with each other.",
    ) in pairs
    assert ("De stad & de kaart.", "The city & the map.") in pairs

    out = tmp_path / "memory.tmx"
    assert run(["memory", "export", "-o", out]).exit_code == 0
    assert ET.parse(out).getroot().tag == "tmx"

    cleared = run(["memory", "clear", "--yes"])
    assert "removed 2 entries" in cleared.output
    assert "0 entries" in run(["memory", "stats"]).output
