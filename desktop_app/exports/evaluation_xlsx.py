"""The filled grids of an evaluation in one Excel workbook (openpyxl).

One sheet per kit tool in the evaluation's scope, laid out like the paper tool (the référentiel
as questions › sub-questions › indicators with value, source, evidence and appreciation; the
conseils citoyens' grids one block per council; a maturity scale domain by domain with its
score; questionnaires and record sheets question by question, one column per response), plus a
contents sheet, the Cadrage and the référentiel's colour matrix. Every sheet has a title, frozen
headers, column widths, wrapped text, a print area, repeated header rows and an A4 page set-up.

The workbook is written in openpyxl's write-only mode: each sheet's rows are kept as values and
style indexes until the sheet is finished, then streamed (`evaluation_xlsx_stream`); a sheet never
goes back to a row it has written, merged ranges included (`SheetWriter.merge`). This module
holds the style and the sheet writer; the sheets are in `evaluation_xlsx_sheets`, the entry point
in `evaluation_workbook`:

    build_workbook(report_data.gather(services, evaluation_id, pdf=False), "grilles.xlsx", progress)
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from functools import lru_cache
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.exports.evaluation_xlsx_stream import (
    BufferedSheetWriter,
    Formula,
    SheetBuffer,
    StyleBook,
    cell_value,
    clean_text,
)

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
DATE_FORMAT = "DD/MM/YYYY"
EUR_FORMAT = '#,##0.00\\ "€"'  # an amount: 135 500,00 € (the spreadsheet's locale sets the separators)


@lru_cache(maxsize=256)
def fill(hex_color: str) -> PatternFill:
    return PatternFill("solid", fgColor=hex_color.lstrip("#").upper())


@lru_cache(maxsize=256)
def font(size: float = 10, bold: bool = False, color: str = "1D2A35", italic: bool = False, underline: str | None = None) -> Font:
    """Shared style objects: openpyxl hashes every new one, sharing keeps big sheets fast."""
    return Font(name=FONT, size=size, bold=bold, color=color, italic=italic, underline=underline)


RIGHT = Alignment(vertical="top", horizontal="right")
MIDDLE = Alignment(wrap_text=True, vertical="center")


@lru_cache(maxsize=256)
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


class SheetWriter:
    """Writes one sheet row by row and remembers what the page set-up needs.

    The rows are kept (values and style indexes, `evaluation_xlsx_stream.SheetBuffer`) until
    `finish()`, which sets the page up and streams them into the write-only worksheet `ws`; the
    sheets never touch `ws`'s cells themselves."""

    def __init__(self, ws, widths: list[float], title: str, subtitle: str = "", about: str = ""):
        self.ws = ws
        self.widths = widths
        self.ncols = len(widths)
        self.row = 0
        self.header_row: int | None = None
        self.title_end: int | None = None
        self.book = StyleBook.of(ws.parent)
        self.buffer = SheetBuffer(self.book)
        sid = self.book.sid
        self._plain = (sid(font(10, False), WRAP, BORDER), sid(font(10, True), WRAP, BORDER))
        self._number = (sid(font(10, False), RIGHT, BORDER), sid(font(10, True), RIGHT, BORDER))
        self._date = (sid(font(10, False), WRAP, BORDER, None, DATE_FORMAT), sid(font(10, True), WRAP, BORDER, None, DATE_FORMAT))
        self._covered = sid(font(), WRAP, BORDER)
        self._breaks: list[int] = []
        self._per_line = [max(1.0, w * 1.15 * 10 / 10) for w in widths]  # as `_lines` counts at size 10
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        self.merged_line(title, text_font=font(15, True, ACCENT_DARK), height=24)
        if subtitle:
            self.merged_line(subtitle, text_font=font(10, color=MUTED, italic=True))
        if about:
            self.merged_line(about, text_font=font(10), wrap=True)
        self.row += 1

    # -- rows ----------------------------------------------------------------------------------
    def _height(self, row: int, height: float) -> None:
        self.buffer.cells(row)
        self.buffer.rows[row][0] = height

    def merge(self, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        """Merge a range of this sheet (applied when the sheet is finished; ranges never overlap)."""
        self.buffer.merges.append((start_row, start_column, end_row, end_column))

    def merged_line(self, text: str, text_font: Font | None = None, fill_color: str | None = None,
                    height: float | None = None, wrap: bool = True, first: int = 1, last: int | None = None) -> int:
        self.row += 1
        last = last or self.ncols
        cell_fill = fill(fill_color) if fill_color else None
        put = self.buffer.put
        put(self.row, first, cell_value(text), self.book.sid(text_font or font(), WRAP if wrap else MIDDLE, None, cell_fill))
        if fill_color:
            sid = self.book.sid(font(), WRAP, None, cell_fill)
            for col in range(first + 1, last + 1):
                put(self.row, col, None, sid)
        if last > first:
            self.merge(self.row, first, self.row, last)
        width = sum(self.widths[first - 1 : last])
        size = text_font.size if text_font is not None and text_font.size else 10
        self._height(self.row, height or max(15, 14 * _lines(text, width, size)))
        return self.row

    def header(self, labels: list[str], freeze_col: int = 1) -> int:
        self.row += 1
        sid = self.book.sid(font(10, True, "FFFFFF"), CENTER, BORDER, fill(ACCENT))
        for i, label in enumerate(labels, start=1):
            self.buffer.put(self.row, i, cell_value(label), sid)
        self._height(self.row, max(20, 14 * max(_lines(lbl, self.widths[i], 10) for i, lbl in enumerate(labels))))
        if self.header_row is None:
            self.header_row = self.row
            self.ws.freeze_panes = f"{get_column_letter(freeze_col)}{self.row + 1}"
        return self.row

    def title_rows(self, last_row: int) -> None:
        """Repeat the rows from the header down to `last_row` on every printed page, and keep them
        in view (frozen) on screen."""
        self.title_end = last_row
        col = self.ws.freeze_panes.rstrip("0123456789") if self.ws.freeze_panes else "A"
        self.ws.freeze_panes = f"{col}{last_row + 1}"

    def group(self, text: str, color: str = GROUP_FILL, bold: bool = True, font_color: str = "1D2A35") -> int:
        self.row += 1
        r = self.row
        sid = self.book.sid(font(10, bold, font_color), WRAP, BORDER, fill(color))
        put = self.buffer.put
        put(r, 1, cell_value(text), sid)
        for col in range(2, self.ncols + 1):
            put(r, col, None, sid)
        if self.ncols > 1:
            self.merge(r, 1, r, self.ncols)
        self._height(r, max(15, 14 * _lines(text, sum(self.widths), 10)))
        return r

    def values(
        self, values: list[Any], colors: dict[int, str] | None = None, bold_first: bool = False,
        min_height: float = 15, merge: dict[int, int] | None = None, *, bold: bool = False,
        fill_color: str | None = None, fonts: dict[int, Font] | None = None,
        alignments: dict[int, Alignment] | None = None, links: dict[int, str] | None = None,
        formats: dict[int, str] | None = None,
    ) -> int:
        """One row of cells; `merge` {first column: last column} merges cells (text measured on
        the merged width). `colors` {column: colour} fills a cell in its colour (text in a
        readable ink); `bold` and `fill_color` apply to the whole row's other cells; `fonts`,
        `alignments` {column: style} replace a cell's font or alignment; `links` {column: target}
        make a cell a hyperlink; `formats` {column: number format} (euros, say)."""
        self.row += 1
        r = self.row
        widths, per_line = self.widths, self._per_line
        height = min_height
        special = colors or fill_color or fonts or alignments or formats
        cells = []
        for i, value in enumerate(values, start=1):
            b = bold or (bold_first and i == 1)
            if value is None or value == "":
                cells.append((None, self._styled(None, False, b, i, colors, fill_color, fonts, alignments, formats) if special else self._plain[b]))
                if height < 14.5:
                    height = 14.5
                continue
            if isinstance(value, str):  # written as an inline string: text, never a formula
                value = text = clean_text(value)
                number = False
            elif isinstance(value, Formula):  # a formula asked for by name (xlsx_cells.Formula)
                text = "" if value.cached is None else str(value.cached)
                number = not isinstance(value.cached, str)
            else:
                if not isinstance(value, (int, float, dt.date)):
                    value = cell_value(value)
                text = str(value)
                number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if special:
                sid = self._styled(value, number, b, i, colors, fill_color, fonts, alignments, formats)
            elif number:
                sid = self._number[b]
            elif isinstance(value, dt.date):
                sid = self._date[b]
            else:
                sid = self._plain[b]
            cells.append((value, sid))
            last = merge.get(i, i) if merge else i
            if last == i and len(text) <= per_line[i - 1] and "\n" not in text:
                lines = 1  # the usual short text, as `_lines` counts it
            else:
                lines = _lines(text, sum(widths[i - 1 : last]), 10)
            if 14.5 * lines > height:
                height = 14.5 * lines
        if merge:
            covered = (None, self._covered)
            for first, last in merge.items():
                if len(cells) < last:
                    cells.extend([None] * (last - len(cells)))
                cells[first:last] = [covered] * (last - first)
                self.merge(r, first, r, last)
        if links:
            for col, target in links.items():
                self.buffer.links[(r, col)] = target
        self.buffer.rows[r] = [min(height, 400), cells]
        return r

    def _styled(self, value, number: bool, b: bool, i: int, colors, fill_color, fonts, alignments, formats=None) -> int:
        """Format of a cell with a colour, a row fill or a replaced font or alignment."""
        color = colors.get(i) if colors else None
        if color:
            text_font, alignment, cell_fill = font(10, True, ink(color)), RIGHT if number else CENTER, fill(color)
        else:
            text_font, alignment = font(10, b), RIGHT if number else WRAP
            cell_fill = fill(fill_color) if fill_color else None
        if fonts and i in fonts:
            text_font = fonts[i]
        if alignments and i in alignments:
            alignment = alignments[i]
        number_format = formats.get(i) if formats and number else None
        return self.book.sid(text_font, alignment, BORDER, cell_fill, DATE_FORMAT if isinstance(value, dt.date) else number_format)

    def blank(self) -> None:
        self.row += 1

    def image(self, png: bytes, anchor: str, width_px: int) -> None:
        from openpyxl.drawing.image import Image as XLImage

        img = XLImage(io.BytesIO(png))
        scale = width_px / img.width
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        self.ws.add_image(img, anchor)

    def page_break(self) -> None:
        self._breaks.append(self.row)

    # -- page set-up ---------------------------------------------------------------------------
    def finish(self, landscape: bool | None = None, footer: str = "") -> None:
        """Set the page up, then write the sheet's rows (nothing can be added afterwards)."""
        ws = self.ws
        last_col = get_column_letter(self.ncols)
        ws.print_area = f"A1:{last_col}{max(self.row, 1)}"
        if self.header_row:
            ws.print_title_rows = f"{self.header_row}:{max(self.header_row, self.title_end or 0)}"
        total_width = sum(self.widths)
        ws.page_setup.orientation = "landscape" if (landscape if landscape is not None else total_width > 95) else "portrait"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
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
        if self._breaks:
            from openpyxl.worksheet.pagebreak import Break

            ws.row_breaks.brk = [Break(id=r) for r in self._breaks]  # at once: each append checks the whole list
        self.buffer.apply_merges()
        ws._writer = BufferedSheetWriter(ws, self.buffer)
        ws._writer.stream()


def _lines(value: Any, width: float, size: float = 10) -> int:
    """Estimated number of wrapped lines of a cell's text in a column `width` characters wide."""
    if value is None:
        return 1
    text = value if isinstance(value, str) else str(value)
    per_line = max(1.0, width * 1.15 * 10 / size)
    if len(text) <= per_line and "\n" not in text:
        return 1
    return max(1, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))
