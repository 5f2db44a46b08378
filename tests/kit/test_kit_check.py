"""`evalkit kit check`: the bundled kit is valid; every kind of mistake names the file and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.kit.loader import KitError, load_folder, summarize

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "kits" / "valid"


def test_bundled_kit_is_valid_and_summarised(capsys):
    assert main(["kit", "check"]) == 0
    out = capsys.readouterr().out
    assert "valide" in out and "19 outils" in out
    assert "questionnaires : 2" in out and "échelles de maturité : 2" in out
    assert "indicateurs" in out


def test_bundled_kit_has_every_tool_the_other_steps_rely_on():
    from tests.conftest import FORMS

    kit = load_folder(FORMS)
    expected = {
        "referentiel", "guide-partenaires", "guide-associations", "guide-conseils-citoyens", "choix-actions",
        "questions-actions", "methode-actions", "questionnaire-communes", "questionnaire-associations",
        "courrier-partenaires", "cc-autoevaluation", "cc-portrait-robot", "cc-questions", "maturite-lcd",
        "maturite-efh", "groupe-travail", "fiche-immersion", "fiche-temoignage", "suivi-engagements",
    }
    assert set(kit.tools) == expected
    ref = kit.tool("referentiel")
    assert len(ref.questions) == 4 and all(len(q.sub_questions) >= 3 for q in ref.questions)
    for tid in ("questionnaire-communes", "questionnaire-associations"):
        n = sum(len(s.questions) for s in kit.tool(tid).sections)
        assert 20 <= n <= 45, (tid, n)
    for tid in ("maturite-lcd", "maturite-efh"):
        scale = kit.tool(tid)
        assert len(scale.domains) == 7 and all(len(d.levels) == 6 for d in scale.domains)
    assert len(kit.tool("cc-autoevaluation").items) >= 10
    assert summarize(kit)["indicators"] >= 12


def test_valid_fixture_loads():
    assert summarize(load_folder(VALID))["tools"] == 2


# (file to edit, text to replace, replacement, expected file in message, expected field, expected words)
MISTAKES = {
    "yaml_illisible": ("questionnaire-test.yaml", "title: \"Questionnaire de test\"", "title: [pas fermé", "questionnaire-test.yaml", "ligne", "YAML illisible"),
    "champ_inconnu": ("questionnaire-test.yaml", "purpose:", "purpos:", "questionnaire-test.yaml", "purpos", "champ inconnu"),
    "type_inconnu": ("questionnaire-test.yaml", "type: long_text", "type: paragraphe", "questionnaire-test.yaml", "sections[0].questions[2].type", "valeur non autorisée"),
    "genre_inconnu": ("maturite-test.yaml", "kind: maturity_scale", "kind: echelle", "maturite-test.yaml", "kind", "type d'outil inconnu"),
    "liste_absente": ("questionnaire-test.yaml", "choice_list: oui_non", "choice_list: oui_non_peut_etre", "questionnaire-test.yaml", "sections[0].questions[1].choice_list", "n'existe pas"),
    "condition_question_absente": ("questionnaire-test.yaml", "a_un_cc == 'oui'", "a_un_conseil == 'oui'", "questionnaire-test.yaml", "sections[0].questions[2].show_if", "a_un_conseil"),
    "condition_dangereuse": ("questionnaire-test.yaml", "a_un_cc == 'oui'", "__import__('os').system('ls')", "questionnaire-test.yaml", "show_if", "non autorisée"),
    "identifiant_double": ("questionnaire-test.yaml", "id: detail_cc", "id: nom", "questionnaire-test.yaml", "sections[0].questions[2].id", "en double"),
    "fichier_absent": ("kit.yaml", "file: maturite-test.yaml", "file: maturite-absente.yaml", "kit.yaml", "tools[1].file", "introuvable"),
    "champ_obligatoire": ("maturite-test.yaml", "    recommendation: \"Faire plus.\"\n", "", "maturite-test.yaml", "domains[0].recommendation", "manquant"),
    "identifiant_incoherent": ("maturite-test.yaml", "id: maturite-test", "id: maturite-autre", "maturite-test.yaml", "id", "ne correspond pas"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_each_kind_of_mistake_is_reported_with_file_and_field(case, tmp_path, capsys):
    name, old, new, file, field, words = MISTAKES[case]
    kit = tmp_path / "kit"
    shutil.copytree(VALID, kit)
    path = kit / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")

    assert main(["kit", "check", str(kit)]) == 1
    err = capsys.readouterr().err
    assert file in err and field in err and words in err, err
    assert "Traceback" not in err
    with pytest.raises(KitError):
        load_folder(kit)


def test_json_output_lists_errors(tmp_path, capsys):
    kit = tmp_path / "kit"
    shutil.copytree(VALID, kit)
    (kit / "maturite-test.yaml").write_text("", encoding="utf-8")
    assert main(["kit", "check", str(kit), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and any("maturite-test.yaml" in e for e in payload["errors"])
