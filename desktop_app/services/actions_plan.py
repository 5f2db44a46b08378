"""Evaluative questions and method plan of the chosen actions (kit tools 5 and 6).

Each chosen action has one `methode-actions` form response (subject_type "action"). Its `plan`
answer holds one row per evaluative question — picked in the `questions-actions` bank or
written by the facilitator — with indicators, sources, collection methods, who and when (see
`desktop_app.core.action_plan`). The other answers of the sheet (objectives, reasons, follow-up,
restitution) are edited with the form renderer and saved through `set_sheet_answer`.
Mixed into `ActionService`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.core.action_plan import (
    Milestone,
    Span,
    calendar_warnings,
    criterion_of,
    milestones,
    new_uid,
    spans,
)
from desktop_app.core.validation import AnswerError, coerce
from desktop_app.kit.forms import Form, FormField, compile_tool, field_index
from desktop_app.services.base import Change, NotFound, ServiceError, one_write

PLAN_ROLE = "action_plan"  # the kit's evaluation method sheet of a chosen action
BANK_ROLE = "action_questions"  # the kit's bank of evaluative questions
SUBJECT = "action"


@dataclass(frozen=True)
class BankQuestion:
    id: str
    label: str
    help: str
    section_id: str


@dataclass(frozen=True)
class BankSection:
    id: str
    title: str
    description: str
    questions: tuple[BankQuestion, ...]


@dataclass(frozen=True)
class PlanData:
    action_id: str
    response_id: str
    status: str
    rows: tuple[dict[str, Any], ...]
    answers: dict[str, Any]

    @property
    def refs(self) -> frozenset[str]:
        return frozenset(str(r["ref"]) for r in self.rows if r.get("ref"))


@dataclass(frozen=True)
class TimelineData:
    spans: tuple[Span, ...]
    milestones: tuple[Milestone, ...]
    start: date | None
    end: date | None
    warnings: tuple[str, ...]


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class PlanMixin:
    # -- kit -----------------------------------------------------------------------------------
    def sheet_form(self, evaluation_id: str) -> Form:
        kit = self.kit(evaluation_id)
        return compile_tool(kit, self._plan_tool(evaluation_id))

    def _plan_tool(self, evaluation_id: str) -> str:
        tool_id = self.kit(evaluation_id).tool_id_for_role(PLAN_ROLE)
        if tool_id is None:
            raise ServiceError("Le kit de cette évaluation ne contient pas de fiche méthode des actions.")
        return tool_id

    def plan_field(self, evaluation_id: str) -> FormField:
        return field_index(self.sheet_form(evaluation_id))["plan"]

    def plan_choices(self, evaluation_id: str) -> dict[str, dict[str, str]]:
        """{child id: {value: label}} for the choice columns of the plan (critere, methodes)."""
        return {c.id: {o.value: o.label for o in c.choices} for c in self.plan_field(evaluation_id).children if c.choices}

    def question_bank(self, evaluation_id: str) -> tuple[BankSection, ...]:
        tool = self.kit(evaluation_id).tool_for_role(BANK_ROLE)
        if tool is None:
            return ()
        return tuple(
            BankSection(
                sec.id, sec.title, sec.description or "",
                tuple(BankQuestion(q.id, q.label, q.help or "", sec.id) for q in sec.questions if q.type != "note"),
            )
            for sec in tool.sections
        )

    def criterion_labels(self, evaluation_id: str) -> dict[str, str]:
        """Labels of every evaluative criterion: the bank's sections and the sheet's list."""
        labels = {s.id: s.title for s in self.question_bank(evaluation_id)}
        labels.update(self.plan_choices(evaluation_id).get("critere", {}))
        return labels

    # -- the sheet -----------------------------------------------------------------------------
    def _sheet(self, action_id: str):
        action = self.get(action_id)
        found = self.services.forms.find(action.evaluation_id, self._plan_tool(action.evaluation_id), SUBJECT, action_id)
        return action, (found[0] if found else None)

    @one_write
    def ensure_sheet(self, action_id: str) -> str:
        """The id of the action's method sheet, created (identified, reasons pre-filled) if needed."""
        action, sheet = self._sheet(action_id)
        if sheet is not None:
            return sheet.id
        answers: dict[str, Any] = {"action_intitule": action.title, "plan": []}
        if action.carrier:
            answers["action_porteur"] = action.carrier
        if action.description:
            answers["action_objectifs"] = action.description
        reasons = self._reasons(action)
        if reasons:
            answers["action_raisons"] = reasons
        forms = self.services.forms
        rid = forms.create(action.evaluation_id, self._plan_tool(action.evaluation_id), SUBJECT, action_id, label=action.title)
        forms.set_answers(rid, answers)
        return rid

    def _reasons(self, action) -> str:
        grid = self.grid(action.evaluation_id)
        try:
            row = grid.row(action.id)
        except KeyError:
            return ""
        best = [grid_c for grid_c in grid.criteria if row.scores[grid_c.id].value == grid_c.max_level]
        best.sort(key=lambda c: -grid.weights[c.id])
        text = (
            f"Classée {row.rank.label} sur {len(grid.rows)} actions dans la grille de choix "
            f"(score {_num(row.total)} sur {_num(grid.max_total)})."
        )
        if best:
            text += " Critères les mieux notés : " + ", ".join(c.label.lower() for c in best[:4]) + "."
        return text

    def plan(self, action_id: str) -> PlanData:
        rid = self.ensure_sheet(action_id)
        sheet = self.services.forms.get(rid)
        rows = tuple(dict(r) for r in (sheet.answers.get("plan") or []) if isinstance(r, dict))
        return PlanData(action_id, rid, sheet.status, rows, dict(sheet.answers))

    def _save_rows(self, action_id: str, rid: str, rows: list[dict[str, Any]], key: str | None = None) -> Change:
        change = self.services.forms.set_answer(rid, "plan", rows)
        return Change("action_plan", action_id, change.evaluation_id, key)

    @one_write
    def add_question(self, action_id: str, text: str, criterion: str = "", ref: str | None = None) -> Change:
        text = " ".join((text or "").split())
        if not text:
            raise ServiceError("Écrivez la question évaluative avant de l'ajouter.")
        plan = self.plan(action_id)
        eid = self.get(action_id).evaluation_id
        row: dict[str, Any] = {"uid": new_uid(), "question": text}
        if ref:
            row["ref"] = ref
        if criterion:
            row["axe"] = criterion
            if criterion in self.plan_choices(eid).get("critere", {}):
                row["critere"] = criterion
        return self._save_rows(action_id, plan.response_id, [*plan.rows, row])

    @one_write
    def set_bank_question(self, action_id: str, ref: str, on: bool) -> Change:
        """Pick (or drop) a question of the bank for this action."""
        plan = self.plan(action_id)
        if on:
            if ref in plan.refs:
                return Change("action_plan", action_id, self.get(action_id).evaluation_id)
            eid = self.get(action_id).evaluation_id
            question = next((q for s in self.question_bank(eid) for q in s.questions if q.id == ref), None)
            if question is None:
                raise ServiceError(f"Question inconnue dans la banque : {ref}")
            return self.add_question(action_id, question.label, question.section_id, ref)
        rows = [r for r in plan.rows if r.get("ref") != ref]
        return self._save_rows(action_id, plan.response_id, rows)

    @one_write
    def update_question(self, action_id: str, uid: str, key: str, value: Any) -> Change:
        """Edit one cell of the plan; values are read as the kit's field would (dates typed
        JJ/MM/AAAA, methods as a list of values…)."""
        plan = self.plan(action_id)
        eid = self.get(action_id).evaluation_id
        children = {c.id: c for c in self.plan_field(eid).children}
        if key not in children:
            raise ServiceError(f"Colonne inconnue : {key}")
        try:
            value = coerce(children[key], value)
        except AnswerError as exc:
            raise ServiceError(f"« {children[key].label} » : {exc.message}") from None
        if key == "question" and not value:
            raise ServiceError("La question évaluative ne peut pas être vide.")
        rows = [dict(r) for r in plan.rows]
        for row in rows:
            if row.get("uid") == uid:
                if value is None:
                    row.pop(key, None)
                else:
                    row[key] = value
                if key == "critere" and value:
                    row["axe"] = value
                if key == "question" and row.get("ref"):
                    bank = {q.id: q.label for s in self.question_bank(eid) for q in s.questions}
                    if bank.get(row["ref"]) != value:
                        row["ref_reworded"] = True
                break
        else:
            raise NotFound("Cette question a été retirée du plan entre-temps.")
        return self._save_rows(action_id, plan.response_id, rows, key)

    @one_write
    def remove_question(self, action_id: str, uid: str) -> Change:
        plan = self.plan(action_id)
        rows = [r for r in plan.rows if r.get("uid") != uid]
        return self._save_rows(action_id, plan.response_id, rows)

    @one_write
    def move_question(self, action_id: str, uid: str, delta: int) -> Change:
        plan = self.plan(action_id)
        rows = list(plan.rows)
        index = next((i for i, r in enumerate(rows) if r.get("uid") == uid), None)
        if index is None:
            raise NotFound("Cette question a été retirée du plan entre-temps.")
        target = max(0, min(len(rows) - 1, index + delta))
        rows.insert(target, rows.pop(index))
        return self._save_rows(action_id, plan.response_id, rows)

    def set_sheet_answer(self, action_id: str, key: str, value: Any) -> Change:
        """Save one answer of the method sheet other than the plan (from the form renderer)."""
        if key == "plan":
            raise ServiceError("Le plan d'évaluation se modifie question par question.")
        rid = self.ensure_sheet(action_id)
        change = self.services.forms.set_answer(rid, key, value)
        return Change("action_plan", action_id, change.evaluation_id, key)

    def set_plan_complete(self, action_id: str, complete: bool) -> Change:
        rid = self.ensure_sheet(action_id)
        change = self.services.forms.set_status(rid, "complete" if complete else "draft")
        return Change("action_plan", action_id, change.evaluation_id, "status")

    # -- calendar ------------------------------------------------------------------------------
    def timeline(self, evaluation_id: str, action_id: str | None = None) -> TimelineData:
        """The collection periods of one chosen action's plan (or of every chosen action)
        against the Cadrage's calendar, with French remarks."""
        cadrage = self.services.evaluations.cadrage(evaluation_id)
        marks = milestones(cadrage.tables.get("milestone", []))
        start, end = _iso(cadrage.fields.get("start_date")), _iso(cadrage.fields.get("end_date"))
        if action_id is not None:
            targets = [self.get(action_id)]
        else:
            targets = [a for a in self.list(evaluation_id) if a.chosen]
        all_spans: list[Span] = []
        warnings: list[str] = []
        for action in targets:
            rows = list(self.plan(action.id).rows)
            all_spans += spans(rows, group=action.title if action_id is None else "")
            found = calendar_warnings(rows, marks, start, end)
            if action_id is None:
                found = [f"{action.title} — {w}" for w in found]
            warnings += found
        return TimelineData(tuple(all_spans), tuple(marks), start, end, tuple(warnings))

    def plan_rows_for_export(self, evaluation_id: str) -> list[tuple[Any, dict[str, Any]]]:
        """(action, row) for every question of every chosen action, in plan order."""
        out = []
        for action in self.list(evaluation_id):
            if action.chosen:
                out += [(action, row) for row in self.plan(action.id).rows]
        return out

    def criterion_of(self, row: dict[str, Any]) -> str:
        return criterion_of(row)


def _num(value: float) -> str:
    return (f"{value:.1f}".rstrip("0").rstrip(".")).replace(".", ",")
