"""Sheet formatting shared by the fieldwork workbook: header rows, column widths, wrapped text
with row heights that every spreadsheet program shows (LibreOffice does not fit them itself),
dates, printing on A4 landscape, and status colours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from desktop_app.core.fieldwork import status_label
from desktop_app.exports.xlsx_cells import append_row, put

HEADER_FILL = "1F5F8B"
STATUS_FILLS = {"realise": "C8E6C9", "en_cours": "E6F2D5", "non_engage": "FFE0B2", "abandonne": "FFCDD2"}


def table(
    ws,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int] = (),
    wrap: Sequence[int] = (),
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    append_row(ws, list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    head_lines = max((line_count(h, w) for h, w in zip(headers, widths, strict=False)), default=1)
    ws.row_dimensions[1].height = max(32, 15 * head_lines + 4)
    for row in rows:
        append_row(ws, [cell_value(v) for v in row])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for r in ws.iter_rows(min_row=2):
        lines = 1
        for c in r:
            c.alignment = wrapped if (c.column - 1) in wrap else top
            if isinstance(c.value, dt.date):
                c.number_format = "DD/MM/YYYY"
            if (c.column - 1) in wrap and isinstance(c.value, str) and c.column - 1 < len(widths):
                lines = max(lines, line_count(c.value, widths[c.column - 1]))
        if lines > 1:  # spreadsheet programs do not all fit wrapped rows on opening
            ws.row_dimensions[r[0].row].height = min(15 * lines + 2, 400)
    ws.freeze_panes = "A2"
    print_setup(ws)
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def line_count(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a close estimate)."""
    per_line = max(int(width * 1.25), 8)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def print_setup(ws) -> None:
    """Printed in landscape, one page wide, the header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\r", "")
        return value or None  # text stays text: `append_row` never writes a formula
    return value


def color_statuses(ws, column: int, n: int) -> None:
    from openpyxl.styles import PatternFill

    colors = {status_label(s): color for s, color in STATUS_FILLS.items()}
    for r in range(2, n + 2):
        cell = ws.cell(row=r, column=column)
        color = colors.get(cell.value)
        if color:
            cell.fill = PatternFill("solid", fgColor=color)


def append_table(ws, headers: list[str], rows: list[list[Any]], start: int) -> None:
    from openpyxl.styles import Font, PatternFill

    for c, h in enumerate(headers, start=1):
        cell = put(ws, start, c, h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for r, row in enumerate(rows, start=start + 1):
        for c, v in enumerate(row, start=1):
            put(ws, r, c, v)
