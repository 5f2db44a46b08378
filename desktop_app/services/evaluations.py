"""Evaluations and their Cadrage: create, list, read, and save one field at a time.

Every setter writes immediately in its own short transaction (autosave): the facilitator never
has a Save button to forget, and a crash loses at most the field being typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.cadrage import CIVILITIES, TABLES, CadrageCompletion, cadrage_completion
from desktop_app.core.french import AnswerError, guess_article, normalize_article
from desktop_app.core.identifiers import GENERATIONS, normalize_insee, normalize_siren
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError, same_json
from desktop_app.services.cadrage_reference import CadrageReferenceMixin
from desktop_app.services.kits import KitService
from desktop_app.store.db import Store
from desktop_app.store.models import Commune, Evaluation, Milestone, Partner, Qpv, TeamMember

MODELS = {"commune": Commune, "qpv": Qpv, "partner": Partner, "team_member": TeamMember, "milestone": Milestone}
EVALUATION_EDITABLE = {
    "title", "territory_name", "epci_type", "siren", "generation", "description", "start_date", "end_date", "scope",
    "sender_name", "sender_address", "signatory_name", "signatory_title",
}


@dataclass(frozen=True)
class EvaluationSummary:
    id: str
    title: str
    territory_name: str
    generation: str
    kit_id: str
    kit_version: str
    updated_at: datetime

    @property
    def generation_label(self) -> str:
        return GENERATIONS.get(self.generation, self.generation)

    @property
    def display_name(self) -> str:
        return self.title or self.territory_name or "Évaluation sans titre"


@dataclass
class Cadrage:
    evaluation_id: str
    fields: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def completion(self) -> CadrageCompletion:
        return cadrage_completion(self.fields, self.tables)


class EvaluationService(CadrageReferenceMixin, ServiceBase):
    def __init__(self, store: Store, kits: KitService):
        super().__init__(store)
        self.kits = kits

    # -- evaluations -------------------------------------------------------------------------
    def create(self, territory_name: str = "", generation: str = "2024-2030", title: str = "", scope: list[str] | None = None) -> str:
        if generation not in GENERATIONS:
            raise ServiceError(f"Génération de contrat inconnue : {generation}")
        kit = self.kits.latest()  # the newest version on this computer; the evaluation keeps it
        self.kits.snapshot(kit)
        with self.tx() as s:
            ev = Evaluation(
                title=title,
                territory_name=territory_name,
                generation=generation,
                kit_id=kit.id,
                kit_version=kit.version,
                scope=list(scope) if scope is not None else list(kit.tools),
            )
            self.stamp_new(ev)
            s.add(ev)
            s.flush()
            return ev.id

    def list(self) -> list[EvaluationSummary]:
        with self.read() as s:
            rows = s.scalars(select(Evaluation).where(Evaluation.deleted.is_(False)).order_by(Evaluation.updated_at.desc()))
            return [self._summary(e) for e in rows]

    def count(self) -> int:
        with self.read() as s:
            return s.scalar(select(func.count()).select_from(Evaluation).where(Evaluation.deleted.is_(False))) or 0

    def get(self, evaluation_id: str) -> EvaluationSummary:
        with self.read() as s:
            return self._summary(self._evaluation(s, evaluation_id))

    def resolve(self, evaluation_id: str | None) -> str:
        """The evaluation to work on: the one given, or the only one in the database."""
        if evaluation_id:
            return self.get(evaluation_id).id
        evaluations = self.list()
        if not evaluations:
            raise ServiceError("La base ne contient aucune évaluation.")
        if len(evaluations) > 1:
            raise ServiceError(
                f"La base contient {len(evaluations)} évaluations : précisez laquelle avec --evaluation "
                "(voir « evalkit list »)."
            )
        return evaluations[0].id

    def delete(self, evaluation_id: str) -> Change:
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            ev.deleted = True
            self.touch(ev)
        return Change("evaluation", evaluation_id, evaluation_id)

    @staticmethod
    def _summary(e: Evaluation) -> EvaluationSummary:
        return EvaluationSummary(e.id, e.title, e.territory_name, e.generation, e.kit_id, e.kit_version, e.updated_at)

    @staticmethod
    def _evaluation(s, evaluation_id: str) -> Evaluation:
        ev = s.get(Evaluation, evaluation_id)
        if ev is None or ev.deleted:
            raise NotFound(f"Évaluation introuvable : {evaluation_id}")
        return ev

    # -- cadrage -------------------------------------------------------------------------------
    def cadrage(self, evaluation_id: str) -> Cadrage:
        with self.read() as s:
            ev = self._evaluation(s, evaluation_id)
            fields = {k: getattr(ev, k) for k in EVALUATION_EDITABLE}
            for k in ("start_date", "end_date"):
                fields[k] = fields[k].isoformat() if fields[k] else ""
            fields["scope"] = list(ev.scope or [])
            fields["drafts"] = dict(ev.drafts or {})
            fields["kit_id"], fields["kit_version"] = ev.kit_id, ev.kit_version
            tables = {entity: self._rows(s, entity, evaluation_id) for entity in MODELS}
        return Cadrage(evaluation_id, fields, tables)

    def scope(self, evaluation_id: str) -> list[str]:
        """The tools retained in the evaluation's scope (`cadrage(...).fields["scope"]`), read
        without the Cadrage's tables (the screens ask for it as they are built)."""
        with self.read() as s:
            return list(self._evaluation(s, evaluation_id).scope or [])

    def update_evaluation(self, evaluation_id: str, key: str, value: Any) -> Change:
        if key not in EVALUATION_EDITABLE:
            raise ServiceError(f"Champ inconnu : {key}")
        if key == "siren":
            value = normalize_siren(str(value))
        if key in ("start_date", "end_date"):
            value = date.fromisoformat(value) if value else None
        if key == "generation" and value not in GENERATIONS:
            raise ServiceError(f"Génération de contrat inconnue : {value}")
        if key == "scope":
            value = list(value)
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            drafts = ev.drafts or {}
            if key in drafts:  # a valid value (or none) replaces the text kept « à corriger »
                ev.drafts = {k: v for k, v in drafts.items() if k != key}
                self.touch(ev)
            if not same_json(getattr(ev, key), value):  # the value already stored: no new revision
                setattr(ev, key, value)
                self.touch(ev)
        return Change("evaluation", evaluation_id, evaluation_id, key)

    def set_draft(self, evaluation_id: str, key: str, text: str | None) -> Change:
        """Keep the text typed in a Cadrage field that is not a valid value (None or blank:
        forget it); the stored value is left as it was."""
        if key not in EVALUATION_EDITABLE:
            raise ServiceError(f"Champ inconnu : {key}")
        text = text if isinstance(text, str) and text.strip() else None
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            drafts = dict(ev.drafts or {})
            if drafts.get(key) != text:
                if text is None:
                    drafts.pop(key, None)
                else:
                    drafts[key] = text
                ev.drafts = drafts
                self.touch(ev)
        return Change("evaluation", evaluation_id, evaluation_id, key)

    # -- cadrage tables ------------------------------------------------------------------------
    def rows(self, entity: str, evaluation_id: str) -> list[dict[str, Any]]:
        with self.read() as s:
            return self._rows(s, entity, evaluation_id)

    def _rows(self, s, entity: str, evaluation_id: str) -> list[dict[str, Any]]:
        model = MODELS[entity]
        keys = [c.key for c in TABLES[entity].columns]
        stmt = (
            select(model)
            .where(model.evaluation_id == evaluation_id, model.deleted.is_(False))
            .order_by(model.position, model.created_at)
        )
        out = []
        for rec in s.scalars(stmt):
            row = {k: getattr(rec, k) for k in keys}
            row["id"] = rec.id
            out.append(row)
        if entity == "milestone":
            out.sort(key=lambda r: r.get("date") or "9999")
        return out

    def add_row(self, entity: str, evaluation_id: str, values: dict[str, Any] | None = None) -> Change:
        model = MODELS[entity]
        allowed = {c.key for c in TABLES[entity].columns}
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            position = s.scalar(select(func.coalesce(func.max(model.position), -1)).where(model.evaluation_id == evaluation_id)) + 1
            rec = model(evaluation_id=evaluation_id, position=position)
            for k, v in (values or {}).items():
                if k not in allowed:
                    raise ServiceError(f"Colonne inconnue : {k}")
                setattr(rec, k, self._clean(entity, k, v))
            if entity == "partner" and not rec.article and rec.organisation:
                rec.article = guess_article(rec.organisation)
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            return Change(entity, rec.id, evaluation_id)

    def update_row(self, entity: str, row_id: str, key: str, value: Any) -> Change:
        model = MODELS[entity]
        if key not in {c.key for c in TABLES[entity].columns}:
            raise ServiceError(f"Colonne inconnue : {key}")
        with self.tx() as s:
            rec = s.get(model, row_id)
            if rec is None or rec.deleted:
                raise NotFound("Cette ligne a été supprimée entre-temps.")
            value = self._clean(entity, key, value)
            old = getattr(rec, key)
            if same_json(old, value):  # the value already stored: no new revision
                return Change(entity, row_id, rec.evaluation_id, key)
            setattr(rec, key, value)
            self.touch(rec)
            if entity == "partner" and key == "organisation" and rec.article in ("", guess_article(old)):
                # the article was the guess for the old name: guess again (the table reloads)
                rec.article = guess_article(rec.organisation) if rec.organisation else ""
                return Change(entity, row_id, rec.evaluation_id)
            return Change(entity, row_id, rec.evaluation_id, key)

    def delete_row(self, entity: str, row_id: str) -> Change:
        model = MODELS[entity]
        with self.tx() as s:
            rec = s.get(model, row_id)
            if rec is None:
                raise NotFound("Ligne introuvable.")
            rec.deleted = True
            self.touch(rec)
            return Change(entity, row_id, rec.evaluation_id)

    def restore_row(self, entity: str, row_id: str) -> Change:
        """Undo `delete_row` (a partner, commune, QPV or team member back in the Cadrage)."""
        with self.tx() as s:
            rec = s.get(MODELS[entity], row_id)
            if rec is None:
                raise NotFound("Ligne introuvable.")
            self.revive(rec)
            return Change(entity, row_id, rec.evaluation_id)

    @staticmethod
    def _clean(entity: str, key: str, value: Any) -> Any:
        if key == "is_pilot":
            return bool(value)
        text = "" if value is None else str(value).strip()
        if entity == "partner" and key == "article":
            try:
                return normalize_article(text)
            except AnswerError as exc:
                raise ServiceError(exc.message) from None
        if entity == "partner" and key == "civility":
            civility = {"mme": "Madame", "m.": "Monsieur", "m": "Monsieur"}.get(text.casefold(), text.capitalize())
            if civility not in CIVILITIES:
                raise ServiceError(f"Civilité inconnue : « {text} » (Madame ou Monsieur, ou vide).")
            return civility
        if key == "insee":
            return normalize_insee(value)  # the one rule (« 59350.0 » -> 59350), never padded
        if key == "code":
            return text.upper()
        return text
