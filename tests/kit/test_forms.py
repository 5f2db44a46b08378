"""Every kind of kit tool compiles into the one normalized Form the renderer shows."""

from __future__ import annotations

import pytest

from desktop_app.kit.forms import (
    Form,
    FormField,
    compile_tool,
    field_index,
    iter_fields,
    page_of,
)
from desktop_app.kit.loader import load_files
from tests.kit_builders import kit_files, tool_yaml

QUESTIONNAIRE = tool_yaml(
    "questionnaire",
    "questionnaire",
    "Questionnaire aux communes",
    "questionnaires",
    """
choice_lists:
  - id: frequence
    choices:
      - {value: jamais, label: "Jamais"}
      - {value: souvent, label: "Souvent"}
sections:
  - id: identite
    title: "Identité"
    questions:
      - {id: commune, type: text, label: "Commune", required: true}
      - {id: pilote, type: single_choice, label: "Pilote ?", choice_list: oui_non_nsp}
      - {id: frequence, type: single_choice, label: "Fréquence", choice_list: frequence}
  - id: details
    title: "Détails"
    show_if: "pilote == 'oui'"
    questions:
      - id: structures
        type: repeat_group
        label: "Structures"
        item_label: "Structure"
        questions:
          - {id: nom, type: text, label: "Nom"}
          - {id: type_structure, type: single_choice, label: "Type", choices: [{value: a, label: "Asso"}]}
""",
)

FILES = kit_files(questionnaire=QUESTIONNAIRE)  # the shared kit, with this questionnaire


@pytest.fixture(scope="module")
def kit():
    return load_files(FILES)


@pytest.mark.parametrize(
    "tool_id,kind",
    [
        ("questionnaire", "questionnaire"),
        ("fiche", "record_sheet"),
        ("banque", "question_bank"),
        ("guide", "guide"),
        ("courrier", "letter"),
        ("referentiel", "referential"),
        ("grille", "checklist"),
        ("maturite", "maturity_scale"),
        ("cotation", "scoring_grid"),
    ],
)
def test_every_kind_compiles(kit, tool_id, kind):
    form = compile_tool(kit, tool_id)
    assert isinstance(form, Form)
    assert (form.tool_id, form.kind) == (tool_id, kind)
    assert form.title and form.purpose == "À quoi sert l'outil." and form.how_to == "Comment l'utiliser."
    assert form.pages and all(page.fields for page in form.pages)
    ids = [f.id for f in iter_fields(form)]
    assert len(ids) == len(set(ids)), "field ids are unique within a form"
    assert set(field_index(form)) == set(ids)
    hash(form)  # frozen all the way down


def test_questionnaire_resolves_tool_and_kit_choice_lists(kit):
    form = compile_tool(kit, "questionnaire")
    fields = field_index(form)
    assert [o.label for o in fields["pilote"].choices] == ["Oui", "Non", "Ne sait pas"]  # kit list
    assert [o.value for o in fields["frequence"].choices] == ["jamais", "souvent"]  # tool list
    assert fields["commune"].required
    assert form.page("details").show_if == "pilote == 'oui'"
    group = fields["structures"]
    assert group.type == "repeat_group" and group.item_label == "Structure"
    assert [c.id for c in group.children] == ["nom", "type_structure"]
    assert group.children[1].choices[0].label == "Asso"
    assert page_of(form, "structures").id == "details"


def test_guide_has_a_presentation_page_then_timed_steps(kit):
    form = compile_tool(kit, "guide")
    intro, step = form.pages
    assert intro.title == "Présentation"
    assert all(f.type == "note" for f in intro.fields)
    notes = {f.label: f.help for f in intro.fields}
    assert "• Partager un regard" in notes["Objectifs"]
    assert notes["Public"] == "Partenaires signataires"
    assert notes["Durée"] == "2 h 30"
    assert notes["Installation de la salle"] == "Tables en îlots"
    assert notes["Matériel"] == "• Post-it"
    assert step.duration_minutes == 20 and step.instructions == ("Accueillir", "Tour de table")


def test_letter_shows_a_preview_with_readable_merge_fields(kit):
    form = compile_tool(kit, "courrier")
    preview, options = form.pages
    notes = {f.label: f.help for f in preview.fields}
    assert notes["Objet"] == "Évaluation du contrat de ville de [Nom du territoire]"
    assert "Madame, Monsieur," in notes["Texte du courrier"]
    assert notes["Signature"] == "[Signataire]"
    assert options.fields[0].id == "date_atelier"


def test_referential_one_page_per_question_with_indicator_fields(kit):
    form = compile_tool(kit, "referentiel")
    (page,) = form.pages
    assert page.id == "gouv" and "Gouvernance" in page.title
    assert [f.id for f in page.fields] == [
        "sq1",
        "nb_copil.valeur",
        "nb_copil.source",
        "nb_copil.preuves",
        "nb_copil.appreciation",
        "nb_copil.commentaire",
        "gouv.appreciation",
        "gouv.commentaire",
    ]
    fields = field_index(form)
    assert fields["sq1"].type == "note" and fields["sq1"].label == "Les instances se sont-elles réunies ?"
    assert fields["nb_copil.valeur"].type == "text" and fields["nb_copil.valeur"].unit == "réunions"
    assert fields["nb_copil.source"].placeholder == "Comptes rendus"
    assert fields["nb_copil.preuves"].type == "long_text"
    scale = fields["nb_copil.appreciation"]
    assert scale.type == "single_choice"
    assert (
        scale.choices[0].value == "atteint"
        and scale.choices[0].color == "#2e7d32"
        and scale.choices[0].score == 4
    )
    assert fields["gouv.appreciation"].choices == scale.choices


def test_checklist_pages_by_group_and_typed_columns(kit):
    form = compile_tool(kit, "grille")
    assert [p.title for p in form.pages] == ["Création", "Fonctionnement"]
    assert form.pages[0].instructions == ("Comparez l'obligation et la pratique.",)
    first = form.pages[0].fields
    assert first[0] == FormField(
        id="composition", type="note", label="Composition", help="Référence : Loi du 21 février 2014, art. 7"
    )
    assert first[1].id == "composition.obligation" and first[1].type == "single_choice"
    assert [o.value for o in first[1].choices] == ["oui", "non", "nsp"]
    assert first[2].id == "composition.pratique" and first[2].type == "long_text"
    assert [f.id for f in form.pages[1].fields if f.type == "note"] == ["locaux", "budget"]


def test_maturity_levels_carry_the_domain_description(kit):
    form = compile_tool(kit, "maturite")
    (page,) = form.pages
    level, justification = page.fields
    assert level.id == "portage.niveau" and level.type == "single_choice"
    assert [o.label for o in level.choices] == [
        "0 – Absent : Aucun portage",
        "1 – Émergent : Un élu référent",
        "2 – Structuré : Un plan voté",
    ]
    assert [o.value for o in level.choices] == ["0", "1", "2"]
    assert justification.id == "portage.justification" and justification.type == "long_text"


def test_scoring_grid_levels_and_weight(kit):
    form = compile_tool(kit, "cotation")
    (criterion,) = form.pages[0].fields
    assert criterion.id == "budget" and criterion.type == "single_choice"
    assert [(o.value, o.label, o.score) for o in criterion.choices] == [
        ("1", "1 – Moins de 1 %", 1.0),
        ("3", "3 – Plus de 5 %", 3.0),
    ]
    assert "Pondération : × 2,5" in criterion.help


def test_compile_is_cached_per_kit_digest_and_tool(kit):
    assert compile_tool(kit, "questionnaire") is compile_tool(kit, "questionnaire")
    changed = dict(FILES)
    changed["questionnaire.yaml"] = QUESTIONNAIRE.replace('"Commune"', '"Nom de la commune"')
    other = compile_tool(load_files(changed), "questionnaire")
    assert field_index(other)["commune"].label == "Nom de la commune"
    assert field_index(compile_tool(kit, "questionnaire"))["commune"].label == "Commune"


def test_unknown_tool_is_a_clear_error(kit):
    with pytest.raises(KeyError, match="n'existe pas"):
        compile_tool(kit, "absent")
