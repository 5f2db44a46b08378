"""Answers as French users type them (in the form or in Excel): read, checked, counted."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.validation import (
    AnswerError,
    coerce,
    completion,
    effective_answers,
    format_number,
    is_visible,
    missing_required,
    validate,
    visible_fields,
)
from desktop_app.kit.forms import FormField, Option, compile_tool, field_index
from desktop_app.kit.loader import load_files


def field(type_: str, **kw) -> FormField:
    return FormField(id=kw.pop("id", "q"), type=type_, label=kw.pop("label", "Question"), **kw)


COLORS = (Option("rouge", "Rouge"), Option("vert", "Vert"), Option("jaune", "Jaune pâle"))


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("12 500,50 €", 12500.5),
        ("12\u00a0500,50", 12500.5),
        ("12\u202f500", 12500.0),
        ("1 234", 1234.0),
        ("-3,5", -3.5),
        ("3.5", 3.5),
        ("1.234.567,8", 1234567.8),
        ("1,234.5", 1234.5),
        ("45 %", 45.0),
        (7, 7.0),
        (2.25, 2.25),
    ],
)
def test_decimal_reads_french_numbers(raw, expected):
    assert coerce(field("decimal", unit="€"), raw) == expected


@pytest.mark.parametrize(
    "raw,expected", [("1 234", 1234), ("12", 12), (" 3 ", 3), (4.0, 4), ("1.234", 1234), ("+2", 2)]
)
def test_integer_reads_french_numbers(raw, expected):
    value = coerce(field("integer"), raw)
    assert value == expected and isinstance(value, int)


def test_integer_rejects_decimals_and_words_in_french():
    with pytest.raises(AnswerError, match="« 12,5 » n'est pas un nombre entier"):
        coerce(field("integer"), "12,5")
    with pytest.raises(AnswerError, match="« beaucoup » n'est pas un nombre"):
        coerce(field("integer"), "beaucoup")
    with pytest.raises(AnswerError, match="n'est pas un nombre entier"):
        coerce(field("integer"), 2.5)


def test_number_bounds():
    percent = field("decimal", min=0, max=100)
    assert coerce(percent, "100") == 100.0
    with pytest.raises(AnswerError, match="doit être entre 0 et 100"):
        coerce(percent, "150")
    with pytest.raises(AnswerError, match="supérieure ou égale à 0"):
        coerce(field("integer", min=0), "-1")
    assert validate(percent, 101.0) == "La valeur doit être entre 0 et 100"
    assert validate(percent, 50.0) is None


def test_blank_answers_are_none_never_zero():
    for type_ in ("text", "long_text", "integer", "decimal", "date", "yes_no", "scale"):
        f = field(type_, min=1, max=5) if type_ == "scale" else field(type_)
        assert coerce(f, "") is None
        assert coerce(f, "   ") is None
        assert coerce(f, None) is None
    assert coerce(field("multiple_choice", choices=COLORS), []) is None


def test_format_number_is_french():
    assert format_number(12500.5) == "12\u00a0500,5"
    assert format_number(3.0) == "3"
    assert format_number(-1234) == "-1\u00a0234"


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw",
    [
        "21/11/2026",
        "21/11/26",
        "21-11-2026",
        "21.11.2026",
        "2026-11-21",
        "2026-11-21T10:30:00",
        "21 novembre 2026",
        "samedi 21 novembre 2026",
        "21/11/2026 00:00:00",
        dt.date(2026, 11, 21),
        dt.datetime(2026, 11, 21, 9, 0),
        46347,
    ],
)
def test_dates_are_stored_iso(raw):
    assert coerce(field("date"), raw) == "2026-11-21"


def test_bad_dates_and_bounds():
    with pytest.raises(AnswerError, match="« 31/02/2026 » n'est pas une date valide"):
        coerce(field("date"), "31/02/2026")
    with pytest.raises(AnswerError, match="JJ/MM/AAAA"):
        coerce(field("date"), "demain")
    bounded = field("date", min="2024-01-01", max="2030-12-31")
    with pytest.raises(AnswerError, match="entre le 01/01/2024 et le 31/12/2030"):
        coerce(bounded, "15/06/2023")
    assert coerce(bounded, "15/06/2024") == "2024-06-15"


# ----------------------------------------------------------------------------- choices


def test_single_choice_by_value_or_label_any_case():
    f = field("single_choice", choices=COLORS)
    assert coerce(f, "vert") == "vert"
    assert coerce(f, "Rouge") == "rouge"
    assert coerce(f, "JAUNE PALE") == "jaune"
    with pytest.raises(AnswerError) as err:
        coerce(f, "bleu")
    assert err.value.message == "« bleu » ne fait pas partie des choix proposés : Rouge, Vert, Jaune pâle"


def test_single_choice_other_text_is_kept_when_allowed():
    f = field("single_choice", choices=COLORS, allow_other=True)
    assert coerce(f, "  Bleu   outremer ") == "Bleu outremer"
    assert validate(f, "Bleu outremer") is None


def test_numeric_level_values_match_from_excel_numbers():
    levels = field(
        "single_choice", choices=(Option("0", "0 – Absent : rien"), Option("3", "3 – Intégré : tout"))
    )
    assert coerce(levels, 3.0) == "3"
    assert coerce(levels, "3") == "3"
    assert coerce(levels, "intégré") == "3"


def test_multiple_choice_separators_labels_and_order():
    f = field("multiple_choice", choices=COLORS)
    assert coerce(f, "Vert; rouge") == ["rouge", "vert"]
    assert coerce(f, "vert, jaune pâle") == ["vert", "jaune"]
    assert coerce(f, ["jaune", "Rouge"]) == ["rouge", "jaune"]
    with pytest.raises(AnswerError, match="« bleu » ne fait pas partie des choix proposés"):
        coerce(f, "rouge; bleu")
    other = field("multiple_choice", choices=COLORS, allow_other=True)
    assert coerce(other, "rouge; Bleu") == ["rouge", "Bleu"]


def test_label_with_a_comma_is_one_choice():
    f = field("multiple_choice", choices=(Option("a", "Oui, souvent"), Option("b", "Non")))
    assert coerce(f, "Oui, souvent") == ["a"]
    assert coerce(f, "Oui, souvent; Non") == ["a", "b"]


def test_multiple_choice_count_bounds():
    f = field("multiple_choice", choices=COLORS, max=2)
    with pytest.raises(AnswerError, match="Choisissez au plus 2 réponses"):
        coerce(f, "rouge;vert;jaune")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("oui", True),
        ("Non", False),
        ("x", True),
        ("OUI", True),
        ("vrai", True),
        (1, True),
        (0, False),
        (True, True),
        ("n", False),
    ],
)
def test_yes_no(raw, expected):
    assert coerce(field("yes_no"), raw) is expected


def test_yes_no_rejects_maybe():
    with pytest.raises(AnswerError, match="répondez par « Oui » ou « Non »"):
        coerce(field("yes_no"), "peut-être")


def test_scale_numbers_and_end_labels():
    f = field("scale", min=1, max=5, min_label="Pas du tout", max_label="Tout à fait")
    assert coerce(f, "4") == 4
    assert coerce(f, "tout a fait") == 5
    with pytest.raises(AnswerError, match="entre 1 et 5"):
        coerce(f, 6)
    with pytest.raises(AnswerError, match="n'est pas une valeur de l'échelle"):
        coerce(f, "beaucoup")


def test_text_is_trimmed_and_numbers_from_excel_become_french_text():
    assert coerce(field("text"), "  Roubaix   Nord ") == "Roubaix Nord"
    assert coerce(field("long_text"), "Ligne 1\r\nLigne 2\n") == "Ligne 1\nLigne 2"
    assert coerce(field("text"), 0.45) == "0,45"


def test_repeat_group_coerces_each_item():
    group = field(
        "repeat_group",
        item_label="Structure",
        children=(field("text", id="nom", label="Nom"), field("integer", id="salaries", label="Salariés")),
    )
    value = coerce(group, [{"nom": " Alma ", "salaries": "12"}, {"nom": "Centre", "autre": "gardé"}])
    assert value == [{"nom": "Alma", "salaries": 12}, {"nom": "Centre", "autre": "gardé"}]
    with pytest.raises(AnswerError, match="Structure 2, « Salariés » : « 1,5 » n'est pas un nombre entier"):
        coerce(group, [{"nom": "A"}, {"salaries": "1,5"}])


# ----------------------------------------------------------------------------- forms

KIT = """
id: k
version: "1.0"
title: K
tools: [{id: q, file: q.yaml}]
"""
TOOL = """
id: q
kind: questionnaire
title: Q
step: questionnaires
purpose: p
how_to: h
sections:
  - id: s1
    title: "Identité"
    questions:
      - {id: commune, type: text, label: "Commune", required: true}
      - {id: a_cc, type: yes_no, label: "Un conseil citoyen ?"}
      - {id: nb_cc, type: integer, label: "Combien ?", required: true, show_if: "a_cc == true"}
      - {id: detail, type: text, label: "Détail", show_if: "nb_cc > 1"}
      - {id: info, type: note, label: "Merci"}
  - id: s2
    title: "Partenaires"
    show_if: "answered(commune)"
    questions:
      - id: structures
        type: repeat_group
        label: Structures
        item_label: Structure
        questions:
          - {id: nom, type: text, label: "Nom", required: true}
"""


@pytest.fixture
def form():
    return compile_tool(load_files({"kit.yaml": KIT, "q.yaml": TOOL}), "q")


def test_skip_logic_follows_chains_of_hidden_questions(form):
    ids = lambda answers: [f.id for f in visible_fields(form, answers)]  # noqa: E731
    assert ids({}) == ["commune", "a_cc", "info"]
    assert ids({"a_cc": True, "nb_cc": 3}) == ["commune", "a_cc", "nb_cc", "detail", "info"]
    # nb_cc is hidden when a_cc is false, so its answer is ignored and detail hides too
    assert ids({"a_cc": False, "nb_cc": 3, "detail": "x"}) == ["commune", "a_cc", "info"]
    assert effective_answers(form, {"a_cc": False, "nb_cc": 3, "detail": "x"}) == {"a_cc": False}
    assert "structures" in ids({"commune": "Roubaix"})
    fields = field_index(form)
    assert is_visible(fields["nb_cc"], {"a_cc": True}) and not is_visible(fields["nb_cc"], {})
    assert is_visible(form.page("s2"), {"commune": "X"})


def test_missing_required_in_french_for_visible_questions_only(form):
    missing = missing_required(form, {})
    assert [(f.id, m) for f, m in missing] == [
        ("commune", "Identité : la question « Commune » est obligatoire")
    ]
    missing = missing_required(form, {"commune": "Roubaix", "a_cc": True, "structures": [{"nom": "A"}, {}]})
    assert [f.id for f, _ in missing] == ["nb_cc", "nom"]
    assert missing[1][1] == "Partenaires : « Nom » (Structure 2) est obligatoire"


def test_completion_counts_visible_answerable_fields(form):
    assert completion(form, {}) == completion(form, {"nb_cc": 3})  # hidden answer ignored
    c = completion(form, {})
    assert (c.answered, c.total) == (0, 2)  # commune, a_cc (note and hidden ones excluded)
    c = completion(form, {"commune": "Roubaix", "a_cc": True, "nb_cc": 2})
    assert (c.answered, c.total) == (3, 5)
    assert not c.complete and 0 < c.ratio < 1
