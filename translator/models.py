"""Model management: list, install and remove Argos Translate packages.

argostranslate does what it is good at: the package index, the package format
and unpacking an installed package. Its settings module reads the environment
and creates folders when first imported, so it is imported lazily, and pointed
at translator's models folder each time it is used. Packages are checked before
anything is unpacked: a corrupt or foreign archive installs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

from translator.errors import TranslatorError

if TYPE_CHECKING:  # zipfile and urllib are imported where packages are installed
    import zipfile

SOURCE, TARGET = "nl", "en"
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
DOWNLOAD_HINT = (
    "on a machine with internet, download translate-nl_en-<version>.argosmodel (for example "
    "https://argos-net.com/v1/translate-nl_en-1_8.argosmodel; the current link is in "
    f"{DEFAULT_INDEX}), note its 'sha256sum', copy it here and run "
    "'translator models install --file PATH.argosmodel'"
)
"""Where an offline machine's model comes from; the index publishes no checksums."""
WORD_FOR_WORD = ("translator-test", "word-for-word")
"""Names of the models ``translator.testing`` builds: word for word, not real translations."""


class ModelError(TranslatorError):
    """A model package is missing, corrupt or cannot be fetched."""


class ModelNotInstalledError(ModelError):
    """No Dutch→English model is installed."""


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """An installed Argos package."""

    name: str
    """The package folder's name: what ``models remove`` takes."""
    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str = ""

    @property
    def label(self) -> str:
        """Model name and version, as recorded in provenance and memory keys."""
        return f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class Archive:
    """An ``.argosmodel`` file that passed every check, and what it says it is."""

    path: Path
    folder: str
    """The package folder inside: the installed model's name."""
    version: str
    languages: str
    """Such as ``Dutch → English (nl → en)``."""
    sha256: str
    """Of the whole file, to compare with the copy downloaded on a connected machine."""


def is_word_for_word(model: str) -> bool:
    """Whether a model label (``name@version``) names a word-for-word test or demo model."""
    return model.split("@", 1)[0].startswith(WORD_FOR_WORD)


@contextmanager
def argos(models_dir: Path) -> Iterator[ModuleType]:
    """Import argostranslate.package, pointed at ``models_dir``."""
    models_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(models_dir))
    try:
        from argostranslate import package, settings  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise ModelError(f"argostranslate cannot be imported ({exc}); run make install") from None
    saved = (settings.package_data_dir, settings.package_dirs)
    settings.package_data_dir = models_dir
    settings.package_dirs = [models_dir]
    try:
        yield package
    finally:
        settings.package_data_dir, settings.package_dirs = saved


def installed(models_dir: Path) -> list[InstalledModel]:
    """Every package installed in ``models_dir``."""
    if not models_dir.is_dir():
        return []
    models = []
    with argos(models_dir) as package:
        for folder in sorted(p for p in models_dir.iterdir() if p.is_dir()):
            if not (folder / "metadata.json").is_file():
                continue
            pkg = package.Package(folder)
            models.append(
                InstalledModel(
                    folder.name,
                    folder,
                    pkg.from_code,
                    pkg.to_code,
                    str(pkg.package_version),
                    pkg.target_prefix or "",
                )
            )
    return models


def find(models_dir: Path) -> InstalledModel:
    """The installed Dutch→English model (the newest, if several are)."""
    candidates = [m for m in installed(models_dir) if (m.from_code, m.to_code) == (SOURCE, TARGET)]
    if not candidates:
        raise ModelNotInstalledError(
            f"no Dutch→English model is installed in {models_dir}; run "
            f"'translator models install' to download it; without internet: {DOWNLOAD_HINT}"
        )
    return max(candidates, key=lambda m: (_version_key(m.version), m.name))


def install_file(
    models_dir: Path, archive: Path, checked: Archive | None = None
) -> InstalledModel:
    """Check an ``.argosmodel`` file (unless ``checked`` is its check), then install it;
    nothing is installed if it is bad."""
    folder = (checked or check_archive(archive)).folder
    target = models_dir / folder
    with argos(models_dir) as package:
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=models_dir))
        try:
            # argostranslate unpacks into its package folder; point it at a staging
            # folder first so that a failure leaves no half-installed model behind.
            from argostranslate import settings  # noqa: PLC0415

            settings.package_data_dir = staging
            package.install_from_path(archive)
            if target.exists():
                shutil.rmtree(target)
            (staging / folder).replace(target)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot be installed: {exc}", path=archive) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    [model] = [m for m in installed(models_dir) if m.name == folder]
    return model


def check_archive(archive: Path) -> Archive:
    """Validate an Argos package archive; return what it holds."""
    import zipfile  # noqa: PLC0415

    if not archive.is_file():
        raise ModelError("no such file", path=archive)
    if not zipfile.is_zipfile(archive):
        raise ModelError(
            "is not an Argos model package (not a zip archive); download it again",
            path=archive,
        )
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            _check_sizes(archive, zf.infolist())
            folder = _single_folder(archive, names)
            metadata = _metadata(archive, zf, folder)
            broken = zf.testzip()
    except zipfile.BadZipFile as exc:
        raise ModelError(
            f"is a corrupt zip archive ({exc}); download it again", path=archive
        ) from None
    if broken is not None:
        raise ModelError(
            f"is corrupt ({broken} fails its checksum); download it again", path=archive
        )
    for required in ("model/model.bin",):
        if f"{folder}/{required}" not in names:
            raise ModelError(f"is not an Argos model package: {required} is missing", path=archive)
    if not any(f"{folder}/{t}" in names for t in ("sentencepiece.model", "bpe.model")):
        raise ModelError("is not an Argos model package: it has no tokenizer model", path=archive)
    if (metadata.get("from_code"), metadata.get("to_code")) != (SOURCE, TARGET):
        raise ModelError(
            f"translates {metadata.get('from_code')}→{metadata.get('to_code')}, "
            "not Dutch→English (nl→en)",
            path=archive,
        )
    languages = f"{metadata.get('from_name', 'Dutch')} → {metadata.get('to_name', 'English')}"
    return Archive(
        archive,
        folder,
        str(metadata.get("package_version", "unknown")),
        f"{languages} ({SOURCE} → {TARGET})",
        _sha256(archive),
    )


MAX_UNPACKED = 4 << 30
"""The most a package may unpack to: Argos models are a few hundred MB."""
MAX_RATIO = 100
"""How much a member larger than 1 MiB may expand: model weights barely compress."""


def _check_sizes(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb by the sizes it declares, before anything is read or unpacked
    (zipfile never unpacks more than a member declares)."""
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise ModelError(
            f"would unpack to {total / 2**30:.1f} GiB, more than any model "
            f"({MAX_UNPACKED / 2**30:.0f} GiB at most); it is not a model package",
            path=archive,
        )
    for member in members:
        packed, size = max(1, member.compress_size), member.file_size
        if size > 1 << 20 and size > MAX_RATIO * packed:
            raise ModelError(
                f"{member.filename} would expand {size // packed} times (from {packed} to "
                f"{size} bytes): a zip bomb, not a model package; nothing was installed",
                path=archive,
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _single_folder(archive: Path, names: list[str]) -> str:
    tops = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or not parts:
            raise ModelError(f"has an unsafe path {name!r}; refusing to install", path=archive)
        tops.add(parts[0])
    if len(tops) != 1:
        raise ModelError(
            "is not an Argos model package: it must hold exactly one folder", path=archive
        )
    return tops.pop()


def _metadata(archive: Path, zf: zipfile.ZipFile, folder: str) -> dict[str, Any]:
    try:
        data = json.loads(zf.read(f"{folder}/metadata.json"))
    except KeyError:
        raise ModelError(
            "is not an Argos model package: metadata.json is missing", path=archive
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"has an unreadable metadata.json ({exc})", path=archive) from None
    if not isinstance(data, dict):
        raise ModelError("has a metadata.json that is not an object", path=archive)
    return data


def remove(models_dir: Path, name: str) -> InstalledModel:
    """Uninstall the package named ``name``."""
    for model in installed(models_dir):
        if model.name == name:
            with argos(models_dir) as package:
                package.uninstall(package.Package(model.path))
            return model
    names = ", ".join(m.name for m in installed(models_dir)) or "none"
    raise ModelError(
        f"no installed model is called {name!r} (installed: {names}); see 'translator models list'"
    )


Progress = Callable[[int, int | None], None]
"""Called with bytes received so far and the total, when known."""


def index_url() -> str:
    """The package index: ``TRANSLATOR_PACKAGE_INDEX``, Argos's own setting, or the default."""
    explicit = os.environ.get("TRANSLATOR_PACKAGE_INDEX")
    if explicit:
        return explicit
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    return base.rstrip("/") + "/index.json" if base else DEFAULT_INDEX


def install_from_index(models_dir: Path, progress: Progress | None = None) -> InstalledModel:
    """Download the Dutch→English package from the Argos index and install it."""
    import urllib.error  # noqa: PLC0415

    url = index_url()
    try:
        index = json.loads(_fetch(url, None))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ModelError(
            f"cannot reach the Argos package index at {url} ({_reason(exc)}); {DOWNLOAD_HINT}"
        ) from None
    with argos(models_dir) as package:
        available = [package.AvailablePackage(m) for m in index if isinstance(m, dict)]
    matches = [p for p in available if (p.from_code, p.to_code) == (SOURCE, TARGET)]
    if not matches:
        raise ModelError(f"the package index at {url} has no Dutch→English package")
    chosen = max(matches, key=lambda p: _version_key(str(p.package_version)))
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "translate-nl_en.argosmodel"
        errors = []
        for link in chosen.links:
            try:
                archive.write_bytes(_fetch(link, progress))
                break
            except (urllib.error.URLError, OSError) as exc:
                errors.append(_reason(exc))
        else:
            raise ModelError(
                f"cannot download the Dutch→English package ({'; '.join(errors) or 'no links'})"
            )
        return install_file(models_dir, archive)


def _fetch(url: str, progress: Progress | None) -> bytes:
    import urllib.request  # noqa: PLC0415

    request = urllib.request.Request(url, headers={"User-Agent": "translator"})
    with urllib.request.urlopen(request, timeout=30) as response:
        total = response.headers.get("Content-Length")
        size = int(total) if total and total.isdigit() else None
        chunks, received = [], 0
        while chunk := response.read(1 << 16):
            chunks.append(chunk)
            received += len(chunk)
            if progress is not None:
                progress(received, size)
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.replace("-", ".").split("."))
