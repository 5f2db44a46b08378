"""The Corbeille (`services.trash`): the records of an evaluation the user deleted on this
computer, restorable until the Corbeille is emptied (a deletion received from another computer
arrives emptied of its content: it is not listed).

A deletion is a tombstone (`deleted=True`, a revision bump) so bundles carry it to the other
machines. Restoring calls the owning service's `restore_*` method (a revision bump again, so the
restoration travels too). Emptying keeps the tombstones (sync stays right) but lists them in
`trash_purged` so they no longer show, and erases what must not outlive a deletion: workshop
attendance names, testimonies' words, the files of deleted photos and recordings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from desktop_app.services.base import Change, ServiceBase, ServiceError
from desktop_app.store.models import Commune, FormResponse, Partner, Qpv, TeamMember, utcnow
from desktop_app.store.models_actions import Action
from desktop_app.store.models_attachments import Attachment
from desktop_app.store.models_fieldwork import Commitment, Immersion, Testimony, Workshop
from desktop_app.store.models_trash import PurgedRecord

# entity -> (model, French type label, title of a record)
KINDS: dict[str, tuple[type, str, Callable]] = {
    "action": (Action, "Action", lambda r: r.title),
    "partner": (Partner, "Partenaire", lambda r: r.organisation or r.contact),
    "commune": (Commune, "Commune", lambda r: f"{r.name} ({r.insee})" if r.insee else r.name),
    "qpv": (Qpv, "QPV", lambda r: f"{r.name} ({r.code})" if r.code else r.name),
    "team_member": (TeamMember, "Équipe", lambda r: r.name or r.organisation),
    "workshop": (Workshop, "Atelier", lambda r: r.title),
    "immersion": (Immersion, "Immersion", lambda r: ""),
    "testimony": (Testimony, "Témoignage", lambda r: r.pseudonym),
    "commitment": (Commitment, "Engagement", lambda r: f"{r.number} {r.title}".strip()),
    "form_response": (FormResponse, "Réponse", lambda r: r.label),
}
OWNED_SUBJECTS = ("action",)  # sheets deleted with their action: restored with it, not listed


@dataclass(frozen=True)
class TrashItem:
    entity: str
    id: str
    kind: str  # French type label
    title: str
    deleted_at: datetime


class TrashService(ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services

    def items(self, evaluation_id: str) -> list[TrashItem]:
        """The deleted records of the evaluation not yet emptied from the Corbeille, newest first."""
        out: list[TrashItem] = []
        with self.read() as s:
            purged = {(p.table_name, p.record_id) for p in s.scalars(
                select(PurgedRecord).where(PurgedRecord.evaluation_id == evaluation_id))}
            owned_responses = set()
            labels: dict[str, str] = {}
            for model in (Workshop, Immersion, Testimony):
                for rid in s.scalars(select(model.response_id).where(model.evaluation_id == evaluation_id)):
                    owned_responses.add(rid)
            for entity, (model, kind, title) in KINDS.items():
                recs = s.scalars(select(model).where(  # deleted here: one from elsewhere came emptied
                    model.evaluation_id == evaluation_id, model.deleted.is_(True), model.device_id == self.device_id))
                for rec in recs:
                    if (model.__tablename__, rec.id) in purged:
                        continue
                    if entity == "form_response" and (rec.id in owned_responses or rec.subject_type in OWNED_SUBJECTS):
                        continue
                    if entity == "testimony" and not rec.pseudonym:
                        continue  # erased for good: nothing left to restore
                    text = title(rec)
                    if entity == "immersion" and rec.response_id:
                        if rec.response_id not in labels:
                            resp = s.get(FormResponse, rec.response_id)
                            labels[rec.response_id] = resp.label if resp is not None else ""
                        text = labels[rec.response_id]
                    out.append(TrashItem(entity, rec.id, kind, text or "(sans titre)", rec.updated_at))
        out.sort(key=lambda i: i.deleted_at, reverse=True)
        return out

    def kept_owner_ids(self, evaluation_ids: set[str]) -> set[str]:
        """The records in the Corbeille whose files are kept until it is emptied (a sync import
        must not remove them: they can still be restored)."""
        return {i.id for eid in sorted(evaluation_ids) for i in self.items(eid)
                if i.entity in ("workshop", "immersion", "testimony")}

    def restore(self, entity: str, record_id: str) -> Change:
        """Bring a record of the Corbeille back, with what was deleted with it."""
        svc = self.services
        if entity in KINDS:
            with self.read() as s:
                if s.get(PurgedRecord, (KINDS[entity][0].__tablename__, record_id)) is not None:
                    raise ServiceError("Cet élément a été retiré de la corbeille quand elle a été vidée : "
                                       "il ne peut plus être restauré.")
        restorers: dict[str, Callable[[str], Change]] = {
            "action": svc.actions.restore_action,
            "workshop": svc.workshops.restore_workshop,
            "immersion": svc.terrain.restore_immersion,
            "testimony": svc.terrain.restore_testimony,
            "commitment": svc.commitments.restore_commitment,
            "form_response": svc.forms.restore,
        }
        if entity in ("partner", "commune", "qpv", "team_member"):
            return svc.evaluations.restore_row(entity, record_id)
        if entity not in restorers:
            raise ServiceError(f"Ce type d'élément ne peut pas être restauré : {entity}")
        return restorers[entity](record_id)

    def empty(self, evaluation_id: str) -> int:
        """Empty the Corbeille: its records stay tombstones (bundles keep carrying the deletions)
        but are no longer listed, cannot be restored, and their personal content is erased.
        Returns how many records were emptied."""
        items = self.items(evaluation_id)
        hashes: list[str] = []
        with self.tx() as s:
            for item in items:
                model = KINDS[item.entity][0]
                rec = s.get(model, item.id)
                if isinstance(rec, Testimony):
                    hashes += self.services.terrain._erase(s, rec)
                elif isinstance(rec, Workshop) and rec.attendance:
                    rec.attendance = []  # names never outlive the Corbeille
                    self.touch(rec)
                if isinstance(rec, (Workshop, Immersion)):
                    for att in s.scalars(select(Attachment).where(Attachment.owner_id == rec.id,
                                                                  Attachment.deleted.is_(True))):
                        hashes.append(att.sha256)
                        if att.caption:
                            att.caption = ""
                            self.touch(att)
                s.add(PurgedRecord(table_name=model.__tablename__, record_id=item.id,
                                   evaluation_id=evaluation_id, purged_at=utcnow()))
        self.services.terrain._purge_blobs(hashes)
        return len(items)
