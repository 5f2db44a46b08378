"""The Excel round trip as it happens: a template is generated, a respondent fills it in Excel
(well, or with wrong values, a deleted row, an extra sheet), the file comes back and is imported."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook
from questionnaire_helpers import ASSOCIATIONS, COMMUNE_ANSWERS, COMMUNES, fill, rows_by_key

from desktop_app.core.questionnaire_respondents import Respondent
from desktop_app.exports.questionnaire_xlsx import write_template


def test_template_is_fillable_protected_and_identified(template, evaluation):
    wb = load_workbook(template)
    assert wb.sheetnames == ["Mode d'emploi", "Questionnaire", "Listes", "_evalkit"]
    assert wb["_evalkit"].sheet_state == "veryHidden"
    assert wb["Listes"].sheet_state == "hidden"
    assert wb.security.lockStructure
    ws = wb["Questionnaire"]
    assert ws.protection.sheet
    assert ws.column_dimensions["A"].hidden  # the key column
    keys = rows_by_key(ws)
    # one question per row, the answer column open, identity pre-filled
    assert ws.cell(keys["nom_commune"], 4).value == "Douai"
    assert ws.cell(keys["code_insee"], 4).value == "59178"
    assert ws.cell(keys["nb_qpv"], 4).protection.locked is False
    assert ws.cell(keys["nb_qpv"], 3).protection.locked is True
    assert ws.cell(keys["nb_qpv"], 2).value == "1.3 *"
    # drop-down lists from the choices, number and date validation
    rules = {str(c): dv for dv in ws.data_validations.dataValidation for c in dv.sqref.ranges}
    role = rules[f"D{keys['role_pilotage']}"]
    assert role.type == "list" and role.formula1.startswith("Listes!")
    listed = [c.value for c in wb["Listes"][role.formula1.split("!")[1].split(":")[0].replace("$", "")[0]] if c.value]
    assert "Informée : nous sommes tenus au courant des décisions" in listed
    assert rules[f"D{keys['nb_qpv']}"].type == "whole"
    assert rules[f"D{keys['date_reponse']}"].type == "date"
    assert rules[f"D{keys['quartier_sortant']}"].formula1 == '"Oui,Non"'
    assert rules[f"D{keys['instances=copil']}"].formula1 == '"X"'
    # instructions, skip logic in words, the multiple-choice convention
    guide = " ".join(str(c.value) for c in wb["Mode d'emploi"]["B"] if c.value)
    assert "mettez une croix (X)" in guide and "15/03/2026" in guide and "pilote@agglo.example" in guide
    assert "À remplir seulement si vous avez répondu « Plutôt insatisfait » ou « Très insatisfait » à la question 2.3" in (
        ws.cell(keys["ameliorations_pilotage"], 5).value)
    meta = {r[0]: r[1] for r in wb["_evalkit"].iter_rows(values_only=True) if r[0] and r[0] != "question"}
    assert meta["tool_id"] == COMMUNES and meta["evaluation_id"] == evaluation and meta["kit_version"] == "1.1.0"
    assert meta["respondent_code"] == "59178" and len(meta["token"]) == 32


def test_a_well_filled_file_imports_as_a_complete_response(services, evaluation, template):
    fill(template, {**COMMUNE_ANSWERS, "date_reponse": dt.datetime(2026, 3, 2), "etp_politique_ville": "1,5"})
    [outcome] = services.questionnaires.import_files(evaluation, [template])
    assert outcome.status == "imported" and not outcome.errors, outcome
    [row] = services.questionnaires.responses(evaluation, COMMUNES)
    assert row.status == "complete" and row.source == "Excel (douai.xlsx)" and row.invited
    answers = services.forms.get(row.id).answers
    assert answers["code_insee"] == "59178"
    assert answers["role_pilotage"] == "associee"
    assert answers["instances"] == ["copil", "cotech"]
    assert answers["credits_specifiques"] == 12500.0
    assert answers["etp_politique_ville"] == 1.5
    assert answers["date_reponse"] == "2026-03-02"
    assert answers["clarte_roles"] == 4
    # the file is kept with the response
    assert [a.filename for a in services.attachments.list(evaluation, row.id)] == ["douai.xlsx"]


def test_wrong_values_deleted_row_and_extra_sheet_are_reported_per_cell(services, evaluation, template, tmp_path):
    keys = rows_by_key(load_workbook(template)["Questionnaire"])
    filled = fill(
        template,
        {
            **COMMUNE_ANSWERS,
            "nb_qpv": "deux",  # not a number
            "date_reponse": "31/02/2026",  # no such day
            "instances=copil": "peut-être",  # not a cross
            "clarte_roles": 7,  # out of the scale
            "satisfaction_pilotage": "Plutôt satisfait",
            "ameliorations_pilotage": "Plus de réunions",  # hidden: satisfied respondents skip it
        },
        out=tmp_path / "douai-erreurs.xlsx",
        delete=("connaissance_cc", "besoins_ingenierie"),
        extra_sheet=True,
    )
    [plan] = services.questionnaires.plan_imports(evaluation, [filled])
    a = plan.analysis
    texts = [i.text for i in a.issues]
    errors = [i for i in a.errors]
    assert any(i.cell == f"D{keys['nb_qpv']}" and "« deux » n'est pas un nombre" in i.message for i in errors)
    assert any("n'est pas une date valide" in i.message for i in errors)
    assert any("peut-être" in i.message and "croix" in i.message for i in errors)
    assert any("entre 1 et 5" in i.message for i in errors)
    # the deleted required row is named; the deleted optional one is a warning
    assert any(i.level == "error" and "6.1" in i.question and "absente du fichier" in i.message for i in a.issues)
    assert any(i.level == "warning" and "3.4" in i.question and "supprimée" in i.message for i in a.issues)
    assert any("L'onglet « Mes notes » a été ajouté" in t for t in texts)
    assert any(i.level == "info" and "2.4" in i.question and "ne s'applique pas" in i.message for i in a.issues)
    assert "Cellule D" in errors[0].text and "question 1.3" in errors[0].text

    # a file with errors imports nothing…
    [refused] = services.questionnaires.commit_imports(evaluation, [plan])
    assert refused.status == "refused" and "rien n'est importé" in refused.reason
    assert services.questionnaires.responses(evaluation, COMMUNES) == []
    # …unless the user chooses to import its valid answers
    [partial] = services.questionnaires.commit_imports(evaluation, [plan], partial=[filled.name])
    assert partial.status == "imported" and partial.partial
    [row] = services.questionnaires.responses(evaluation, COMMUNES)
    answers = services.forms.get(row.id).answers
    assert row.status == "draft"
    assert "nb_qpv" not in answers and "clarte_roles" not in answers and "ameliorations_pilotage" not in answers
    assert answers["instances"] == ["cotech"] and answers["role_pilotage"] == "associee"


def test_reimporting_the_same_file_updates_instead_of_duplicating(services, evaluation, template, tmp_path):
    fill(template, COMMUNE_ANSWERS)
    q = services.questionnaires
    [first] = q.import_files(evaluation, [template])
    [again] = q.import_files(evaluation, [template])
    assert again.status == "updated" and again.unchanged and again.response_id == first.response_id
    # the respondent corrects a value and sends the file back (a copy with another name)
    corrected = fill(template, {"nb_qpv": 3}, out=tmp_path / "douai - corrigé.xlsx")
    [update] = q.import_files(evaluation, [corrected])
    assert update.status == "updated" and not update.unchanged and update.response_id == first.response_id
    assert len(q.responses(evaluation, COMMUNES)) == 1
    assert services.forms.get(first.response_id).answers["nb_qpv"] == 3


def test_one_blank_file_sent_to_many_gives_one_response_each(services, evaluation, tmp_path):
    blank = write_template(services.questionnaires.template(evaluation, ASSOCIATIONS), tmp_path / "vierge.xlsx")
    common = {"siege_qpv": "Oui", "nb_salaries": 2, "financeurs=etat_anct": "X", "mode_financement": "Convention pluriannuelle d'objectifs (CPO)",
              "delai_paiement": "De 3 mois à moins de 6 mois", "changements_depuis_2015": "Plus de familles accompagnées."}
    a = fill(blank, {"nom_structure": "Les Amis du Moulin", "siret": 73282932000074, **common}, out=tmp_path / "a.xlsx")
    b = fill(blank, {"nom_structure": "Club de boxe éducative", **common}, out=tmp_path / "b.xlsx")
    outcomes = services.questionnaires.import_files(evaluation, [a, b])
    assert [o.status for o in outcomes] == ["imported", "imported"]
    rows = services.questionnaires.responses(evaluation, ASSOCIATIONS)
    assert sorted(r.respondent.subject_id for r in rows) == ["73282932000074", "club de boxe educative"]
    assert all(r.status == "complete" for r in rows)


def test_a_commune_s_file_replaces_the_response_it_already_had(services, evaluation, template, tmp_path):
    """The template promises « la dernière version remplace la précédente »: one response per
    respondent and questionnaire, counted once in the results, and the report names what it replaced."""
    q = services.questionnaires
    typed = q.new_response(evaluation, COMMUNES, "Douai", "59178")  # begun in the app over the phone
    fill(template, COMMUNE_ANSWERS)
    [plan] = q.plan_imports(evaluation, [template])
    assert plan.action == "update" and plan.response_id == typed and "saisie dans l'application" in plan.replaces
    [outcome] = q.commit_imports(evaluation, [plan])
    assert outcome.status == "updated" and outcome.response_id == typed and not outcome.duplicate
    assert outcome.replaced.startswith("la réponse saisie dans l'application, modifiée le ")
    [row] = q.responses(evaluation, COMMUNES)
    assert row.id == typed and services.forms.get(typed).answers["nb_qpv"] == 2
    assert q.results(evaluation, COMMUNES).question("nb_qpv").answered == 1
    assert q.duplicates(evaluation, COMMUNES) == []


def test_the_same_respondent_twice_in_one_import_gives_one_response(services, evaluation, template, tmp_path):
    q = services.questionnaires
    fill(template, COMMUNE_ANSWERS)
    later = fill(template, {"nb_qpv": 5}, out=tmp_path / "douai - v2.xlsx")
    first, again, last = q.import_files(evaluation, [template, template, later])
    assert (first.status, again.status, last.status) == ("imported", "updated", "updated")
    assert again.unchanged and not again.replaced  # the very same file: nothing to replace
    assert last.replaced == f"la réponse du fichier « {template.name} »"
    assert first.response_id == again.response_id == last.response_id
    [row] = q.responses(evaluation, COMMUNES)
    assert services.forms.get(row.id).answers["nb_qpv"] == 5  # the last file wins


def test_identical_content_never_bumps_a_revision(services, evaluation, template, tmp_path):
    from desktop_app.store.models import FormResponse

    q = services.questionnaires
    fill(template, COMMUNE_ANSWERS)
    [first] = q.import_files(evaluation, [template])
    copy = tmp_path / "copie.xlsx"
    shutil.copy(template, copy)

    def state():
        with services.store.sessions() as s:
            rec = s.get(FormResponse, first.response_id)
            return rec.revision, rec.updated_at

    before = state()
    [again] = q.import_files(evaluation, [copy])
    assert again.unchanged and state() == before


def test_a_respondent_answering_twice_is_kept_twice_when_asked(services, evaluation, template, tmp_path):
    q = services.questionnaires
    q.new_response(evaluation, COMMUNES, "Douai", "59178")  # begun in the app over the phone
    fill(template, COMMUNE_ANSWERS)
    [plan] = q.plan_imports(evaluation, [template], keep_both=True)
    assert plan.action == "create" and plan.duplicate_of == ("Douai (59178)",)
    [outcome] = q.commit_imports(evaluation, [plan])
    assert outcome.duplicate
    [group] = q.duplicates(evaluation, COMMUNES)
    assert group.label == "Douai (59178)" and len(group.rows) == 2
    keep = next(r for r in group.rows if r.source.startswith("Excel"))
    q.keep(keep.id, [r.id for r in group.rows])
    assert [r.id for r in q.responses(evaluation, COMMUNES)] == [keep.id]
    assert q.duplicates(evaluation, COMMUNES) == []


def test_files_of_another_evaluation_questionnaire_or_format_are_refused(services, evaluation, template, tmp_path):
    q = services.questionnaires
    fill(template, COMMUNE_ANSWERS)
    other = services.evaluations.create("CA voisine")
    [refused] = q.import_files(other, [template])
    assert refused.status == "refused" and "autre évaluation" in refused.reason
    [wrong_tool] = q.import_files(evaluation, [template], expected_tool=ASSOCIATIONS)
    assert wrong_tool.status == "refused" and "pas « Questionnaire aux associations" in wrong_tool.reason
    text = tmp_path / "notes.xlsx"
    text.write_text("pas un classeur")
    old = tmp_path / "ancien.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    outcomes = q.import_files(evaluation, [text, old])
    assert [o.status for o in outcomes] == ["refused", "refused"]
    assert "n'est pas un classeur Excel" in outcomes[0].reason
    assert ".xlsx" in outcomes[1].reason
    blank = write_template(services.questionnaires.template(evaluation, COMMUNES, Respondent("commune", "Sin-le-Noble", "59569")),
                           tmp_path / "vide.xlsx")
    [empty] = q.import_files(evaluation, [blank])
    assert empty.status == "refused" and "aucune réponse" in empty.reason


def test_another_kit_version_is_mapped_when_questions_match_and_refused_otherwise(services, evaluation, template, tmp_path):
    fill(template, COMMUNE_ANSWERS)
    wb = load_workbook(template)
    meta = wb["_evalkit"]
    for row in meta.iter_rows():
        if row[0].value == "kit_version":
            row[1].value = "0.9.0"
    reseal(meta)  # a file the application wrote with version 0.9.0 of the kit
    wb.save(tmp_path / "v09.xlsx")
    [mapped] = services.questionnaires.import_files(evaluation, [tmp_path / "v09.xlsx"])
    assert mapped.status == "imported"
    assert any("version 0.9.0 du kit" in n for n in mapped.notes)

    for row in meta.iter_rows():
        if row[0].value == "question" and row[1].value == "role_pilotage":
            row[2].value = "text"  # the question had another type in that version
    reseal(meta)
    wb.save(tmp_path / "v09-autre.xlsx")
    [refused] = services.questionnaires.import_files(evaluation, [tmp_path / "v09-autre.xlsx"])
    assert refused.status == "refused" and "ne correspondent plus" in refused.reason and "a changé de type" in refused.reason


def test_a_file_whose_hidden_sheet_was_deleted_is_refused(services, evaluation, template, tmp_path):
    fill(template, COMMUNE_ANSWERS)
    wb = load_workbook(template)
    wb.security.lockStructure = False
    del wb["_evalkit"]
    wb.save(tmp_path / "sans-reperes.xlsx")
    [outcome] = services.questionnaires.import_files(evaluation, [tmp_path / "sans-reperes.xlsx"])
    assert outcome.status == "refused" and "a été supprimé" in outcome.reason
    assert "Questionnaire aux communes de l'EPCI" in outcome.reason
    assert services.questionnaires.responses(evaluation, COMMUNES) == []


@pytest.mark.parametrize(("key", "value", "said"), [
    ("token", "0" * 32, "a été modifié"), ("kit_version", "0.9.0", "a été modifié"),
    ("format_version", 1, "a été modifié"), ("format_version", "deux", "a été modifié"),
    ("format_version", "3", "version plus récente"),  # as a newer application would write it
    ("evaluation_title", "Autre", "a été modifié"), ("seal", None, "a été modifié"),
])
def test_an_edited_identification_sheet_is_refused(services, evaluation, template, tmp_path, key, value, said):
    fill(template, COMMUNE_ANSWERS)
    wb = load_workbook(template)
    for row in wb["_evalkit"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    wb.save(tmp_path / "modifie.xlsx")
    [outcome] = services.questionnaires.import_files(evaluation, [tmp_path / "modifie.xlsx"])
    assert outcome.status == "refused" and said in outcome.reason
    assert services.questionnaires.responses(evaluation, COMMUNES) == []


def test_a_seal_removed_with_the_version_lowered_is_never_imported_silently(services, evaluation, template, tmp_path):
    """Lowering the format to 1 and deleting the seal row made a hand-edited file pass with a
    mere warning. Such a file is now held back until the user chooses to import it, as a draft."""
    fill(template, COMMUNE_ANSWERS)
    wb = load_workbook(template)
    meta = wb["_evalkit"]
    for row in meta.iter_rows():
        if row[0].value == "format_version":
            row[1].value = 1
        if row[0].value == "seal":
            row[0].value = row[1].value = None
    wb.save(tmp_path / "sans-sceau.xlsx")
    [held] = services.questionnaires.import_files(evaluation, [tmp_path / "sans-sceau.xlsx"])
    assert held.status == "refused" and any("sans sceau" in e for e in held.errors), held
    assert services.questionnaires.responses(evaluation, COMMUNES) == []
    [chosen] = services.questionnaires.import_files(evaluation, [tmp_path / "sans-sceau.xlsx"], partial=True)
    assert chosen.status == "imported"
    assert services.forms.get(chosen.response_id).status == "draft"


def test_choices_typed_in_the_question_row_and_moved_rows(services, evaluation, template, tmp_path):
    wb = load_workbook(template)
    ws = wb["Questionnaire"]
    keys = rows_by_key(ws)
    for key, value in COMMUNE_ANSWERS.items():
        ws.cell(keys[key], 4).value = value
    ws.cell(keys["instances"], 4).value = "COPIL ; groupes de travail thématiques"  # typed after unprotecting
    # the respondent moved the question 8.1 row to the very end
    row = keys["apports_contrat"]
    values = [ws.cell(row, c).value for c in range(1, 6)]
    ws.delete_rows(row)
    for c, v in enumerate(values, start=1):
        ws.cell(ws.max_row + 1 if c == 1 else ws.max_row, c).value = v
    wb.save(tmp_path / "deplace.xlsx")
    [outcome] = services.questionnaires.import_files(evaluation, [tmp_path / "deplace.xlsx"])
    assert outcome.status == "imported" and not outcome.errors, outcome
    answers = services.forms.get(outcome.response_id).answers
    assert answers["apports_contrat"] == "Un programme de réussite éducative."
    assert answers["instances"] == ["copil", "cotech", "groupes_thematiques"]


def test_templates_for_every_invited_respondent(services, evaluation, tmp_path):
    services.questionnaires.add_invitee(evaluation, "commune", "Douai-Extérieur", "59001")
    invitees = services.questionnaires.invitees(evaluation, "commune")
    paths = services.exports.questionnaire_templates(evaluation, COMMUNES, tmp_path / "envoi", [i.respondent for i in invitees])
    assert len(paths) == 3 and len({p.name for p in paths}) == 3
    tokens = set()
    for path, inv in zip(paths, invitees, strict=True):
        wb = load_workbook(path)
        keys = rows_by_key(wb["Questionnaire"])
        assert wb["Questionnaire"].cell(keys["nom_commune"], 4).value == inv.name
        tokens.add(next(r[1] for r in wb["_evalkit"].iter_rows(values_only=True) if r[0] == "token"))
    assert len(tokens) == 3
    shutil.rmtree(tmp_path / "envoi")


def reseal(meta_ws) -> None:
    """Seal the identification sheet again, as the application does when it writes one."""
    from desktop_app.core import questionnaire_sheet as sheet

    meta, questions, seal_cell = {}, [], None
    for row in meta_ws.iter_rows():
        key = row[0].value
        if key == "question":
            cells = [c.value for c in row] + [None] * 6
            questions.append({"key": str(cells[1] or ""), "type": str(cells[2] or ""),
                              "choices": [c for c in str(cells[3] or "").split("|") if c],
                              "label": str(cells[4] or ""), "children": [c for c in str(cells[5] or "").split("|") if c]})
        elif key == sheet.SEAL_KEY:
            seal_cell = row[1]
        elif key is not None:
            meta[key] = row[1].value
    seal_cell.value = sheet.seal(meta, questions)


def test_the_template_exporter_writes_the_plain_data_it_is_given(services, evaluation, tmp_path):
    """The service gathers what a template shows; the exporter writes that data, nothing else."""
    from dataclasses import replace

    from desktop_app.exports.questionnaire_xlsx import write_templates

    info = services.questionnaires.template(evaluation, COMMUNES, Respondent("commune", "Douai", "59178"))
    given = replace(info, short_title="Titre court donné", answers={"nb_qpv": 7}, token="jeton-donne")
    (path,) = write_templates([given], tmp_path / "envoi")
    assert path.name == "Titre court donné - Douai.xlsx"
    wb = load_workbook(path)
    keys = rows_by_key(wb["Questionnaire"])
    assert wb["Questionnaire"].cell(keys["nb_qpv"], 4).value == 7
    assert wb["Questionnaire"].cell(keys["nom_commune"], 4).value == "Douai"
    assert "jeton-donne" in [c.value for row in wb["_evalkit"].iter_rows() for c in row]
