"""A kit as the file a resource centre publishes: read it from a zip or a folder, pack a folder.

`read_source(path)` returns the kit's `{relative name: YAML text}` snapshot (the same shape as
`loader.read_folder`) from a `.zip` or a folder. A zip is read in memory, never extracted: names
are checked (no absolute path, no `..`, no link), sizes are capped before anything is
decompressed, and only the YAML files are kept (a README or the `__MACOSX/` folder a Mac adds are
ignored). The kit may sit at the root of the zip or in one top folder (a zipped folder).

`pack(folder, out)` validates the folder like `kit check` and writes a deterministic zip: the
same files always give the same bytes (sorted names, fixed dates and modes), so the digest a
centre announces can be checked by anyone.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from desktop_app.kit.loader import KIT_FILE, Kit, KitError, KitProblem, load_files, read_folder

MAX_ZIP_BYTES = 50 * 1024**2  # the .zip itself
MAX_ENTRIES = 2_000
MAX_FILE_BYTES = 5 * 1024**2  # one YAML file, uncompressed
MAX_TOTAL_BYTES = 50 * 1024**2  # every YAML file, uncompressed
_YAML_NAME = re.compile(r"\.ya?ml$", re.IGNORECASE)
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold


def _refused(source: Path, message: str) -> KitError:
    return KitError([KitProblem(source.name, "", message)])


def read_source(path: str | Path) -> dict[str, str]:
    """The kit files of a folder or a `.zip`; KitError (French) when it cannot be read."""
    source = Path(path)
    if source.is_dir():
        return read_folder(source)
    if not source.is_file():
        raise _refused(source, "ce fichier ou ce dossier n'existe pas")
    if not zipfile.is_zipfile(source):
        raise _refused(source, "ce n'est ni un dossier de kit ni un fichier .zip lisible")
    if source.stat().st_size > MAX_ZIP_BYTES:
        raise _refused(source, f"le fichier dépasse {MAX_ZIP_BYTES // 1024**2} Mo")
    try:
        with zipfile.ZipFile(source) as zf:
            return _read_zip(source, zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, zlib.error):
        raise _refused(source, "le fichier .zip est endommagé ou incomplet") from None


def _read_zip(source: Path, zf: zipfile.ZipFile) -> dict[str, str]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refused(source, f"l'archive contient plus de {MAX_ENTRIES} fichiers")
    wanted: list[zipfile.ZipInfo] = []
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name or any(
            part in ("..", ".") for part in name.split("/")
        ):
            raise _refused(source, f"chemin refusé dans l'archive ({name[:80]})")
        if info.is_dir() or name.startswith("__MACOSX/") or any(p.startswith(".") for p in name.split("/")):
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refused(source, f"lien refusé dans l'archive ({name[:80]})")
        if info.flag_bits & 0x1:
            raise _refused(source, "l'archive est chiffrée")
        if _YAML_NAME.search(name):
            wanted.append(info)
    # the kit at the root, or in one top folder
    names = {i.filename for i in wanted}
    prefix = ""
    if KIT_FILE not in names:
        tops = {n.split("/", 1)[0] for n in names if "/" in n}
        if len(tops) == 1 and f"{next(iter(tops))}/{KIT_FILE}" in names:
            prefix = next(iter(tops)) + "/"
        else:
            raise _refused(source, f"le fichier {KIT_FILE} est introuvable dans l'archive")
    if sum(i.file_size for i in wanted) > MAX_TOTAL_BYTES:
        raise _refused(source, f"les fichiers du kit dépassent {MAX_TOTAL_BYTES // 1024**2} Mo une fois décompressés")
    files: dict[str, str] = {}
    for info in sorted(wanted, key=lambda i: i.filename):
        if not info.filename.startswith(prefix):
            continue
        rel = info.filename[len(prefix):]
        if info.file_size > MAX_FILE_BYTES:
            raise _refused(source, f"« {rel} » dépasse {MAX_FILE_BYTES // 1024**2} Mo")
        with zf.open(info) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # never more than the cap, whatever the header says
        if len(data) > MAX_FILE_BYTES:
            raise _refused(source, f"« {rel} » dépasse {MAX_FILE_BYTES // 1024**2} Mo")
        try:
            files[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise KitError([KitProblem(rel, "", "le fichier n'est pas encodé en UTF-8")]) from None
    return files


def load_source(path: str | Path) -> Kit:
    """Read and validate a kit folder or zip (every problem listed in the KitError)."""
    return load_files(read_source(path))


def pack(folder: str | Path, out: str | Path) -> Kit:
    """Validate the kit folder and write it as a deterministic zip at `out`; the kit packed."""
    kit = load_source(folder)
    out = Path(out)
    if out.is_dir():
        raise _refused(out, "la destination est un dossier : donnez un nom de fichier .zip")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kit-", suffix=".zip", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for name in sorted(kit.files):
                info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.create_system = 3  # Unix, whatever the machine that packs
                zf.writestr(info, kit.files[name].encode("utf-8"))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return kit
