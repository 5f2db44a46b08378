"""The actions structurantes step (kit tools 4, 5, 6): programmation, weighted grid, short list.

`ActionService(services)` is reached as `services.actions`. It reads and edits the actions of an
evaluation (imported from the programmation or typed by hand), scores them on the kit's weighted
criteria (pre-filled from the data, a typed score always wins), ranks them, records the short
list, and, for each chosen action, its evaluative questions and method plan (`PlanMixin`).
Importing files is in `ImportMixin` (`services/actions_import.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.identifiers import normalize_siren
from desktop_app.core.programmation import normalize
from desktop_app.core.programmation_rows import natural_key, series_key, split_qpv
from desktop_app.core.scoring import (
    ActionFacts,
    Criterion,
    Level,
    Prefill,
    Rank,
    Score,
    max_total,
    prefill,
    ranking,
    weighted_total,
)
from desktop_app.services.actions_import import ImportMixin
from desktop_app.services.actions_plan import PlanMixin
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError
from desktop_app.store.models import Evaluation
from desktop_app.store.models_actions import Action, ActionFunding, ActionScore, ActionWeight

GRID_TOOL = "choix-actions"
TEXT_FIELDS = ("title", "carrier", "siret", "pillar", "qpv", "description", "notes")
EDITABLE = (*TEXT_FIELDS, "first_year", "multi_year")
FUNDING_EDITABLE = ("year", "file_number", "qpv", "amounts", "requested", "total_cost", "beneficiaries", "beneficiaries_qpv_share")


@dataclass(frozen=True)
class FundingData:
    id: str
    action_id: str
    year: int | None
    file_number: str
    qpv: str
    amounts: dict[str, float]
    requested: dict[str, float]
    total_cost: float | None
    beneficiaries: int | None
    beneficiaries_qpv_share: float | None
    source_file: str
    source_sheet: str
    source_row: int | None

    @property
    def budget(self) -> float:
        """Credits granted, else requested, else the action's total cost."""
        if any(self.amounts.values()):
            return sum(self.amounts.values())
        if any(self.requested.values()):
            return sum(self.requested.values())
        return self.total_cost or 0.0


@dataclass(frozen=True)
class ActionData:
    id: str
    evaluation_id: str
    title: str
    carrier: str
    siret: str
    pillar: str
    qpv: str
    description: str
    notes: str
    series_key: str
    first_year: int | None
    multi_year: bool | None
    chosen: bool
    source: str
    fundings: tuple[FundingData, ...] = ()

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({f.year for f in self.fundings if f.year is not None}))

    @property
    def years_label(self) -> str:
        return ", ".join(str(y) for y in self.years)

    @property
    def years_funded(self) -> int:
        years = self.years
        count = len(years)
        if self.first_year and years:
            count = max(count, years[-1] - self.first_year + 1)
        elif self.first_year:
            count = max(count, 1)
        return count

    @property
    def latest(self) -> FundingData | None:
        return max(self.fundings, key=lambda f: (f.year or 0, f.source_row or 0), default=None)

    @property
    def budget(self) -> float:
        return round(sum(f.budget for f in self.fundings), 2)

    @property
    def amounts_by_funder(self) -> dict[str, float]:
        """Granted amounts per funder over every year (requested ones where nothing is granted)."""
        out: dict[str, float] = {}
        for f in self.fundings:
            source = f.amounts if any(f.amounts.values()) else f.requested
            for funder, value in source.items():
                if value:
                    out[funder] = round(out.get(funder, 0.0) + value, 2)
        return out

    @property
    def funders(self) -> tuple[str, ...]:
        return tuple(sorted(self.amounts_by_funder))

    @property
    def file_numbers(self) -> str:
        return ", ".join(f.file_number for f in sorted(self.fundings, key=lambda f: f.year or 0) if f.file_number)

    @property
    def beneficiaries(self) -> int | None:
        for f in sorted(self.fundings, key=lambda f: f.year or 0, reverse=True):
            if f.beneficiaries is not None:
                return f.beneficiaries
        return None

    @property
    def qpv_share(self) -> float | None:
        for f in sorted(self.fundings, key=lambda f: f.year or 0, reverse=True):
            if f.beneficiaries_qpv_share is not None:
                return f.beneficiaries_qpv_share
        return None

    def facts(self) -> ActionFacts:
        return ActionFacts(
            self.budget, len(self.funders), self.years_funded, self.multi_year, self.beneficiaries, self.qpv_share
        )


@dataclass(frozen=True)
class GridRow:
    action: ActionData
    scores: dict[str, Score]
    total: float
    rank: Rank
    scored: int  # criteria with a value


@dataclass(frozen=True)
class GridData:
    criteria: tuple[Criterion, ...]
    weights: dict[str, float]
    rows: tuple[GridRow, ...]  # by rank, then title
    max_total: float
    programme_total: float
    shortlist_min: int
    shortlist_max: int
    custom_weights: bool = False
    _by_id: dict[str, GridRow] = field(default_factory=dict, compare=False, repr=False)

    def row(self, action_id: str) -> GridRow:
        if not self._by_id:
            self._by_id.update({r.action.id: r for r in self.rows})
        return self._by_id[action_id]

    @property
    def chosen(self) -> tuple[GridRow, ...]:
        return tuple(r for r in self.rows if r.action.chosen)


@dataclass(frozen=True)
class FilterOptions:
    pillars: tuple[str, ...]
    carriers: tuple[str, ...]
    qpv: tuple[tuple[str, tuple[str, ...]], ...]  # (label, names/codes that match it)
    years: tuple[int, ...]


class ActionService(PlanMixin, ImportMixin, ServiceBase):
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
        kit = self.kit(evaluation_id)
        if GRID_TOOL not in kit.tools:
            raise ServiceError(f"Le kit de cette évaluation ne contient pas la grille « {GRID_TOOL} ».")
        return kit.tool(GRID_TOOL)

    # -- reading -------------------------------------------------------------------------------
    def list(self, evaluation_id: str) -> list[ActionData]:
        with self.read() as s:
            self._evaluation(s, evaluation_id)
            actions = list(s.scalars(
                select(Action).where(Action.evaluation_id == evaluation_id, Action.deleted.is_(False))
                .order_by(Action.position, Action.created_at)
            ))
            fundings: dict[str, list[FundingData]] = {}
            for f in s.scalars(select(ActionFunding).where(
                ActionFunding.evaluation_id == evaluation_id, ActionFunding.deleted.is_(False)
            ).order_by(ActionFunding.year, ActionFunding.position)):
                fundings.setdefault(f.action_id, []).append(self._funding_data(f))
            return [self._data(a, fundings.get(a.id, [])) for a in actions]

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
    def _funding_data(f: ActionFunding) -> FundingData:
        return FundingData(
            f.id, f.action_id, f.year, f.file_number, f.qpv, dict(f.amounts or {}), dict(f.requested or {}),
            f.total_cost, f.beneficiaries, f.beneficiaries_qpv_share, f.source_file, f.source_sheet, f.source_row,
        )

    @staticmethod
    def _data(a: Action, fundings: Iterable[FundingData]) -> ActionData:
        return ActionData(
            a.id, a.evaluation_id, a.title, a.carrier, a.siret, a.pillar, a.qpv, a.description, a.notes,
            a.series_key, a.first_year, a.multi_year, bool(a.chosen), a.source, tuple(fundings),
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

    # -- criteria, weights, grid ---------------------------------------------------------------
    def criteria(self, evaluation_id: str) -> tuple[Criterion, ...]:
        tool = self._grid_tool(evaluation_id)
        return tuple(
            Criterion(c.id, c.label, c.description or "", c.weight, c.auto,
                      tuple(Level(lv.value, lv.label, lv.description) for lv in c.levels))
            for c in tool.criteria
        )

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
            for sc in s.scalars(select(ActionScore).where(
                ActionScore.evaluation_id == evaluation_id, ActionScore.deleted.is_(False)
            ).order_by(ActionScore.updated_at)):
                if sc.value is not None:
                    manual.setdefault(sc.action_id, {})[sc.criterion_id] = sc.value
        programme_total = sum(a.budget for a in actions)
        rows = []
        totals: dict[str, float] = {}
        for a in actions:
            facts = a.facts()
            scores: dict[str, Score] = {}
            for c in criteria:
                pre: Prefill | None = prefill(c.auto, facts, programme_total) if c.auto else None
                scores[c.id] = Score(manual.get(a.id, {}).get(c.id), pre)
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

    # -- editing actions -----------------------------------------------------------------------
    def add_action(self, evaluation_id: str, values: dict[str, Any] | None = None) -> Change:
        """A new action typed by hand; `values` may hold action fields and the fields of its
        funding row (year, file_number, amounts, beneficiaries…)."""
        values = dict(values or {})
        title = str(values.get("title") or "").strip()
        if not title:
            raise ServiceError("L'intitulé de l'action est obligatoire.")
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            position = s.scalar(select(func.coalesce(func.max(Action.position), -1)).where(Action.evaluation_id == evaluation_id)) + 1
            action = Action(evaluation_id=evaluation_id, position=position, source="manuel", edited_fields=[])
            for key in EDITABLE:
                setattr(action, key, self._clean(key, values.get(key)))
            action.series_key = series_key(action.title, action.carrier)
            self.stamp_new(action)
            s.add(action)
            s.flush()
            funding = ActionFunding(evaluation_id=evaluation_id, action_id=action.id, edited_fields=[], source_file="saisie manuelle")
            for key in FUNDING_EDITABLE:
                setattr(funding, key, self._clean_funding(key, values.get(key)))
            if not funding.qpv:
                funding.qpv = action.qpv
            funding.natural_key = natural_key(funding.file_number, action.series_key, funding.year, funding.qpv)
            self.stamp_new(funding)
            s.add(funding)
            return Change("action", action.id, evaluation_id)

    def update_action(self, action_id: str, key: str, value: Any) -> Change:
        if key not in EDITABLE:
            raise ServiceError(f"Champ inconnu : {key}")
        value = self._clean(key, value)
        if key == "title" and not value:
            raise ServiceError("L'intitulé de l'action ne peut pas être vide.")
        with self.tx() as s:
            action = self._action(s, action_id)
            if getattr(action, key) != value:
                setattr(action, key, value)
                edited = list(action.edited_fields or [])
                if key not in edited:
                    action.edited_fields = [*edited, key]
                self.touch(action)
            return Change("action", action_id, action.evaluation_id, key)

    def add_funding(self, action_id: str, values: dict[str, Any] | None = None) -> Change:
        """Another year of funding for an action, typed by hand."""
        with self.tx() as s:
            action = self._action(s, action_id)
            funding = ActionFunding(evaluation_id=action.evaluation_id, action_id=action_id, edited_fields=[], source_file="saisie manuelle")
            for key in FUNDING_EDITABLE:
                setattr(funding, key, self._clean_funding(key, (values or {}).get(key)))
            funding.natural_key = natural_key(funding.file_number, action.series_key, funding.year, funding.qpv or action.qpv)
            self.stamp_new(funding)
            s.add(funding)
            s.flush()
            return Change("action", action_id, action.evaluation_id, "fundings")

    def update_funding(self, funding_id: str, key: str, value: Any) -> Change:
        if key not in FUNDING_EDITABLE:
            raise ServiceError(f"Champ inconnu : {key}")
        value = self._clean_funding(key, value)
        with self.tx() as s:
            funding = s.get(ActionFunding, funding_id)
            if funding is None or funding.deleted:
                raise NotFound("Ce financement a été supprimé entre-temps.")
            if getattr(funding, key) != value:
                setattr(funding, key, value)
                edited = list(funding.edited_fields or [])
                if key not in edited:
                    funding.edited_fields = [*edited, key]
                self.touch(funding)
            return Change("action", funding.action_id, funding.evaluation_id, "fundings")

    def delete_action(self, action_id: str) -> Change:
        """Tombstone the action with its fundings and scores (its method sheet too)."""
        with self.tx() as s:
            action = self._action(s, action_id)
            action.deleted = True
            self.touch(action)
            for model in (ActionFunding, ActionScore):
                for rec in s.scalars(select(model).where(model.action_id == action_id, model.deleted.is_(False))):
                    rec.deleted = True
                    self.touch(rec)
            eid = action.evaluation_id
        for sheet in self.services.forms.find(eid, tool_id="methode-actions", subject_type="action", subject_id=action_id):
            self.services.forms.delete(sheet.id)
        return Change("action", action_id, eid)

    @staticmethod
    def _clean(key: str, value: Any) -> Any:
        if key == "first_year":
            if value in (None, ""):
                return None
            try:
                year = int(str(value).strip())
            except ValueError:
                raise ServiceError(f"Année invalide : « {value} ».") from None
            if not 1990 <= year <= 2100:
                raise ServiceError(f"Année invalide : « {value} ».")
            return year
        if key == "multi_year":
            return None if value is None else bool(value)
        text = "" if value is None else " ".join(str(value).split()) if key != "description" and key != "notes" else str(value).strip()
        if key == "siret":
            text = normalize_siren(text)
        if key == "qpv":
            text = ", ".join(split_qpv(text))
        return text

    @staticmethod
    def _clean_funding(key: str, value: Any) -> Any:
        from desktop_app.core.programmation import parse_number, parse_year

        if key in ("amounts", "requested"):
            out: dict[str, float] = {}
            for funder, amount in dict(value or {}).items():
                name = " ".join(str(funder).split())
                number = parse_number(amount).value if not isinstance(amount, (int, float)) else float(amount)
                if name and number:
                    out[name] = round(number, 2)
            return out
        if key == "year":
            if value in (None, ""):
                return None
            year = parse_year(value)
            if year is None:
                raise ServiceError(f"Année invalide : « {value} ».")
            return year
        if key in ("total_cost", "beneficiaries", "beneficiaries_qpv_share"):
            if value in (None, ""):
                return None
            number = parse_number(value)
            if number.value is None:
                raise ServiceError(f"Nombre invalide : « {value} ».")
            if key == "beneficiaries":
                return int(round(number.value))
            if key == "beneficiaries_qpv_share":
                v = number.value
                share = v / 100 if (number.percent or v > 1) else v
                if not 0 <= share <= 1:
                    raise ServiceError("La part de bénéficiaires habitant un QPV va de 0 à 100 %.")
                return share
            return number.value
        text = "" if value is None else " ".join(str(value).split())
        if key == "qpv":
            text = ", ".join(split_qpv(text))
        return text
