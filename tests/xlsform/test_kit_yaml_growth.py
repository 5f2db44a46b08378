"""The kit's YAML grown for XLSForm: `constraint` / `constraint_message`, `calculate`, translated
`labels`, question ids with capitals. Each is checked by `kit check` (French message, file and
field), evaluated by core validation and the form renderer, and survives kit → XLSForm → kit."""

from __future__ import annotations

import pytest
import yaml
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from desktop_app.cli import main
from desktop_app.core.validation import compute_calculations, missing_items, validate
from desktop_app.kit.forms import compile_tool, field_index
from desktop_app.kit.loader import KitError, load_files
from desktop_app.kit.xlsform import read_xlsform
from desktop_app.kit.xlsform_export import export_xlsform

MANIFEST = yaml.safe_dump({"id": "k", "version": "1.0", "title": "K", "tools": [{"id": "menages", "file": "menages.yaml"}]})

TOOL = {
    "id": "menages",
    "kind": "questionnaire",
    "title": "Enquête ménages",
    "step": "questionnaires",
    "purpose": "Connaître les ménages.",
    "how_to": "Une fiche par ménage.",
    "sections": [
        {
            "id": "menage",
            "title": "Ménage",
            "questions": [
                {"id": "NomChef", "type": "text", "label": "Nom du chef de ménage",
                 "labels": {"fr": "Nom du chef de ménage", "en": "Head of household"}},
                {"id": "taille", "type": "integer", "label": "Personnes dans le ménage", "min": 1, "max": 30},
                {"id": "nb_enfants", "type": "integer", "label": "Dont enfants",
                 "labels": {"fr": "Dont enfants", "en": "Children"},
                 "constraint": ". >= 0 and . < taille", "constraint_message": "Moins d'enfants que de personnes dans le ménage"},
                {"id": "nb_adultes", "type": "integer", "label": "Adultes", "calculate": "taille - nb_enfants"},
                {"id": "services", "type": "multiple_choice", "label": "Services utilisés",
                 "choices": [{"value": "caf", "label": "CAF"}, {"value": "mairie", "label": "Mairie"}, {"value": "aucun", "label": "Aucun"}],
                 "constraint": "count(.) == 1 or 'aucun' not in .", "constraint_message": "« Aucun » se choisit seul"},
            ],
        }
    ],
}


def _kit(tool: dict):
    return load_files({"kit.yaml": MANIFEST, "menages.yaml": yaml.safe_dump(tool, allow_unicode=True, sort_keys=False)})


@pytest.fixture(scope="module")
def kit():
    return _kit(TOOL)


@pytest.fixture(scope="module")
def form(kit):
    return compile_tool(kit, "menages")


def _grown(tool) -> list[tuple]:
    return [
        (q.id, q.type, q.label, q.labels, q.min, q.max, q.constraint, q.constraint_message, q.calculate,
         [(c.value, c.label) for c in q.choices or []])
        for s in tool.sections for q in s.questions
    ]


def test_round_trip_keeps_constraints_calculations_translations_and_capitals(kit, tmp_path):
    summary = export_xlsform(kit, "menages", tmp_path / "menages.xlsx")
    convert(xlsform=str(summary.path))  # pyxform accepts the constraints, the calculation, both languages
    survey = list(load_workbook(summary.path, read_only=True)["survey"].values)
    rows = {r[1]: dict(zip(survey[0], r, strict=True)) for r in survey[1:] if r[1]}
    assert rows["NomChef"]["label::English (en)"] == "Head of household"
    assert rows["nb_enfants"]["constraint"] == ". >= 0 and . < ${taille}"
    assert rows["nb_enfants"]["constraint_message::Français (fr)"] == "Moins d'enfants que de personnes dans le ménage"
    assert (rows["nb_adultes"]["type"], rows["nb_adultes"]["calculation"]) == ("calculate", "${taille} - ${nb_enfants}")
    assert rows["services"]["constraint"] == "count-selected(.) = 1 or not(selected(., 'aucun'))"
    result = read_xlsform(summary.path)
    assert result.report == [] and result.renamed == {}
    back = load_files({"kit.yaml": MANIFEST, "menages.yaml": result.yaml_text})
    assert _grown(back.tool("menages")) == _grown(kit.tool("menages"))


def test_an_xlsform_written_elsewhere_maps_its_constraint_calculation_and_languages(tmp_path):
    """The same features as a KoboToolbox author writes them (no `evalkit` column)."""
    from tests.xlsform.fixtures import write_form

    path = write_form(
        tmp_path / "kobo.xlsx",
        [
            ["type", "name", "label::Français (fr)", "label::English (en)", "constraint", "constraint_message::Français (fr)", "calculation"],
            ["integer", "Taille", "Taille du ménage", "Household size", ". >= 1", "", ""],
            ["integer", "Enfants", "Enfants", "Children", ". < ${Taille}", "Moins que la taille", ""],
            ["calculate", "Adultes", "", "", "", "", "${Taille} - ${Enfants}"],
            ["select_multiple aides", "Aides", "Aides reçues", "Benefits", "not(selected(., 'aucune')) or count-selected(.) = 1", "", ""],
        ],
        [["list_name", "name", "label::Français (fr)"], ["aides", "caf", "CAF"], ["aides", "aucune", "Aucune"]],
    )
    result = read_xlsform(path, "kobo")
    q = {q["id"]: q for s in yaml.safe_load(result.yaml_text)["sections"] for q in s["questions"]}
    assert q["Taille"]["min"] == 1 and q["Taille"]["labels"] == {"fr": "Taille du ménage", "en": "Household size"}
    assert (q["Enfants"]["constraint"], q["Enfants"]["constraint_message"]) == (". < Taille", "Moins que la taille")
    assert (q["Adultes"]["type"], q["Adultes"]["calculate"]) == ("decimal", "Taille - Enfants")
    assert q["Aides"]["constraint"] == "'aucune' not in . or count(.) == 1"
    assert result.report == [] and result.renamed == {}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda t: t["sections"][0]["questions"][2].update(constraint=". >= 0 and . <"), "questions[2].constraint",
         "la contrainte est invalide"),
        (lambda t: t["sections"][0]["questions"][2].update(constraint="__import__('os')"), "questions[2].constraint",
         "la contrainte est invalide"),
        (lambda t: t["sections"][0]["questions"][3].update(calculate="taille - nb_bebes"), "questions[3].calculate",
         "le calcul cite la question « nb_bebes » qui n'existe pas"),
        (lambda t: t["sections"][0]["questions"][3].update(calculate="nb_adultes + 1"), "questions[3].calculate",
         "le calcul cite sa propre question « nb_adultes »"),
        (lambda t: (t["sections"][0]["questions"][1].update(calculate="nb_adultes + 1", min=None, max=None)),
         "questions[1].calculate", "les calculs se citent en boucle (taille → nb_adultes → taille)"),
        (lambda t: t["sections"][0]["questions"][3].update(calculate=". + 1"), "questions[3].calculate",
         "« . » (la réponse elle-même) n'a de sens que dans une contrainte"),
        (lambda t: t["sections"][0]["questions"][1].update(show_if=". > 1"), "questions[1].show_if",
         "n'a de sens que dans une contrainte"),
        (lambda t: t["sections"][0]["questions"][0].update(labels={"en": "Head of household"}), "questions[0]",
         "« labels » doit contenir la traduction française « fr »"),
        (lambda t: t["sections"][0]["questions"][0].update(labels={"fr": "Autre chose", "en": "x"}), "questions[0]",
         "« labels.fr » doit être identique à « label »"),
        (lambda t: t["sections"][0]["questions"][0].update(labels={"fr": "Nom du chef de ménage", "English": "x"}),
         "questions[0]", "n'est pas un code de langue"),
        (lambda t: t["sections"][0]["questions"][1].update(constraint_message="Trop grand"), "questions[1]",
         "« constraint_message » sans « constraint »"),
        (lambda t: t["sections"][0]["questions"][3].update(type="yes_no"), "questions[3]",
         "« calculate » s'applique à une question text, integer, decimal ou date"),
        (lambda t: t["sections"][0]["questions"][1].update(id="nomchef"), "questions[1].id",
         "seules les majuscules diffèrent"),
        (lambda t: t["sections"][0]["questions"][1].update(id="Taille enfants"), "questions[1].id",
         "« Taille enfants » : identifiant de question invalide (lettres sans accents, majuscules permises"),
    ],
    ids=["syntaxe", "dangereuse", "calcul-inconnu", "calcul-lui-meme", "calcul-boucle", "calcul-point", "condition-point",
         "sans-francais", "francais-different", "code-langue", "message-seul", "calcul-oui-non", "casse", "espace"],
)
def test_kit_check_refuses_each_mistake_with_file_and_field(change, field, words, tmp_path, capsys):
    import copy

    tool = copy.deepcopy(TOOL)
    change(tool)
    with pytest.raises(KitError):
        _kit(tool)
    folder = tmp_path / "kit"
    folder.mkdir()
    (folder / "kit.yaml").write_text(MANIFEST, encoding="utf-8")
    (folder / "menages.yaml").write_text(yaml.safe_dump(tool, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["kit", "check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "menages.yaml" in err and f"sections[0].{field}" in err and words in err and "Traceback" not in err, err


def test_the_shipped_kit_still_checks(capsys):
    assert main(["kit", "check"]) == 0


def test_core_validation_evaluates_the_constraint_with_the_other_answers(form):
    f = field_index(form)
    assert validate(f["nb_enfants"], 2, {"taille": 4}) is None
    assert validate(f["nb_enfants"], 4, {"taille": 4}) == "Moins d'enfants que de personnes dans le ménage"
    assert validate(f["nb_enfants"], -1, {"taille": 4}) == "Moins d'enfants que de personnes dans le ménage"
    assert validate(f["services"], ["aucun"]) is None
    assert validate(f["services"], ["caf", "aucun"]) == "« Aucun » se choisit seul"
    # the type is checked first; a blank answer is never refused by its constraint
    assert validate(f["nb_enfants"], "trois", {"taille": 4}) == "Un nombre est attendu"
    assert validate(f["nb_enfants"], None, {"taille": 4}) is None
    # a cell read alone (imports): the rule citing another question waits for the whole response
    assert validate(f["nb_enfants"], 4) is None and validate(f["nb_enfants"], -1) is None
    to_fix = missing_items(form, {"taille": 3, "nb_enfants": 5})
    assert any("« Dont enfants » est à corriger : Moins d'enfants" in line for line in to_fix)


def test_calculations_follow_the_answers(form):
    assert compute_calculations(form, {"taille": 5, "nb_enfants": 2}) == {"nb_adultes": 3}
    assert compute_calculations(form, {"taille": 5}) == {"nb_adultes": None}  # an operand missing: blank


def test_renderer_shows_the_constraint_message_and_keeps_the_calculation_read_only(qtbot, form):
    from desktop_app.ui.widgets.form_renderer import FormRenderer

    renderer = FormRenderer(form, {"taille": 3})
    qtbot.addWidget(renderer)
    changed: list[tuple[str, object]] = []
    renderer.answerChanged.connect(lambda fid, value: changed.append((fid, value)))
    renderer.resize(1366, 768)
    renderer.show()
    qtbot.waitExposed(renderer)
    row = renderer.row("nb_enfants")
    row.editor.edit.setText("5")
    row.commit()
    assert row.invalid_message() == "Moins d'enfants que de personnes dans le ménage"
    assert row.error_label.isVisibleTo(renderer) and "Moins d'enfants" in row.error_label.text()
    row.editor.edit.setText("1")
    row.commit()
    assert row.invalid_message() is None
    assert ("nb_enfants", 1) in changed and ("nb_adultes", 2) in changed  # computed, sent to be stored
    taille = renderer.row("taille")  # fewer people than children: the rule is checked again
    taille.editor.edit.setText("1")
    taille.commit()
    assert row.invalid_message() == "Moins d'enfants que de personnes dans le ménage"
    taille.editor.edit.setText("3")
    taille.commit()
    assert row.invalid_message() is None
    calc = renderer.row("nb_adultes")
    assert calc.editor.edit.text() == "2" and calc.editor.edit.isReadOnly()
    renderer.set_read_only(False)
    assert calc.editor.edit.isReadOnly()
