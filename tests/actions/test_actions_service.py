"""The actions service as the step uses it: hand entry, scores over pre-fill, weights, short
list, questions and method plan, calendar, deletion."""

from __future__ import annotations

import pytest
from messy_files import messy_workbook

from desktop_app.services.base import ServiceError


@pytest.fixture
def imported(services, evaluation_id, tmp_path):
    services.actions.import_file(evaluation_id, messy_workbook(tmp_path / "prog.xlsx"))
    return {a.title: a for a in services.actions.list(evaluation_id)}


def test_hand_entry_with_amounts_and_correction(services, evaluation_id):
    change = services.actions.add_action(evaluation_id, {
        "title": "Atelier vélo", "carrier": "Vélo Solidaire", "qpv": "QN05991M ; QN05992I", "year": "2025",
        "amounts": {"État": "2 500 €", "Ville": 1000}, "beneficiaries": "40", "beneficiaries_qpv_share": "75 %",
    })
    action = services.actions.get(change.id)
    assert (action.title, action.qpv, action.years, action.budget) == ("Atelier vélo", "QN05991M, QN05992I", (2025,), 3500)
    assert action.qpv_share == pytest.approx(0.75)
    with pytest.raises(ServiceError, match="obligatoire"):
        services.actions.add_action(evaluation_id, {"title": "  "})
    services.actions.edit_action(action.id, {"carrier": "Vélo Solidaire 59"}, {"amounts": {"État": 3000}}, action.latest.id)
    edited = services.actions.get(action.id)
    assert edited.carrier == "Vélo Solidaire 59" and edited.amounts_by_funder == {"État": 3000}


def test_a_team_score_beats_the_prefilled_one_and_can_be_cleared(services, evaluation_id, imported):
    aid = imported["Médiation santé"].id
    grid = services.actions.grid(evaluation_id)
    score = grid.row(aid).scores["poids_budgetaire"]
    assert score.is_prefilled and score.value == 3
    services.actions.set_score(aid, "poids_budgetaire", 1)
    score = services.actions.grid(evaluation_id).row(aid).scores["poids_budgetaire"]
    assert (score.value, score.manual, score.is_prefilled) == (1, 1, False)
    services.actions.set_score(aid, "poids_budgetaire", None)
    assert services.actions.grid(evaluation_id).row(aid).scores["poids_budgetaire"].value == 3
    with pytest.raises(ServiceError, match="valeurs possibles : 1, 2, 3"):
        services.actions.set_score(aid, "partenariat", 4)


def test_total_rank_and_ties(services, evaluation_id, imported):
    a = imported["Médiation santé"].id
    for crit in ("partenariat", "lien_priorites", "innovation", "donnees_disponibles", "decision_a_venir", "accessibilite_acteurs"):
        services.actions.set_score(a, crit, 3)
    grid = services.actions.grid(evaluation_id)
    assert grid.rows[0].action.id == a and grid.rows[0].rank.rank == 1
    row = grid.row(a)
    assert row.total == sum(grid.weights[c] * (s.value or 0) for c, s in row.scores.items())
    assert grid.max_total == 3 * sum(grid.weights.values())
    # equal totals share their rank, and the next rank is skipped
    totals = [r.total for r in grid.rows]
    for r in grid.rows:
        assert r.rank.rank == 1 + sum(1 for t in totals if t > r.total)
        assert r.rank.tied == (totals.count(r.total) > 1)


def test_weights_are_per_evaluation_with_the_kits_defaults_first(services, evaluation_id, imported):
    kit = {c.id: c.default_weight for c in services.actions.criteria(evaluation_id)}
    assert services.actions.weights(evaluation_id) == kit
    other = services.evaluations.create("CA voisine")
    services.actions.set_weight(evaluation_id, "innovation", 3)
    assert services.actions.weights(evaluation_id)["innovation"] == 3
    assert services.actions.weights(other)["innovation"] == kit["innovation"]
    grid = services.actions.grid(evaluation_id)
    assert grid.custom_weights and grid.max_total == 3 * (sum(kit.values()) - kit["innovation"] + 3)
    with pytest.raises(ServiceError):
        services.actions.set_weight(evaluation_id, "innovation", 12)
    services.actions.reset_weights(evaluation_id)
    assert services.actions.weights(evaluation_id) == kit


def test_choosing_creates_a_method_sheet_identified_and_motivated(services, evaluation_id, imported):
    aid = imported["Médiation santé"].id
    services.actions.set_chosen(aid, True)
    assert [r.action.id for r in services.actions.grid(evaluation_id).chosen] == [aid]
    sheets = services.forms.find(evaluation_id, "methode-actions", "action", aid)
    assert len(sheets) == 1
    answers = sheets[0].answers
    assert answers["action_intitule"] == "Médiation santé" and answers["action_porteur"] == "Atelier Santé Ville"
    assert answers["action_raisons"].startswith("Classée ")
    # un-choosing keeps the work; choosing again brings the same sheet back
    services.actions.set_chosen(aid, False)
    services.actions.set_chosen(aid, True)
    assert [s.id for s in services.forms.find(evaluation_id, "methode-actions", "action", aid)] == [sheets[0].id]


def test_planning_questions_and_method(services, evaluation_id, imported):
    aid = imported["Médiation santé"].id
    services.actions.set_chosen(aid, True)
    actions = services.actions
    actions.set_bank_question(aid, "pert_1", True)
    actions.set_bank_question(aid, "util_2", True)  # "utilité": since kit 1.1.0 in the sheet's list too
    actions.add_question(aid, "Les habitants connaissent-ils la médiatrice ?", "couverture")
    plan = actions.plan(aid)
    assert [r["question"][:20] for r in plan.rows] == ["Les objectifs de l'a", "Que se passerait-il ", "Les habitants connai"]
    assert plan.refs == {"pert_1", "util_2"}
    assert plan.rows[0]["criterion"] == "pertinence"
    assert plan.rows[1]["criterion"] == "utilite" and plan.rows[1]["axe"] == "utilite"
    uid = plan.rows[0]["uid"]
    actions.update_question(aid, uid, "indicators", "Part des besoins du diagnostic couverts (%)")
    actions.update_question(aid, uid, "methods", ["analyse_documentaire", "entretiens"])
    actions.update_question(aid, uid, "start", "02/03/2026")  # typed the French way
    actions.update_question(aid, uid, "who", "Chargé d'études")
    with pytest.raises(ServiceError, match="Méthodes de collecte"):
        actions.update_question(aid, uid, "methods", ["telepathie"])
    row = actions.plan(aid).rows[0]
    assert row["start"] == "2026-03-02" and row["methods"] == ["analyse_documentaire", "entretiens"]
    # order and removal
    actions.move_question(aid, uid, +2)
    assert actions.plan(aid).rows[-1]["uid"] == uid
    actions.set_bank_question(aid, "util_2", False)
    assert actions.plan(aid).refs == {"pert_1"}
    actions.remove_question(aid, uid)
    assert [r["question"] for r in actions.plan(aid).rows] == ["Les habitants connaissent-ils la médiatrice ?"]
    # the rest of the sheet and its status
    actions.set_sheet_answer(aid, "restitution_decision", "Renouvellement de la convention")
    missing = actions.plan_missing(aid)  # what « Plan validé » lists before validating
    assert missing and not any("Aucune question" in m for m in missing)
    actions.remove_question(aid, actions.plan(aid).rows[0]["uid"])
    assert "Aucune question évaluative n'est retenue pour cette action." in actions.plan_missing(aid)
    actions.set_plan_complete(aid, True, "Validé en COPIL malgré les manques")
    plan = actions.plan(aid)
    assert plan.answers["restitution_decision"] == "Renouvellement de la convention" and plan.status == "complete"
    assert services.forms.get(plan.response_id).status_comment == "Validé en COPIL malgré les manques"


def test_timeline_against_the_cadrage_calendar(services, evaluation_id, imported):
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "start_date", "2026-01-05")
    ev.update_evaluation(evaluation_id, "end_date", "2026-12-18")
    ev.add_row("milestone", evaluation_id, {"date": "2026-12-08", "kind": "copil", "label": "COPIL de restitution"})
    aid = imported["Médiation santé"].id
    services.actions.set_chosen(aid, True)
    services.actions.add_question(aid, "Q tardive", "impact")
    uid = services.actions.plan(aid).rows[0]["uid"]
    services.actions.update_question(aid, uid, "start", "2026-11-02")
    services.actions.update_question(aid, uid, "end", "2026-12-12")
    tl = services.actions.timeline(evaluation_id, aid)
    assert [m.label for m in tl.milestones] == ["COPIL de restitution"]
    assert len(tl.spans) == 1 and tl.spans[0].label == "Q tardive"
    assert tl.warnings == ("« Q tardive » : la collecte se termine après « COPIL de restitution » du 08/12/2026.",)
    everything = services.actions.timeline(evaluation_id)
    assert everything.warnings[0].startswith("Médiation santé — ")


def test_deleting_an_action_tombstones_it_with_its_scores_and_sheet(services, evaluation_id, imported):
    aid = imported["Médiation santé"].id
    services.actions.set_score(aid, "innovation", 3)
    services.actions.set_chosen(aid, True)
    services.actions.delete_action(aid)
    assert aid not in {a.id for a in services.actions.list(evaluation_id)}
    assert services.forms.find(evaluation_id, "methode-actions", "action", aid) == []
    from desktop_app.store.models_actions import Action, ActionScore

    with services.store.sessions() as s:
        assert s.get(Action, aid).deleted
        assert all(sc.deleted for sc in s.query(ActionScore).filter_by(action_id=aid))


def test_filter_options_name_the_cadrage_quartiers(services, evaluation_id, imported):
    services.evaluations.add_row("qpv", evaluation_id, {"code": "QN05991M", "name": "Les Hauts-Champs"})
    options = services.actions.filter_options(evaluation_id)
    assert ("Les Hauts-Champs (QN05991M)", ("QN05991M", "Les Hauts-Champs")) in options.qpv
    assert "Cohésion sociale" in options.pillars and options.years == (2023, 2024)
    assert services.actions.qpv_names(evaluation_id) == {"QN05991M": "Les Hauts-Champs"}
