"""Any questionnaire a kit holds goes through the same round trip: here one sent to partners,
with a repeat group (one block of rows per item) and a multiple choice inside it."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook
from questionnaire_helpers import fill, rows_by_key

from desktop_app.exports.questionnaire_xlsx import write_template
from desktop_app.services.app_services import Services

TOOL = """
id: questionnaire-partenaires
kind: questionnaire
title: "Questionnaire aux partenaires"
step: questionnaires
purpose: "Recueillir l'engagement des partenaires signataires."
how_to: "À envoyer aux signataires."
sections:
  - id: identite
    title: "Votre structure"
    questions:
      - {id: organisation, type: text, label: "Nom de la structure", required: true}
      - {id: signataire, type: yes_no, label: "Êtes-vous signataire du contrat ?"}
  - id: engagements
    title: "Vos engagements"
    questions:
      - id: actions
        type: repeat_group
        label: "Actions engagées dans les quartiers"
        item_label: "Action"
        max: 3
        questions:
          - {id: intitule, type: text, label: "Intitulé", required: true}
          - {id: montant, type: decimal, label: "Montant", unit: "€", min: 0}
          - id: publics
            type: multiple_choice
            label: "Publics"
            choices: [{value: jeunes, label: "Jeunes"}, {value: femmes, label: "Femmes"}, {value: seniors, label: "Seniors"}]
"""


@pytest.fixture
def partner_services(tmp_path, forms_root):
    forms = tmp_path / "forms"
    shutil.copytree(forms_root, forms)
    (forms / "questionnaire-partenaires.yaml").write_text(TOOL, encoding="utf-8")
    kit = (forms / "kit.yaml").read_text(encoding="utf-8")
    kit = kit.replace("tools:\n", "tools:\n  - {id: questionnaire-partenaires, file: questionnaire-partenaires.yaml}\n", 1)
    (forms / "kit.yaml").write_text(kit, encoding="utf-8")
    services = Services.open(tmp_path / "partenaires.db", forms_dir=forms)
    yield services
    services.close()


@pytest.fixture
def forms_root():
    from desktop_app import paths

    return paths.forms_dir()


def test_repeat_group_round_trip(partner_services, tmp_path):
    s = partner_services
    eid = s.evaluations.create("CA test")
    infos = {i.tool_id: i for i in s.questionnaires.questionnaires(eid)}
    assert infos["questionnaire-partenaires"].respondent_type == "repondant"
    path = write_template(s.questionnaires.template(eid, "questionnaire-partenaires"), tmp_path / "partenaires.xlsx")
    keys = rows_by_key(load_workbook(path)["Questionnaire"])
    assert "actions[3].montant" in keys and "actions[4].montant" not in keys  # as many blocks as the maximum
    fill(path, {
        "organisation": "CAF du Nord",
        "signataire": "Oui",
        "actions[1].intitule": "Accueil des jeunes parents",
        "actions[1].montant": "15 000",
        "actions[1].publics": "Jeunes ; femmes",
        "actions[2].intitule": "Permanences d'accès aux droits",
        "actions[2].montant": "beaucoup",
    })
    [plan] = s.questionnaires.plan_imports(eid, [path])
    assert [i.cell for i in plan.analysis.errors] == [f"D{keys['actions[2].montant']}"]
    [outcome] = s.questionnaires.commit_imports(eid, [plan], partial=True)
    assert outcome.status == "imported" and outcome.respondent == "CAF du Nord"
    answers = s.forms.get(outcome.response_id).answers
    assert answers["actions"] == [
        {"intitule": "Accueil des jeunes parents", "montant": 15000.0, "publics": ["jeunes", "femmes"]},
        {"intitule": "Permanences d'accès aux droits"},
    ]
    results = s.questionnaires.results(eid, "questionnaire-partenaires")
    assert results.question("actions").texts[0].text == "2 action(s) au total"
