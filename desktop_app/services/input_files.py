"""Files handed to the application to read, refused up front when they cannot be read safely.

Every command and screen that reads a file the user names (`import bundle`, `import actions`,
`import engagements`, `questionnaire import`, the lists of invitees) checks it here first, before
anything is read into memory:

- it must be an ordinary file: a folder, a device (`/dev/zero`), a named pipe (which would
  block forever) or a socket is refused;
- its size is bounded (`MAX_SPREADSHEET_BYTES`, `MAX_BUNDLE_BYTES`);
- a spreadsheet (.xlsx, which is a zip) is looked into without being loaded: its unpacked size
  (`MAX_SPREADSHEET_UNPACKED`) and its number of rows (`MAX_SPREADSHEET_ROWS`, counted while
  streaming the sheets' XML) are bounded; a CSV's lines are counted the same way;
- a password-protected workbook (Office encryption wraps the .xlsx in an OLE container, which
  also starts like an old .xls) is told apart from an Excel 97-2003 file, and each gets its own
  message.

These limits are documented in the README (section « Limites »). Texts that come in are bounded
by the store itself (`store.text_guard`): a column's length, `MAX_TEXT_CHARS` for a free text.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from desktop_app.services.errors import ServiceError

MAX_SPREADSHEET_BYTES = 20 * 1024**2  # a spreadsheet file (.xlsx or .csv) as given
MAX_SPREADSHEET_UNPACKED = 100 * 1024**2  # an .xlsx's content once unzipped
MAX_SPREADSHEET_ROWS = 100_000  # rows of all its sheets together
MAX_BUNDLE_BYTES = 2 * 1024**3  # a results file (.evalkit), as sync.bundle accepts it

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / 1024**2:.0f}\u202fMo" if size >= 1024**2 else f"{size / 1024:.0f}\u202fko"


def _count(n: int) -> str:
    return f"{n:_}".replace("_", "\u202f")


def file_problem(path: str | Path, max_bytes: int) -> str | None:
    """Why the file cannot be read (a French sentence), or None. Never opens it."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return "Fichier introuvable."
    except OSError as exc:
        return f"Le fichier ne peut pas être lu ({exc.strerror or exc.__class__.__name__})."
    if stat.S_ISDIR(st.st_mode):
        return "C'est un dossier, pas un fichier : indiquez le fichier à importer."
    if not stat.S_ISREG(st.st_mode):
        return ("Ce n'est pas un fichier ordinaire (périphérique, tube nommé…) : "
                "indiquez un fichier enregistré sur le disque.")
    if st.st_size > max_bytes:
        return (f"Le fichier est trop volumineux ({_mb(st.st_size)} ; {_mb(max_bytes)} au plus) : "
                "il n'a pas été lu.")
    if not os.access(path, os.R_OK):
        return "Le fichier ne peut pas être lu (droits insuffisants)."
    return None


def _ole_problem(path: Path, xls_readable: bool) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            encrypted = ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
    except (OSError, ValueError):  # not a valid OLE container after all
        encrypted = False
    if encrypted:
        return ("Le classeur est protégé par un mot de passe : ouvrez-le dans Excel ou LibreOffice, "
                "enregistrez-le sans mot de passe, puis importez-le de nouveau.")
    if xls_readable:
        return None
    return ("Le fichier est au format Excel 97-2003 (.xls), que l'application ne lit pas : ouvrez-le dans "
            "Excel ou LibreOffice et enregistrez-le au format .xlsx.")


def _too_many_rows(rows: int) -> str:
    return (f"Le fichier compte plus de {_count(MAX_SPREADSHEET_ROWS)} lignes ({_count(rows)} au moins) : "
            "gardez seulement les lignes utiles, puis importez-le de nouveau. Rien n'a été importé.")


def _xlsx_problem(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_SPREADSHEET_UNPACKED:
                return (f"Le classeur est trop volumineux une fois décompressé ({_mb(unpacked)} ; "
                        f"{_mb(MAX_SPREADSHEET_UNPACKED)} au plus) : il n'a pas été lu.")
            rows = 0
            for info in infos:
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                tail = b""
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                        tail = chunk[-4:]
                        if rows > MAX_SPREADSHEET_ROWS:
                            return _too_many_rows(rows)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
        return "Ce fichier n'est pas un classeur Excel lisible : il est endommagé ou incomplet (copie interrompue ?)."
    return None


def _text_problem(path: Path) -> str | None:
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
            if lines > MAX_SPREADSHEET_ROWS:
                return _too_many_rows(lines)
    return None


def spreadsheet_problem(path: str | Path, xls_readable: bool = False) -> str | None:
    """Why the spreadsheet (.xlsx or .csv; also .xls when the caller's reader takes it) cannot be
    read (a French sentence), or None."""
    path = Path(path)
    problem = file_problem(path, MAX_SPREADSHEET_BYTES)
    if problem:
        return problem
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        return _ole_problem(path, xls_readable)
    if head.startswith(b"PK"):
        return _xlsx_problem(path)
    return _text_problem(path)


def check_spreadsheet(path: str | Path, xls_readable: bool = False) -> Path:
    """The path, or a ServiceError naming the file and saying what to do."""
    problem = spreadsheet_problem(path, xls_readable)
    if problem:
        raise ServiceError(f"« {Path(path).name} » : {problem}")
    return Path(path)


def check_bundle_file(path: str | Path) -> Path:
    """A results file (.evalkit) about to be imported: an ordinary file of a sane size."""
    problem = file_problem(path, MAX_BUNDLE_BYTES)
    if problem:
        raise ServiceError(f"« {Path(path).name} » : {problem}")
    return Path(path)
