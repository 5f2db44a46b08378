"""The export of all responses in the conventions of KoboToolbox / ODK: a stable response id, labels
or codes (`--labels` / `--codes`), one 0/1 column per option of a multiple choice beside the joined
text, « Autre » texts in their own column (the joined cell splits back exactly), a codebook and a
choices sheet, numbers formatted (€, years, bounds), and a print setup on every sheet."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from questionnaire_helpers import COMMUNES

from desktop_app.cli import main

SHEET = "Réponses communes de l'EPCI"
INSTANCES = "2.2 À quelles instances du contrat la commune participe-t-elle ?"
OTHER_TEXT = "Conseil de quartier ; comité des fêtes"  # a free answer holding the separator


@pytest.fixture
def answered(services, evaluation):
    q = services.questionnaires
    douai = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    for key, value in {"nb_qpv": 2, "instances": ["copil", "cotech", OTHER_TEXT], "annee_reference": 2024,
                       "credits_specifiques": 125000.5, "fonction_repondant": "Secrétaire de mairie"}.items():
        q.set_answer(douai, key, value)
    sin = q.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    q.set_answer(sin, "instances", ["aucune"])
    return douai, sin


def _rows(ws) -> list[dict]:
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_labels_one_row_per_response_with_its_id_and_0_1_columns(services, evaluation, answered, tmp_path):

    douai, sin = answered
    path = services.exports.questionnaire_responses(evaluation, tmp_path / "reponses.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    headers = [c.value for c in ws[1]]
    rows = {r["Répondant"]: r for r in _rows(ws)}
    assert (rows["Douai"]["ID de la réponse"], rows["Sin-le-Noble"]["ID de la réponse"]) == (douai, sin)
    again = {r["Répondant"]: r["ID de la réponse"] for r in _rows(load_workbook(
        services.exports.questionnaire_responses(evaluation, tmp_path / "encore.xlsx"))[SHEET])}
    assert again == {"Douai": douai, "Sin-le-Noble": sin}  # stable from one export to the next

    # the joined cell, then one 0/1 column per option (and « Autre »), then the « Autre » text
    at = headers.index(INSTANCES)
    options = headers[at + 1 : at + 8]
    assert options == ["2.2 › Comité de pilotage (COPIL)", "2.2 › Comité technique (COTECH)",
                       "2.2 › Comité des financeurs ou de programmation", "2.2 › Groupes de travail thématiques",
                       "2.2 › Instances du projet de renouvellement urbain", "2.2 › Aucune", "2.2 › Autre"]
    assert headers[at + 8] == "2.2 › Autre (précisez)"
    douai_row = rows["Douai"]
    assert douai_row[INSTANCES] == "Comité de pilotage (COPIL) ; Comité technique (COTECH) ; Autre"
    assert [douai_row[h] for h in options] == [1, 1, 0, 0, 0, 0, 1]
    assert douai_row["2.2 › Autre (précisez)"] == OTHER_TEXT
    # the cell splits back into exactly the options ticked
    ticked = [h.removeprefix("2.2 › ") for h in options if douai_row[h] == 1]
    assert douai_row[INSTANCES].split(" ; ") == ticked
    assert [rows["Sin-le-Noble"][h] for h in options] == [0, 0, 0, 0, 0, 1, 0]
    assert rows["Sin-le-Noble"]["2.1 Comment décririez-vous le rôle de votre commune dans le pilotage du contrat de ville ?"] is None
    # a single choice answered with a free text: « Autre » and the text beside it
    function = next(h for h in headers if h.startswith("1.5 ") and "›" not in h)
    assert douai_row[function] == "Autre" and douai_row["1.5 › Autre (précisez)"] == "Secrétaire de mairie"

    # numbers: euros formatted as euros, a year without thousands separator, codes as text
    douai_line = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Douai")
    cells = dict(zip(headers, douai_line, strict=True))
    credits = next(h for h in headers if cells[h].value == 125000.5)
    assert cells[credits].value == 125000.5 and "€" in cells[credits].number_format
    year = next(h for h in headers if cells[h].value == 2024)
    assert cells[year].number_format == "0"
    assert cells["Code (INSEE / SIRET)"].value == "59178" and cells["Code (INSEE / SIRET)"].data_type == "s"


def test_codebook_and_choices(services, evaluation, answered, tmp_path):
    from desktop_app.exports.questionnaire_responses_xlsx import CODEBOOK_COLUMNS

    wb = load_workbook(services.exports.questionnaire_responses(evaluation, tmp_path / "reponses.xlsx"))
    assert [c.value for c in wb["Dictionnaire (codebook)"][1]] == CODEBOOK_COLUMNS
    book = {r[4]: dict(zip(CODEBOOK_COLUMNS, r, strict=True))
            for r in wb["Dictionnaire (codebook)"].iter_rows(min_row=2, values_only=True) if r[4]}
    instances = book["instances"]
    assert instances["Question"] == "À quelles instances du contrat la commune participe-t-elle ?"
    assert instances["Type"] == "Choix multiples"
    assert "copil = Comité de pilotage (COPIL)" in instances["Valeurs possibles (code = libellé)"]
    assert "autre = Autre" in instances["Valeurs possibles (code = libellé)"]
    first, last = instances["Colonne(s)"].split("–")
    ws = wb[SHEET]
    assert ws[f"{first}1"].value == INSTANCES and ws[f"{last}1"].value == "2.2 › Autre (précisez)"
    assert book["annee_reference"]["Bornes"] == "2015 – 2030"  # never « 2015.0 – 2030.0 »
    choices = [r for r in wb["Choix (codes)"].iter_rows(min_row=2, values_only=True) if r[1] == "instances"]
    assert ("copil", "Comité de pilotage (COPIL)") in [(r[2], r[3]) for r in choices]
    copil = next(r for r in choices if r[2] == "copil")
    assert ws[f"{copil[4]}1"].value == "2.2 › Comité de pilotage (COPIL)"


def test_cli_codes(services, evaluation, answered, db_path, tmp_path):
    services.close()
    out = tmp_path / "codes.xlsx"
    assert main(["questionnaire", "export", "--db", str(db_path), "--out", str(out), "--codes"]) == 0
    ws = load_workbook(out)[SHEET]
    headers = [c.value for c in ws[1]]
    assert {"instances", "instances/copil", "instances/autre", "instances_autre", "nb_qpv"} <= set(headers)
    douai = next(r for r in _rows(ws) if r["Répondant"] == "Douai")
    assert douai["instances"] == "copil cotech autre"  # ODK: codes joined by a space
    assert (douai["instances/copil"], douai["instances/aucune"], douai["instances/autre"]) == (1, 0, 1)
    assert douai["instances_autre"] == OTHER_TEXT
    assert douai["fonction_repondant"] == "autre"
    for cell in ws[1]:  # an identifier heading is never cut in the middle of the word
        if "/" not in cell.value and " " not in cell.value:
            assert ws.column_dimensions[cell.column_letter].width >= len(cell.value), cell.value
    labels = tmp_path / "libelles.xlsx"
    assert main(["questionnaire", "export", "--db", str(db_path), "--out", str(labels), "--labels"]) == 0
    assert INSTANCES in [c.value for c in load_workbook(labels)[SHEET][1]]


def test_every_sheet_is_set_up_for_printing(services, evaluation, answered, tmp_path):

    wb = load_workbook(services.exports.questionnaire_responses(evaluation, tmp_path / "reponses.xlsx"))
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToHeight == 0 and ws.page_setup.fitToWidth >= 1, ws.title
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes, ws.title
        assert ws.oddFooter.center.text == "Page &P / &N"
    responses = wb[SHEET]
    assert responses.page_setup.orientation == "landscape" and responses.print_title_cols == "$A:$A"
    assert wb["Synthèse"].page_setup.fitToWidth == 1 and wb["Dictionnaire (codebook)"].page_setup.fitToWidth == 1
    # a date-time column is wide enough to be shown (no « ### »)
    modified = [c.value for c in responses[1]].index("Modifiée le") + 1
    assert responses.column_dimensions[responses.cell(1, modified).column_letter].width >= 16


def test_the_exporter_writes_the_plain_data_it_is_given(services, evaluation, answered, tmp_path):
    """The service gathers the responses into plain data; the exporter writes that data, nothing else."""
    from dataclasses import replace

    from desktop_app.exports.questionnaire_responses_xlsx import write_responses

    douai, _sin = answered
    data = services.questionnaires.responses_workbook(evaluation, [COMMUNES])
    sheet = data.questionnaires[0]
    only_douai = replace(sheet, rows=[(r, a) for r, a in sheet.rows if r.id == douai], display="Titre donné à l'export")
    wb = load_workbook(write_responses(replace(data, territory="Territoire donné", questionnaires=[only_douai]),
                                       tmp_path / "r.xlsx"))
    assert [r["Répondant"] for r in _rows(wb[SHEET])] == ["Douai"]
    assert wb["Synthèse"]["A2"].value == "Titre donné à l'export"
    assert wb[SHEET].oddHeader.left.text == "Territoire donné"
