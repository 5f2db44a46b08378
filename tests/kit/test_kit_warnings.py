"""Kit 1.1.0 content rules: `kit check` warnings (guide timings, special-category data, with
their acknowledgement in YAML), exclusive answers refused by the engine, and the migration notes
that move answers from 1.0.1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.validation import AnswerError, coerce, validate
from desktop_app.kit.compare import migrate_answers, upgrade_notes
from desktop_app.kit.forms import compile_tool
from desktop_app.kit.loader import load_folder
from desktop_app.kit.warnings import kit_warnings, special_category

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
KIT = load_folder(FORMS)


def _field(tool_id: str, field_id: str):
    form = compile_tool(KIT, tool_id)
    return next(f for p in form.pages for f in p.fields if f.id == field_id)


@pytest.fixture()
def kit_copy(tmp_path) -> Path:
    folder = tmp_path / "kit"
    shutil.copytree(FORMS, folder)
    return folder


def test_shipped_kit_has_no_warning_and_every_guide_adds_up():
    assert kit_warnings(KIT) == []
    for tool in KIT.tools.values():
        if tool.kind == "guide" and not tool.sessions:
            assert sum(s.duration_minutes for s in tool.sections) == tool.meta.duration_minutes, tool.id
    partners = KIT.tool("guide-partenaires")
    assert any("pause" in s.title.lower() for s in partners.sections)  # 3 h 30 has a break
    assert next(s for s in partners.sections if s.id == "brise_glace").duration_minutes >= 15
    groups = KIT.tool("groupe-travail")
    for n in (1, 2, 3):
        steps = [s for s in groups.sections if s.id == f"session_{n}" or s.id.startswith(f"session_{n}_")]
        assert len(steps) >= 4 and sum(s.duration_minutes for s in steps) == groups.meta.duration_minutes


def test_kit_check_warns_when_timings_do_not_add_up(kit_copy, capsys):
    path = kit_copy / "guide-partenaires.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  duration_minutes: 210\n", "  duration_minutes: 180\n", 1), encoding="utf-8")
    assert main(["kit", "check", str(kit_copy)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "Avertissement : guide-partenaires.yaml" in out and "210 min au total" in out and "180 min" in out
    assert main(["kit", "check", str(kit_copy), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is True and any("guide-partenaires.yaml" in w for w in payload["warnings"])


def test_kit_check_flags_special_category_fields_until_acknowledged(kit_copy, capsys):
    path = kit_copy / "questionnaire-associations.yaml"
    text = path.read_text(encoding="utf-8")
    added = (
        "      - id: origine_benevoles\n        type: long_text\n"
        '        label: "Origine des bénévoles"\n'
    )
    anchor = "      - id: nb_benevoles\n"
    path.write_text(text.replace(anchor, added + anchor, 1), encoding="utf-8")
    assert main(["kit", "check", str(kit_copy)]) == 0
    out = capsys.readouterr().out
    assert "origine_benevoles" in out and "article 9" in out
    path.write_text(text.replace(anchor, added + '        special_category_reason: "Commune d\'origine des bénévoles, pas leur origine ethnique."\n' + anchor, 1), encoding="utf-8")
    assert main(["kit", "check", str(kit_copy)]) == 0
    assert "origine_benevoles" not in capsys.readouterr().out


@pytest.mark.parametrize("text,expected", [
    ("Origine ethnique des membres", "l'origine (raciale ou ethnique)"),
    ("religion", "les convictions religieuses"),
    ("etat_de_sante", "la santé"),
    ("Orientation sexuelle", "l'orientation sexuelle"),
    ("Opinions politiques", "les opinions politiques"),
    ("adhesion_syndicale", "l'appartenance syndicale"),
    ("Nom de la commune", None),
    ("Quartier de résidence, âge, genre", None),
])
def test_special_category_words(text, expected):
    assert special_category(text) == expected


def test_cc_representativeness_asks_only_what_the_law_allows():
    label = KIT.tool("cc-questions").sections[2].questions[1].label
    assert "origine" not in label.lower() and "quartier" in label and "âge" in label and "genre" in label


def test_none_is_exclusive_and_refused_with_others():
    field = _field("questionnaire-communes", "instances")
    assert validate(field, ["aucune"]) is None and validate(field, ["copil", "cotech"]) is None
    message = validate(field, ["copil", "aucune"])
    assert message and "« Aucune » ne peut pas être cochée avec d'autres réponses" in message
    with pytest.raises(AnswerError):
        coerce(field, "Comité de pilotage (COPIL) ; Aucune")


def test_tool_6_accepts_every_criterion_of_tool_5():
    bank = {s.id for s in KIT.tool("questions-actions").sections}
    plan = {c.value for c in KIT.choice_list(KIT.tool("methode-actions"), "criteres_evaluatifs").choices}
    assert bank <= plan and {"utilite", "appropriation"} <= plan


def test_kit_check_warns_when_the_method_sheet_lacks_a_bank_criterion(kit_copy, capsys):
    path = kit_copy / "methode-actions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('      - {value: utilite, label: "Utilité"}\n', "", 1), encoding="utf-8")
    assert main(["kit", "check", str(kit_copy)]) == 0
    out = capsys.readouterr().out
    assert "Avertissement : methode-actions.yaml" in out and "utilite" in out


def test_difficulty_scales_run_like_the_others_with_not_concerned():
    for fid in ("difficulte_portail", "difficulte_cerfa"):
        field = _field("questionnaire-associations", fid)
        scored = [o for o in field.choices if o.score is not None]
        assert [o.score for o in scored] == sorted(o.score for o in scored)  # low = difficult, high = easy
        assert scored[0].label == "Très difficile" and scored[-1].label == "Très facile"
        assert any(o.value == "non_concerne" and o.score is None for o in field.choices)


def test_migration_notes_from_101_convert_reversed_and_widened_scales():
    notes = upgrade_notes(KIT, "1.0.1")
    assert notes and upgrade_notes(KIT, "1.1.0") == []
    assert upgrade_notes(KIT, "1.0.0") == notes  # 1.0.0 had the same questions as 1.0.1
    assoc, n = migrate_answers(notes, "questionnaire-associations", {"difficulte_portail": 5, "difficulte_cerfa": 1, "nom_structure": "A"})
    assert assoc == {"difficulte_portail": "tres_difficile", "difficulte_cerfa": "tres_facile", "nom_structure": "A"} and n == 2
    communes, n = migrate_answers(notes, "questionnaire-communes", {"evolution_droit_commun": 1})
    assert communes == {"evolution_droit_commun": 3} and n == 1  # « pas du tout progressé » = stable
    for fid, value in (("difficulte_portail", "tres_difficile"),):
        assert validate(_field("questionnaire-associations", fid), value) is None
    assert validate(_field("questionnaire-communes", "evolution_droit_commun"), 3) is None
