"""Results (counts, percentages, distributions, texts), respondents' identity, sheet texts."""

from __future__ import annotations

import pytest
from questionnaire_helpers import ASSOCIATIONS, COMMUNES

from desktop_app.core import questionnaire_sheet as sheet
from desktop_app.core.questionnaire_respondents import (
    Respondent,
    duplicate_groups,
    normalise_name,
    respondent_type,
)
from desktop_app.core.questionnaire_results import (
    RespondentAnswers,
    compute_results,
    distribution,
    response_rate,
)


@pytest.fixture
def form(services):
    from desktop_app.kit.forms import compile_tool

    return compile_tool(services.kits.bundled(), COMMUNES)


def _r(label: str, **answers) -> RespondentAnswers:
    return RespondentAnswers(label, "commune", answers)


def test_counts_percentages_and_skip_logic(form):
    responses = [
        _r("A", satisfaction_pilotage="tres_satisfait", instances=["copil", "cotech"], nb_qpv=0, clarte_roles=5),
        _r("B", satisfaction_pilotage="plutot_insatisfait", instances=["copil"], nb_qpv=2, clarte_roles=2,
           ameliorations_pilotage="Être associés plus tôt."),
        _r("C", satisfaction_pilotage="plutot_insatisfait", instances=["copil", "Revue de projet"], nb_qpv=1),
        _r("D", satisfaction_pilotage="plutot_satisfait", ameliorations_pilotage="caché : la question ne s'applique pas"),
    ]
    results = compute_results(form, responses)
    assert results.respondents == 4
    satisfaction = results.question("satisfaction_pilotage")
    assert satisfaction.answered == 4 and satisfaction.kind == "choice"
    assert [(o.value, o.count, o.percent) for o in satisfaction.options] == [
        ("tres_satisfait", 1, 25.0), ("plutot_satisfait", 1, 25.0), ("plutot_insatisfait", 2, 50.0), ("tres_insatisfait", 0, 0.0)]
    instances = results.question("instances")
    assert instances.kind == "multiple" and instances.answered == 3
    top = instances.options[0]
    assert (top.value, top.count, round(top.percent)) == ("copil", 3, 100)
    assert sum(o.percent for o in instances.options) > 100
    assert [t.text for t in instances.others] == ["Revue de projet"]
    # asked only to the unsatisfied: D's answer is ignored
    texts = results.question("ameliorations_pilotage")
    assert (texts.asked, texts.answered) == (2, 1) and [t.text for t in texts.texts] == ["Être associés plus tôt."]
    assert "1 réponse sur 2 répondants concernés" == texts.answered_text
    numbers = results.question("nb_qpv")
    assert (numbers.stats.minimum, numbers.stats.median, numbers.stats.maximum) == (0, 1, 2)
    assert numbers.distribution == (("0", 1), ("1", 1), ("2", 1))
    scale = results.question("clarte_roles")
    assert [o.count for o in scale.options] == [0, 1, 0, 0, 1] and scale.options[0].label == "1 – Pas du tout claire"
    # identification questions are not results
    with pytest.raises(KeyError):
        results.question("nom_commune")


def test_sensitive_texts_are_counted_not_listed(services):
    from desktop_app.kit.forms import compile_tool

    form = compile_tool(services.kits.bundled(), ASSOCIATIONS)
    results = compute_results(form, [RespondentAnswers("X", "association", {"exemple_effet": "Mme Dupont a retrouvé un emploi"})])
    q = results.question("exemple_effet")
    assert q.answered == 1 and q.hidden_texts and q.texts == ()


def test_distribution_of_amounts_in_round_classes():
    values = [5000.0, 12500.0, 18000.0, 42000.0, 120000.0]
    classes = distribution(values, integer=False, unit="€")
    assert sum(n for _, n in classes) == 5
    assert classes[0][0].startswith("0 à ") and classes[0][0].endswith("€")


def test_response_rate_counts_each_invited_respondent_once():
    invited = [Respondent("association", "Les Amis", "73282932000074"), Respondent("association", "Club de boxe")]
    responses = [
        (Respondent("association", "LES AMIS", ""), "draft"),
        (Respondent("association", "Les Amis", "73282932000074"), "complete"),
        (Respondent("association", "Radio Scarpe"), "complete"),
    ]
    rate = response_rate("association", invited, responses)
    assert (rate.invited, rate.answered, rate.complete, rate.not_invited) == (2, 1, 1, 1)
    assert rate.missing == ("Club de boxe",)


def test_identity_and_duplicates():
    assert normalise_name("  Les Petits-Débrouillards  ") == "les petits debrouillards"
    a = Respondent("association", "Les Amis", "73282932000074")
    assert a.subject_id == "73282932000074" and a.label == "Les Amis (SIRET 73282932000074)"
    assert Respondent("association", "Les Amis", "123").subject_id == "les amis"  # invalid SIRET: by name
    same_name_other_siret = Respondent("association", "Les Amis", "44306184100047")
    by_name = Respondent("association", "les amis")
    other = Respondent("association", "Radio Scarpe")
    # two associations with the same name and different valid SIRETs are not the same one
    assert duplicate_groups([a, same_name_other_siret, other]) == []
    assert duplicate_groups([a, other, by_name]) == [[0, 2]]
    assert duplicate_groups([Respondent("commune", "Douai", "59178"), Respondent("commune", "DOUAI", "")]) == [[0, 1]]


def test_respondent_type_and_sheet_texts(form):
    assert respondent_type(form) == "commune"
    numbers = sheet.question_numbers(form)
    assert numbers["nom_commune"] == "1.1" and numbers["role_pilotage"] == "2.1"
    assert sheet.describe_condition("'cpo' in formes_soutien", form, numbers) == (
        "À remplir seulement si vous avez coché « Convention pluriannuelle d'objectifs (CPO) » à la question 7.2.")
    assert sheet.describe_condition("nb_qpv > 0", form, numbers) == (
        "À remplir seulement si votre réponse à la question 1.3 est supérieure à 0.")
    assert sheet.parse_key("instances=copil") == sheet.Key("option", "instances", "copil")
    assert sheet.parse_key("instances=*autre").kind == "other"
    assert sheet.parse_key("partenaires[2].nom") == sheet.Key("item", "partenaires", item=2, child="nom")
    assert sheet.parse_key("  ") is None
