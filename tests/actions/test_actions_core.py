"""Pure computations of the actions step: reading numbers and headers, keys, pre-fill, ranking."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.core.action_plan import Milestone, calendar_warnings, question_count_message
from desktop_app.core.programmation import parse_number, parse_year
from desktop_app.core.programmation_headers import detect_header, funder_label, guess_target
from desktop_app.core.programmation_rows import natural_key, section_label, series_key
from desktop_app.core.scoring import (
    ActionFacts,
    matches,
    prefill,
    qpv_label,
    ranking,
    shortlist_message,
    weighted_total,
)


@pytest.mark.parametrize(
    ("typed", "value", "approximate"),
    [
        ("12 500 €", 12500, False), ("12\u202f500,50\u00a0€", 12500.5, False), ("12.500", 12500, False),
        ("12,5 k€", 12500, False), (12500, 12500, False), ("1 234 567,89 euros", 1234567.89, False),
        ("environ 50", 50, True), ("~ 30", 30, True), ("50 env.", 50, True), ("plus de 200", 200, True),
        ("50 à 60", 55, True), ("0,5", 0.5, False),
    ],
)
def test_numbers_typed_the_french_way(typed, value, approximate):
    n = parse_number(typed)
    assert n.value == pytest.approx(value)
    assert n.approximate is approximate
    assert (n.note is not None) is approximate


@pytest.mark.parametrize("typed", ["NC", "n.c.", "N/C", "-", "?", "non communiqué", "à venir"])
def test_not_given_values_are_left_empty_with_a_note(typed):
    n = parse_number(typed)
    assert n.value is None
    assert "non communiqué" in n.note


def test_unreadable_number_and_percent():
    assert parse_number("douze mille").value is None
    assert "pas un nombre lisible" in parse_number("douze mille").note
    assert parse_number("45 %").percent
    assert parse_year("Exercice 2023") == 2023 and parse_year(2024.0) == 2024 and parse_year("NC") is None


@pytest.mark.parametrize(
    ("header", "kind", "funder"),
    [
        ("Intitulé de l'action", "title", ""), ("Libellé", "title", ""), ("Structure porteuse", "carrier", ""),
        ("Opérateur", "carrier", ""), ("N° SIRET", "siret", ""), ("Pilier / axe", "pillar", ""),
        ("Thématique", "pillar", ""), ("QPV concerné(s)", "qpv", ""), ("N° de dossier", "file_number", ""),
        ("Montant accordé État (BOP 147)", "amount", "État (BOP 147)"), ("Subvention Ville", "amount", "Ville"),
        ("CAF (€)", "amount", "CAF"), ("Montant sollicité Région", "requested", "Région"),
        ("Coût total de l'action", "total_cost", ""), ("Nombre de bénéficiaires", "beneficiaries", ""),
        ("dont habitants QPV", "beneficiaries_qpv", ""), ("Part habitants QPV (%)", "beneficiaries_qpv", ""),
        ("Financeur", "funder", ""), ("CPO", "multi_year", ""),
    ],
)
def test_column_headers_are_recognised(header, kind, funder):
    target, _score = guess_target(header, [1200, "3 000 €", None])
    assert (target.kind, target.funder) == (kind, funder)


def test_a_text_column_is_not_taken_for_a_number():
    assert guess_target("Public visé", ["jeunes 16-25 ans", "familles"])[0].kind == "ignore"
    assert funder_label("Montant accordé") == ""


def test_header_row_below_title_rows():
    rows = [
        ["Programmation 2024 du contrat de ville", None, None],
        [None, None, None],
        ["Intitulé", "Porteur", "Montant État"],
        ["Atelier", "Asso", 1000],
    ]
    guess = detect_header(rows)
    assert guess.row == 2
    assert detect_header([["a", "b"], [1, 2]]) is None


def test_keys_link_years_and_identify_rows():
    assert series_key("Accompagnement à la scolarité 2023", "Association Centre social") == \
        series_key("Accompagnement a la scolarite", "Centre social")
    assert natural_key(" 2024-0001 ", "x|y", 2024) == natural_key("2024-0001", "other", 2023) == "dossier:20240001"
    assert natural_key("", "x|y", 2024, "QN05991M") != natural_key("", "x|y", 2024, "QN05992I")
    assert section_label("PILIER 2 — CADRE DE VIE") == "Cadre de vie"


FACTS = ActionFacts(budget=10_000, funders=3, years_funded=4, multi_year=None, beneficiaries=120, qpv_share=0.6)


def test_prefill_follows_the_kit_levels():
    assert prefill("budget_share", FACTS, 1_000_000).value == 1  # 1 %
    assert prefill("budget_share", FACTS, 300_000).value == 2  # 3,3 %
    assert prefill("budget_share", FACTS, 100_000).value == 3  # 10 %
    assert "10,0 % des crédits" in prefill("budget_share", FACTS, 100_000).note
    assert prefill("funders", FACTS, 1).value == 3
    assert prefill("recurrence", FACTS, 1).value == 2
    assert prefill("recurrence", ActionFacts(1, 1, 1, True, None, None), 1).value == 3  # CPO
    assert prefill("beneficiaries", FACTS, 1).value == 2
    assert prefill("beneficiaries", ActionFacts(1, 1, 1, None, 500, 0.3), 1).value == 1  # mostly outside QPV
    assert prefill("beneficiaries", ActionFacts(1, 1, 1, None, 500, None), 1).value == 1  # share unknown
    # no data, no pre-fill
    empty = ActionFacts(0, 0, 0, None, None, None)
    assert all(prefill(a, empty, 0) is None for a in ("budget_share", "funders", "recurrence", "beneficiaries"))


def test_ranking_handles_ties():
    totals = {"a": 30, "b": 42.5, "c": 30, "d": 12, "e": 42.5}
    ranks = ranking(totals)
    assert [ranks[k].rank for k in "abcde"] == [3, 1, 3, 5, 1]
    assert ranks["a"].label == "3 ex æquo" and ranks["d"].label == "5"
    assert weighted_total({"x": 3, "y": None}, {"x": 2, "y": 5}) == 6


def test_shortlist_and_question_count_messages():
    assert shortlist_message(2, 3, 6)[0] == "low"
    assert shortlist_message(4, 3, 6) == ("ok", "4 actions retenues (de 3 à 6 conseillées).")
    assert shortlist_message(7, 3, 6)[0] == "high"
    assert question_count_message(0)[0] == "low" and question_count_message(8)[0] == "high"


def test_filters_and_qpv_names():
    assert matches("Cohésion sociale", "QN05991M, QN05992I", "Centre social", "Atelier",
                   want_pillar="cohesion sociale", want_qpv=("QN05992I",), search="atel")
    assert not matches("Emploi", "QN05991M", "X", "Atelier", want_qpv=("Cité du Moulin",))
    assert qpv_label("QN05991M, Autre", {"QN05991M": "Les Hauts-Champs"}) == "Les Hauts-Champs, Autre"


def test_calendar_warnings():
    marks = [Milestone(date(2026, 1, 20), "COPIL de lancement", "copil"),
             Milestone(date(2026, 12, 8), "COPIL de restitution", "copil")]
    rows = [
        {"question": "Q1", "start": "2026-02-01", "end": "2026-03-01"},
        {"question": "Q2"},
        {"question": "Q3", "start": "2026-05-01", "end": "2026-04-01"},
        {"question": "Q4", "start": "2026-11-01", "end": "2026-12-15"},
        {"question": "Q5", "start": "2027-01-10"},
    ]
    warnings = calendar_warnings(rows, marks, date(2026, 1, 5), date(2026, 12, 31))
    assert warnings == [
        "« Q2 » : dates de collecte à préciser.",
        "« Q3 » : la fin de la collecte (01/04/2026) précède son début (01/05/2026).",
        "« Q4 » : la collecte se termine après « COPIL de restitution » du 08/12/2026.",
        "« Q5 » : la collecte se termine après la fin de l'évaluation (31/12/2026).",
    ]
