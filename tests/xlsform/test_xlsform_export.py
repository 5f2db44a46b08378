"""`evalkit kit export-xlsform`: a kit questionnaire written as an XLSForm that pyxform converts to
XForm, and that imports back with the same questions, choices, requirements and logic."""

from __future__ import annotations

import ast
import json

import pytest
import yaml
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from desktop_app.cli import main
from desktop_app.kit import expressions
from desktop_app.kit.loader import load_files, load_folder
from desktop_app.kit.schema import FormTool
from desktop_app.kit.xlsform import read_xlsform
from desktop_app.kit.xlsform_export import XlsFormExportError, export_xlsform
from tests.conftest import FORMS


@pytest.fixture(scope="module")
def kit():
    return load_folder(FORMS)


QUESTIONNAIRES = [
    "questionnaire-communes", "questionnaire-associations", "questions-actions", "methode-actions",
    "cc-questions", "fiche-immersion", "fiche-temoignage", "suivi-engagements", "etat-qpv", "bilans-annuels",
    "questions-transversales",
]


def test_every_form_tool_of_the_bundled_kit_is_listed(kit):
    assert sorted(t.id for t in kit.tools.values() if isinstance(t, FormTool)) == sorted(QUESTIONNAIRES)


def _condition(source):
    return source and ast.dump(expressions.parse(source).tree)


def _shape(kit, tool):
    """What a round trip must keep, choice lists resolved (inline or shared is a detail)."""
    out = []
    for s in tool.sections:
        out.append(("section", s.id, s.title, s.description, _condition(s.show_if)))

        def walk(questions):
            for q in questions:
                cl = q.choices or (kit.choice_list(tool, q.choice_list).choices if q.choice_list else None)
                out.append((
                    q.id, q.type, q.label, q.help, q.required, q.allow_other, q.min, q.max, q.unit,
                    q.min_label, q.max_label, q.placeholder, q.personal, q.sensitive, q.consent, q.item_label,
                    _condition(q.show_if), [(c.value, c.label, c.exclusive) for c in cl] if cl else None,
                ))
                walk(q.questions or [])

        walk(s.questions)
    return out


@pytest.mark.parametrize("tool_id", QUESTIONNAIRES)
def test_round_trip_keeps_questions_choices_and_logic(kit, tool_id, tmp_path):
    summary = export_xlsform(kit, tool_id, tmp_path / f"{tool_id}.xlsx")
    xform = convert(xlsform=str(summary.path)).xform  # pyxform's XLSForm → XForm, no Java validator
    assert "<h:html" in xform and f'id="{tool_id}"' in xform
    result = read_xlsform(summary.path)
    assert result.tool_id == tool_id and result.report == [] and result.renamed == {}
    manifest = yaml.safe_dump({"id": "k", "version": "1.0", "title": "K", "tools": [{"id": tool_id, "file": "t.yaml"}]})
    back = load_files({"kit.yaml": manifest, "t.yaml": result.yaml_text})
    original = kit.tool(tool_id)
    assert back.tool(tool_id).title == original.title
    assert _shape(back, back.tool(tool_id)) == _shape(kit, original)


def test_xlsform_sheets_hold_french_labels_choices_and_skip_logic(kit, tmp_path):
    path = tmp_path / "communes.xlsx"
    export_xlsform(kit, "questionnaire-communes", path)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    survey = list(wb["survey"].values)
    header = survey[0]
    assert header[:4] == ("type", "name", "label::Français (fr)", "hint::Français (fr)")
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in survey[1:] if r[1]}
    assert rows["identification"]["type"] == "begin_group"
    assert rows["nom_commune"]["required"] == "yes"
    assert rows["fonction_repondant"]["type"] == "select_one fonction_repondant or_other"
    assert rows["nb_qpv"]["constraint"] == ". >= 0"
    assert rows["ameliorations_pilotage"]["relevant"] == (
        "(${satisfaction_pilotage} = 'plutot_insatisfait' or ${satisfaction_pilotage} = 'tres_insatisfait')"
    )
    # « Aucune » excludes the other answers: a constraint KoboCollect / Enketo enforce
    assert rows["instances"]["constraint"] == "not(selected(., 'aucune') and count-selected(.) > 1)"
    assert "« Aucune » ne peut pas être cochée" in rows["instances"]["constraint_message::Français (fr)"]
    assert rows["articulation_ru"]["type"] == "range"
    assert json.loads(rows["articulation_ru"]["evalkit"])["type"] == "scale"
    choices = list(wb["choices"].values)
    assert ("fonction_repondant", "maire", "Maire") in choices
    settings = list(wb["settings"].values)
    assert settings[1][:2] == ("Questionnaire aux communes de l'EPCI", "questionnaire-communes")
    assert settings[1][3] == "Français (fr)"


def test_only_form_tools_export(kit, tmp_path):
    with pytest.raises(XlsFormExportError, match="référentiel|referential"):
        export_xlsform(kit, "referentiel", tmp_path / "r.xlsx")
    with pytest.raises(XlsFormExportError, match="n'existe pas"):
        export_xlsform(kit, "inconnu", tmp_path / "r.xlsx")
    with pytest.raises(XlsFormExportError, match=".xlsx"):
        export_xlsform(kit, "cc-questions", tmp_path / "r.xls")
    assert list(tmp_path.iterdir()) == []


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "q.xlsx"
    assert main(["kit", "export-xlsform", "cc-questions", "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] and payload["file"] == str(out) and payload["questions"] > 10
    assert out.is_file()
    assert main(["kit", "export-xlsform", "guide-partenaires", "--out", str(tmp_path / "g.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : l'outil « guide-partenaires »") and "Traceback" not in err
    assert main(["kit", "export-xlsform", "cc-questions", "--out", str(out), "--kit", str(tmp_path / "nokit")]) == 1
    assert "n'est pas valide" in capsys.readouterr().err
