"""The Cadrage against the official reference: fill the communes of an EPCI (undoable), check
the codes, apply a certain repair. Mixed into `EvaluationService` (`services.evaluations`).

The reference is read on first use (`core.reference.load_reference`, cached), never at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from desktop_app.core import identifiers as ids
from desktop_app.kit.schema import ReferenceList
from desktop_app.services.base import Change, NotFound, ServiceError, same_json
from desktop_app.store.models import Commune, Evaluation, Qpv

EPCI_FIELDS = ("territory_name", "epci_type", "siren")
ROW_MODELS = {"commune": Commune, "qpv": Qpv}

if TYPE_CHECKING:  # the reference modules are imported on first use: not at start-up
    from desktop_app.core.reference import Reference
    from desktop_app.core.reference_checks import ReferenceChecks


@dataclass(frozen=True)
class EpciFill:
    """What `fill_from_epci` did, to undo and redo it."""

    evaluation_id: str
    epci_name: str
    before: dict[str, str]  # the EPCI fields before
    after: dict[str, str]
    added_ids: tuple[str, ...]  # the communes it added
    already: int  # member communes that were already in the Cadrage


class CadrageReferenceMixin:
    """Needs `tx`, `read`, `stamp_new`, `touch`, `revive` (ServiceBase) and `cadrage`, `kits`."""

    def reference(self) -> Reference:
        from desktop_app.core.reference import load_reference

        return load_reference()

    def qpv_list(self, evaluation_id: str) -> ReferenceList | None:
        """The QPV list the evaluation's kit carries, if any."""
        summary = self.get(evaluation_id)
        return self.kits.get(summary.kit_id, summary.kit_version).reference_list("qpv")

    def reference_checks(self, evaluation_id: str, data=None) -> ReferenceChecks:
        """`data`: the evaluation's Cadrage when the caller has read it already."""
        from desktop_app.core.reference_checks import reference_checks

        data = data if data is not None else self.cadrage(evaluation_id)
        return reference_checks(data.fields, data.tables, self.reference(), self.qpv_list(evaluation_id))

    # -- EPCI ---------------------------------------------------------------------------------
    def fill_from_epci(self, evaluation_id: str, siren: str) -> EpciFill:
        """Set the EPCI (name, type, SIREN) from the reference and add those of its member communes
        the Cadrage does not have yet (INSEE code and official name). Rows already there are kept
        (one outside the EPCI is flagged by `reference_checks`)."""
        ref = self.reference()
        epci = ref.epci(siren)
        if epci is None:
            raise ServiceError(f"Aucun EPCI n'a le SIREN « {siren} » dans le référentiel officiel (version {ref.version}).")
        after = {"territory_name": epci.name, "epci_type": epci.kind, "siren": epci.siren}
        with self.tx() as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None or ev.deleted:
                raise NotFound(f"Évaluation introuvable : {evaluation_id}")
            before = {k: getattr(ev, k) or "" for k in EPCI_FIELDS}
            self._set_fields(ev, after)
            rows = list(s.scalars(select(Commune).where(Commune.evaluation_id == evaluation_id,
                                                        Commune.deleted.is_(False))))
            present = set()
            for r in rows:
                code = ids.normalize_insee(r.insee)
                present.add(ref.repair_insee(code) or ref.former_codes.get(code) or code)
            position = s.scalar(select(func.coalesce(func.max(Commune.position), -1))
                                .where(Commune.evaluation_id == evaluation_id)) + 1
            added = []
            names = {code: c.name for code, c in ref.communes_among(epci.members).items()}
            for code in sorted(epci.members, key=lambda c: names[c]):
                if code in present:
                    continue
                rec = Commune(evaluation_id=evaluation_id, position=position, name=names[code], insee=code)
                position += 1
                self.stamp_new(rec)
                s.add(rec)
                s.flush()
                added.append(rec.id)
        return EpciFill(evaluation_id, epci.name, before, after, tuple(added), len(epci.members) - len(added))

    def undo_fill(self, fill: EpciFill) -> Change:
        """Undo `fill_from_epci`: the EPCI fields as they were, the communes it added removed (not
        in the Corbeille: marked « undone » like an undone import)."""
        with self.tx() as s:
            ev = s.get(Evaluation, fill.evaluation_id)
            if ev is None or ev.deleted:
                raise NotFound(f"Évaluation introuvable : {fill.evaluation_id}")
            self._set_fields(ev, fill.before)
            for rid in fill.added_ids:
                self.undo_creation(s, Commune, rid, fill.evaluation_id)
        return Change("commune", fill.evaluation_id, fill.evaluation_id)

    def redo_fill(self, fill: EpciFill) -> Change:
        with self.tx() as s:
            ev = s.get(Evaluation, fill.evaluation_id)
            if ev is None or ev.deleted:
                raise NotFound(f"Évaluation introuvable : {fill.evaluation_id}")
            self._set_fields(ev, fill.after)
            for rid in fill.added_ids:
                self.redo_creation(s, Commune, rid)
        return Change("commune", fill.evaluation_id, fill.evaluation_id)

    def _set_fields(self, ev: Evaluation, values: dict[str, Any]) -> None:
        changed = False
        for key, value in values.items():
            if not same_json(getattr(ev, key), value):
                setattr(ev, key, value)
                changed = True
        if changed:
            self.touch(ev)

    # -- repairs ------------------------------------------------------------------------------
    def set_row_values(self, entity: str, row_id: str, values: dict[str, Any]) -> Change:
        """Save several columns of a commune or QPV row at once (a « Corriger », its undo)."""
        model = ROW_MODELS.get(entity)
        if model is None:
            raise ServiceError(f"Table inconnue : {entity}")
        with self.tx() as s:
            rec = s.get(model, row_id)
            if rec is None or rec.deleted:
                raise NotFound("Cette ligne a été supprimée entre-temps.")
            changed = False
            for key, value in values.items():
                if key not in ("name", "insee", "code", "communes"):
                    raise ServiceError(f"Colonne inconnue : {key}")
                value = self._clean(entity, key, value)
                if not same_json(getattr(rec, key), value):
                    setattr(rec, key, value)
                    changed = True
            if changed:
                self.touch(rec)
            return Change(entity, row_id, rec.evaluation_id)

    def set_evaluation_values(self, evaluation_id: str, values: dict[str, Any]) -> Change:
        """Save several fields of the EPCI at once (a « Corriger » of the SIREN, its undo)."""
        if set(values) - set(EPCI_FIELDS):
            raise ServiceError(f"Champ inconnu : {', '.join(sorted(set(values) - set(EPCI_FIELDS)))}")
        with self.tx() as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None or ev.deleted:
                raise NotFound(f"Évaluation introuvable : {evaluation_id}")
            self._set_fields(ev, {k: (ids.normalize_siren(str(v)) if k == "siren" else v) for k, v in values.items()})
        return Change("evaluation", evaluation_id, evaluation_id)
