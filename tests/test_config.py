"""Settings from translator.toml or [tool.translator], overridden by options."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run
from translator.config import load_settings


def article(folder: Path) -> Path:
    path = folder / "index.md"
    path.write_text("---\ntitle: De stad\nsummary: De kaart\n---\n\nDe gemeente.\n", "utf-8")
    return path


def test_translator_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "translator.toml").write_text(
        'engine = "pseudo"\nfront-matter-keys = ["summary"]\nbeam-size = 2\n', "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert run(["translate", "--from", "nl", article(tmp_path)]).exit_code == 0
    english = (tmp_path / "index.en.md").read_text("utf-8")
    assert "title: De stad\n" in english and "summary: Dé káárt\n" in english
    assert load_settings().beam_size == 2


def test_pyproject_table_and_option_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "site"\n\n'
        '[tool.translator]\nengine = "pseudo"\ncompute-type = "float32"\n',
        "utf-8",
    )
    monkeypatch.chdir(tmp_path)
    settings = load_settings(compute_type="int8_float32")
    assert settings.engine == "pseudo" and settings.compute_type == "int8_float32"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('enigne = "pseudo"\n', "unknown setting 'enigne'"),
        ('beam-size = "vier"\n', "beam-size must be a whole number"),
        ("engine = \n", "cannot read settings"),
    ],
)
def test_bad_settings_name_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (tmp_path / "translator.toml").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(["translate", "--from", "nl", article(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output and "translator.toml" in result.output
