"""Editing actions by hand: add, correct (fields corrected by hand survive a re-import), add a
year of funding, delete (tombstones). Mixed into `ActionService`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from desktop_app.core.identifiers import normalize_siren
from desktop_app.core.programmation import parse_number, parse_year
from desktop_app.core.programmation_rows import natural_key, series_key, split_qpv
from desktop_app.services.base import Change, NotFound, ServiceError
from desktop_app.store.models_actions import Action, ActionFunding, ActionScore

TEXT_FIELDS = ("title", "carrier", "siret", "pillar", "qpv", "description", "notes")
EDITABLE = (*TEXT_FIELDS, "first_year", "multi_year")
FUNDING_EDITABLE = ("year", "file_number", "qpv", "amounts", "requested", "total_cost", "beneficiaries", "beneficiaries_qpv_share")


class EditMixin:
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

    def edit_action(self, action_id: str, values: dict[str, Any], funding: dict[str, Any] | None = None,
                    funding_id: str | None = None) -> Change:
        """Save the action dialog in one transaction: the fields that changed (marked as corrected
        by hand, so a re-import keeps them) and one funding row (created when `funding_id` is None)."""
        cleaned = {k: self._clean(k, v) for k, v in values.items() if k in EDITABLE}
        if "title" in cleaned and not cleaned["title"]:
            raise ServiceError("L'intitulé de l'action ne peut pas être vide.")
        fund = {k: self._clean_funding(k, v) for k, v in (funding or {}).items() if k in FUNDING_EDITABLE}
        with self.tx() as s:
            action = self._action(s, action_id)
            edited = list(action.edited_fields or [])
            changed = False
            for key, value in cleaned.items():
                if getattr(action, key) != value:
                    setattr(action, key, value)
                    changed = True
                    if key not in edited:
                        edited.append(key)
            if changed:
                action.edited_fields = edited
                self.touch(action)
            if fund:
                rec = s.get(ActionFunding, funding_id) if funding_id else None
                if rec is None or rec.deleted:
                    rec = ActionFunding(evaluation_id=action.evaluation_id, action_id=action_id, edited_fields=[],
                                        source_file="saisie manuelle")
                    for key in FUNDING_EDITABLE:
                        setattr(rec, key, fund.get(key, self._clean_funding(key, None)))
                    rec.natural_key = natural_key(rec.file_number, action.series_key, rec.year, rec.qpv or action.qpv)
                    self.stamp_new(rec)
                    s.add(rec)
                else:
                    f_edited = list(rec.edited_fields or [])
                    f_changed = False
                    for key, value in fund.items():
                        if getattr(rec, key) != value:
                            setattr(rec, key, value)
                            f_changed = True
                            if key not in f_edited:
                                f_edited.append(key)
                    if f_changed:
                        rec.edited_fields = f_edited
                        self.touch(rec)
            return Change("action", action_id, action.evaluation_id)

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
        plan_tool = self.kit(eid).tool_id_for_role("action_plan")
        sheets = self.services.forms.find(eid, tool_id=plan_tool, subject_type="action", subject_id=action_id) if plan_tool else []
        for sheet in sheets:
            self.services.forms.delete(sheet.id)
        return Change("action", action_id, eid)

    def restore_action(self, action_id: str) -> Change:
        """Undo `delete_action`: the action and what was deleted with it (fundings, scores,
        method sheet: the tombstones made at or after the action's own)."""
        with self.tx() as s:
            action = s.get(Action, action_id)
            if action is None:
                raise NotFound("Cette action n'existe plus.")
            if not action.deleted:
                return Change("action", action_id, action.evaluation_id)
            since = action.updated_at
            self.revive(action)
            for model in (ActionFunding, ActionScore):
                for rec in s.scalars(select(model).where(model.action_id == action_id, model.deleted.is_(True),
                                                         model.updated_at >= since)):
                    self.revive(rec)
            eid = action.evaluation_id
        plan_tool = self.kit(eid).tool_id_for_role("action_plan")
        if plan_tool:
            self.services.forms.restore_for_subject(eid, plan_tool, "action", action_id, since)
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
