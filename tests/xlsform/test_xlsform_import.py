"""`evalkit kit import-xlsform`: a French KoboToolbox-style household survey becomes a kit
questionnaire; what cannot map is reported row by row; nothing usable means refused."""

from __future__ import annotations

import json

import pytest
import yaml

from desktop_app.cli import main
from desktop_app.kit.loader import load_files
from desktop_app.kit.xlsform import XlsFormError, normalise_id, read_xlsform
from tests.xlsform.fixtures import write_form, write_household_form


@pytest.fixture(scope="module")
def household(tmp_path_factory):
    return write_household_form(tmp_path_factory.mktemp("xlsform") / "enquete_menages.xlsx")


@pytest.fixture(scope="module")
def imported(household):
    result = read_xlsform(household, "enquete-menages")
    return result, yaml.safe_load(result.yaml_text)


def _questions(tool: dict) -> dict[str, dict]:
    out = {}
    for section in tool["sections"]:
        for q in section["questions"]:
            out[q["id"]] = q
            for child in q.get("questions", []):
                out[child["id"]] = child
    return out


def test_groups_become_sections_with_french_labels(imported):
    _, tool = imported
    assert tool["id"] == "enquete-menages" and tool["kind"] == "questionnaire"
    assert tool["title"] == "Enquête ménages – quartier prioritaire"
    titles = [s["title"] for s in tool["sections"]]
    assert titles == [
        "Identification du ménage",
        "Composition du ménage",
        "Composition du ménage › Logement",  # nested group flattened, path kept in the title
        "Membres du ménage",  # the repeat outside any group: a section of its own
        "Accès aux services",
    ]
    q = _questions(tool)
    assert q["NomEnqueteur"]["label"] == "Nom de l'enquêteur"  # French column, not English
    assert q["NomEnqueteur"]["help"] == "Prénom et nom"
    assert q["NomEnqueteur"]["required"] is True and q["date_enquete"]["required"] is True  # yes / true
    assert "required" not in q["remarques"]


def test_types_choices_or_other_and_repeat(imported):
    _, tool = imported
    q = _questions(tool)
    assert {k: q[k]["type"] for k in ("NomEnqueteur", "date_enquete", "taille_menage", "loyer", "merci")} == {
        "NomEnqueteur": "text", "date_enquete": "date", "taille_menage": "integer", "loyer": "decimal", "merci": "note",
    }
    quartier = q["quartier"]
    assert quartier["type"] == "single_choice" and quartier["allow_other"] is True
    assert [c["value"] for c in quartier["choices"]] == ["centre_ville", "les_bosquets", "la_noue"]  # no "other"
    assert "quartier_other" not in q  # the text box pyxform adds for or_other is the kit's « Autre »
    assert q["services_utilises"]["type"] == "multiple_choice"
    assert [c["label"] for c in q["services_utilises"]["choices"]][:2] == ["CAF", "Mairie de quartier"]
    membres = q["membres"]
    assert membres["type"] == "repeat_group"
    assert [c["id"] for c in membres["questions"]] == ["prenom", "age"]
    assert q["age"]["label"] == "Âge de [Prénom]"  # ${} piping: the cited question's short label
    assert q["merci"]["label"] == "Merci [Nom de l'enquêteur], l'enquête est terminée."


def test_relevant_and_constraints_translated(imported):
    _, tool = imported
    q = _questions(tool)
    assert q["nb_enfants"]["show_if"] == "taille_menage > 1"
    assert q["loyer"]["show_if"] == "statut_logement in ['locataire_social', 'locataire_prive']"
    assert q["autre_service"]["show_if"] == "'autre' in services_utilises"
    assert q["satisfait"]["show_if"] == "count(services_utilises) >= 1 and 'aucun' not in services_utilises"
    assert (q["taille_menage"]["min"], q["taille_menage"]["max"]) == (1, 30)
    assert q["loyer"]["min"] == 0 and "max" not in q["loyer"]
    assert q["age"]["max"] == 120
    assert "show_if" not in q["remarques"]  # string-length(): not translatable, reported


def test_report_names_each_row_that_did_not_map(imported):
    result, _ = imported
    by_name = {line.name: line for line in result.report}
    assert (by_name["gps"].row, by_name["gps"].omitted) == (8, True)
    assert "GPS" in by_name["gps"].reason
    assert by_name["photo_logement"].row == 17 and "photo" in by_name["photo_logement"].reason
    assert by_name["commentaire_audio"].row == 29 and "audio" in by_name["commentaire_audio"].reason
    assert "nb_adultes" not in by_name  # the calculation is now a calculated question
    assert by_name["start"].omitted and "métadonnée" in by_name["start"].reason
    # constraints beyond bounds, translated labels and capitals are mapped: not in the report
    assert "nb_enfants" not in by_name and "NomEnqueteur" not in by_name
    assert by_name["remarques"].row == 30 and "string-length()" in by_name["remarques"].reason
    assert "taille_menage" not in by_name and "loyer" not in by_name
    assert result.renamed == {}  # NomEnqueteur keeps its capitals
    text = "\n".join(result.text_report())
    assert "ligne 8 · gps (geopoint) : position GPS non prise en charge — omise" in text
    assert "NomEnqueteur →" not in text and "Identifiants adaptés" not in text


def test_imported_tool_is_a_valid_kit_tool(imported):
    from desktop_app.kit.forms import compile_tool

    result, _ = imported
    manifest = yaml.safe_dump({"id": "k", "version": "1.0", "title": "K", "tools": [{"id": "enquete-menages", "file": "t.yaml"}]})
    kit = load_files({"kit.yaml": manifest, "t.yaml": result.yaml_text})
    compiled = compile_tool(kit, "enquete-menages")
    assert compiled is not None


def test_cli_writes_the_tool_and_refuses_to_overwrite(household, tmp_path, capsys):
    out = tmp_path / "outils"
    assert main(["kit", "import-xlsform", str(household), "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] and payload["tool"] == "enquetemenages2024"  # form_id from settings, normalised
    assert (out / "enquetemenages2024.yaml").is_file()
    assert any(r["name"] == "gps" and r["row"] == 8 for r in payload["report"])
    before = (out / "enquetemenages2024.yaml").read_text(encoding="utf-8")
    assert main(["kit", "import-xlsform", str(household), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "existe déjà" in err and "Traceback" not in err
    assert (out / "enquetemenages2024.yaml").read_text(encoding="utf-8") == before
    assert main(["kit", "import-xlsform", str(household), "--out", str(out), "--force"]) == 0
    assert "Questionnaire « Enquête ménages" in capsys.readouterr().out
    assert main(["kit", "import-xlsform", str(household), "--out", str(out), "--id", "Enquete Menages"]) == 1
    assert "identifiant « Enquete Menages » invalide" in capsys.readouterr().err


def test_form_with_nothing_usable_is_refused(tmp_path, capsys):
    path = write_form(
        tmp_path / "gps.xlsx",
        [["type", "name", "label"], ["geopoint", "position", "Position"], ["image", "photo", "Photo"],
         ["note", "intro", "Bienvenue"]],
    )
    with pytest.raises(XlsFormError, match="aucune question"):
        read_xlsform(path)
    assert main(["kit", "import-xlsform", str(path), "--out", str(tmp_path / "out")]) == 1
    assert "rien n'a été importé" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_not_an_xlsform_is_refused_in_french(tmp_path, capsys):
    bad = tmp_path / "faux.xlsx"
    bad.write_text("ceci n'est pas un classeur")
    assert main(["kit", "import-xlsform", str(bad), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "n'est pas un XLSForm valide" in err and "Traceback" not in err
    no_survey = write_form(tmp_path / "vide.xlsx", [["a", "b"]])
    no_survey_book = no_survey.with_name("vide2.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(no_survey)
    wb["survey"].title = "questions"
    wb.create_sheet("autre")
    wb.save(no_survey_book)
    with pytest.raises(XlsFormError, match="survey"):
        read_xlsform(no_survey_book)
    with pytest.raises(XlsFormError, match="introuvable"):
        read_xlsform(tmp_path / "absent.xlsx")
    csv = tmp_path / "form.csv"
    csv.write_text("type,name,label\n")
    with pytest.raises(XlsFormError, match=".xlsx ou .xls"):
        read_xlsform(csv)


def test_default_language_shared_lists_external_choices_and_ids(tmp_path):
    path = write_form(
        tmp_path / "simple.xlsx",
        [
            ["type", "name", "label", "required", "relevant", "choice_filter"],
            ["select_one on", "Age", "Avez-vous plus de 60 ans ?", "TRUE", "", ""],
            ["select_one on", "age", "Vivez-vous seul·e ?", "", "${Age} = 'oui'", ""],
            ["select_one_from_file communes.csv", "commune", "Commune", "", "", ""],
            ["select_one on", "class", "Scolarisé ?", "", "", "name != ''"],
            ["text", "precision", "Précisez", "${age} = 'oui'", "", ""],
            ["range", "note_quartier", "Note du quartier", "", "", ""],
        ],
        [["list_name", "name", "label"], ["on", "oui", "Oui"], ["on", "non", "Non"]],
    )
    result = read_xlsform(path)
    tool = yaml.safe_load(result.yaml_text)
    assert tool["id"] == "simple"  # no settings sheet: the file name
    q = _questions(tool)
    # ids keep their capitals, but `age` beside `Age` would differ by case only: renamed
    assert set(q) == {"Age", "age_2", "class_q", "precision", "note_quartier"}
    assert result.renamed == {"age": "age_2", "class": "class_q"}
    assert q["age_2"]["show_if"] == "Age == 'oui'"
    assert q["Age"]["required"] is True
    # a list used by several questions becomes a choice list of the tool
    assert tool["choice_lists"] == [{"id": "on", "choices": [{"value": "oui", "label": "Oui"}, {"value": "non", "label": "Non"}]}]
    assert q["Age"]["choice_list"] == "on"
    assert (q["note_quartier"]["type"], q["note_quartier"]["min"], q["note_quartier"]["max"]) == ("scale", 1, 10)
    report = {line.name: line for line in result.report}
    assert report["commune"].omitted and "fichier externe" in report["commune"].reason
    assert "filtre de choix" in report["class"].reason and not report["class"].omitted
    assert "obligation conditionnelle" in report["precision"].reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [("NomEnqueteur", "nomenqueteur"), ("Qualité_logement", "qualite_logement"), ("grp.q-1", "grp_q_1"),
     ("_x", "x"), ("1ere", "q_1ere"), ("if", "if_q"), ("true", "true_q")],
)
def test_ids_are_normalised_to_the_kit_rule(name, expected):
    assert normalise_id(name) == expected


def test_kobo_formbuilder_shapes(tmp_path):
    """What KoboToolbox's form builder writes: `$kuid` columns, `begin group` with a space, a
    `French (fr)` column, logic citing a calculation, a repeat in a repeat, a group condition."""
    blank = [""] * 6
    path = write_form(
        tmp_path / "kobo.xlsx",
        [
            ["type", "name", "label::French (fr)", "required", "relevant", "calculation", "$kuid", "appearance"],
            ["begin group", "grp_1", "Groupe un", "false", "", "", "abc1", "field-list"],
            ["select_one yn", "consent", "Acceptez-vous ?", "true", "", "", "k2", ""],
            ["calculate", "score", "", "", "", "1+2", "k3", ""],
            ["text", "pourquoi", "Pourquoi ${consent} ?", "", "${score} > 2", "", "k4", "multiline"],
            ["end group", *blank, ""],
            ["begin group", "suite", "Suite", "", "${consent} = 'yes'", "", "k5", ""],
            ["begin_repeat", "enfants", "Enfants", "", "", "", "k6", ""],
            ["text", "nom", "Nom", "", "", "", "k7", ""],
            ["begin_repeat", "vaccins", "Vaccins", "", "", "", "k8", ""],
            ["date", "dv", "Date", "", "", "", "k9", ""],
            ["end_repeat", *blank, ""],
            ["end_repeat", *blank, ""],
            ["time", "heure", "Heure", "", "", "", "k10", ""],
            ["end group", *blank, ""],
        ],
        [["list_name", "name", "label::French (fr)"], ["yn", "yes", "Oui"], ["yn", "no", "Non"]],
        [["form_title", "form_id"], ["Test Kobo", "aXy7Kobo"]],
    )
    result = read_xlsform(path)
    tool = yaml.safe_load(result.yaml_text)
    assert result.language == "French (fr)"
    assert [(s["id"], s.get("show_if")) for s in tool["sections"]] == [("grp_1", None), ("suite", "consent == 'yes'")]
    q = _questions(tool)
    assert q["pourquoi"]["type"] == "long_text" and q["pourquoi"]["label"] == "Pourquoi [Acceptez-vous] ?"
    # the calculation is a calculated question now, and logic citing it is kept
    assert q["score"]["type"] == "decimal" and q["score"]["calculate"] == "1 + 2"
    assert q["pourquoi"]["show_if"] == "score > 2"
    assert [c["id"] for c in q["enfants"]["questions"]] == ["nom"]
    report = {line.name: line for line in result.report}
    assert "pourquoi" not in report and "score" not in report
    assert report["vaccins"].row == 10 and report["vaccins"].omitted and "imbriquée" in report["vaccins"].reason
    assert report["heure"].omitted
    assert "5 questions en 2 sections" in result.text_report()[0]
