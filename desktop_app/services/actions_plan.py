"""Evaluative questions and method plan of the chosen actions (kit tools 5 and 6).

Each chosen action has one form response of the kit's `action_plan` sheet (subject_type
"action"). Its `plan_rows` answer holds one row per evaluative question — picked in the
`action_questions` bank or written by the facilitator — with indicators, sources, collection
methods, who and when (see `desktop_app.core.action_plan`: rows are handed out and taken back
with the application's keys, stored under the kit's field ids). The other answers of the sheet
(objectives, reasons, follow-up, restitution) are edited with the form renderer and saved
through `set_sheet_answer`.
Mixed into `ActionService`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.core.action_plan import (
    PLAN_ROLES,
    SHEET_ROLES,
    Milestone,
    Span,
    calendar_warnings,
    criterion_of,
    milestones,
    new_uid,
    spans,
    to_kit_row,
    to_plan_row,
)
from desktop_app.core.validation import AnswerError, coerce, missing_items
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
    rows: tuple[dict[str, Any], ...]  # with the application's keys (core.action_plan.PLAN_KEYS)
    answers: dict[str, Any]  # the sheet's answers by kit field id (for the form renderer)
    sheet: dict[str, Any] = field(default_factory=dict)  # title, carrier, objectives, reasons, decision

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
        """The sheet's repeat group of plan rows (field role `plan_rows`)."""
        found = next((f for f in field_index(self.sheet_form(evaluation_id)).values() if f.role == "plan_rows"), None)
        if found is None:
            raise ServiceError("La fiche méthode du kit de cette évaluation n'a pas de plan d'évaluation (rôle plan_rows).")
        return found

    def plan_keys(self, evaluation_id: str) -> dict[str, str]:
        """{application key of a plan cell: the kit's field id} (cells the kit lacks left out)."""
        by_role = {c.role: c.id for c in self.plan_field(evaluation_id).children if c.role}
        return {key: by_role[role] for key, role in PLAN_ROLES.items() if role in by_role}

    def _sheet_keys(self, evaluation_id: str) -> dict[str, str]:
        by_role = {f.role: f.id for f in field_index(self.sheet_form(evaluation_id)).values() if f.role}
        return {key: by_role[role] for key, role in SHEET_ROLES.items() if role in by_role}

    def plan_choices(self, evaluation_id: str) -> dict[str, dict[str, str]]:
        """{application key: {value: label}} for the choice columns of the plan (criterion, methods)."""
        by_field = {f: k for k, f in self.plan_keys(evaluation_id).items()}
        return {
            by_field[c.id]: {o.value: o.label for o in c.choices}
            for c in self.plan_field(evaluation_id).children
            if c.choices and c.id in by_field
        }

    def plan_labels(self, evaluation_id: str) -> dict[str, str]:
        """{application key: the column's label in the kit} of the plan's cells."""
        by_field = {f: k for k, f in self.plan_keys(evaluation_id).items()}
        return {by_field[c.id]: c.label for c in self.plan_field(evaluation_id).children if c.id in by_field}

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
        labels.update(self.plan_choices(evaluation_id).get("criterion", {}))
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
        eid = action.evaluation_id
        keys = self._sheet_keys(eid)
        sheet: dict[str, Any] = {"title": action.title, "carrier": action.carrier, "objectives": action.description}
        reasons = self._reasons(action)
        sheet["reasons"] = reasons
        answers: dict[str, Any] = {keys[k]: v for k, v in sheet.items() if v and k in keys}
        answers[self.plan_field(eid).id] = []
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
        return self._plan_data(action_id, self.services.forms.get(rid))

    def existing_plan(self, action_id: str) -> PlanData | None:
        """The action's plan when its sheet exists (nothing is created: for the deliverables)."""
        action, sheet = self._sheet(action_id)
        return self._plan_data(action_id, sheet) if sheet is not None else None

    def _plan_data(self, action_id: str, sheet) -> PlanData:
        eid = sheet.evaluation_id
        keys, plan_id = self.plan_keys(eid), self.plan_field(eid).id
        rows = tuple(to_plan_row(r, keys) for r in (sheet.answers.get(plan_id) or []) if isinstance(r, dict))
        sheet_keys = self._sheet_keys(eid)
        summary = {k: sheet.answers.get(f) for k, f in sheet_keys.items() if sheet.answers.get(f)}
        return PlanData(action_id, sheet.id, sheet.status, rows, dict(sheet.answers), summary)

    def _save_rows(self, action_id: str, rid: str, rows: list[dict[str, Any]], key: str | None = None) -> Change:
        eid = self.get(action_id).evaluation_id
        keys = self.plan_keys(eid)
        change = self.services.forms.set_answer(rid, self.plan_field(eid).id, [to_kit_row(r, keys) for r in rows])
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
            if criterion in self.plan_choices(eid).get("criterion", {}):
                row["criterion"] = criterion
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
        keys = self.plan_keys(eid)
        if key not in keys:
            raise ServiceError(f"Colonne inconnue : {key}")
        child = children[keys[key]]
        try:
            value = coerce(child, value)
        except AnswerError as exc:
            raise ServiceError(f"« {child.label} » : {exc.message}") from None
        if key == "question" and not value:
            raise ServiceError("La question évaluative ne peut pas être vide.")
        rows = [dict(r) for r in plan.rows]
        for row in rows:
            if row.get("uid") == uid:
                if value is None:
                    row.pop(key, None)
                else:
                    row[key] = value
                if key == "criterion" and value:
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
        rid = self.ensure_sheet(action_id)
        if key == self.plan_field(self.get(action_id).evaluation_id).id:
            raise ServiceError("Le plan d'évaluation se modifie question par question.")
        change = self.services.forms.set_answer(rid, key, value)
        return Change("action_plan", action_id, change.evaluation_id, key)

    def plan_missing(self, action_id: str) -> list[str]:
        """What keeps the plan from being validated, in French (the one rule of « complete »
        everywhere, `core.validation.missing_items`, on the action's sheet and its plan's rows),
        and a plan without any evaluative question. Empty: nothing is missing."""
        rid = self.ensure_sheet(action_id)
        sheet = self.services.forms.get(rid)
        items = [] if self.plan(action_id).rows else ["Aucune question évaluative n'est retenue pour cette action."]
        return items + missing_items(self.sheet_form(sheet.evaluation_id), sheet.answers, sheet.drafts)

    def set_plan_complete(self, action_id: str, complete: bool, note: str = "") -> Change:
        """Validate the plan (or not); `note`: why it is validated with items missing."""
        rid = self.ensure_sheet(action_id)
        change = self.services.forms.set_status(rid, "complete" if complete else "draft", note if complete else "")
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
