"""A tool added in YAML alone works everywhere (issue 17): a copy of the kit gets a guide for the
bailleurs sociaux (modelled on the associations' guide) and a questionnaire to them, registered
in `kit.yaml` with their roles, as a resource centre would publish a new kit version. No code
names them: `kit check` passes, an evaluation started with that kit runs the guide in Ateliers
(and mode atelier), sends, enters and imports the questionnaire, and both appear in the PDF, the
workbook, the bundle and the resource centre's consolidation, in the report sections their YAML
names.

The evaluation is started with the new kit folder, then every step is done with the application
as shipped (bundled `forms/`): the evaluation keeps its kit version (its snapshot).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
GUIDE = "guide-bailleurs"
QUESTIONNAIRE = "questionnaire-bailleurs"
NEW_VERSION = "1.2.0"

QUESTIONNAIRE_YAML = """
id: questionnaire-bailleurs
kind: questionnaire
title: "Questionnaire aux bailleurs sociaux"
short_title: "Questionnaire bailleurs"
step: questionnaires
role: questionnaire
respondent_kind: other
report: {section: questionnaires, order: 3}
audience: "Les bailleurs sociaux qui ont du patrimoine dans les quartiers prioritaires."
purpose: "Recueillir la contribution des bailleurs sociaux au contrat de ville."
how_to: "Un questionnaire par bailleur, rempli par la personne chargée de la politique de la ville."
sections:
  - id: identite
    title: "Votre organisme"
    questions:
      - {id: nom_organisme, type: text, role: respondent_name, label: "Nom de l'organisme", required: true}
      - {id: logements_qpv, type: integer, label: "Logements dans les quartiers prioritaires", min: 0}
  - id: partenariat
    title: "Le partenariat"
    questions:
      - {id: abattement_tfpb, type: yes_no, label: "Bénéficiez-vous de l'abattement de TFPB ?"}
      - id: satisfaction_partenariat
        type: single_choice
        label: "Êtes-vous satisfait du partenariat avec la collectivité ?"
        choice_list: satisfaction
"""


def make_kit(folder: Path) -> Path:
    """The shipped kit copied, with the two new tools registered and a new version number."""
    shutil.copytree(ROOT / "forms", folder)
    guide = (folder / "guide-associations.yaml").read_text(encoding="utf-8")
    guide = guide.replace("id: guide-associations", f"id: {GUIDE}", 1)
    guide = re.sub(r'(?m)^title: .*$', 'title: "Guide d\'animation : atelier du groupe Bailleurs sociaux"', guide, count=1)
    guide = re.sub(r'(?m)^short_title: .*$', 'short_title: "Atelier Bailleurs sociaux"', guide, count=1)
    guide = re.sub(r'(?m)^group_label: .*$', 'group_label: "Bailleurs sociaux"', guide, count=1)
    guide = re.sub(r"(?m)^number: .*\n", "", guide, count=1)
    assert "role: workshop_guide" in guide and f"id: {GUIDE}" in guide
    (folder / f"{GUIDE}.yaml").write_text(guide, encoding="utf-8")
    (folder / f"{QUESTIONNAIRE}.yaml").write_text(QUESTIONNAIRE_YAML, encoding="utf-8")
    manifest = (folder / "kit.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace('version: "1.1.0"', f'version: "{NEW_VERSION}"', 1)
    manifest = manifest.rstrip("\n") + (
        f"\n  - {{id: {GUIDE}, file: {GUIDE}.yaml}}\n  - {{id: {QUESTIONNAIRE}, file: {QUESTIONNAIRE}.yaml}}\n"
    )
    (folder / "kit.yaml").write_text(manifest, encoding="utf-8")
    return folder


def fill(path: Path, answers: dict) -> None:
    """Answer a questionnaire template as a respondent does in Excel (rows found by their key)."""
    wb = load_workbook(path)
    ws = wb["Questionnaire"]
    rows = {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    for key, value in answers.items():
        ws.cell(rows[key], 4).value = value
    wb.save(path)


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_template):
    """The evaluation run with the new kit: a workshop of the new guide with its notes, the new
    questionnaire imported from a filled template and entered in the app; the deliverables."""
    from db_templates import copy_sqlite

    from desktop_app.core.questionnaire_respondents import Respondent
    from desktop_app.exports.questionnaire_xlsx import write_template
    from desktop_app.services.app_services import Services

    home = tmp_path_factory.mktemp("new-tool")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVALKIT_HOME", str(home / "home"))
        kit_dir = make_kit(home / "kit")
        db = home / "evalkit.db"
        copy_sqlite(migrated_template, db)
        with_new_kit = Services.open(db, forms_dir=kit_dir, attachments_dir=home / "pieces")
        eid = with_new_kit.evaluations.create("CA du Douaisis", title="Évaluation avec le kit 1.1")
        with_new_kit.close()

        services = Services.open(db, attachments_dir=home / "pieces")  # the application as shipped
        assert services.kits.bundled().version != NEW_VERSION
        workshops_service = services.workshops
        forms, q = services.forms, services.questionnaires
        change = workshops_service.create_workshop(eid, GUIDE, date="2026-03-10", place="Maison de quartier")
        workshop = workshops_service.workshop(change.id)
        forms.set_answers(workshop.response_id, {
            "forces": "Des gardiens présents et connus des habitants",
            "faiblesses": "Des diagnostics en marchant sans suite",
            "preconisations": "Associer les amicales de locataires au comité de pilotage",
        })
        forms.set_status(workshop.response_id, "complete")

        template = write_template(
            services.questionnaires.template(eid, QUESTIONNAIRE, Respondent("repondant", "Habitat du Nord")),
            home / "habitat-du-nord.xlsx",
        )
        fill(template, {"logements_qpv": 1250, "abattement_tfpb": "Oui", "satisfaction_partenariat": "Plutôt satisfait"})
        [imported] = q.import_files(eid, [template])
        entered = q.new_response(eid, QUESTIONNAIRE, name="Logis Métropole")
        q.set_answer(entered, "logements_qpv", 300)
        q.set_answer(entered, "satisfaction_partenariat", "tres_satisfait")

        pdf = services.exports.pdf(eid, home / "synthese.pdf").paths[0]
        xlsx = services.exports.xlsx(eid, home / "grilles.xlsx").paths[0]
        bundle = services.sync.export_bundle(eid, home / "douaisis.evalkit").path
        yield {
            "services": services, "eid": eid, "kit_dir": kit_dir, "workshop": workshop, "imported": imported,
            "entered": entered, "template": template, "pdf": Path(pdf), "xlsx": Path(xlsx), "bundle": Path(bundle),
            "home": home,
        }
        services.close()


def test_kit_check_passes_on_the_new_kit(world, capsys):
    from desktop_app.cli import main

    assert main(["kit", "check", str(world["kit_dir"])]) == 0
    out = capsys.readouterr().out
    assert NEW_VERSION in out and "27 outils" in out.replace("\u202f", " ")


def test_the_evaluation_keeps_the_new_kit_version(world):
    services, eid = world["services"], world["eid"]
    summary = services.evaluations.get(eid)
    assert summary.kit_version == NEW_VERSION
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    assert kit.tool(GUIDE).group_label == "Bailleurs sociaux"
    assert QUESTIONNAIRE in kit.tool_ids_with_role("questionnaire")


def test_the_guide_runs_in_ateliers(world, qtbot, tmp_path):
    from desktop_app.ui.app import build_context
    from desktop_app.ui.tasks import SyncTaskRunner
    from desktop_app.ui.views.ateliers.view import AteliersView

    services, eid = world["services"], world["eid"]
    workshops_service = services.workshops
    offered = {t.tool_id: t for t in workshops_service.workshop_tools(eid)}
    assert offered[GUIDE].label == "Atelier Bailleurs sociaux" and offered[GUIDE].in_scope
    w = next(w for w in workshops_service.workshops(eid) if w.tool_id == GUIDE)
    assert (w.group_label, w.title, w.status) == ("Bailleurs sociaux", "Atelier Bailleurs sociaux", "complete")

    ctx = build_context(services, tmp_path / "prefs.ini", tasks=SyncTaskRunner())
    view = AteliersView(ctx, eid)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    groups = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert groups == ["Bailleurs sociaux (1)"]
    view.new_menu.aboutToShow.emit()  # the « Nouvel atelier » menu, as it opens
    assert "Atelier Bailleurs sociaux" in [a.text() for a in view.new_menu.actions()]
    assert view.tree.select("workshop", w.id)
    editor = view.editor
    assert view.stack.currentWidget() is editor and editor.workshop.id == w.id
    assert editor.notes.renderer.form.tool_id == GUIDE

    editor.mode_button.click()  # the mode atelier projects the new guide's steps
    window = editor.mode.window
    qtbot.waitExposed(window)
    assert window.isVisible() and window.step.text() == "Ouverture"
    editor.close_mode()


def test_the_questionnaire_is_sent_entered_and_imported(world):
    services, eid = world["services"], world["eid"]
    q = services.questionnaires
    info = next(i for i in q.questionnaires(eid) if i.tool_id == QUESTIONNAIRE)
    assert info.in_scope and info.respondent_type == "repondant" and info.responses == 2
    assert world["imported"].status == "imported" and world["imported"].respondent == "Habitat du Nord"
    rows = {r.respondent.name: r for r in q.responses(eid, QUESTIONNAIRE)}
    assert set(rows) == {"Habitat du Nord", "Logis Métropole"}
    answers = services.forms.get(world["imported"].response_id).answers
    assert answers["logements_qpv"] == 1250 and answers["abattement_tfpb"] is True
    assert answers["satisfaction_partenariat"] == "plutot_satisfait"


def _chapters(text: str) -> dict[str, str]:
    """The PDF's text cut at its chapter titles: a title's first occurrence is in the table of
    contents, its second opens the chapter (the next ones are running headers)."""
    titles = ["Ce qu’ont apporté les ateliers et le terrain", "Les résultats des questionnaires",
              "Le référentiel évaluatif", "Annexes"]
    starts = []
    for title in titles:
        found = [m.start() for m in re.finditer(re.escape(title), text)]
        starts.append(found[1])
    return {t: text[s:e] for t, s, e in zip(titles, starts, [*starts[1:], len(text)], strict=True)}


def test_both_tools_appear_in_the_pdf_in_the_sections_their_yaml_names(world):
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(world["pdf"]).pages)
    text = re.sub(r"\s+", " ", text)
    chapters = _chapters(text)
    fieldwork = chapters["Ce qu’ont apporté les ateliers et le terrain"]
    assert "Atelier Bailleurs sociaux" in fieldwork
    assert "Associer les amicales de locataires" in fieldwork
    questionnaires = chapters["Les résultats des questionnaires"]
    assert "Questionnaire aux bailleurs sociaux" in questionnaires
    assert "Questionnaire aux bailleurs sociaux" not in fieldwork
    # the YAML order: communes (1), associations (2), bailleurs (3)
    order = [questionnaires.find(t) for t in ("Questionnaire aux communes", "Questionnaire aux associations",
                                               "Questionnaire aux bailleurs sociaux")]
    assert -1 not in order and order == sorted(order)


def test_both_tools_appear_in_the_workbook(world):
    wb = load_workbook(world["xlsx"], read_only=True)
    assert "Atelier Bailleurs sociaux" in wb.sheetnames and "Questionnaire bailleurs" in wb.sheetnames

    def cells(name: str) -> str:
        return " ".join(str(v) for row in wb[name].iter_rows(values_only=True) for v in row if v is not None)

    assert "Des gardiens présents et connus des habitants" in cells("Atelier Bailleurs sociaux")
    questionnaire = cells("Questionnaire bailleurs")
    assert "Habitat du Nord" in questionnaire and "Logis Métropole" in questionnaire


def test_both_tools_travel_in_the_bundle_and_are_consolidated(world, tmp_path):
    from db_templates import copy_sqlite, sqlite_template

    from desktop_app.services.app_services import Services
    from desktop_app.services.consolidation import consolidate

    copy_sqlite(sqlite_template(), tmp_path / "centre.db")
    centre = Services.open(tmp_path / "centre.db", attachments_dir=tmp_path / "centre-pieces")
    try:
        [result] = centre.sync.import_bundles([world["bundle"]])
        assert result["conflicts"] == 0
        eid = world["eid"]
        by_tool: dict[str, int] = {}
        for r in centre.forms.find(eid):
            by_tool[r.tool_id] = by_tool.get(r.tool_id, 0) + 1
        assert by_tool[GUIDE] == 1 and by_tool[QUESTIONNAIRE] == 2
        kit = centre.kits.get(centre.evaluations.get(eid).kit_id, NEW_VERSION)  # the kit copy travelled too
        assert {GUIDE, QUESTIONNAIRE} <= set(kit.tools)

        data = consolidate(centre)
        bailleurs = next(q for q in data.questionnaires if q.tool_id == QUESTIONNAIRE)
        assert bailleurs.respondents == 2 and bailleurs.territories == 1
        pooled = {p.question_id: p for p in bailleurs.questions}
        assert pooled["satisfaction_partenariat"].answered == 2
    finally:
        centre.close()


def test_no_code_names_the_new_tools():
    hits = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "desktop_app").rglob("*.py")
        if GUIDE in p.read_text(encoding="utf-8") or QUESTIONNAIRE in p.read_text(encoding="utf-8")
    ]
    assert hits == []
    assert os.path.exists(ROOT / "forms" / "guide-associations.yaml")
