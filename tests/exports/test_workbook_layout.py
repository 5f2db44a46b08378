"""The filled-grids workbook of the demo keeps its layout as a user opens it: titles and group rows
merged across the sheet with their borders, the matrix's question column merged down, frozen
headers, column widths, row heights for long text, dates shown as dates; and an answer pasted
with a stray control character still exports (the character is dropped)."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter


@pytest.fixture(scope="module")
def exported(demo_services, demo_workbook):
    services, eid = demo_services
    return services, eid, load_workbook(demo_workbook[0])


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _row_of(ws, text, column=1) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} introuvable dans la feuille {ws.title}")


def test_every_sheet_has_its_title_merged_across_its_columns(exported):
    wb = exported[2]
    for ws in wb.worksheets:
        last = max(ws.column_dimensions, key=column_index_from_string)
        assert all(ws.column_dimensions[get_column_letter(i)].width for i in range(1, column_index_from_string(last) + 1))
        assert f"A1:{last}1" in _merged(ws), ws.title
        assert ws["A1"].font.sz == 15 and ws.row_dimensions[1].height == 24
        header, last_title = (int(x.lstrip("$")) for x in ws.print_title_rows.split(":"))
        assert ws.freeze_panes.endswith(str(last_title + 1)), ws.title  # the repeated rows stay in view
        assert ws.cell(header, 1).fill.fgColor.rgb.endswith("1F5F8B") and ws.cell(header, 1).font.b


def test_group_rows_are_merged_with_their_borders(exported):
    ws = exported[2]["Référentiel commun"]
    first_question = next(
        c for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("1. ") and c.fill.fgColor.rgb.endswith("143F5E")
    )
    r = first_question.row
    assert f"A{r}:I{r}" in _merged(ws)
    assert first_question.font.color.rgb.endswith("FFFFFF") and first_question.font.b
    assert ws[f"I{r}"].border.right.style == "thin" and ws[f"D{r}"].border.bottom.style == "thin"
    assert ws[f"D{r}"].value is None
    tall = [h.height for h in ws.row_dimensions.values() if h.height]
    assert max(tall) > 3 * 14.5, "long answers get taller rows"
    sub_question = ws.cell(r + 1, 1)
    assert sub_question.font.b and sub_question.fill.fgColor.rgb.endswith("E6F0F7")


def test_matrix_question_column_is_merged_down(exported):
    ws = exported[2]["Matrice du référentiel"]
    r = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("1. "))
    down = [m for m in _merged(ws) if m.startswith(f"A{r}:A")]
    assert down and int(down[0].split(":A")[1]) > r


def test_dates_are_dates(exported):
    ws = exported[2]["Cadrage"]
    cell = ws.cell(_row_of(ws, "Début de l'évaluation"), 2)
    assert isinstance(cell.value, dt.datetime) and cell.number_format == "DD/MM/YYYY"
    assert f"B{cell.row}:D{cell.row}" in _merged(ws)


def test_an_answer_with_a_control_character_still_exports(exported, tmp_path):
    services, eid, wb = exported
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    found = next(
        (r, k, v)
        for r in services.forms.find(eid)
        if r.tool_id.startswith("questionnaire")
        for k, v in r.answers.items()
        if isinstance(v, str) and len(v) > 30 and v in texts
    )
    response, key, before = found
    try:
        services.forms.set_answer(response.id, key, before + "\x0b(copié depuis un traitement de texte)")
        out = tmp_path / "grilles.xlsx"
        services.exports.xlsx(eid, out, today=date(2026, 12, 10))
        again = load_workbook(out, read_only=True)
        cells = {v for ws in again.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
        again.close()
        assert before + "(copié depuis un traitement de texte)" in cells
    finally:
        services.forms.set_answer(response.id, key, before)
