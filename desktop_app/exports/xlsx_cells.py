"""The one way a value goes into a cell of a workbook the application writes.

Every workbook (actions, fieldwork, questionnaires, the evaluation's grids, the centre's
consolidation) writes its cells through `put`, `set_value` or `append_row`, never through
openpyxl's `ws.cell(..., value=…)`, `cell.value = …` or `ws.append` directly. A test checks it.

What it guarantees:
- text is always a text cell (openpyxl would store `=HYPERLINK(…)` as a live formula): a value
  typed by someone, imported from a spreadsheet or received in a bundle never runs in the
  reader's spreadsheet program. Text that a spreadsheet program would take for a formula when
  the cell is edited (starting with = + - @, a tab or a carriage return) also gets Excel's
  "quote prefix" cell flag, which keeps it text on editing without showing any quote;
- text holds no character XML cannot carry (control characters are dropped, never failing the
  export with openpyxl's `IllegalCharacterError`) and at most Excel's 32,767 characters;
- a formula is written only when the exporter asks for one by name: `put_formula` in an openpyxl
  sheet, `Formula` (with the value it computes, shown until the program recalculates) in the
  filled-grids workbook's streamed sheets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MAX_TEXT = 32767  # Excel's limit for a cell's text (openpyxl truncates the same way)
# characters XML 1.0 cannot hold (openpyxl refuses the control characters, lxml the others)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# what a spreadsheet program reads as the start of a formula when the text is typed or edited
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(text: str) -> str:
    """A string as a cell can hold it: at most 32,767 characters, no character XML cannot hold
    (control characters: openpyxl refuses them; they are dropped rather than failing the export)."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet program would evaluate if it were typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def set_value(cell: Any, value: Any) -> Any:
    """Give an openpyxl cell its value: text always as text (see the module's docstring),
    numbers, dates, booleans and None as they are. Returns the cell."""
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        cell.data_type = "s"  # openpyxl marks text starting with "=" as a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def put(ws: Any, row: int, column: int, value: Any = None) -> Any:
    """The cell at (row, column), holding `value` when one is given (None leaves it as it is,
    as `ws.cell(row, column)` does). Returns the cell, for its format."""
    cell = ws.cell(row=row, column=column)
    if value is not None:
        set_value(cell, value)
    return cell


class Formula:
    """A formula the exporter writes on purpose, for a streamed sheet (`evaluation_xlsx_stream`):
    `text` starts with "=", `cached` is the value it computes when written (a number or text)."""

    __slots__ = ("cached", "text")

    def __init__(self, text: str, cached: Any = None):
        if not text.startswith("="):
            raise ValueError("a formula starts with '='")
        self.text = text
        self.cached = cached

    def __repr__(self) -> str:
        return f"Formula({self.text!r}, {self.cached!r})"


def put_formula(ws: Any, row: int, column: int, formula: str) -> Any:
    """A formula the exporter writes on purpose (a total, say), never a value from the data."""
    if not formula.startswith("="):
        raise ValueError("a formula starts with '='")
    cell = ws.cell(row=row, column=column)
    cell.value = formula
    return cell


def append_row(ws: Any, values: Iterable[Any]) -> int:
    """Append a row after the last one (`ws.append`), text written as `set_value` writes it.
    Returns the row's number."""
    values = [clean_text(v) if isinstance(v, str) else v for v in values]
    ws.append(values)
    row = ws._current_row  # the row append wrote, even an empty one
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = ws.cell(row=row, column=column)
            cell.data_type = "s"
            if looks_like_formula(value):
                cell.quotePrefix = True
    return row
