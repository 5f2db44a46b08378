"""The actions structurantes step (kit tools 4, 5, 6): programmation, weighted grid, short list.

`ActionService(services)` is reached as `services.actions`. It reads and edits the actions of an
evaluation (imported from the programmation or typed by hand), scores them on the kit's weighted
criteria (pre-filled from the data, a typed score always wins), ranks them, records the short
list, and, for each chosen action, its evaluative questions and method plan (`PlanMixin`).
Importing files is in `ImportMixin` (`services/actions_import.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, select

from desktop_app.core.programmation import normalize
from desktop_app.core.programmation_rows import split_qpv
from desktop_app.core.scoring import (
    Criterion,
    Level,
    Prefill,
    Score,
    max_total,
    prefill,
    ranking,
    weighted_total,
)
from desktop_app.core.steps import StepState
from desktop_app.services.actions_data import ActionData, FilterOptions, FundingData, GridData, GridRow
from desktop_app.services.actions_edit import EDITABLE, FUNDING_EDITABLE, EditMixin
from desktop_app.services.actions_import import ImportMixin
from desktop_app.services.actions_plan import PLAN_ROLE, PlanMixin
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError
from desktop_app.store.models import Evaluation
from desktop_app.store.models_actions import Action, ActionFunding, ActionScore, ActionWeight

if TYPE_CHECKING:
    from desktop_app.exports.actions_xlsx import ActionsWorkbook

# What `_data` and `_funding_data` read, selected as plain columns (see `list`).
ACTION_COLUMNS = tuple(getattr(Action, n) for n in (
    "id", "evaluation_id", "title", "carrier", "siret", "pillar", "qpv", "description", "notes", "series_key",
    "first_year", "multi_year", "chosen", "source",
))
FUNDING_COLUMNS = tuple(getattr(ActionFunding, n) for n in (
    "id", "action_id", "year", "file_number", "qpv", "amounts", "requested", "total_cost", "beneficiaries",
    "beneficiaries_qpv_share", "source_file", "source_sheet", "source_row",
))
def _same(value: Any) -> Any:
    return value


GRID_ROLE = "action_scoring"  # the kit's grid choosing the structuring actions
__all__ = ["ActionData", "ActionService", "EDITABLE", "FUNDING_EDITABLE", "FilterOptions", "FundingData", "GridData", "GridRow"]


class ActionService(EditMixin, PlanMixin, ImportMixin, ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _evaluation(s, evaluation_id: str) -> Evaluation:
        ev = s.get(Evaluation, evaluation_id)
        if ev is None or ev.deleted:
            raise NotFound(f"Évaluation introuvable : {evaluation_id}")
        return ev

    @staticmethod
    def _action(s, action_id: str) -> Action:
        rec = s.get(Action, action_id)
        if rec is None or rec.deleted:
            raise NotFound("Cette action a été supprimée ou n'existe pas.")
        return rec

    def kit(self, evaluation_id: str):
        summary = self.services.evaluations.get(evaluation_id)
        return self.services.kits.get(summary.kit_id, summary.kit_version)

    def _grid_tool(self, evaluation_id: str):
        tool = self.kit(evaluation_id).tool_for_role(GRID_ROLE)
        if tool is None:
            raise ServiceError("Le kit de cette évaluation ne contient pas de grille de choix des actions.")
        return tool

    def _role_tool_id(self, evaluation_id: str, role: str) -> str | None:
        return self.kit(evaluation_id).tool_id_for_role(role)

    # -- reading -------------------------------------------------------------------------------
    def list(self, evaluation_id: str) -> list[ActionData]:
        with self.read() as s:
            self._evaluation(s, evaluation_id)
            # plain rows, not ORM objects: at 3,000 actions (5,600 fundings) building and tracking the
            # objects was most of the read, which the Actions screen waits for
            actions = s.execute(
                select(*ACTION_COLUMNS).where(Action.evaluation_id == evaluation_id, Action.deleted.is_(False))
                .order_by(Action.position, Action.created_at)
            ).all()
            # one string object per repeated value (carrier, pillar, funder, source file...), as the
            # screen keeps every action for the session: 3,000 rows repeat them thousands of times
            shared: dict[Any, Any] = {a.id: a.id for a in actions}

            def one(value: Any) -> Any:
                return shared.setdefault(value, value)

            fundings: dict[str, list[FundingData]] = {}
            for f in s.execute(select(*FUNDING_COLUMNS).where(
                ActionFunding.evaluation_id == evaluation_id, ActionFunding.deleted.is_(False)
            ).order_by(ActionFunding.year, ActionFunding.position)):
                fundings.setdefault(f.action_id, []).append(self._funding_data(f, one))
            return [self._data(a, fundings.get(a.id, []), one) for a in actions]

    def for_figures(self, evaluation_id: str) -> Iterator[ActionData]:
        """The actions as figures read them (budget, funders, years funded, beneficiaries, QPV
        share: the same `ActionData` properties), without their texts, made one at a time: the
        référentiel's indicators read them beside the Actions screen's own list (a second full
        list was ≈ 14 MB at the session's peak, 3,000 actions)."""
        with self.read() as s:
            self._evaluation(s, evaluation_id)
            fundings: dict[str, list[FundingData]] = {}
            for f in s.execute(select(
                ActionFunding.id, ActionFunding.action_id, ActionFunding.year, ActionFunding.amounts,
                ActionFunding.requested, ActionFunding.total_cost, ActionFunding.beneficiaries,
                ActionFunding.beneficiaries_qpv_share, ActionFunding.source_row,
            ).where(
                ActionFunding.evaluation_id == evaluation_id, ActionFunding.deleted.is_(False)
            ).order_by(ActionFunding.year, ActionFunding.position)):
                fundings.setdefault(f.action_id, []).append(FundingData(
                    f.id, f.action_id, f.year, "", "", dict(f.amounts or {}), dict(f.requested or {}),
                    f.total_cost, f.beneficiaries, f.beneficiaries_qpv_share, "", "", f.source_row,
                ))
            actions = s.execute(
                select(Action.id, Action.first_year, Action.multi_year)
                .where(Action.evaluation_id == evaluation_id, Action.deleted.is_(False))
                .order_by(Action.position, Action.created_at)
            ).all()
        for a in actions:
            yield ActionData(
                a.id, evaluation_id, "", "", "", "", "", "", "", "", a.first_year, a.multi_year, False, "",
                tuple(fundings.pop(a.id, ())),
            )

    def get(self, action_id: str) -> ActionData:
        with self.read() as s:
            a = self._action(s, action_id)
            rows = s.scalars(select(ActionFunding).where(
                ActionFunding.action_id == action_id, ActionFunding.deleted.is_(False)
            ).order_by(ActionFunding.year, ActionFunding.position))
            return self._data(a, [self._funding_data(f) for f in rows])

    def count(self, evaluation_id: str) -> int:
        with self.read() as s:
            return s.scalar(select(func.count()).select_from(Action).where(
                Action.evaluation_id == evaluation_id, Action.deleted.is_(False))) or 0

    @staticmethod
    def _funding_data(f: ActionFunding | Row, one: Callable[[Any], Any] = _same) -> FundingData:
        return FundingData(
            # the funders' names in `amounts` are shared already: orjson reuses the keys it decodes
            f.id, one(f.action_id), f.year, f.file_number, one(f.qpv), dict(f.amounts or {}), dict(f.requested or {}),
            f.total_cost, f.beneficiaries, f.beneficiaries_qpv_share, one(f.source_file), one(f.source_sheet),
            f.source_row,
        )

    @staticmethod
    def _data(a: Action | Row, fundings: Iterable[FundingData], one: Callable[[Any], Any] = _same) -> ActionData:
        return ActionData(
            a.id, one(a.evaluation_id), a.title, one(a.carrier), a.siret, one(a.pillar), one(a.qpv), a.description,
            a.notes, a.series_key, a.first_year, a.multi_year, bool(a.chosen), one(a.source), tuple(fundings),
        )

    def filter_options(self, evaluation_id: str, actions: list[ActionData] | None = None) -> FilterOptions:
        actions = self.list(evaluation_id) if actions is None else actions
        pillars = sorted({a.pillar for a in actions if a.pillar}, key=normalize)
        carriers = sorted({a.carrier for a in actions if a.carrier}, key=normalize)
        years = sorted({y for a in actions for y in a.years})
        qpv: list[tuple[str, tuple[str, ...]]] = []
        known: set[str] = set()
        for row in self.services.evaluations.rows("qpv", evaluation_id):
            code, name = row.get("code") or "", row.get("name") or ""
            if code or name:
                qpv.append((f"{name} ({code})" if code and name else code or name, tuple(v for v in (code, name) if v)))
                known.update(normalize(v) for v in (code, name) if v)
        for text in sorted({p for a in actions for p in split_qpv(a.qpv)}, key=normalize):
            if normalize(text) not in known:
                known.add(normalize(text))
                qpv.append((text, (text,)))
        return FilterOptions(tuple(pillars), tuple(carriers), tuple(qpv), tuple(years))

    def qpv_names(self, evaluation_id: str) -> dict[str, str]:
        """{QPV code: name} from the Cadrage, to show names where files give codes."""
        return {str(r["code"]).upper(): r["name"] for r in self.services.evaluations.rows("qpv", evaluation_id)
                if r.get("code") and r.get("name")}

    # -- criteria, weights, grid ---------------------------------------------------------------
    def criteria(self, evaluation_id: str) -> tuple[Criterion, ...]:
        tool = self._grid_tool(evaluation_id)
        return tuple(
            Criterion(c.id, c.label, c.description or "", c.weight, c.auto,
                      tuple(Level(lv.value, lv.label, lv.description) for lv in c.levels), c.short_label or "")
            for c in tool.criteria
        )

    def grid_help(self, evaluation_id: str) -> tuple[str, str]:
        """(purpose, how to use) of the kit's grid, to explain it in the window."""
        tool = self._grid_tool(evaluation_id)
        return tool.purpose, tool.how_to

    def weights(self, evaluation_id: str) -> dict[str, float]:
        criteria = self.criteria(evaluation_id)
        with self.read() as s:
            stored = {w.criterion_id: w.weight for w in s.scalars(select(ActionWeight).where(
                ActionWeight.evaluation_id == evaluation_id, ActionWeight.deleted.is_(False)))}
        return {c.id: stored.get(c.id, c.default_weight) for c in criteria}

    def grid(self, evaluation_id: str, actions: list[ActionData] | None = None) -> GridData:
        tool = self._grid_tool(evaluation_id)
        criteria = self.criteria(evaluation_id)
        weights = self.weights(evaluation_id)
        actions = self.list(evaluation_id) if actions is None else actions
        with self.read() as s:
            manual: dict[str, dict[str, int]] = {}
            for sc in s.execute(select(ActionScore.action_id, ActionScore.criterion_id, ActionScore.value).where(
                ActionScore.evaluation_id == evaluation_id, ActionScore.deleted.is_(False)
            ).order_by(ActionScore.updated_at)):
                if sc.value is not None:
                    manual.setdefault(sc.action_id, {})[sc.criterion_id] = sc.value
        programme_total = sum(a.budget for a in actions)
        rows = []
        totals: dict[str, float] = {}
        # equal scores shared (keyed by plain tuples: hashing the dataclasses cost more than the
        # sharing saved): the grid keeps 3,000 actions × the criteria of them for the session
        made: dict[tuple, Score] = {}
        for a in actions:
            facts = a.facts()
            scores: dict[str, Score] = {}
            mine = manual.get(a.id, {})
            for c in criteria:
                pre: Prefill | None = prefill(c.auto, facts, programme_total) if c.auto else None
                value = mine.get(c.id)
                key = (value, pre.value, pre.note) if pre is not None else (value,)
                score = made.get(key)
                if score is None:
                    score = made[key] = Score(value, pre)
                scores[c.id] = score
            values = {cid: sc.value for cid, sc in scores.items()}
            totals[a.id] = weighted_total(values, weights)
            rows.append((a, scores, sum(1 for v in values.values() if v is not None)))
        ranks = ranking(totals)
        grid_rows = [GridRow(a, scores, totals[a.id], ranks[a.id], n) for a, scores, n in rows]
        grid_rows.sort(key=lambda r: (r.rank.rank, normalize(r.action.title)))
        custom = any(abs(weights[c.id] - c.default_weight) > 1e-9 for c in criteria)
        return GridData(
            criteria, weights, tuple(grid_rows), max_total(criteria, weights), round(programme_total, 2),
            tool.shortlist_min, tool.shortlist_max, custom,
        )

    def manual_score(self, action_id: str, criterion_id: str) -> int | None:
        """The score the team gave (None: none, the pre-filled value applies): what an undo of
        `set_score` puts back."""
        with self.read() as s:
            rec = s.scalars(select(ActionScore).where(
                ActionScore.action_id == action_id, ActionScore.criterion_id == criterion_id
            ).order_by(ActionScore.deleted, ActionScore.updated_at.desc())).first()
            return rec.value if rec is not None and not rec.deleted else None

    def set_score(self, action_id: str, criterion_id: str, value: int | None) -> Change:
        """Record the team's score (None: back to the value pre-filled from the data)."""
        with self.tx() as s:
            action = self._action(s, action_id)
            criteria = {c.id: c for c in self.criteria(action.evaluation_id)}
            crit = criteria.get(criterion_id)
            if crit is None:
                raise ServiceError(f"Critère inconnu : {criterion_id}")
            if value is not None:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise ServiceError(f"Note invalide : « {value} » (de 1 à {crit.max_level}).") from None
                if crit.level(value) is None:
                    levels = ", ".join(str(lv.value) for lv in crit.levels)
                    raise ServiceError(f"Note invalide pour « {crit.label} » : {value} (valeurs possibles : {levels}).")
            rec = s.scalars(select(ActionScore).where(
                ActionScore.action_id == action_id, ActionScore.criterion_id == criterion_id
            ).order_by(ActionScore.deleted, ActionScore.updated_at.desc())).first()
            if rec is None:
                if value is None:
                    return Change("action_score", action_id, action.evaluation_id, criterion_id)
                rec = ActionScore(evaluation_id=action.evaluation_id, action_id=action_id, criterion_id=criterion_id, value=value)
                self.stamp_new(rec)
                s.add(rec)
            else:
                rec.value = value
                rec.deleted = value is None
                self.touch(rec)
            return Change("action_score", action_id, action.evaluation_id, criterion_id)

    def set_scores(self, evaluation_id: str, scores: dict[tuple[str, str], int | None]) -> Change:
        """Several scores at once, {(action id, criterion id): value}, in one transaction."""
        criteria = {c.id: c for c in self.criteria(evaluation_id)}
        with self.tx() as s:
            existing = {(r.action_id, r.criterion_id): r for r in s.scalars(select(ActionScore).where(
                ActionScore.evaluation_id == evaluation_id).order_by(ActionScore.deleted.desc(), ActionScore.updated_at))}
            for (action_id, criterion_id), value in scores.items():
                crit = criteria.get(criterion_id)
                if crit is None or (value is not None and crit.level(value) is None):
                    raise ServiceError(f"Note invalide pour le critère « {criterion_id} » : {value}.")
                rec = existing.get((action_id, criterion_id))
                if rec is None:
                    if value is None:
                        continue
                    rec = ActionScore(evaluation_id=evaluation_id, action_id=action_id, criterion_id=criterion_id, value=value)
                    self.stamp_new(rec)
                    s.add(rec)
                else:
                    rec.value, rec.deleted = value, value is None
                    self.touch(rec)
        return Change("action_score", evaluation_id, evaluation_id)

    def set_weight(self, evaluation_id: str, criterion_id: str, weight: float) -> Change:
        criteria = {c.id: c for c in self.criteria(evaluation_id)}
        if criterion_id not in criteria:
            raise ServiceError(f"Critère inconnu : {criterion_id}")
        try:
            weight = float(str(weight).replace(",", "."))
        except ValueError:
            raise ServiceError(f"Poids invalide : « {weight} ».") from None
        if not 0 <= weight <= 10:
            raise ServiceError("Le poids d'un critère va de 0 (critère écarté) à 10.")
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            rec = s.scalars(select(ActionWeight).where(
                ActionWeight.evaluation_id == evaluation_id, ActionWeight.criterion_id == criterion_id
            ).order_by(ActionWeight.deleted, ActionWeight.updated_at.desc())).first()
            if rec is None:
                rec = ActionWeight(evaluation_id=evaluation_id, criterion_id=criterion_id, weight=weight)
                self.stamp_new(rec)
                s.add(rec)
            elif rec.weight != weight or rec.deleted:
                rec.weight, rec.deleted = weight, False
                self.touch(rec)
        return Change("action_weight", evaluation_id, evaluation_id, criterion_id)

    def set_weights(self, evaluation_id: str, weights: dict[str, float]) -> Change:
        """Several weights at once (the weights dialog); one change signal."""
        for criterion_id, weight in weights.items():
            self.set_weight(evaluation_id, criterion_id, weight)
        return Change("action_weight", evaluation_id, evaluation_id)

    def reset_weights(self, evaluation_id: str) -> Change:
        """Back to the kit's default weights."""
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            for rec in s.scalars(select(ActionWeight).where(
                ActionWeight.evaluation_id == evaluation_id, ActionWeight.deleted.is_(False)
            )):
                rec.deleted = True
                self.touch(rec)
        return Change("action_weight", evaluation_id, evaluation_id)

    def set_chosen(self, action_id: str, chosen: bool) -> Change:
        """Put an action on the short list (its method sheet is created) or take it off (the
        sheet is kept, and comes back if the action is chosen again)."""
        with self.tx() as s:
            action = self._action(s, action_id)
            if bool(action.chosen) != bool(chosen):
                action.chosen = bool(chosen)
                self.touch(action)
            eid = action.evaluation_id
        if chosen:
            self.ensure_sheet(action_id)
        return Change("action", action_id, eid, "chosen")

    # -- progress ------------------------------------------------------------------------------
    def step_states(self, evaluation_id: str) -> dict[str, StepState]:
        """The Actions step is done when a short list of the advised size is chosen and every
        chosen action has at least one evaluative question in its method plan."""
        with self.read() as s:  # ids only: this runs after every save, on programmations of thousands
            self._evaluation(s, evaluation_id)
            actions = s.execute(
                select(Action.id, Action.chosen).where(Action.evaluation_id == evaluation_id, Action.deleted.is_(False))
            ).all()
        if not actions:
            return {"actions": StepState("actions", "a_faire")}
        chosen = [aid for aid, is_chosen in actions if is_chosen]
        grid = self._grid_tool(evaluation_id)
        plan_tool = self._role_tool_id(evaluation_id, PLAN_ROLE)
        sheets = {
            r.subject_id: r for r in self.services.forms.find(evaluation_id, plan_tool, "action")
        } if plan_tool else {}
        plan_id = self.plan_field(evaluation_id).id if sheets else ""
        planned = sum(1 for aid in chosen if aid in sheets and sheets[aid].answers.get(plan_id))
        detail = f"{len(actions)} actions, {len(chosen)} retenue(s), {planned} avec méthode"
        done = grid.shortlist_min <= len(chosen) <= grid.shortlist_max and planned == len(chosen)
        return {"actions": StepState("actions", "termine" if done else "en_cours", detail)}

    # -- the Excel workbook --------------------------------------------------------------------
    def workbook(self, evaluation_id: str) -> ActionsWorkbook:
        """What the actions workbook shows, as plain data (opening each chosen action's method
        sheet, as the Questions tab does)."""
        from desktop_app.exports.actions_xlsx import ActionsWorkbook

        summary = self.services.evaluations.get(evaluation_id)
        actions = self.list(evaluation_id)
        grid = self.grid(evaluation_id, actions)
        labels = self.criterion_labels(evaluation_id)
        methods = self.plan_choices(evaluation_id).get("methods", {})
        names = self.qpv_names(evaluation_id)
        plans = {row.action.id: self.plan(row.action.id) for row in grid.chosen}
        return ActionsWorkbook(
            territory=summary.territory_name or summary.display_name,
            actions=actions,
            grid=grid,
            labels=labels,
            methods=methods,
            names=names,
            plans=plans,
            timeline=self.timeline(evaluation_id),
        )

    def export_workbook(
        self, evaluation_id: str, path: str | Path, progress: Callable[[int, int, str], None] | None = None
    ) -> Path:
        """Write the actions workbook (atomically) and return its path."""
        from desktop_app.exports.actions_xlsx import export_actions

        if progress is not None:
            progress(0, 100, "Préparation des données…")
        return export_actions(self.workbook(evaluation_id), path, progress)
