"""The evaluation plan of a chosen action (kit tools 5 and 6) as plain data: its rows and how
they sit against the evaluation's calendar.

A plan row is one evaluative question with the way to answer it, stored in the `plan` answer of
the action's `methode-actions` sheet with the kit's keys (question, critere, indicateurs,
sources, methodes, qui, quand_debut, quand_fin) plus `uid` (a stable row id) and `ref` (the id
of the question in the `questions-actions` bank when it was picked there) and `axe` (the bank
criterion, kept even when the sheet's criterion list lacks it).

Qt-free.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.core.identifiers import format_date_fr

PLAN_KEYS = ("question", "critere", "indicateurs", "sources", "methodes", "qui", "quand_debut", "quand_fin")
TEXT_KEYS = ("question", "indicateurs", "sources", "qui")
DATE_KEYS = ("quand_debut", "quand_fin")
ADVISED_MIN, ADVISED_MAX = 3, 6  # questions per action, as the bank's how-to says


def new_uid() -> str:
    return uuid.uuid4().hex[:12]


def criterion_of(row: Mapping[str, Any]) -> str:
    """The criterion of a row: the sheet's `critere`, else the bank section it came from."""
    return str(row.get("critere") or row.get("axe") or "")


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
        start, end = _date(row.get("quand_debut")), _date(row.get("quand_fin"))
        if start or end:
            out.append(Span(str(row.get("question") or "Question sans libellé"), start, end, str(row.get("qui") or ""), group))
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
        d1, d2 = _date(row.get("quand_debut")), _date(row.get("quand_fin"))
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
