"""The sentence written under a questionnaire chart, from the data."""

from desktop_app.core.questionnaire_results import NumberStats, OptionCount, QuestionResult
from desktop_app.core.result_sentences import result_sentence


def _q(kind, options=(), answered=19, stats=None, unit=None):
    return QuestionResult("f", "1.4", "Question", "single_choice", kind, asked=20, answered=answered, unit=unit,
                          options=tuple(options), stats=stats)


def test_choice_names_the_most_given_answer_with_its_share():
    q = _q("choice", [OptionCount("oui", "Oui", 3, 15.8), OptionCount("non", "Non", 16, 84.2)])
    assert result_sentence(q, "commune") == "16 communes sur 19 (84 %) répondent « Non »."


def test_one_respondent_is_singular_and_ties_are_said():
    q = _q("choice", [OptionCount("a", "A", 1, 100.0)], answered=1)
    assert result_sentence(q, "association") == "1 association sur 1 (100 %) répond « A »."
    tie = _q("choice", [OptionCount("a", "Oui", 7, 46.7), OptionCount("b", "Non", 7, 46.7), OptionCount("c", "?", 1, 6.6)], answered=15)
    assert result_sentence(tie, "commune") == "« Oui » et « Non » arrivent à égalité : 7 communes sur 15 (47 %) pour chacune."


def test_multiple_choice_cites_the_first_two():
    q = _q("multiple", [OptionCount("a", "Sport", 6, 33.3), OptionCount("b", "Jeunesse", 8, 44.4)], answered=18)
    assert result_sentence(q, "commune") == "8 communes sur 18 (44 %) citent « Jeunesse ». Vient ensuite « Sport » (33 %)."


def test_numbers_and_years():
    stats = NumberStats(count=18, minimum=500, median=2500, maximum=135500, mean=0, total=0)
    q = _q("number", stats=stats, unit="€")
    assert result_sentence(q, "commune") == "Les réponses vont de 500\u00a0€ à 135\u00a0500\u00a0€ ; la moitié des communes déclarent au plus 2\u00a0500\u00a0€."
    years = _q("number", stats=NumberStats(count=17, minimum=2025, median=2025, maximum=2025, mean=2025, total=0))
    assert result_sentence(years, "commune", year=True) == "Toutes les réponses donnent 2025."
    assert result_sentence(_q("choice", answered=0), "commune") == ""
