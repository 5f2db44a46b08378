"""The demo's workbooks as a comité de pilotage prints them and a user edits them: the weighted
score and the rank of « Choix des actions » are live formulas (LibreOffice recomputes them when a
level changes), the actions export sorts scores and ranks as numbers and names the territory in
its page header, and every sheet of every workbook has its print setup (A4, fit to the page width,
headings repeated, landscape when wide), date columns wide enough, wrapped text with rows tall
enough for it, amounts in euros."""

from __future__ import annotations

import csv
import datetime as dt
import math
import subprocess

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.office_tools import SOFFICE_TIMEOUT, require_tool

GRID = "Choix des actions"


@pytest.fixture(scope="module")
def workbooks(demo_services, demo_workbook, tmp_path_factory):
    """Every workbook of the demo: {name: path}."""

    services, eid = demo_services
    folder = tmp_path_factory.mktemp("classeurs")
    services.terrain.export_workbook(eid, folder / "terrain.xlsx")
    return {
        "grilles": demo_workbook[0],
        "actions": services.actions.export_workbook(eid, folder / "actions.xlsx"),
        "terrain": folder / "terrain.xlsx",
        "questionnaires": services.exports.questionnaire_responses(eid, folder / "questionnaires.xlsx"),
    }


@pytest.fixture(scope="module")
def books(workbooks):
    """The workbooks opened once (formulas as written): {name: workbook}. Tests only read them."""
    return {name: load_workbook(path) for name, path in workbooks.items()}


def _grid_rows(ws):
    """(weights row, [data rows]) of the « Choix des actions » sheet."""
    weights = next(c.row for c in ws["B"] if c.value == "Poids du critère")
    rows = []
    for r in range(weights + 1, ws.max_row + 1):
        if not isinstance(ws.cell(r, 1).value, str) or not ws.cell(r, 1).value.startswith("=RANK("):
            break
        rows.append(r)
    return weights, rows


def test_choice_grid_score_and_rank_are_formulas_with_their_values(demo_services, workbooks, books):
    services, eid = demo_services
    grid = services.actions.grid(eid)
    formulas = books["grilles"][GRID]
    values = load_workbook(workbooks["grilles"], data_only=True)[GRID]
    weights_row, rows = _grid_rows(formulas)
    assert len(rows) == len(grid.rows)
    headers = [c.value for c in formulas[weights_row - 1]]
    score_col, tie_col = headers.index("Note") + 1, headers.index("Ex æquo") + 1
    crit = range(4, score_col)
    weights = [values.cell(weights_row, c).value for c in crit]
    assert weights == [grid.weights[c.id] for c in grid.criteria]
    for r, expected in zip(rows, grid.rows, strict=True):
        score = formulas.cell(r, score_col).value
        assert score.startswith("=SUMPRODUCT(") and f"$D${weights_row}:" in score
        assert formulas.cell(r, 1).value.startswith(f"=RANK({get_column_letter(score_col)}{r},")
        levels = [values.cell(r, c).value for c in crit]
        cached = values.cell(r, score_col).value
        assert cached == pytest.approx(sum(w * (v or 0) for w, v in zip(weights, levels, strict=True)))
        assert cached == pytest.approx(expected.total)
        assert values.cell(r, 1).value == expected.rank.rank  # a number, the competition rank
        assert (values.cell(r, tie_col).value == "ex æquo") == expected.rank.tied


def test_changing_a_level_in_libreoffice_recomputes_score_and_rank(workbooks, tmp_path):
    soffice = require_tool("soffice", "libreoffice-calc-nogui")
    wb = load_workbook(workbooks["grilles"])
    ws = wb[GRID]
    weights_row, rows = _grid_rows(ws)
    headers = [c.value for c in ws[weights_row - 1]]
    score_col = headers.index("Note") + 1
    first = rows[0]
    title = ws.cell(first, 2).value
    for c in range(4, score_col):  # the first-ranked action now scores the lowest level everywhere
        ws.cell(first, c).value = 1
    edited = tmp_path / "modifie.xlsx"
    wb.save(edited)
    sheet = wb.sheetnames.index(GRID) + 1
    out = tmp_path / "csv"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless", "--norestore", "--convert-to",
         f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}", "--outdir", str(out),
         str(edited)],
        capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    [converted] = out.glob("*.csv")
    lines = list(csv.reader(converted.open(encoding="utf-8")))
    weights = [float(x) for x in lines[weights_row - 1][3 : score_col - 1]]
    data = [line for line in lines[first - 1 : rows[-1]]]
    scores = {line[1]: float(line[score_col - 1]) for line in data}
    ranks = {line[1]: int(line[0]) for line in data}
    assert scores[title] == pytest.approx(sum(weights))  # recomputed from the new levels
    assert ranks[title] == 1 + sum(1 for s in scores.values() if s > scores[title]) > 1
    assert sorted(ranks.values())[0] == 1 and min(ranks, key=ranks.get) != title


def test_actions_export_ranks_and_scores_are_numbers_and_the_header_names_the_territory(demo_services, books):
    services, eid = demo_services
    territory = services.evaluations.get(eid).territory_name
    wb = books["actions"]
    for name in ("Programmation", "Grille de choix", "Classement", "Actions retenues"):
        ws = wb[name]
        assert ws.oddHeader.left.text == territory, name
        header = int(ws.print_title_rows.split(":")[0].lstrip("$"))
        cols = [c.value for c in ws[header]]
        rank_col, score_col = cols.index("Rang") + 1, cols.index("Score") + 1
        ranks = [ws.cell(r, rank_col) for r in range(header + 1, ws.max_row + 1) if ws.cell(r, rank_col).value is not None]
        assert ranks and all(isinstance(c.value, int) for c in ranks), name
        assert all(isinstance(ws.cell(c.row, score_col).value, (int, float)) for c in ranks), name
        tied = [c for c in ranks if c.number_format.endswith('" ex æquo"')]
        if name == "Programmation":
            assert tied, "the demo has shared ranks, shown by the number format"
    prog = wb["Programmation"]
    assert territory in prog["A2"].value
    header = [c.value for c in prog[4]]
    total = header.index("Total (€)") + 1
    amounts = [prog.cell(r, total) for r in range(5, prog.max_row + 1) if isinstance(prog.cell(r, total).value, (int, float))]
    assert amounts and all("€" in c.number_format for c in amounts)


def _used_widths(ws) -> list[float]:
    return [ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)]


NO_TABLE = {"Graphique du classement", "Graphique du calendrier", "À lire"}  # a chart or a note, no heading row


def test_every_sheet_of_every_workbook_has_a_print_setup(books):
    for name, wb in books.items():
        for ws in wb.worksheets:
            where = f"{name} › {ws.title}"
            setup = ws.page_setup
            assert setup.paperSize is not None and int(setup.paperSize) == 9, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage and int(setup.fitToWidth) >= 1, where
            if ws.title in NO_TABLE:
                continue
            assert int(setup.fitToHeight) == 0, where
            assert ws.print_title_rows, where
            if sum(_used_widths(ws)) > 140:
                assert setup.orientation == "landscape", where
            assert setup.orientation in ("landscape", "portrait"), where


def test_dates_fit_their_columns_and_wrapped_text_its_rows(books):
    """No « ### » (a date column too narrow) and no wrapped text taller than its row (the row
    below would hide it): each wrapped cell's row holds at least the lines its text needs."""
    for name, wb in books.items():
        for ws in wb.worksheets:
            merged = {c for rng in ws.merged_cells.ranges for row in rng.cells for c in [row]}
            widths = _used_widths(ws)
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    where = f"{name} › {ws.title}!{cell.coordinate}"
                    if isinstance(value, dt.datetime) and "H" in cell.number_format.upper():
                        assert widths[cell.column - 1] >= 16, where
                    elif isinstance(value, (dt.date, dt.datetime)):
                        assert widths[cell.column - 1] >= 10, where
                    if (isinstance(value, str) and cell.data_type != "f" and cell.alignment is not None and cell.alignment.wrap_text
                            and (cell.row, cell.column) not in merged and not cell.alignment.textRotation):
                        per_line = widths[cell.column - 1] * 1.3  # generous: a line holds this many characters
                        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))
                        height = ws.row_dimensions[cell.row].height or 15
                        assert height >= 12 * min(lines, 30), (where, value[:60], height)


def test_amounts_are_in_euros_and_codes_are_text(books):
    grids = books["grilles"]
    ws = grids["Questionnaire communes"]
    credits = [row[2] for row in ws.iter_rows() if isinstance(row[1].value, str) and row[1].value.startswith("Crédits propres")]
    assert credits and all(isinstance(c.value, (int, float)) and "€" in c.number_format for c in credits if c.value is not None)
    insee = [row[2] for row in ws.iter_rows() if row[1].value == "Code INSEE de la commune"]
    assert insee and all(c.data_type == "s" and len(c.value) == 5 for c in insee if c.value)
    cadrage = grids["Cadrage"]
    siren = next(row[1] for row in cadrage.iter_rows() if row[0].value == "SIREN")
    assert siren.data_type == "s"
    answers = books["questionnaires"]["Réponses communes de l'EPCI"]
    headers = [c.value for c in answers[1]]
    euros = [i + 1 for i, h in enumerate(headers) if h and h.endswith("(€)")]
    assert euros
    for col in euros:
        cells = [answers.cell(r, col) for r in range(2, answers.max_row + 1) if answers.cell(r, col).value is not None]
        assert cells and all("€" in c.number_format for c in cells)
    code = headers.index("Code (INSEE / SIRET)") + 1
    assert all(answers.cell(r, code).data_type == "s" for r in range(2, answers.max_row + 1) if answers.cell(r, code).value)


def test_the_workbook_writes_the_plain_data_it_is_given(demo_services, tmp_path):
    """The services gather the evaluation into plain data; the workbook writes that data, nothing
    else: a grid given with ties is written as given, equal scores flagged as RANK computes them."""
    from dataclasses import replace
    from types import SimpleNamespace

    from desktop_app.exports.evaluation_workbook import build_workbook
    from desktop_app.services.report_data import gather

    services, eid = demo_services
    data = gather(services, eid, pdf=False)
    tool = next(t for t in data.kit.tools.values() if t.kind == "scoring_grid")
    levels = {"A": 2, "B": 2, "C": 3}
    weights = {c.id: c.weight for c in tool.criteria}
    total = {k: sum(w * v for w in weights.values()) for k, v in levels.items()}
    grid = SimpleNamespace(weights=weights, rows=[
        SimpleNamespace(rank=SimpleNamespace(rank=rank), total=total[k], scores={c.id: SimpleNamespace(value=levels[k]) for c in tool.criteria},
                        action=SimpleNamespace(title=k, carrier="", chosen=False))
        for k, rank in (("C", 1), ("A", 2), ("B", 2))
    ])
    cadrage = replace(data.cadrage, fields={**data.cadrage.fields, "territory_name": "Territoire donné"})
    path = tmp_path / "grilles.xlsx"
    build_workbook(replace(data, action_grid=grid, cadrage=cadrage), path, today=dt.date(2026, 12, 10))
    formulas = load_workbook(path)[GRID]
    values = load_workbook(path, data_only=True)[GRID]
    _, rows = _grid_rows(formulas)
    got = {values.cell(r, 2).value: (values.cell(r, 1).value, values.cell(r, 5 + len(tool.criteria)).value) for r in rows}
    assert got == {"C": (1, None), "A": (2, "ex æquo"), "B": (2, "ex æquo")}
    assert formulas.oddHeader.left.text == "Évaluation du contrat de ville — Territoire donné"
