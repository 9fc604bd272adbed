"""Model management: install from a file or an index, list, remove, refuse bad packages."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, run
from translator import models


def test_install_list_remove(tiny_model: Path, isolated: Path) -> None:
    assert "no models installed" in run(["models", "list"]).output
    installed = run(["models", "install", "--file", tiny_model])
    assert installed.exit_code == 0
    assert "installed translator-test (nl->en 1.0)" in installed.output
    listed = run(["models", "list"])
    assert listed.output.startswith("translator-test\tnl->en\t1.0\t")
    removed = run(["models", "remove", "translator-test"])
    assert removed.exit_code == 0
    assert not any((isolated / "models").iterdir())
    missing = run(["models", "remove", "translator-test"])
    assert missing.exit_code == 1 and "no installed model is called" in missing.output


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _repack(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(source) as old:
        files = {n: old.read(n) for n in old.namelist()}
    for name, data in change.items():
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    return _zip(target, files)


def bad_packages(tiny: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    truncated = tmp / "truncated.argosmodel"
    truncated.write_bytes(tiny.read_bytes()[: tiny.stat().st_size // 2])
    flipped = tmp / "flipped.argosmodel"
    data = bytearray(tiny.read_bytes())
    with zipfile.ZipFile(tiny) as archive:
        info = archive.getinfo("translator-test/model/model.bin")
    data[info.header_offset + 200] ^= 0xFF  # inside the compressed model
    flipped.write_bytes(bytes(data))
    german = json.dumps({"from_code": "de", "to_code": "en"}).encode()
    return {
        "not a zip": (_write(tmp / "text.argosmodel", b"hello"), "not a zip archive"),
        "truncated": (truncated, "download it again"),
        "flipped byte": (flipped, "download it again"),
        "foreign zip": (
            _zip(tmp / "foreign.argosmodel", {"a/readme.txt": b"hi"}),
            "metadata.json is missing",
        ),
        "two folders": (
            _zip(tmp / "two.argosmodel", {"a/x": b"", "b/y": b""}),
            "exactly one folder",
        ),
        "unsafe path": (_zip(tmp / "evil.argosmodel", {"a/../../evil": b""}), "unsafe path"),
        "no model": (
            _repack(tiny, tmp / "nomodel.argosmodel", {"translator-test/model/model.bin": None}),
            "model.bin is missing",
        ),
        "wrong pair": (
            _repack(tiny, tmp / "de.argosmodel", {"translator-test/metadata.json": german}),
            "not Dutch→English",
        ),
        "zip bomb": (  # 64 MiB of zeros in a package of a few hundred KB
            _bomb(tiny, tmp / "bomb.argosmodel"),
            "a zip bomb",
        ),
    }


def _bomb(tiny: Path, path: Path) -> Path:
    """The tiny model with 64 MiB of zeros added, deflated to some 64 KB."""
    shutil.copy(tiny, path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("translator-test/padding", bytes(64 << 20))
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "case",
    [
        "not a zip",
        "truncated",
        "flipped byte",
        "foreign zip",
        "two folders",
        "unsafe path",
        "no model",
        "wrong pair",
        "zip bomb",
    ],
)
def test_bad_packages_install_nothing(
    tiny_model: Path, tmp_path: Path, isolated: Path, case: str
) -> None:
    archive, message = bad_packages(tiny_model, tmp_path)[case]
    result = run(["models", "install", "--file", archive])
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    folder = isolated / "models"
    assert not folder.exists() or not any(folder.iterdir())
    assert not (tmp_path / "evil").exists()


@pytest.fixture
def package_index(tiny_model: Path, tmp_path: Path) -> Iterator[str]:
    """A package index and package served on loopback, as the Argos index serves them."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "translate-nl_en.argosmodel").write_bytes(tiny_model.read_bytes())
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(_QuietHandler, directory=str(root)),
    )
    base = f"http://127.0.0.1:{server.server_port}"
    index = [
        {"from_code": "de", "to_code": "en", "package_version": "9.9", "links": []},
        {
            "from_code": "nl",
            "to_code": "en",
            "package_version": "1.0",
            "type": "translate",
            "links": [f"{base}/missing.argosmodel", f"{base}/translate-nl_en.argosmodel"],
        },
    ]
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/index.json"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_install_from_the_index(
    package_index: str, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSLATOR_PACKAGE_INDEX", package_index)
    seen: list[tuple[int, int | None]] = []
    model = models.install_from_index(isolated / "models", lambda n, t: seen.append((n, t)))
    assert model.name == "translator-test"
    assert seen and seen[-1][0] == seen[-1][1]  # the whole file, with a known size
    result = run(["models", "install"])
    assert result.exit_code == 0 and "installed translator-test" in result.output


def test_unreachable_index_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSLATOR_PACKAGE_INDEX", "http://127.0.0.1:9/index.json")
    result = run(["models", "install"])
    assert result.exit_code == 1
    assert "cannot reach the Argos package index" in result.output
    assert "--file" in result.output


def test_install_file_says_what_it_checked(tiny_model: Path) -> None:
    result = run(["models", "install", "--file", tiny_model])
    assert result.exit_code == 0
    digest = hashlib.sha256(tiny_model.read_bytes()).hexdigest()
    assert (
        f"checked {tiny_model}: translator-test version 1.0, Dutch → English (nl → en); "
        f"sha256 {digest}"
    ) in result.output


def test_the_missing_model_message_says_where_an_offline_model_comes_from() -> None:
    Path("index.md").write_text("# Hallo\n\nDe gemeenten delen hun resultaten.\n", "utf-8")
    result = run(["translate", "--engine", "argos", "--from", "nl", "index.md"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "translate-nl_en-<version>.argosmodel" in text
    assert models.DEFAULT_INDEX in text and "sha256sum" in text


def test_make_translate_shows_the_real_install_error(tmp_path: Path, isolated: Path) -> None:
    env = {
        **os.environ,
        "TRANSLATOR_PACKAGE_INDEX": "http://127.0.0.1:9/index.json",  # nothing listens here
    }
    content = tmp_path / "content"
    content.mkdir()
    done = subprocess.run(
        [
            "make",
            "-s",
            "-C",
            REPO,
            "translate",
            f"BIN={REPO / '.venv' / 'bin'}",
            f"CONTENT={content}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "cannot reach the Argos package index at http://127.0.0.1:9/index.json" in done.stderr
    assert "translate-nl_en-<version>.argosmodel" in done.stderr
