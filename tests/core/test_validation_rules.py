"""One rule each: INSEE codes normalised the same way everywhere (an invalid one stays invalid),
Cadrage dates checked against each other, and what « complete » means for any kit form."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.cadrage import cadrage_completion, cross_checks
from desktop_app.core.identifiers import check_insee, normalize_insee
from desktop_app.core.questionnaire_respondents import Respondent, clean_code, match_invitee
from desktop_app.core.validation import missing_items
from desktop_app.kit.forms import Form, FormField, Page


def test_an_invalid_insee_code_is_never_padded_and_stays_invalid():
    assert normalize_insee(" 59 350 ") == "59350" and normalize_insee(59350.0) == "59350"
    assert normalize_insee("2a004") == "2A004"
    assert normalize_insee("5935") == "5935" and clean_code("commune", "5935") == "5935"
    assert clean_code("commune", 5935.0) == "5935"
    message = check_insee("5935")
    assert message and "« 5935 »" in message and "05935" in message  # the hint, not a rewrite
    assert check_insee("59350") is None


def test_a_response_for_59350_counts_against_an_invitee_typed_5935():
    invitee = Respondent("commune", "Roubaix", clean_code("commune", "5935"))
    assert invitee.label == "Roubaix (5935 : code invalide)"
    response = Respondent("commune", "Roubaix", clean_code("commune", "59350"))
    assert match_invitee(response, [invitee]) == 0  # matched by its name, not « hors liste »
    other = Respondent("commune", "Tourcoing", "59599")
    assert match_invitee(other, [invitee]) is None


def test_cadrage_end_before_start_and_milestones_outside_the_period_are_flagged():
    today = dt.date(2026, 6, 1)
    fields = {"start_date": "2026-03-01", "end_date": "2026-01-15"}
    checks = cross_checks(fields, [], today)
    assert "15/01/2026" in checks.evaluation["end_date"] and "01/03/2026" in checks.evaluation["end_date"]

    fields = {"start_date": "2026-03-01", "end_date": "2026-12-31"}
    milestones = [
        {"id": "a", "date": "2026-02-01", "kind": "copil", "label": "COPIL de lancement"},
        {"id": "b", "date": "2026-04-01", "kind": "copil", "label": "COPIL"},
        {"id": "c", "date": "2026-05-01", "kind": "rendu", "label": "Remise du rapport"},
    ]
    checks = cross_checks(fields, milestones, today)
    assert set(checks.milestones) == {"a", "c"}
    assert "hors de la période" in checks.milestones["a"]["date"]
    assert "date passée" in checks.milestones["c"]["date"]
    # the period problem keeps the Cadrage from being complete; a past deadline is a warning only
    completion = cadrage_completion(fields, {"milestone": milestones}, today)
    assert any("COPIL de lancement" in p for p in completion.problems)
    assert not any("date passée" in p for p in completion.problems)


def _form() -> Form:
    return Form(
        tool_id="t", kind="guide", title="Guide", purpose="", how_to="",
        pages=(
            Page("p1", "Gouvernance", fields=(
                FormField("q1", "text", "Qui pilote ?", required=True),
                FormField("q2", "decimal", "Budget"),
                FormField("q3", "text", "Remarques"),
            )),
            Page("p2", "Suites", fields=(FormField("q4", "text", "Préconisations"),)),
        ),
    )


def test_missing_items_lists_required_drafts_and_blank_questions():
    form = _form()
    items = missing_items(form, {"q3": "Rien"}, {"q2": "environ un et demi"})
    assert items[0].startswith("Gouvernance : la question « Qui pilote ? » est obligatoire")
    assert "Gouvernance : « Budget » est à corriger (saisi : « environ un et demi »)" in items
    assert "Suites : 1 question sans réponse" in items
    assert missing_items(form, {"q1": "x", "q2": 3, "q3": "y", "q4": "z"}) == []


def test_draft_keys_of_repeat_group_items_are_listed_to_correct():
    from desktop_app.core.validation import draft_key, group_draft_lines, missing_items, split_draft_key
    from desktop_app.kit.forms import Form, FormField, Page

    child = FormField(id="date", type="date", label="Date envisagée")
    group = FormField(id="visites", type="repeat_group", label="Visites", item_label="Visite", children=(child,))
    form = Form(tool_id="t", kind="guide", title="T", purpose="", how_to="", pages=(Page(id="p", title="Séance", fields=(group,)),))
    key = draft_key("visites", 2, "date")
    assert key == "visites[2].date" and split_draft_key(key) == ("visites", 2, "date")
    assert split_draft_key("visites") == ("visites", None, None)
    assert group_draft_lines(group, {key: "31/02/2026"}) == [(key, "« Visites », Visite 2, « Date envisagée » (saisi : « 31/02/2026 »)")]
    items = missing_items(form, {"visites": [{}, {}]}, {key: "31/02/2026"})
    assert "Séance : « Visites », Visite 2, « Date envisagée » (saisi : « 31/02/2026 ») est à corriger" in items
