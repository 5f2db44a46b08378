"""Warnings of `evalkit kit check`: what a valid kit may still get wrong.

- A guide whose timed steps do not add up to its announced duration (a working group's guide:
  the steps of each session, `session_<n>` and the sections named `session_<n>_…`, against the
  duration of one session).
- A field whose id or label looks like special-category personal data (RGPD article 9: racial or
  ethnic origin, religious or philosophical beliefs, political opinions, trade-union membership,
  health, sex life or sexual orientation, genetic or biometric data; article 10: offences). A
  field that must keep such wording says why in `special_category_reason`.

- An evaluation method sheet (`action_plan`) whose criterion list lacks a criterion of the bank
  of evaluative questions (`action_questions`): a question picked in the bank could not keep its
  criterion on the sheet.

A warning does not make the kit invalid: `kit check` prints it and still succeeds.
"""

from __future__ import annotations

import re
import unicodedata

from desktop_app.kit.loader import Kit, KitProblem, iter_questions
from desktop_app.kit.schema import Guide

# Words (accents folded, lower case) that suggest a special category of personal data.
_SPECIAL = (
    (r"\borigines?\b", "l'origine (raciale ou ethnique)"),
    (r"\bethni", "l'origine ethnique"),
    (r"\b(race|raciale?s?)\b", "l'origine raciale"),
    (r"\bnationalite", "l'origine (nationalité)"),
    (r"\breligi", "les convictions religieuses"),
    (r"\b(confession|croyances?|culte)\b", "les convictions religieuses"),
    (r"\bopinions? politiques?\b", "les opinions politiques"),
    (r"\bsyndica", "l'appartenance syndicale"),
    (r"\bsante\b", "la santé"),
    (r"\bhandicap", "la santé (handicap)"),
    (r"\bmaladie", "la santé"),
    (r"\borientation sexuelle\b", "l'orientation sexuelle"),
    (r"\bsexualite", "la vie sexuelle"),
    (r"\bgenetique", "les données génétiques"),
    (r"\bbiometri", "les données biométriques"),
    (r"\b(condamnations?|casier judiciaire|infractions?)\b", "les condamnations et infractions (article 10)"),
)
_SPECIAL_RE = [(re.compile(p), what) for p, what in _SPECIAL]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("_", " ").replace("-", " "))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def special_category(text: str) -> str | None:
    """What special category of data `text` (a field id or label) seems to be about, if any."""
    folded = _fold(text)
    for pattern, what in _SPECIAL_RE:
        if pattern.search(folded):
            return what
    return None


def _sessions(guide: Guide) -> dict[str, list]:
    """Steps grouped by session: `session_<n>` and `session_<n>_…` (working groups), else one group."""
    if not guide.sessions:
        return {"": list(guide.sections)}
    groups: dict[str, list] = {}
    for s in guide.sections:
        m = re.match(r"^(session_\d+)(?:_|$)", s.id)
        groups.setdefault(m.group(1) if m else "", []).append(s)
    groups.pop("", None)
    return groups


def timing_warnings(file: str, guide: Guide) -> list[KitProblem]:
    problems: list[KitProblem] = []
    expected = guide.meta.duration_minutes
    for session, steps in _sessions(guide).items():
        where = f"séance « {session} »" if session else "le guide"
        untimed = [s.id for s in steps if s.duration_minutes is None]
        if untimed:
            problems.append(KitProblem(file, "sections", f"{where} : étape(s) sans durée ({', '.join(untimed)}) ; "
                                       "donnez une durée à chaque étape (duration_minutes)"))
            continue
        total = sum(s.duration_minutes or 0 for s in steps)
        if total != expected:
            problems.append(KitProblem(
                file, "meta.duration_minutes",
                f"{where} : les étapes durent {total} min au total, mais la durée annoncée est de {expected} min ; "
                "ajustez les durées des étapes ou la durée du guide",
            ))
    return problems


def special_category_warnings(file: str, tool) -> list[KitProblem]:
    problems: list[KitProblem] = []
    for path, q in iter_questions(list(getattr(tool, "sections", None) or [])):
        if q.special_category_reason:
            continue
        what = special_category(q.id) or special_category(q.label)
        if what:
            problems.append(KitProblem(
                file, f"{path}",
                f"la question « {q.id} » semble porter sur {what}, une donnée sensible (RGPD, article 9) : "
                "reformulez-la, ou justifiez-la avec « special_category_reason »",
            ))
    return problems


def criteria_warnings(kit: Kit) -> list[KitProblem]:
    bank, plan = kit.tool_for_role("action_questions"), kit.tool_for_role("action_plan")
    if bank is None or plan is None:
        return []
    field_id = kit.field_for_role(plan.id, "plan_criterion")
    field = next((q for _p, q in iter_questions(list(getattr(plan, "sections", []))) if q.id == field_id), None)
    if field is None:
        return []
    choices = field.choices or (kit.choice_list(plan, field.choice_list).choices if field.choice_list else [])
    missing = [s.id for s in getattr(bank, "sections", []) if s.id not in {c.value for c in choices}]
    if not missing:
        return []
    file = next((r.file for r in kit.manifest.tools if r.id == plan.id), plan.id)
    return [KitProblem(file, field.id, f"les critères {', '.join(missing)} de la banque « {bank.id} » manquent à la liste des critères "
                       "de la fiche : une question choisie dans la banque y perdrait son critère")]


def kit_warnings(kit: Kit) -> list[KitProblem]:
    """Every warning of a valid kit, tool by tool in the order of `kit.yaml`."""
    files = {ref.id: ref.file for ref in kit.manifest.tools}
    problems: list[KitProblem] = []
    for tool_id, tool in kit.tools.items():
        file = files.get(tool_id, tool_id)
        if isinstance(tool, Guide):
            problems += timing_warnings(file, tool)
        problems += special_category_warnings(file, tool)
    return problems + criteria_warnings(kit)
