"""The evaluation plan of a chosen action (kit tools 5 and 6) as plain data: its rows and how
they sit against the evaluation's calendar.

A plan row is one evaluative question with the way to answer it, stored in the repeat group
with the field role `plan_rows` of the kit's `action_plan` sheet, under the kit's field ids,
plus `uid` (a stable row id), `ref` (the id of the question in the `action_questions` bank when
it was picked there) and `axe` (the bank criterion, kept even when the sheet's criterion list
lacks it). The application reads a row with its own keys (PLAN_KEYS), translated from and to the
kit's field ids by their field roles (`plan_question`, `plan_criterion`...): `to_plan_row`,
`to_kit_row`.

Qt-free.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.core.identifiers import format_date_fr

# the application's key of a plan row's cell -> the field role of its kit question
PLAN_ROLES = {
    "question": "plan_question",
    "criterion": "plan_criterion",
    "indicators": "plan_indicators",
    "data_sources": "plan_sources",
    "methods": "plan_methods",
    "who": "plan_who",
    "start": "plan_start",
    "end": "plan_end",
}
PLAN_KEYS = tuple(PLAN_ROLES)
TEXT_KEYS = ("question", "indicators", "data_sources", "who")
DATE_KEYS = ("start", "end")
# the application's key of a method sheet's answer -> its field role
SHEET_ROLES = {
    "title": "action_title",
    "carrier": "action_carrier",
    "objectives": "action_objectives",
    "reasons": "action_reasons",
    "decision": "action_decision",
}
ADVISED_MIN, ADVISED_MAX = 3, 6  # questions per action, as the bank's how-to says


def new_uid() -> str:
    return uuid.uuid4().hex[:12]


def to_plan_row(row: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """A stored row (kit field ids) with the application's keys; `keys`: app key -> field id."""
    by_field = {field: key for key, field in keys.items()}
    return {by_field.get(k, k): v for k, v in row.items()}


def to_kit_row(row: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """The inverse of `to_plan_row`: the row as stored in the kit's repeat group."""
    return {keys.get(k, k): v for k, v in row.items()}


def criterion_of(row: Mapping[str, Any]) -> str:
    """The criterion of a row: the sheet's criterion, else the bank section it came from."""
    return str(row.get("criterion") or row.get("axe") or "")


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Span:
    """One collection period of the plan (a row with at least one date)."""

    label: str
    start: date | None
    end: date | None
    who: str = ""
    group: str = ""  # the action, in a timeline of several actions


@dataclass(frozen=True)
class Milestone:
    day: date
    label: str
    kind: str


def spans(rows: Iterable[Mapping[str, Any]], group: str = "") -> list[Span]:
    out = []
    for row in rows:
        start, end = _date(row.get("start")), _date(row.get("end"))
        if start or end:
            out.append(Span(str(row.get("question") or "Question sans libellé"), start, end, str(row.get("who") or ""), group))
    return out


def milestones(rows: Iterable[Mapping[str, Any]]) -> list[Milestone]:
    """Cadrage milestones with a valid date, in date order."""
    out = []
    for row in rows:
        day = _date(row.get("date"))
        if day:
            out.append(Milestone(day, str(row.get("label") or ""), str(row.get("kind") or "")))
    return sorted(out, key=lambda m: m.day)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def calendar_warnings(
    rows: Sequence[Mapping[str, Any]], marks: Sequence[Milestone], start: date | None, end: date | None
) -> list[str]:
    """French remarks on a plan against the evaluation's calendar: missing or inverted dates,
    collection outside the evaluation period or ending after the restitution COPIL."""
    out: list[str] = []
    restitution = next((m for m in reversed(marks) if m.kind in ("copil", "rendu")), None)
    for row in rows:
        q = _short(str(row.get("question") or "Question sans libellé"))
        d1, d2 = _date(row.get("start")), _date(row.get("end"))
        if not d1 and not d2:
            out.append(f"« {q} » : dates de collecte à préciser.")
            continue
        if d1 and d2 and d2 < d1:
            out.append(f"« {q} » : la fin de la collecte ({format_date_fr(d2)}) précède son début ({format_date_fr(d1)}).")
            continue
        last = d2 or d1
        first = d1 or d2
        if start and first < start:
            out.append(f"« {q} » : la collecte commence avant le début de l'évaluation ({format_date_fr(start)}).")
        if end and last > end:
            out.append(f"« {q} » : la collecte se termine après la fin de l'évaluation ({format_date_fr(end)}).")
        elif restitution and last > restitution.day:
            out.append(
                f"« {q} » : la collecte se termine après « {restitution.label} » du {format_date_fr(restitution.day)}."
            )
    return out


def question_count_message(n: int) -> tuple[str, str]:
    """("ok" | "low" | "high", French sentence) about the number of questions of one action."""
    if n == 0:
        return "low", f"Aucune question retenue : choisissez-en {ADVISED_MIN} à {ADVISED_MAX}."
    if n < ADVISED_MIN:
        return "low", f"{n} question{'s' if n > 1 else ''} retenue{'s' if n > 1 else ''} ({ADVISED_MIN} à {ADVISED_MAX} conseillées)."
    if n > ADVISED_MAX:
        return "high", f"{n} questions retenues : c'est beaucoup ({ADVISED_MIN} à {ADVISED_MAX} conseillées), mieux vaut peu de questions bien documentées."
    return "ok", f"{n} questions retenues ({ADVISED_MIN} à {ADVISED_MAX} conseillées)."
