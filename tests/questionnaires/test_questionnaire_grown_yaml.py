"""A questionnaire using the YAML grown for XLSForm (a constraint citing another answer, a
calculation) goes through the Excel round trip: the calculation is computed on import, whatever
the respondent typed in its cell, and the constraint is checked against the whole response."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook
from questionnaire_helpers import fill, rows_by_key

from desktop_app.services.app_services import Services

TOOL = """
id: enquete-menages
kind: questionnaire
title: "Enquête ménages"
step: questionnaires
purpose: "Connaître les ménages."
how_to: "Une fiche par ménage."
sections:
  - id: menage
    title: "Ménage"
    questions:
      - {id: NomChef, type: text, role: respondent_name, label: "Nom du chef de ménage", labels: {fr: "Nom du chef de ménage", en: "Head of household"}}
      - {id: taille, type: integer, label: "Personnes dans le ménage", min: 1}
      - {id: nb_enfants, type: integer, label: "Dont enfants", constraint: ". < taille", constraint_message: "Moins d'enfants que de personnes"}
      - {id: nb_adultes, type: integer, label: "Adultes", calculate: "taille - nb_enfants"}
"""


@pytest.fixture
def services(tmp_path):
    from desktop_app import paths

    forms = tmp_path / "forms"
    shutil.copytree(paths.forms_dir(), forms)
    (forms / "enquete-menages.yaml").write_text(TOOL, encoding="utf-8")
    kit = (forms / "kit.yaml").read_text(encoding="utf-8")
    kit = kit.replace("tools:\n", "tools:\n  - {id: enquete-menages, file: enquete-menages.yaml}\n", 1)
    (forms / "kit.yaml").write_text(kit, encoding="utf-8")
    s = Services.open(tmp_path / "menages.db", forms_dir=forms)
    yield s
    s.close()


def test_calculation_computed_on_import_and_constraint_checked_on_the_response(services, tmp_path):
    s = services
    eid = s.evaluations.create("CA test")
    path = s.exports.questionnaire_template(eid, "enquete-menages", tmp_path / "menages.xlsx")
    keys = rows_by_key(load_workbook(path)["Questionnaire"])
    assert "nb_enfants" in keys and "nb_adultes" not in keys  # computed by the application: no row to fill
    fill(path, {"NomChef": "Durand", "taille": "4", "nb_enfants": "5"})
    [plan] = s.questionnaires.plan_imports(eid, [path])
    [outcome] = s.questionnaires.commit_imports(eid, [plan], partial=True)
    assert outcome.status == "imported", (outcome, [str(i) for i in plan.analysis.issues])
    answers = s.forms.get(outcome.response_id).answers
    assert answers["NomChef"] == "Durand"  # the id keeps its capitals
    assert answers["nb_adultes"] == -1  # computed (4 - 5)
    assert not [i for i in plan.analysis.issues if "supprimée" in i.text]  # no row was expected for it
    problems = s.questionnaires.problems(outcome.response_id)
    assert "« Dont enfants » : Moins d'enfants que de personnes" in problems


def test_a_value_typed_in_an_older_templates_calculated_row_is_ignored(services, tmp_path):
    """A template written before calculations left the sheet still has the row: what the
    respondent typed there is replaced by the computed value."""
    s = services
    eid = s.evaluations.create("CA test")
    path = s.exports.questionnaire_template(eid, "enquete-menages", tmp_path / "menages.xlsx")
    wb = load_workbook(path)
    ws = wb["Questionnaire"]
    ws.insert_rows(ws.max_row + 1)
    ws.cell(ws.max_row + 1, 1).value = "nb_adultes"
    ws.cell(ws.max_row, 4).value = "12"
    wb.save(path)
    fill(path, {"NomChef": "Martin", "taille": "3", "nb_enfants": "1"})
    [outcome] = s.questionnaires.import_files(eid, [path], partial=True)
    assert outcome.status == "imported", outcome
    assert s.forms.get(outcome.response_id).answers["nb_adultes"] == 2
