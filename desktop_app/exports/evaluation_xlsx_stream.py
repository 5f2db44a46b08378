"""How the filled-grids workbook's sheets are written: openpyxl's write-only mode, one XML element
per row (see `evaluation_xlsx.SheetWriter`, which fills the buffer this module writes).

openpyxl's normal mode keeps a `Cell` per cell and works out every cell's style while saving (more
than writing the values costs); even its write-only cells cost a `Cell`, a style hash and an
attribute dictionary each. Here a sheet is a buffer of `(value, style id)` pairs: each combination
of font, alignment, border, fill and number format is registered in the workbook once
(`StyleBook.sid`), merged ranges take the styles openpyxl itself gives them (worked out once per
shape on a scratch sheet, `StyleBook.merged`), and each row goes to the write-only worksheet's XML
stream as one element, written the way openpyxl writes the same cells (inline strings, numbers,
dates as serial numbers with their format, row heights).
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from numbers import Number
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import Element, SubElement, tostring

from desktop_app.exports.xlsx_cells import MAX_TEXT, Formula, clean_text  # noqa: F401  (re-exported)

_LETTERS = [""] + [get_column_letter(i) for i in range(1, 200)]


def letter(col: int) -> str:
    return _LETTERS[col] if col < len(_LETTERS) else get_column_letter(col)


class StyleBook:
    """The cell formats of one workbook, each registered once and then referred to by its index."""

    def __init__(self, wb):
        self.wb = wb
        self._ids: dict[tuple, int] = {}
        self._keep: list[tuple] = []  # the style objects keyed by id() stay alive
        self._merges: dict[tuple, tuple[int, dict[tuple[int, int], int]]] = {}
        self._scratch = Worksheet(wb, "_evalkit_scratch")  # never added to the workbook's sheets

    @classmethod
    def of(cls, wb) -> StyleBook:
        book = wb.__dict__.get("_evalkit_style_book")
        if book is None:
            book = wb.__dict__["_evalkit_style_book"] = cls(wb)
        return book

    def sid(self, text_font, alignment, border=None, cell_fill=None, number_format: str | None = None) -> int:
        """Index of the cell format made of these style objects (shared objects: keyed by identity)."""
        key = (id(text_font), id(alignment), id(border), id(cell_fill), number_format)
        sid = self._ids.get(key)
        if sid is None:
            cell = Cell(self._scratch)
            cell.font = text_font
            cell.alignment = alignment
            if border is not None:
                cell.border = border
            if cell_fill is not None:
                cell.fill = cell_fill
            if number_format:
                cell.number_format = number_format
            sid = self._ids[key] = cell.style_id
            self._keep.append((text_font, alignment, border, cell_fill))
        return sid

    def merged(self, start: int, end: int | None, rows: int, cols: int) -> tuple[int, dict[tuple[int, int], int]]:
        """What merging does to the styles, as openpyxl's `merge_cells` does it: the format of the
        top-left cell (it takes the right and bottom borders of the bottom-right one, `end`, if that
        cell exists) and those of the covered cells ({(row offset, column offset): format}; they
        keep only the borders on the range's edges). Worked out once per combination."""
        key = (start, end, rows, cols)
        found = self._merges.get(key)
        if found is None:
            ws, styles = self._scratch, self.wb._cell_styles
            ws._cells.clear()
            ws.merged_cells = MultiCellRange()
            ws.cell(row=1, column=1)._style = copy(styles[start])
            if end is not None:
                ws.cell(row=1 + rows, column=1 + cols)._style = copy(styles[end])
            ws.merge_cells(start_row=1, start_column=1, end_row=1 + rows, end_column=1 + cols)
            covered = {
                (r - 1, c - 1): cell.style_id
                for (r, c), cell in ws._cells.items()
                if (r, c) != (1, 1) and cell.has_style
            }
            found = self._merges[key] = (ws._cells[1, 1].style_id, covered)
            ws._cells.clear()
        return found


class SheetBuffer:
    """The cells of one sheet before they are written: {row: [height, [(value, format) or None]]},
    the merged ranges and the links."""

    def __init__(self, book: StyleBook):
        self.book = book
        self.rows: dict[int, list] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.links: dict[tuple[int, int], str] = {}

    def cells(self, row: int) -> list:
        entry = self.rows.get(row)
        if entry is None:
            entry = self.rows[row] = [None, []]
        return entry[1]

    def put(self, row: int, col: int, value: Any, sid: int) -> None:
        cells = self.cells(row)
        if len(cells) < col:
            cells.extend([None] * (col - len(cells)))
        cells[col - 1] = (value, sid)

    def get(self, row: int, col: int):
        entry = self.rows.get(row)
        if entry is None or len(entry[1]) < col:
            return None
        return entry[1][col - 1]

    def apply_merges(self) -> None:
        """Give the merged ranges their cells' formats (the covered cells lose their values, as in
        openpyxl)."""
        book = self.book
        for r1, c1, r2, c2 in self.merges:
            start = self.get(r1, c1)
            end = self.get(r2, c2)
            value, sid = start if start is not None else (None, 0)
            start_sid, covered = book.merged(sid, end[1] if end is not None else None, r2 - r1, c2 - c1)
            self.put(r1, c1, value, start_sid)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        self.put(r, c, None, covered.get((r - r1, c - c1), 0))

    def dimension(self) -> str:
        if not self.rows:
            return "A1:A1"
        width = max((len(cells) for _, cells in self.rows.values()), default=1) or 1
        return f"A1:{letter(width)}{max(self.rows)}"


class BufferedSheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer, its rows taken from a `SheetBuffer`. `stream()` writes the
    top of the sheet and the rows (and frees the buffer); saving the workbook then writes the
    rest (merged cells, links, page set-up, header and footer, breaks, drawing) as usual.

    The sheet's file is written directly rather than through an XML serialiser: openpyxl's parts
    of the sheet are serialised element by element (`tostring`, as its own stream does), the
    rows are XML text made here (escaped; UTF-8), the costliest part otherwise."""

    def __init__(self, ws, buffer: SheetBuffer):
        super().__init__(ws)
        self.buffer = buffer
        self._done = False

    def get_stream(self):
        """openpyxl's stream protocol (`send(element)`, `send(True)` for the rows' file,
        `send(None)`), into a plain file."""
        with open(self.out, "wb") as out:
            out.write(b'<worksheet xmlns="%s">' % SHEET_MAIN_NS.encode())
            try:
                while True:
                    el = yield
                    if el is True:
                        yield out
                    elif el is not None:
                        out.write(tostring(el))
            except GeneratorExit:
                out.write(b"</worksheet>")

    def write_dimensions(self) -> None:
        self.xf.send(SheetDimension(self.buffer.dimension()).to_tree())

    def write_merged_cells(self) -> None:
        merges = self.buffer.merges
        if merges:
            root = Element("mergeCells", {"count": str(len(merges))})
            for r1, c1, r2, c2 in merges:
                SubElement(root, "mergeCell", {"ref": f"{letter(c1)}{r1}:{letter(c2)}{r2}"})
            self.xf.send(root)

    def stream(self) -> None:
        self.write_top()
        self.write_rows()

    def write_rows(self) -> None:
        """The sheet's rows (once; called again by openpyxl when the worksheet is closed)."""
        if self._done:
            return
        self._done = True
        buffer = self.buffer
        out = self.xf.send(True)
        out.write(b"<sheetData>")
        chunk: list[str] = []
        for r in sorted(buffer.rows):
            chunk.append(self._row_xml(r, *buffer.rows[r]))
            if len(chunk) >= 500:
                out.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        out.write("".join(chunk).encode("utf-8"))
        out.write(b"</sheetData>")
        self.xf.send(None)
        buffer.rows = {}

    def _row_xml(self, r: int, height: float | None, cells: list) -> str:
        """One row as openpyxl writes it: inline strings, numbers, booleans, dates as serial
        numbers (their cells carry the date format), empty cells kept for their format."""
        rs = str(r)
        parts = [f'<row r="{rs}" ht="{safe_string(height)}" customHeight="1">' if height is not None else f'<row r="{rs}">']
        links = self.buffer.links
        for col, cell in enumerate(cells, start=1):
            if cell is None:
                continue
            value, sid = cell
            ref = (_LETTERS[col] if col < 200 else get_column_letter(col)) + rs
            style = f' s="{sid}"' if sid else ""
            if isinstance(value, Formula):  # asked for by name: the formula and the value it computes
                parts.append(_formula_xml(ref, style, value))
                continue
            if value is None or value == "":
                if sid:
                    parts.append(f'<c r="{ref}"{style} t="{"inlineStr" if value == "" else "n"}"/>')
                continue
            if isinstance(value, str):
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
            else:
                if isinstance(value, dt.date):
                    value = to_excel(value, self.ws.parent.epoch)
                parts.append(f'<c r="{ref}"{style} t="n"><v>{safe_string(value)}</v></c>')
            if links and (r, col) in links:
                self.ws._hyperlinks.append(Hyperlink(ref=ref, target=links[(r, col)]))
        parts.append("</row>")
        return "".join(parts)


def _formula_xml(ref: str, style: str, formula: Formula) -> str:
    """A formula cell with its cached value (what a program shows before it recalculates)."""
    f = f"<f>{_escape(formula.text[1:])}</f>"
    cached = formula.cached
    if cached is None:
        return f'<c r="{ref}"{style}>{f}</c>'
    if isinstance(cached, str):
        return f'<c r="{ref}"{style} t="str">{f}<v>{_escape(clean_text(cached))}</v></c>'
    if isinstance(cached, bool):
        return f'<c r="{ref}"{style} t="b">{f}<v>{int(cached)}</v></c>'
    return f'<c r="{ref}"{style} t="n">{f}<v>{safe_string(cached)}</v></c>'


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")  # a parser would read a bare CR as a line feed
    return text


def cell_value(value: Any) -> Any:
    """A value as the sheets store it: text cleaned, numbers, dates and booleans kept, anything
    else as text."""
    if value is None or isinstance(value, (Number, dt.date, Formula)):
        return value
    return clean_text(value if isinstance(value, str) else str(value))
