"""One sentence written from a questionnaire question's results, to read under its chart:
« 16 communes sur 19 (84 %) répondent « Non ». », « 14 associations sur 52 (27 %) citent
« Accès aux salles ». », « De 500 € à 135 500 € ; la moitié des communes déclarent au plus
2 500 €. ».

Numbers, plurals and years go through the one French formatter (`core.french`). Qt-free.
"""

from __future__ import annotations

from desktop_app.core.french import format_quantity, plural
from desktop_app.core.questionnaire_results import QuestionResult, format_percent

# respondent kind -> (singular, plural) as written in running text
NOUNS = {"commune": ("commune", "communes"), "association": ("association", "associations")}


def _who(count: int, kind: str) -> str:
    singular, plural_form = NOUNS.get(kind, ("répondant", "répondants"))
    return plural(count, singular, plural_form)


def _quote(label: str) -> str:
    return f"« {label.strip()} »"


def result_sentence(q: QuestionResult, kind: str = "repondant", year: bool = False) -> str:
    """The sentence for one question ("" when nothing was answered or nothing can be said)."""
    if not q.answered:
        return ""
    if q.kind in ("choice", "scale", "multiple") and q.options:
        ranked = sorted(q.options, key=lambda o: -o.count)
        top = ranked[0]
        if not top.count:
            return ""
        ties = [o for o in ranked if o.count == top.count]
        verb_one, verb_many = ("cite", "citent") if q.kind == "multiple" else ("répond", "répondent")
        verb = verb_one if top.count < 2 else verb_many
        share = f"{_who(top.count, kind)} sur {q.answered} ({format_percent(top.percent)})"
        if len(ties) > 1:
            names = ", ".join(_quote(o.label) for o in ties[:-1]) + f" et {_quote(ties[-1].label)}"
            return f"{names} arrivent à égalité : {share} pour chacune."
        sentence = f"{share} {verb} {_quote(top.label)}."
        if q.kind == "multiple" and len(ranked) > 1 and ranked[1].count:
            second = ranked[1]
            sentence += f" Vient ensuite {_quote(second.label)} ({format_percent(second.percent)})."
        return sentence
    if q.kind == "number" and q.stats:
        s = q.stats
        low, mid, high = (format_quantity(v, q.unit, year=year) for v in (s.minimum, s.median, s.maximum))
        if s.minimum == s.maximum:
            return f"{'Toutes les réponses donnent' if s.count > 1 else 'La réponse donne'} {low}."
        _, plural_form = NOUNS.get(kind, ("répondant", "répondants"))
        if s.median == s.minimum:
            return f"Les réponses vont de {low} à {high} ; au moins la moitié des {plural_form} déclarent {low}."
        return f"Les réponses vont de {low} à {high} ; la moitié des {plural_form} déclarent au plus {mid}."
    return ""
