"""The référentiel's indicators computed from the evaluation's data (`core.indicators`): known
answers give the exact share, mean, median or count, with n and the date; the commitments give
the exact share of commitments done or under way; `kit check` refuses a computation citing a tool,
a question or a value that does not exist; an override keeps its reason and reaches the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from desktop_app.core.indicators import (
    ActionFigures,
    compute_all,
    compute_indicator,
    parse_number,
    suggest_level,
)
from desktop_app.core.referentiel import build_matrix
from desktop_app.kit.loader import KitError, load_files, load_folder, read_folder
from tests.conftest import FORMS


@dataclass(frozen=True)
class Resp:
    tool_id: str
    answers: dict
    updated_at: datetime


@pytest.fixture(scope="module")
def kit():
    return load_folder(FORMS)


def _indicator(kit, indicator_id):
    ref = kit.tool_for_role("referential")
    return next(i for q in ref.questions for sq in q.sub_questions for i in sq.indicators if i.id == indicator_id)


COMMUNES = "questionnaire-communes"
ASSOCIATIONS = "questionnaire-associations"


def test_share_at_or_above_the_cut_off_with_n_and_latest_date(kit):
    responses = [
        Resp(COMMUNES, {"clarte_roles": 5}, datetime(2026, 3, 1, 10)),
        Resp(COMMUNES, {"clarte_roles": 4}, datetime(2026, 3, 4, 9)),
        Resp(COMMUNES, {"clarte_roles": 3}, datetime(2026, 3, 2, 9)),
        Resp(COMMUNES, {"clarte_roles": 2}, datetime(2026, 3, 3, 9)),
        Resp(COMMUNES, {"nom_commune": "Sans réponse"}, datetime(2026, 4, 1, 9)),  # not answered: not counted
        Resp(ASSOCIATIONS, {"clarte_roles": 5}, datetime(2026, 5, 1, 9)),  # another tool
    ]
    got = compute_indicator(kit, _indicator(kit, "gouv_3_b"), responses)
    assert got.value == 50.0 and got.n == 4 and got.percent
    assert got.latest == date(2026, 3, 4)  # the latest answer counted, not the unanswered one
    assert got.text("%") == "50\u00a0%" and "n\u00a0=\u00a04" in got.detail() and "04/03/2026" in got.detail()
    assert "Questionnaire communes" in got.source and "≥\u00a04" in got.source


def test_share_of_choice_values_and_skip_logic(kit):
    responses = [
        Resp(ASSOCIATIONS, {"accompagnement_recu": True, "utilite_accompagnement": 5}, datetime(2026, 1, 1)),
        Resp(ASSOCIATIONS, {"accompagnement_recu": True, "utilite_accompagnement": 2}, datetime(2026, 1, 1)),
        Resp(ASSOCIATIONS, {"accompagnement_recu": True, "utilite_accompagnement": 4}, datetime(2026, 1, 1)),
        # the question is hidden when no support was received: its stale answer is ignored
        Resp(ASSOCIATIONS, {"accompagnement_recu": False, "utilite_accompagnement": 5}, datetime(2026, 1, 1)),
    ]
    got = compute_indicator(kit, _indicator(kit, "va_3_c"), responses)
    assert got.n == 3 and got.value == pytest.approx(200 / 3)
    count = compute_indicator(kit, _indicator(kit, "va_3_a"), responses)
    assert (count.value, count.n, count.percent) == (3.0, 4, False)
    communes = [Resp(COMMUNES, {"referent_identifie": v}, datetime(2026, 1, 1)) for v in ("oui", "non", "nsp", "oui")]
    assert compute_indicator(kit, _indicator(kit, "gouv_4_c"), communes).value == 50.0


def test_share_finding_the_portal_difficult_leaves_out_those_who_did_not_use_it(kit):
    answers = ("tres_difficile", "difficile", "moyen", "tres_facile", "non_concerne", "non_concerne")
    responses = [Resp(ASSOCIATIONS, {"difficulte_portail": a}, datetime(2026, 2, 1)) for a in answers]
    got = compute_indicator(kit, _indicator(kit, "va_1_c"), responses)
    assert (got.value, got.n) == (50.0, 4)


def test_annual_reports_give_the_last_year_and_the_change_as_a_series(kit):
    """The annual reports' figures (kit 1.1.0, « articuler bilan annuel et évaluation ») feed
    indicators as a series: the last year's value, or its change since the first year, with
    every year shown beside it. The rows are ordered by year, whatever order they were typed in."""
    reports = [Resp("bilans-annuels", {"annees": [
        {"annee_bilan": 2024, "nb_copil": 1, "nb_porteurs": 52, "nb_associations_qpv": 18},
        {"annee_bilan": 2022, "nb_copil": 2, "nb_porteurs": 45, "nb_associations_qpv": 14},
        {"annee_bilan": 2023, "nb_copil": 3, "nb_porteurs": 47},
    ]}, datetime(2026, 4, 2, 10))]
    copil = compute_indicator(kit, _indicator(kit, "gouv_1_a"), reports)
    assert (copil.value, copil.n, copil.latest) == (1.0, 3, date(2026, 4, 2))
    assert "2022\u00a0: 2 · 2023\u00a0: 3 · 2024\u00a0: 1" in copil.detail()
    assert "dernière valeur (par « Année du bilan »)" in copil.source
    change = compute_indicator(kit, _indicator(kit, "va_2_c"), reports)
    assert (change.value, change.n) == (7.0, 3)  # 52 in 2024 − 45 in 2022
    qpv = compute_indicator(kit, _indicator(kit, "va_2_a"), reports)
    assert (qpv.value, qpv.n, qpv.fallback) == (18.0, 2, False)  # 2023 has no figure: the last one given
    one_year = [Resp("bilans-annuels", {"annees": [{"annee_bilan": 2024, "nb_porteurs": 52}]}, datetime(2026, 4, 2))]
    assert compute_indicator(kit, _indicator(kit, "va_2_c"), one_year).value is None  # no change yet
    # without annual reports, the associations' questionnaire still gives a minimum
    answered = [Resp(ASSOCIATIONS, {"siege_qpv": v}, datetime(2026, 2, 1)) for v in (True, True, False)]
    fallback = compute_indicator(kit, _indicator(kit, "va_2_a"), answered)
    assert (fallback.value, fallback.fallback) == (2.0, True)


def test_mean_delay_in_days_and_median_of_bands_as_fallback(kit):
    ind = _indicator(kit, "va_1_b")
    days = [Resp(ASSOCIATIONS, {"delai_paiement_jours": d}, datetime(2026, 2, 1)) for d in (60, 90, 150)]
    got = compute_indicator(kit, ind, days)
    assert (got.value, got.n, got.fallback) == (100.0, 3, False)
    assert got.text("jours") == "100\u00a0jours"
    bands = [Resp(ASSOCIATIONS, {"delai_paiement": b}, datetime(2026, 2, 1))
             for b in ("moins_3_mois", "de_6_a_9_mois", "plus_9_mois", "variable")]
    fallback = compute_indicator(kit, ind, bands)
    # « variable » has no number: the median of 45, 225 and 320 days
    assert (fallback.value, fallback.n, fallback.fallback) == (225.0, 3, True)
    assert "médiane des tranches" in fallback.source
    nothing = compute_indicator(kit, ind, [])
    assert nothing.value is None and nothing.n == 0 and nothing.text() == "—"


def test_programmation_budget_share_and_mean(kit):
    actions = [
        ActionFigures(budget=100.0, funders=1, multi_year=True),
        ActionFigures(budget=300.0, funders=3, multi_year=False),
        ActionFigures(budget=50.0, funders=2, multi_year=None),  # unknown: left out of the share
    ]
    ref = kit.tool_for_role("referential")
    values = compute_all(kit, ref, [], actions)
    assert values["va_1_a"].value == 25.0 and values["va_1_a"].n == 2
    assert values["va_4_b"].value == 2.0 and values["va_4_b"].n == 3
    assert "va_1_a" not in compute_all(kit, ref, [], None)  # no programmation read: nothing said


def test_suggested_appreciation_from_target_baseline_and_direction(kit):
    levels = ["atteint", "plutot_atteint", "plutot_pas_atteint", "non_atteint"]
    share = _indicator(kit, "gouv_3_b")  # higher, target 75 %
    assert suggest_level(share, 80, levels) == "atteint"
    assert suggest_level(share, 60, levels) == "plutot_atteint"  # 0.8 of the target
    assert suggest_level(share, 40, levels) == "plutot_pas_atteint"
    assert suggest_level(share, 30, levels) == "non_atteint"
    assert suggest_level(share, 60, levels, baseline=50) == "non_atteint"  # 10 of the 25 points to go
    delay = _indicator(kit, "va_1_b")  # lower, target 90 days
    assert suggest_level(delay, 80, levels) == "atteint" and suggest_level(delay, 120, levels) == "plutot_atteint"
    assert suggest_level(_indicator(kit, "gouv_2_b"), 1, levels) is None  # qualitative: its rubric
    assert parse_number("62,5 %") == 62.5 and parse_number("2015-2022") is None and parse_number("Oui") is None


def test_every_indicator_has_a_target_or_a_rubric_and_questionnaires_feed_computations(kit):
    ref = kit.tool_for_role("referential")
    indicators = [i for q in ref.questions for sq in q.sub_questions for i in sq.indicators]
    assert len(indicators) == 50
    assert not [i.id for i in indicators if i.target is None and not i.rubric]
    assert not [i.id for i in indicators if i.direction is None]
    scale = {c.value for c in ref.scale if c.score is not None}
    assert all(set(i.rubric) == scale for i in indicators if i.rubric)
    tools = {i.compute.tool for i in indicators if i.compute is not None and i.compute.tool}
    assert tools == {COMMUNES, ASSOCIATIONS, "suivi-engagements", "bilans-annuels"}
    for ind in ("gouv_3_b", "va_3_c"):  # « part de … qui jugent » : the cut-off is said
        assert "4 ou 5 sur 5" in _indicator(kit, ind).label
    assert "« plutôt » ou « très difficile »" in _indicator(kit, "va_1_c").label


def _broken(replace_from: str, replace_to: str) -> list[str]:
    files = read_folder(FORMS)
    text = files["referentiel.yaml"]
    assert replace_from in text
    files["referentiel.yaml"] = text.replace(replace_from, replace_to, 1)
    with pytest.raises(KitError) as caught:
        load_files(files)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("tool: questionnaire-communes", "tool: questionnaire-inconnu", "l'outil « questionnaire-inconnu » n'existe pas"),
        ("question: clarte_roles", "question: clarte", "la question « clarte » n'existe pas dans l'outil « questionnaire-communes »"),
        ("values: [realise, en_cours]", "values: [realise, termine]", "« termine » n'est pas une réponse possible"),
        ("question: clarte_roles", "question: nom_commune", "un seuil demande une réponse chiffrée"),
        ("tool: questionnaire-communes", "tool: guide-partenaires", "ni un questionnaire, ni le suivi des engagements, ni une fiche"),
        ("question: nb_copil\n              statistic: latest\n              by: annee_bilan", "question: nb_copil\n              statistic: latest\n              by: date_presentation_x", "du même groupe répété"),
        ("statistic: latest\n              by: annee_bilan\n              note: \"dernière année renseignée dans les bilans annuels\"\n          - id: gouv_1_b", "statistic: latest\n              note: \"x\"\n          - id: gouv_1_b", "porte sur une série"),
        ("    non_atteint: \"Aucun document", "    pas_du_tout: \"Aucun document", "« pas_du_tout » n'est pas un niveau"),
        ("statistic: share\n              at_least: 4", "statistic: share", "« share » demande une condition"),
        ("question: utilite_accompagnement\n              statistic: share", "question: utilite_accompagnement\n              statistic: mean",
         "l'unité « % » ne convient qu'à une part"),
    ],
)
def test_kit_check_refuses_bad_references(old, new, message):
    problems = _broken(old, new)
    assert any(message in p and p.startswith("referentiel.yaml") for p in problems), problems


def test_commitments_states_give_the_exact_share(services, evaluation_id):
    for status in ("realise", "en_cours", "non_engage", "abandonne", "realise", ""):
        services.commitments.add_commitment(evaluation_id, {"title": f"Engagement {status or 'sans statut'}", "status": status})
    got = services.referentiel.indicator_values(evaluation_id)["dc_1_b"]
    assert (got.value, got.n) == (60.0, 5)  # 3 of the 5 with a status
    cell = next(c for c in services.referentiel.matrix(evaluation_id).cells if c.id == "dc_1_b")
    assert cell.computed_text == "60\u00a0%" and cell.shown_value == "60\u00a0%" and cell.value_origin == "calculée"
    assert cell.suggested.value == "plutot_atteint"  # 60 of the 75 % targeted


def test_override_with_reason_persists_and_is_exported(services, evaluation_id, tmp_path):
    from openpyxl import load_workbook

    ref = services.referentiel.referentiel(evaluation_id)
    for status in ("realise", "non_engage"):
        services.commitments.add_commitment(evaluation_id, {"title": "E", "status": status})
    services.forms.set_answer(ref.id, "dc_1_b.valeur", "40 %")
    [unexplained] = services.referentiel.unexplained_overrides(evaluation_id)  # listed before « Fiche complète »
    assert unexplained.startswith("Indicateur 2.1.b") and "sans motif" in unexplained
    services.forms.set_answer(ref.id, "dc_1_b.motif_ajustement", "Deux engagements « en cours » sont à l'arrêt depuis 2024.")
    assert services.referentiel.unexplained_overrides(evaluation_id) == []
    services.forms.set_answer(ref.id, "dc_1_b.appreciation", "plutot_pas_atteint")
    services.forms.set_answer(ref.id, "va_1_b.valeur_reference", "180")
    cell = next(c for c in services.referentiel.matrix(evaluation_id).cells if c.id == "dc_1_b")
    assert cell.overridden and cell.shown_value == "40 %" and cell.computed_text == "50\u00a0%"
    assert cell.override_reason.startswith("Deux engagements")
    stored = services.forms.get(ref.id).answers
    assert stored["dc_1_b.motif_ajustement"].startswith("Deux engagements")
    assert ref.tool_id in services.evaluations.cadrage(evaluation_id).fields["scope"]
    out = tmp_path / "grilles.xlsx"
    services.exports.xlsx(evaluation_id, out, today=date(2026, 12, 10))
    ws = load_workbook(out)["Référentiel commun"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "2.1.b")
    assert row[3] == "40 % (saisie ; calcul : 50\u00a0%)" and "Cible : 75\u00a0%" in row[5]
    assert "Motif de l'écart avec le calcul : Deux engagements" in row[8]
    baseline = next(r for r in ws.iter_rows(values_only=True) if r[0] == "4.1.b")
    assert "Référence : 180 — Première année du contrat" in baseline[5]


def test_matrix_reads_values_computed_once(kit):
    ref = kit.tool_for_role("referential")
    values = compute_all(kit, ref, [Resp(COMMUNES, {"clarte_roles": 5}, datetime(2026, 1, 1))])
    m = build_matrix(ref, {}, values=values)
    cell = next(c for c in m.cells if c.id == "gouv_3_b")
    assert cell.shown_value == "100\u00a0%" and cell.value_origin == "calculée" and cell.suggested.value == "atteint"
    assert cell.source_text.startswith("Calcul : Questionnaire communes")
    assert cell.value_text().startswith("100\u00a0% (calculée, n = 1, 01/01/2026)")


def test_the_override_reason_goes_through_the_privacy_filter(kit):
    from desktop_app.core.privacy_filter import PrivacyFilter, kit_rules

    rules = kit_rules(kit)[kit.tool_id_for_role("referential")]
    assert "dc_1_b.motif_ajustement" in rules.free_text
    out = PrivacyFilter().answers(rules, {"dc_1_b.motif_ajustement": "Selon Mme Vasseur (elodie.vasseur@example.fr), deux engagements sont bloqués."})
    assert "example.fr" not in out["dc_1_b.motif_ajustement"] and "deux engagements" in out["dc_1_b.motif_ajustement"]
