"""Reading any spreadsheet a user has into grids of cell values, or refusing it in French.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine (fast, and it reads the cells
that exist rather than the sheet's declared dimension); merged ranges are spread over their cells.
Text files (.csv, .txt) are decoded (UTF-8, UTF-8 with a byte-order mark, Windows-1252/Latin-1,
and a byte-order mark followed by Windows-1252 bytes, as some tools write them), their separator
sniffed among `;` `,` and tab, and parsed with the csv module (quoted cells may span lines).

Limits: a sheet stops at the first run of `MAX_BLANK_RUN` empty rows (a sheet declared down to
row 1 048 576 with a few hundred rows is read in a fraction of a second); a file with more than
`MAX_ROWS` filled rows, or heavier than `MAX_BYTES`, is refused: it is not a programmation, and
reading it would hang the app.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from desktop_app.core.programmation_rows import SheetGrid
from desktop_app.services.base import ServiceError

MAX_BLANK_RUN = 500  # a sheet ends after this many empty rows in a row
MAX_ROWS = 100_000  # filled rows in one file, all sheets together
MAX_BYTES = 100 * 1024 * 1024  # a programmation of a few thousand rows weighs a few megabytes
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SEPARATORS = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}


def refuse(path: Path, why: str, what: str = "Aucune action n'a été importée.") -> ServiceError:
    return ServiceError(f"« {path.name} » {why} {what}".strip())


def _too_many(path: Path, what: str) -> ServiceError:
    return refuse(
        path,
        f"contient plus de {MAX_ROWS:,} lignes remplies".replace(",", "\u202f")
        + " : c'est trop pour un tableau à importer. Gardez seulement les lignes utiles (une feuille, "
        "un exercice) ou découpez le fichier, puis réessayez.",
        what,
    )


def read_grids(path: Path, what: str = "Aucune action n'a été importée.") -> tuple[list[SheetGrid], str]:
    """The sheets of a spreadsheet file and a short French description of what was read.
    `what` ends every refusal ("Aucune action n'a été importée.")."""
    from desktop_app.services.input_files import check_spreadsheet

    path = Path(path)
    if not path.exists():
        raise ServiceError(f"Fichier introuvable : {path}")
    check_spreadsheet(path, xls_readable=True)  # a folder, a device, a pipe, a protected or oversized file: refused unread
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ServiceError(f"Impossible de lire « {path.name} » : {exc.strerror}.") from None
    size = path.stat().st_size
    if size == 0:
        raise refuse(path, "est vide.", what)
    if size > MAX_BYTES:
        raise refuse(path, f"pèse {size // (1024 * 1024)} Mo : c'est trop pour un tableau à importer (100 Mo au plus). "
                     "Gardez seulement les lignes utiles, puis réessayez.", what)
    if head.startswith(b"PK\x03\x04"):
        return _read_zip(path, what)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_workbook(path, "classeur Excel 97-2003 (.xls)", what)
    if head.startswith(b"%PDF"):
        raise refuse(path, "est un document PDF, pas un tableur : exportez le tableau au format .xlsx ou .csv.", what)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError(f"Impossible de lire « {path.name} » : {exc.strerror}.") from None
    if not data.strip():
        raise refuse(path, "est vide.", what)
    return _read_text(path, data, what)


def _read_zip(path: Path, what: str) -> tuple[list[SheetGrid], str]:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        raise refuse(path, "est endommagé : ce n'est pas un classeur lisible.", what) from None
    if "xl/workbook.xml" in names:
        return _read_workbook(path, "classeur Excel", what)
    if "content.xml" in names and "mimetype" in names:
        return _read_workbook(path, "classeur OpenDocument (.ods)", what)
    if "word/document.xml" in names:
        raise refuse(path, "est un document Word, pas un tableur (.xlsx, .ods ou .csv attendu).", what)
    raise refuse(path, "n'est pas un tableur (.xlsx, .ods ou .csv attendu).", what)


def _value(v: Any) -> Any:
    """A calamine cell as the rest of the app expects it: None for empty, dates as datetime."""
    if v == "" or v is None:
        return None
    if isinstance(v, str) and not v.strip():
        return None
    if isinstance(v, time):
        return None if v == time(0) else v.isoformat()
    if isinstance(v, timedelta):
        return str(v)
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)
    return v


def _read_workbook(path: Path, kind: str, what: str) -> tuple[list[SheetGrid], str]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises its own error types on damaged or protected files
        raise refuse(path, f"n'a pas pu être lu comme un {kind} (fichier endommagé ou protégé par un mot de passe ?).",
                     what) from None
    sheets: list[SheetGrid] = []
    total = 0
    try:
        for name in wb.sheet_names:
            try:
                ws = wb.get_sheet_by_name(name)
            except Exception:  # a chart sheet, a macro sheet: nothing to read
                continue
            rows: list[list[Any]] = []
            blank_run = 0
            top, left = _offsets(ws)
            rows.extend([] for _ in range(top))  # keep the row numbers the user sees
            for raw in ws.iter_rows():
                row = [None] * left + [_value(v) for v in raw]
                if all(v is None for v in row):
                    blank_run += 1
                    if blank_run > MAX_BLANK_RUN:
                        break
                else:
                    blank_run = 0
                    total += 1
                    if total > MAX_ROWS:
                        raise _too_many(path, what)
                rows.append(row)
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            merged = _spread_merged(rows, getattr(ws, "merged_cell_ranges", None) or [])
            sheets.append(SheetGrid(name, rows, merged))
    finally:
        close = getattr(wb, "close", None)
        if close:
            close()
    if not sheets:
        raise refuse(path, "ne contient aucune feuille de calcul lisible.", what)
    return sheets, f"{kind}, {len(sheets)} feuille{'s' if len(sheets) > 1 else ''}"


def _offsets(ws) -> tuple[int, int]:
    """Rows and columns to put before what `iter_rows` yields so that cells sit where the user
    sees them (merged ranges are given in sheet coordinates). Depending on the file, calamine
    yields rows from the top of the sheet or from the first used row, and columns from the
    first used column: compare with the sheet-aligned first row."""
    top, left = ws.start or (0, 0)
    if not top and not left:
        return 0, 0
    first = next(iter(ws.iter_rows()), [])
    aligned = (ws.to_python(skip_empty_area=False, nrows=1) or [[]])[0]
    pad_left = max(0, len(aligned) - len(first))
    first_blank = all(_value(v) is None for v in first)
    pad_top = top if top and not first_blank else 0
    return pad_top, pad_left


def _spread_merged(rows: list[list[Any]], ranges) -> list[tuple[int, int, int, int]]:
    """Give every cell of a merged range the value of its first cell; return the ranges kept."""
    merged = []
    for (r1, c1), (r2, c2) in ranges:
        if r1 >= len(rows):
            continue
        r2 = min(r2, len(rows) - 1)
        merged.append((r1, c1, r2, c2))
        value = rows[r1][c1] if c1 < len(rows[r1]) else None
        for r in range(r1, r2 + 1):
            row = rows[r]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                row[c] = value
    return merged


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a CSV file and the French name of its encoding."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), "UTF-8" + (" avec BOM" if bom else "")
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode("cp1252")
        label = "Windows-1252"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d…): Latin-1 reads anything
        text, label = body.decode("latin-1"), "Latin-1"
    return text, label + (" précédé d'un BOM UTF-8" if bom else "")


def sniff_separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:60])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (";", "\t", ",", "|")}
        return max(counts, key=counts.get) if any(counts.values()) else ";"


def _read_text(path: Path, data: bytes, what: str) -> tuple[list[SheetGrid], str]:
    if b"\x00" in data[:4096]:
        raise refuse(path, "n'est pas un tableur (.xlsx, .ods ou .csv attendu).", what)
    text, encoding = decode_text(data)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 4:
        raise refuse(path, "n'est pas un tableur (.xlsx, .ods ou .csv attendu).", what)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        kind = "OpenDocument" if suffix == ".ods" else "Excel"
        raise refuse(path, f"n'est pas un classeur {kind} lisible : son contenu n'est pas celui d'un fichier {suffix}.",
                     what)
    delimiter = sniff_separator(text)
    rows: list[list[Any]] = []
    filled = 0
    try:
        for raw in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row = [c if c.strip() else None for c in raw]
            if any(c is not None for c in row):
                filled += 1
                if filled > MAX_ROWS:
                    raise _too_many(path, what)
            rows.append(row)
    except csv.Error:
        raise refuse(path, "n'a pas pu être lu comme un fichier CSV (guillemets mal fermés ?).", what) from None
    while rows and all(c is None for c in rows[-1]):
        rows.pop()
    return [SheetGrid(path.stem, rows)], f"fichier texte, {encoding}, séparateur {SEPARATORS.get(delimiter, delimiter)}"
