"""Read a questionnaire workbook returned by a respondent: identification sheet and answer rows.

Nothing is interpreted here beyond finding things: the hidden `_evalkit` sheet (questionnaire,
kit version, evaluation, token, list of questions), the questionnaire sheet (by name, or the
sheet whose hidden key column holds question keys if it was renamed), the answer column (by its
heading), and every row that has a key, an answer or a label. Sheets added by the respondent are
listed. A file that is not a readable .xlsx gets a French `problem` instead.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import questionnaire_sheet as sheet


@dataclass(frozen=True)
class RawRow:
    row: int
    key: str | None
    value: Any
    cell: str
    label: str


@dataclass(frozen=True)
class RawWorkbook:
    path: Path
    name: str
    sha256: str
    meta: dict[str, Any]
    meta_questions: list[dict]
    sheet_name: str | None
    rows: list[RawRow]
    extra_sheets: list[str]
    problem: str | None = None  # the file cannot be read at all


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def read_workbook(path: str | Path) -> RawWorkbook:
    from openpyxl import load_workbook

    from desktop_app.services.input_files import spreadsheet_problem

    path = Path(path)
    name = path.name
    # a folder, a device, a pipe, a file too big, a password, an old .xls: refused unread
    problem = spreadsheet_problem(path)
    if problem:
        return RawWorkbook(path, name, "", {}, [], None, [], [], problem)
    digest = file_sha256(path)

    def refused(message: str) -> RawWorkbook:
        return RawWorkbook(path, name, digest, {}, [], None, [], [], message)

    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods", ".csv"):
        return refused(
            f"Format « {suffix} » non pris en charge : ouvrez le fichier et enregistrez-le au format Excel (.xlsx)."
        )
    if not zipfile.is_zipfile(path):
        return refused("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.")
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        return refused(f"Le classeur Excel est endommagé ou illisible ({exc.__class__.__name__}).")
    try:
        meta: dict[str, Any] = {}
        questions: list[dict] = []
        if sheet.SHEET_META in wb.sheetnames:
            for row in wb[sheet.SHEET_META].iter_rows(values_only=True):
                if not row or row[0] is None:
                    continue
                key = str(row[0])
                if key == "question":
                    cells = list(row) + [None] * 6
                    questions.append({
                        "key": str(cells[1] or ""), "type": str(cells[2] or ""),
                        "choices": [c for c in str(cells[3] or "").split("|") if c],
                        "label": str(cells[4] or ""), "children": [c for c in str(cells[5] or "").split("|") if c],
                    })
                else:
                    meta[key] = row[1] if len(row) > 1 else None
        sheet_name = _questions_sheet(wb)
        rows: list[RawRow] = []
        if sheet_name is not None:
            rows = _rows(wb[sheet_name])
        known = {sheet.SHEET_INSTRUCTIONS, sheet.SHEET_LISTS, sheet.SHEET_META, sheet_name}
        extra = [n for n in wb.sheetnames if n not in known]
        return RawWorkbook(path, name, digest, meta, questions, sheet_name, rows, extra)
    finally:
        wb.close()


def _questions_sheet(wb) -> str | None:
    if sheet.SHEET_QUESTIONS in wb.sheetnames:
        return sheet.SHEET_QUESTIONS
    best, best_count = None, 0
    for ws in wb.worksheets:
        if ws.title in (sheet.SHEET_META, sheet.SHEET_LISTS):
            continue
        count = 0
        for (value,) in ws.iter_rows(min_col=sheet.KEY_COL, max_col=sheet.KEY_COL, values_only=True):
            key = sheet.parse_key(value)
            if key is not None and key.kind in ("question", "option", "section"):
                count += 1
        if count > best_count:
            best, best_count = ws.title, count
    return best if best_count >= 3 else None


def _rows(ws) -> list[RawRow]:
    from openpyxl.utils import get_column_letter

    answer_col = sheet.ANSWER_COL
    for row in ws.iter_rows(min_row=1, max_row=15):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == sheet.ANSWER_HEADER:
                answer_col = cell.column
                header_row = cell.row
                break
        else:
            continue
        break
    else:
        header_row = 0
    letter = get_column_letter(answer_col)
    out = []
    for row in ws.iter_rows(min_row=header_row + 1):
        values = {c.column: c.value for c in row if c.value is not None}
        key = values.get(sheet.KEY_COL)
        value = values.get(answer_col)
        label = values.get(sheet.LABEL_COL)
        if key is None and value is None and label is None:
            continue
        r = row[0].row
        out.append(RawRow(r, str(key).strip() if key is not None else None, value, f"{letter}{r}", str(label or "")))
    return out
