"""`evalkit questionnaire import-kobo`: KoboToolbox / ODK Central data exports become responses
to a kit questionnaire; re-importing changes nothing; server edits replace; bad rows are refused."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import Workbook

from desktop_app.cli import main
from desktop_app.services.base import ServiceError
from desktop_app.services.kobo_import import KoboImportService

TOOL = "questionnaire-communes"
UUID_A = "5b1e7c1e-0f2d-4a8e-9d61-3c0f5b7a2e11"
UUID_B = "a7d2c9f0-6b3e-4c1d-8e2f-9a0b1c2d3e4f"
UUID_C = "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"
UUID_A2 = "11111111-2222-4333-8444-555555555555"

KOBO_HEADER = [
    "start", "end", "identification/nom_commune", "identification/code_insee", "identification/nb_qpv",
    "identification/quartier_sortant", "identification/fonction_repondant", "identification/fonction_repondant_other",
    "identification/date_reponse", "pilotage/role_pilotage", "pilotage/instances", "pilotage/instances/copil",
    "pilotage/instances/cotech", "pilotage/instances/aucune", "pilotage/satisfaction_pilotage",
    "renouvellement_urbain/projet_ru", "conseil_citoyen/connaissance_cc", "attentes/apports_contrat",
    "commentaire_enqueteur", "meta/instanceID", "meta/deprecatedID", "_id", "_uuid", "_submission_time", "_index",
]


def _kobo_row(name, insee, nb, sortant, fonction, autre, role, instances, marks, sat, ru, cc, apports, uuid_, idx, deprecated=""):
    return [
        "2024-03-15T09:12:00", "2024-03-15T09:40:00", name, insee, nb, sortant, fonction, autre, "2024-03-15", role,
        instances, *marks, sat, ru, cc, apports, "RAS", f"uuid:{uuid_}", deprecated and f"uuid:{deprecated}",
        1000 + idx, uuid_, "2024-03-15T10:00:00", idx,
    ]


ROWS = [
    _kobo_row("Douai", "59178", 2, "yes", "maire", "", "copilote", "copil cotech", (1, 1, 0), "plutot_satisfait",
              "npnru_national", "bien", "Des moyens humains", UUID_A, 1),
    _kobo_row("Sin-le-Noble", "59569", 1, "no", "other", "Directrice de cabinet", "associee", "aucune", (0, 0, 1),
              "tres_satisfait", "aucun", "un_peu", "Un meilleur dialogue", UUID_B, 2),
    _kobo_row("Waziers", "59654", "beaucoup", "no", "dgs", "", "inconnu", "", (0, 0, 0), "tres_satisfait", "aucun",
              "bien", "x", UUID_C, 3),
]


def _write_kobo(path, rows, header=KOBO_HEADER):
    wb = Workbook()
    ws = wb.active
    ws.title = "Questionnaire communes"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def kobo_xlsx(tmp_path):
    return _write_kobo(tmp_path / "kobo_export.xlsx", ROWS)


def _responses(services, evaluation_id):
    return sorted(services.forms.find(evaluation_id, TOOL), key=lambda r: r.label)


def test_kobo_export_imports_refuses_bad_rows_and_reimports_idempotently(services, evaluation_id, kobo_xlsx):
    importer = KoboImportService(services)
    result = importer.import_file(evaluation_id, TOOL, kobo_xlsx)
    assert [(r.row, r.outcome) for r in result.rows] == [(2, "imported"), (3, "imported"), (4, "refused")]
    refused = result.rows[2]
    assert any("Nombre de quartiers prioritaires" in m for m in refused.messages)
    assert any("Comment décririez-vous le rôle" in m for m in refused.messages)
    assert result.ignored_columns == ["commentaire_enqueteur"]
    douai, sin = _responses(services, evaluation_id)
    assert douai.label.startswith("Douai") and douai.subject_id == "59178"
    assert douai.answers["nb_qpv"] == 2 and douai.answers["quartier_sortant"] is True
    assert douai.answers["instances"] == ["copil", "cotech"]  # the 0/1 columns
    assert douai.answers["date_reponse"] == "2024-03-15"
    assert sin.answers["fonction_repondant"] == "Directrice de cabinet"  # or_other text
    assert sin.answers["instances"] == ["aucune"]
    revisions = {r.id: r.updated_at for r in _responses(services, evaluation_id)}

    again = importer.import_file(evaluation_id, TOOL, kobo_xlsx)
    assert [r.outcome for r in again.rows] == ["unchanged", "unchanged", "refused"]
    assert {r.id: r.updated_at for r in _responses(services, evaluation_id)} == revisions


def test_edited_submission_replaces_the_earlier_one(services, evaluation_id, kobo_xlsx, tmp_path):
    importer = KoboImportService(services)
    importer.import_file(evaluation_id, TOOL, kobo_xlsx)
    douai_id = _responses(services, evaluation_id)[0].id
    edited = _kobo_row("Douai", "59178", 3, "yes", "maire", "", "copilote", "copil", (1, 0, 0), "plutot_satisfait",
                       "npnru_national", "bien", "Des moyens humains", UUID_A2, 1, deprecated=UUID_A)
    result = importer.import_file(evaluation_id, TOOL, _write_kobo(tmp_path / "edit.xlsx", [edited]))
    assert [r.outcome for r in result.rows] == ["updated"]
    responses = _responses(services, evaluation_id)
    assert len(responses) == 2
    douai = next(r for r in responses if r.id == douai_id)
    assert douai.answers["nb_qpv"] == 3 and douai.answers["instances"] == ["copil"]
    # and the edited version, imported again, changes nothing
    assert [r.outcome for r in importer.import_file(evaluation_id, TOOL, tmp_path / "edit.xlsx").rows] == ["unchanged"]


def test_odk_central_csv_with_dashes_and_space_separated_choices(services, evaluation_id, tmp_path):
    path = tmp_path / "odk.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["SubmissionDate", "identification-nom_commune", "identification-code_insee", "identification-nb_qpv",
                    "pilotage-role_pilotage", "pilotage-instances", "pilotage-satisfaction_pilotage",
                    "renouvellement_urbain-projet_ru", "conseil_citoyen-connaissance_cc", "attentes-apports_contrat",
                    "meta-instanceID", "KEY", "SubmitterName", "ReviewState"])
        w.writerow(["2024-04-02T08:00:00Z", "Cuincy", "59165", "1", "informee", "cotech copil",
                    "plutot_insatisfait", "hors_anru", "de_nom", "Des rencontres", f"uuid:{UUID_A}", f"uuid:{UUID_A}",
                    "enqueteur1", "approved"])
    result = KoboImportService(services).import_file(evaluation_id, TOOL, path)
    assert [r.outcome for r in result.rows] == ["imported"] and result.ignored_columns == []
    (cuincy,) = _responses(services, evaluation_id)
    assert cuincy.answers["instances"] == ["copil", "cotech"] and cuincy.answers["role_pilotage"] == "informee"


def test_label_headers_are_matched(services, evaluation_id, tmp_path):
    path = _write_kobo(
        tmp_path / "labels.xlsx",
        [["Lens", "62498", 1, f"uuid:{UUID_B}"]],
        header=["Nom de la commune", "Code INSEE de la commune",
                "Nombre de quartiers prioritaires (QPV) situés, au moins en partie, sur la commune", "_uuid"],
    )
    result = KoboImportService(services).import_file(evaluation_id, TOOL, path)
    assert [r.outcome for r in result.rows] == ["imported"]
    (lens,) = _responses(services, evaluation_id)
    assert lens.answers == {"nom_commune": "Lens", "code_insee": "62498", "nb_qpv": 1}
    assert lens.status == "draft"  # required questions unanswered


def test_exports_that_do_not_fit_are_refused(services, evaluation_id, tmp_path):
    importer = KoboImportService(services)
    other = _write_kobo(tmp_path / "autre.xlsx", [["a", "b", UUID_A]], header=["menage/taille", "menage/loyer", "_uuid"])
    with pytest.raises(ServiceError, match="ne correspond pas au questionnaire"):
        importer.import_file(evaluation_id, TOOL, other)
    no_id = _write_kobo(tmp_path / "sans_id.xlsx", [["Douai"]], header=["identification/nom_commune"])
    with pytest.raises(ServiceError, match="identifiant de soumission"):
        importer.import_file(evaluation_id, TOOL, no_id)
    with pytest.raises(ServiceError, match="n'existe pas"):
        importer.import_file(evaluation_id, "referentiel", other)
    assert _responses(services, evaluation_id) == []


def test_cli_import_kobo(db_path, services, evaluation_id, kobo_xlsx, capsys):
    services.close()
    code = main(["questionnaire", "import-kobo", str(kobo_xlsx), "--db", str(db_path), "--tool", TOOL, "--json"])
    assert code == 1  # one row refused
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert (payload["imported"], payload["refused"]) == (2, 1)
    assert "Refusée : ligne 4" in captured.err and "Traceback" not in captured.err
    assert main(["questionnaire", "import-kobo", str(kobo_xlsx), "--db", str(db_path), "--tool", TOOL]) == 1
    out = capsys.readouterr().out
    assert "2 inchangée(s)" in out


def test_xlsform_household_survey_end_to_end_with_repeat_sheet(services, evaluation_id, tmp_path):
    """The household XLSForm imported as a kit tool, put in the evaluation's kit, then its Kobo
    export (main sheet + the `membres` repeat sheet, original-case names) imported."""
    import yaml

    from desktop_app.kit.loader import load_files
    from desktop_app.kit.xlsform import read_xlsform
    from desktop_app.store.models import Evaluation
    from tests.xlsform.fixtures import write_household_form

    tool = read_xlsform(write_household_form(tmp_path / "menages.xlsx"), "enquete-menages")
    bundled = services.kits.bundled()
    manifest = yaml.safe_load(bundled.files["kit.yaml"])
    manifest["version"] = "9.9.9"
    manifest["tools"].append({"id": "enquete-menages", "file": "enquete-menages.yaml"})
    files = {**bundled.files, "kit.yaml": yaml.safe_dump(manifest, allow_unicode=True),
             "enquete-menages.yaml": tool.yaml_text}
    services.kits.snapshot(load_files(files))
    with services.store.write() as s:
        s.get(Evaluation, evaluation_id).kit_version = "9.9.9"

    wb = Workbook()
    main_ws = wb.active
    main_ws.title = "Enquête ménages"
    main_ws.append(["Identification/NomEnqueteur", "Identification/date_enquete", "Identification/quartier",
                    "Identification/quartier_other", "Identification/gps", "menage/taille_menage",
                    "menage/logement/statut_logement", "menage/logement/loyer", "services/services_utilises",
                    "services/services_utilises/caf", "services/services_utilises/mairie",
                    "services/services_utilises/autre", "_uuid", "_index"])
    main_ws.append(["Amina", "2024-05-02", "other", "Quartier Gare", "50.37 3.08 20 5", 4, "locataire_social",
                    "412,50", "caf autre", "1", "0", "1", UUID_A, 1])
    repeat = wb.create_sheet("membres")
    repeat.append(["membres/prenom", "membres/age", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"])
    repeat.append(["Amina", 41, 1, "Enquête ménages", 1, UUID_A])
    repeat.append(["Yanis", 12, 2, "Enquête ménages", 1, UUID_A])
    path = tmp_path / "export_kobo.xlsx"
    wb.save(path)

    result = KoboImportService(services).import_file(evaluation_id, "enquete-menages", path)
    assert [r.outcome for r in result.rows] == ["imported"], result.rows
    assert result.ignored_columns == ["Identification/gps"]  # the GPS question was not imported
    (response,) = services.forms.find(evaluation_id, "enquete-menages")
    a = response.answers
    assert a["NomEnqueteur"] == "Amina" and a["quartier"] == "Quartier Gare"
    assert a["loyer"] == 412.5 and a["services_utilises"] == ["caf", "autre"]
    assert a["membres"] == [{"prenom": "Amina", "age": 41}, {"prenom": "Yanis", "age": 12}]


def test_questionnaire_import_recognises_a_kobo_export_and_its_questionnaire(db_path, services, evaluation_id, kobo_xlsx, capsys):
    """`questionnaire import` (the command users already know) takes a Kobo export too: the
    questionnaire is the one whose questions its columns name; re-importing changes nothing."""
    services.close()
    assert main(["questionnaire", "import", str(kobo_xlsx), "--db", str(db_path), "--json"]) == 1  # one row refused
    payload = json.loads(capsys.readouterr().out)
    assert (payload["tool"], payload["imported"], payload["refused"]) == (TOOL, 2, 1)
    assert main(["questionnaire", "import", str(kobo_xlsx), "--db", str(db_path)]) == 1
    assert "2 inchangée(s)" in capsys.readouterr().out


def test_questionnaire_import_does_not_mix_kobo_exports_with_excel_questionnaires(db_path, services, evaluation_id, kobo_xlsx, tmp_path, capsys):
    services.close()
    other = tmp_path / "reponse-douai.xlsx"
    Workbook().save(other)
    assert main(["questionnaire", "import", str(kobo_xlsx), str(other), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "séparément" in err and "Traceback" not in err


def test_questionnaire_xlsform_writes_a_form_pyxform_converts(tmp_path, capsys):
    from pyxform.xls2xform import convert

    out = tmp_path / "communes.xlsx"
    assert main(["questionnaire", "xlsform", TOOL, "--out", str(out)]) == 0
    assert "<h:html" in convert(xlsform=str(out)).xform
