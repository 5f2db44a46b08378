"""A questionnaire template opened and saved by LibreOffice (headless conversion xlsx → xlsx) keeps
its drop-down lists on the answer cells, and the saved file, once filled, still imports."""

from __future__ import annotations

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from questionnaire_helpers import COMMUNE_ANSWERS, COMMUNES, fill, rows_by_key

from tests.office_tools import soffice_convert


def validations(path) -> dict[str, tuple]:
    """Every validated cell of the questionnaire sheet → (type, formula1); LibreOffice merges
    adjacent ranges (D17, D18 → D17:D18), so compare cell by cell."""
    ws = load_workbook(path)["Questionnaire"]
    cells = {}
    for dv in ws.data_validations.dataValidation:
        for ref in dv.sqref.ranges:
            c1, r1, c2, r2 = range_boundaries(str(ref))
            for row in range(r1, r2 + 1):
                for col in range(c1, c2 + 1):
                    cells[f"{get_column_letter(col)}{row}"] = (dv.type, dv.formula1)
    return cells


def test_libreoffice_keeps_the_drop_downs_and_the_file_still_imports(services, evaluation, template, tmp_path):
    converted = soffice_convert(template, "xlsx", tmp_path / "lo-out", tmp_path / "lo-profile")
    before, after = validations(template), validations(converted)
    lists = {cell: rule for cell, rule in before.items() if rule[0] == "list"}
    assert len(lists) > 20
    assert after == before  # same cells, same types, same choices (inline or on the hidden « Listes » sheet)

    wb = load_workbook(converted)
    ws = wb["Questionnaire"]
    keys = rows_by_key(ws)
    role = after[f"D{keys['role_pilotage']}"]
    assert role[0] == "list" and role[1].startswith("Listes!")
    column = role[1].split("!")[1].split(":")[0].replace("$", "")[0]
    assert "Informée : nous sommes tenus au courant des décisions" in [c.value for c in wb["Listes"][column] if c.value]
    assert after[f"D{keys['quartier_sortant']}"] == ("list", '"Oui,Non"')
    assert after[f"D{keys['instances=copil']}"] == ("list", '"X"')
    assert ws.cell(keys["code_insee"], 4).value == "59178" and ws.protection.sheet

    # a respondent fills the LibreOffice-saved file; it imports as a complete response
    fill(converted, COMMUNE_ANSWERS)
    [outcome] = services.questionnaires.import_files(evaluation, [converted])
    assert outcome.status == "imported" and not outcome.errors, outcome
    [row] = services.questionnaires.responses(evaluation, COMMUNES)
    answers = services.forms.get(row.id).answers
    assert row.status == "complete"
    assert answers["code_insee"] == "59178" and answers["role_pilotage"] == "associee"
