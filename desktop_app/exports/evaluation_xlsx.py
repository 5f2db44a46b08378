"""The filled grids of an evaluation in one Excel workbook (openpyxl).

One sheet per kit tool in the evaluation's scope, laid out like the paper tool (the référentiel
as questions › sub-questions › indicators with value, source, evidence and appreciation; the
conseils citoyens' grids one block per council; a maturity scale domain by domain with its
score; questionnaires and record sheets question by question, one column per response), plus a
contents sheet, the Cadrage and the référentiel's colour matrix. Every sheet has a title, frozen
headers, column widths, wrapped text, a print area, repeated header rows and an A4 page set-up.

    build_workbook(services, evaluation_id, "grilles.xlsx", progress)
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.exports.safe_output import as_progress, atomic_output

FONT = "Calibri"
ACCENT = "1F5F8B"
ACCENT_DARK = "143F5E"
ACCENT_LIGHT = "E6F0F7"
GROUP_FILL = "EEF2F5"
MUTED = "5F6B76"
THIN = Side(style="thin", color="C9D1D8")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


@lru_cache(maxsize=256)
def fill(hex_color: str) -> PatternFill:
    return PatternFill("solid", fgColor=hex_color.lstrip("#").upper())


@lru_cache(maxsize=256)
def font(size: float = 10, bold: bool = False, color: str = "1D2A35", italic: bool = False, underline: str | None = None) -> Font:
    """Shared style objects: openpyxl hashes every new one, sharing keeps big sheets fast."""
    return Font(name=FONT, size=size, bold=bold, color=color, italic=italic, underline=underline)


RIGHT = Alignment(vertical="top", horizontal="right")
MIDDLE = Alignment(wrap_text=True, vertical="center")


def ink(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return "FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 0.58 else "1D2A35"


def sheet_name(text: str, used: set[str]) -> str:
    text = text.replace("'", "’")  # a straight quote would need escaping in references
    name = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31].strip() or "Feuille"
    base, n = name, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def styled(cell, text_font: Font, alignment: Alignment, border: Border | None = BORDER, cell_fill: PatternFill | None = None) -> None:
    """Style a cell from a cache of finished style arrays: openpyxl hashes every style object it
    is given (slow on thousands of cells); a copied array skips that."""
    from copy import copy

    wb = cell.parent.parent
    cache = wb.__dict__.setdefault("_evalkit_styles", {})
    key = (id(text_font), id(alignment), id(border), id(cell_fill))
    proto = cache.get(key)
    if proto is None:
        cell.font = text_font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        if cell_fill is not None:
            cell.fill = cell_fill
        cache[key] = (copy(cell._style), text_font, alignment, border, cell_fill)  # keep the objects alive
        return
    cell._style = copy(proto[0])


def merge_cells(ws: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """`ws.merge_cells` without its costs on big sheets, same result: the new range is not checked
    against every range merged so far (quadratic; this module never merges a range twice), and the
    borders openpyxl derives for the merged cells are computed once per border and shape, then copied."""
    from copy import copy

    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.cell_range import CellRange

    coord = CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row).coord
    mcr = _merged_range_class()(ws, coord)
    ws.merged_cells.ranges.add(mcr)
    key = (mcr.start_cell._style.borderId, end_row - start_row, end_column - start_column)
    cache = ws.parent.__dict__.setdefault("_evalkit_merges", {})
    shape = cache.get(key)
    if shape is None:
        ws._clean_merge_range(mcr)
        cache[key] = {
            (r - start_row, c - start_column): copy(ws._cells[r, c]._style)
            for r, c in mcr.cells
            if (r, c) != (start_row, start_column) and (r, c) in ws._cells
        }
        return
    for r, c in mcr.cells:
        if (r, c) == (start_row, start_column):
            continue
        cell = MergedCell(ws, r, c)
        style = shape.get((r - start_row, c - start_column))
        if style is not None:
            cell._style = copy(style)
        ws._cells[r, c] = cell


@lru_cache(maxsize=1)
def _merged_range_class():
    from openpyxl.styles.borders import Border
    from openpyxl.worksheet.merge import MergedCellRange

    class FastMergedCellRange(MergedCellRange):
        def _get_borders(self) -> None:
            """openpyxl's: the top-left cell takes the right and bottom sides of the bottom-right
            cell; the resulting border is computed once per pair of borders."""
            ws = self.ws
            self.start_cell = ws._cells.get((self.min_row, self.min_col)) or ws.cell(row=self.min_row, column=self.min_col)
            end_cell = ws._cells.get((self.max_row, self.max_col))
            if end_cell is None:
                return
            cache = ws.parent.__dict__.setdefault("_evalkit_merge_borders", {})
            key = (self.start_cell._style.borderId, end_cell._style.borderId)
            if key in cache:
                self.start_cell._style.borderId = cache[key]
                return
            self.start_cell.border += Border(right=end_cell.border.right, bottom=end_cell.border.bottom)
            cache[key] = self.start_cell._style.borderId

    return FastMergedCellRange


class SheetWriter:
    """Writes one sheet row by row and remembers what the page set-up needs."""

    def __init__(self, ws: Worksheet, widths: list[float], title: str, subtitle: str = "", about: str = ""):
        self.ws = ws
        self.widths = widths
        self.ncols = len(widths)
        self.row = 0
        self.header_row: int | None = None
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        self.merged_line(title, text_font=font(15, True, ACCENT_DARK), height=24)
        if subtitle:
            self.merged_line(subtitle, text_font=font(10, color=MUTED, italic=True))
        if about:
            self.merged_line(about, text_font=font(10), wrap=True)
        self.row += 1

    # -- rows ----------------------------------------------------------------------------------
    def merged_line(self, text: str, text_font: Font | None = None, fill_color: str | None = None,
                    height: float | None = None, wrap: bool = True, first: int = 1, last: int | None = None) -> int:
        self.row += 1
        last = last or self.ncols
        c = self.ws.cell(row=self.row, column=first, value=text)
        styled(c, text_font or font(), WRAP if wrap else MIDDLE, None, fill(fill_color) if fill_color else None)
        if fill_color:
            for col in range(first + 1, last + 1):
                styled(self.ws.cell(row=self.row, column=col), font(), WRAP, None, fill(fill_color))
        if last > first:
            merge_cells(self.ws, self.row, first, self.row, last)
        width = sum(self.widths[first - 1 : last])
        size = text_font.size if text_font is not None and text_font.size else 10
        self.ws.row_dimensions[self.row].height = height or max(15, 14 * _lines(text, width, size))
        return self.row

    def header(self, labels: list[str], freeze_col: int = 1) -> int:
        self.row += 1
        for i, label in enumerate(labels, start=1):
            c = self.ws.cell(row=self.row, column=i, value=label)
            styled(c, font(10, True, "FFFFFF"), CENTER, BORDER, fill(ACCENT))
        self.ws.row_dimensions[self.row].height = max(20, 14 * max(_lines(lbl, self.widths[i], 10) for i, lbl in enumerate(labels)))
        if self.header_row is None:
            self.header_row = self.row
            self.ws.freeze_panes = self.ws.cell(row=self.row + 1, column=freeze_col)
        return self.row

    def group(self, text: str, color: str = GROUP_FILL, bold: bool = True, font_color: str = "1D2A35") -> int:
        self.row += 1
        r = self.row
        for col in range(1, self.ncols + 1):
            styled(self.ws.cell(row=r, column=col), font(10, bold, font_color), WRAP, BORDER, fill(color))
        self.ws.cell(row=r, column=1, value=text)
        if self.ncols > 1:
            merge_cells(self.ws, r, 1, r, self.ncols)
        self.ws.row_dimensions[r].height = max(15, 14 * _lines(text, sum(self.widths), 10))
        return r

    def values(
        self, values: list[Any], colors: dict[int, str] | None = None, bold_first: bool = False,
        min_height: float = 15, merge: dict[int, int] | None = None,
    ) -> int:
        """One row of cells; `merge` {first column: last column} merges cells (text measured on
        the merged width)."""
        self.row += 1
        colors = colors or {}
        merge = merge or {}
        height = min_height
        for i, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                value = "'" + value  # never a formula
            c = self.ws.cell(row=self.row, column=i, value=value if value not in ("", None) else None)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if i in colors and colors[i]:
                styled(c, font(10, True, ink(colors[i])), RIGHT if number else CENTER, BORDER, fill(colors[i]))
            else:
                styled(c, font(10, bold_first and i == 1), RIGHT if number else WRAP, BORDER)
            if isinstance(value, (dt.date, dt.datetime)):
                c.number_format = "DD/MM/YYYY"
            width = sum(self.widths[i - 1 : merge.get(i, i)])
            height = max(height, 14.5 * _lines(value, width, 10))
        for first, last in merge.items():
            for col in range(first + 1, last + 1):
                styled(self.ws.cell(row=self.row, column=col), font(), WRAP, BORDER)
            merge_cells(self.ws, self.row, first, self.row, last)
        self.ws.row_dimensions[self.row].height = min(height, 400)
        return self.row

    def blank(self) -> None:
        self.row += 1

    def image(self, png: bytes, anchor: str, width_px: int) -> None:
        from openpyxl.drawing.image import Image as XLImage

        img = XLImage(io.BytesIO(png))
        scale = width_px / img.width
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        self.ws.add_image(img, anchor)

    def page_break(self) -> None:
        from openpyxl.worksheet.pagebreak import Break

        self.ws.row_breaks.append(Break(id=self.row))

    # -- page set-up ---------------------------------------------------------------------------
    def finish(self, landscape: bool | None = None, footer: str = "") -> None:
        ws = self.ws
        last_col = get_column_letter(self.ncols)
        ws.print_area = f"A1:{last_col}{max(self.row, 1)}"
        if self.header_row:
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        total_width = sum(self.widths)
        ws.page_setup.orientation = "landscape" if (landscape if landscape is not None else total_width > 95) else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = 0.7
        ws.page_margins.bottom = 0.7
        ws.print_options.horizontalCentered = True
        ws.oddHeader.left.text = footer[:120]
        ws.oddHeader.left.size = 8
        ws.oddHeader.right.text = "&A"
        ws.oddHeader.right.size = 8
        ws.oddFooter.center.text = "Page &P / &N"
        ws.oddFooter.center.size = 8
        ws.sheet_view.zoomScale = 100


def _lines(value: Any, width: float, size: float = 10) -> int:
    """Estimated number of wrapped lines of a cell's text in a column `width` characters wide."""
    if value is None:
        return 1
    text = str(value)
    per_line = max(1.0, width * 1.15 * 10 / size)
    return max(1, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))


def build_workbook(services, evaluation_id: str, out: str | Path, progress: Any = None, today: dt.date | None = None) -> dict:
    """Write the workbook to `out` (atomically). Returns {"sheets": [names]}."""
    from desktop_app.exports import evaluation_xlsx_sheets as sheets
    from desktop_app.exports.pdf_report import ReportContext

    progress = as_progress(progress)
    ctx = ReportContext(services, evaluation_id, today or dt.date.today(), progress)
    tools = [t for t in ctx.kit.tools if t in ctx.scope]
    total = len(tools) + 4
    ctx.total = total
    progress.report(0, total, "Préparation du classeur…")
    wb = Workbook()
    used: set[str] = set()
    footer = f"Évaluation du contrat de ville — {ctx.territory}"
    contents = wb.active
    contents.title = sheet_name("Sommaire", used)
    entries: list[tuple[str, str, str]] = []

    ws = wb.create_sheet(sheet_name("Cadrage", used))
    sheets.cadrage_sheet(ws, ctx, footer)
    entries.append((ws.title, "Cadrage", "Territoire, quartiers, partenaires, équipe et calendrier"))
    progress.report(1, total, "Cadrage")
    for i, tool_id in enumerate(tools, start=2):
        tool = ctx.kit.tool(tool_id)
        ctx.done = i
        progress.report(i, total, f"Grille : {tool.short_title or tool.title}")
        ws = wb.create_sheet(sheet_name(tool.short_title or tool.title, used))
        sheets.tool_sheet(ws, ctx, tool, footer)
        entries.append((ws.title, (f"Outil {tool.number} — " if tool.number else "") + tool.title, sheets.kind_label(tool.kind)))
        if tool_id == "referentiel":
            ws = wb.create_sheet(sheet_name("Matrice du référentiel", used))
            sheets.matrix_sheet(ws, ctx, footer)
            entries.append((ws.title, "Matrice des appréciations du référentiel", "Vue d'ensemble colorée"))
    progress.report(total - 2, total, "Sommaire")
    sheets.contents_sheet(contents, ctx, entries, footer)
    progress.report(total - 1, total, "Enregistrement…")
    wb.properties.title = f"Grilles remplies — {ctx.territory}"
    wb.properties.creator = "EvalKit Quartiers"
    with atomic_output(out) as tmp:
        wb.save(tmp)
    progress.report(total, total, "Classeur terminé")
    return {"sheets": [e[0] for e in entries]}
