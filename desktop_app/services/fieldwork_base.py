"""What the workshops, terrain and commitments services share: the kit of an evaluation, theme
and profile labels, creating the form response a record owns, and removing a record's attachments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.fieldwork import WORKING_GROUP_ROLE, session_form
from desktop_app.kit.forms import Form, compile_tool
from desktop_app.kit.loader import Kit
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError
from desktop_app.store.models import Evaluation, FormResponse
from desktop_app.store.models_attachments import Attachment


@dataclass(frozen=True)
class Labels:
    """French labels of the coded answers the fieldwork lists show."""

    themes: dict[str, str]  # every theme value of the kit's fieldwork tools -> label
    group_themes: list[tuple[str, str]]  # working-group themes, in kit order
    profiles: dict[str, str]  # testimony profiles
    ages: dict[str, str]
    supports: dict[str, str]
    structure_types: dict[str, str]


class FieldworkBase(ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services

    # -- kit -----------------------------------------------------------------------------------
    def kit(self, evaluation_id: str) -> Kit:
        summary = self.services.evaluations.get(evaluation_id)
        return self.services.kits.get(summary.kit_id, summary.kit_version)

    def form(self, evaluation_id: str, tool_id: str, session: int = 0) -> Form:
        """The compiled tool; a working group's guide reduced to one session."""
        kit = self.kit(evaluation_id)
        if tool_id not in kit.tools:
            raise ServiceError(f"L'outil « {tool_id} » n'existe pas dans le kit {kit.version}.")
        form = compile_tool(kit, tool_id)
        if session and kit.role_of(tool_id) == WORKING_GROUP_ROLE:
            form = session_form(form, session)
        return form

    def labels(self, evaluation_id: str) -> Labels:
        return _labels(self.kit(evaluation_id))

    # -- records -------------------------------------------------------------------------------
    @staticmethod
    def _evaluation(s: Session, evaluation_id: str) -> Evaluation:
        ev = s.get(Evaluation, evaluation_id)
        if ev is None or ev.deleted:
            raise NotFound(f"Évaluation introuvable : {evaluation_id}")
        return ev

    @staticmethod
    def _live(s: Session, model: type, record_id: str, what: str):
        rec = s.get(model, record_id)
        if rec is None or rec.deleted:
            raise NotFound(f"{what} a été supprimé(e) ou n'existe pas.")
        return rec

    def _new_response(
        self,
        s: Session,
        ev: Evaluation,
        tool_id: str,
        subject_type: str,
        subject_id: str,
        label: str,
        answers: dict[str, Any] | None = None,
    ) -> FormResponse:
        """The form response a new record owns, created in the record's own transaction."""
        kit = self.services.kits.get(ev.kit_id, ev.kit_version)
        if tool_id not in kit.tools:
            raise ServiceError(f"L'outil « {tool_id} » n'existe pas dans le kit {kit.version}.")
        position = (
            s.scalar(
                select(func.coalesce(func.max(FormResponse.position), -1)).where(
                    FormResponse.evaluation_id == ev.id, FormResponse.tool_id == tool_id
                )
            )
            + 1
        )
        rec = FormResponse(
            evaluation_id=ev.id,
            tool_id=tool_id,
            kit_version=ev.kit_version,
            subject_type=subject_type,
            subject_id=subject_id,
            label=label[:300],
            answers=dict(answers or {}),
            status="draft",
            position=position,
        )
        self.stamp_new(rec)
        s.add(rec)
        s.flush()
        return rec

    def _response(self, s: Session, response_id: str) -> FormResponse | None:
        rec = s.get(FormResponse, response_id) if response_id else None
        return rec if rec is not None and not rec.deleted else None

    def _drop_response(self, s: Session, response_id: str, purge: bool = False) -> None:
        rec = self._response(s, response_id)
        if rec is not None:
            if purge:
                rec.answers = {}
                rec.label = ""
            rec.deleted = True
            self.touch(rec)

    def _revive_owned(self, s: Session, rec: Any) -> None:
        """Bring back what was deleted with `rec` (its form response, its attachments: the
        tombstones made at or after `rec`'s own); `rec` is still the tombstone."""
        since = rec.updated_at
        response_id = getattr(rec, "response_id", "")
        if response_id:
            response = s.get(FormResponse, response_id)
            if response is not None and response.updated_at >= since:
                self.revive(response)
        for att in s.scalars(select(Attachment).where(
            Attachment.owner_id == rec.id, Attachment.deleted.is_(True), Attachment.updated_at >= since
        )):
            if self.services.attachments.has_blob(att.sha256):  # an erased file does not come back
                self.revive(att)
        self.revive(rec)

    def _tombstone(self, s: Session, model: type, record_id: str) -> Any:
        rec = s.get(model, record_id)
        if rec is None:
            raise NotFound("Cette fiche n'existe plus.")
        return rec

    def _drop_attachments(self, s: Session, owner_id: str, erase: bool = True) -> list[str]:
        """Tombstone a record's attachments; the hashes they pointed to."""
        hashes = []
        for att in s.scalars(
            select(Attachment).where(Attachment.owner_id == owner_id, Attachment.deleted.is_(False))
        ):
            att.deleted = True
            if erase:
                att.caption = ""
            self.touch(att)
            hashes.append(att.sha256)
        return hashes

    def _purge_blobs(self, hashes: list[str]) -> None:
        """Remove the stored files no live attachment uses any more (personal data must go)."""
        if not hashes:
            return
        with self.read() as s:
            used = set(
                s.scalars(
                    select(Attachment.sha256).where(
                        Attachment.sha256.in_(hashes), Attachment.deleted.is_(False)
                    )
                )
            )
        for digest in set(hashes) - used:
            try:
                self.services.attachments.blob_path(digest).unlink(missing_ok=True)
            except OSError:
                pass  # a locked file: it stays orphaned, never referenced again

    def set_attachment_caption(self, attachment_id: str, caption: str) -> Change:
        """The caption of a photo or document of a fieldwork record (never a person's name)."""
        with self.tx() as s:
            rec = self._live(s, Attachment, attachment_id, "Cette pièce jointe")
            rec.caption = " ".join((caption or "").split())[:500]
            self.touch(rec)
            return Change("attachment", rec.id, rec.evaluation_id, "caption")

    def attachment_counts(self, evaluation_id: str) -> dict[str, int]:
        with self.read() as s:
            rows = s.execute(
                select(Attachment.owner_id, func.count())
                .where(Attachment.evaluation_id == evaluation_id, Attachment.deleted.is_(False))
                .group_by(Attachment.owner_id)
            )
            return {owner: n for owner, n in rows}


_LABELS: dict[str, Labels] = {}


def _labels(kit: Kit) -> Labels:
    if kit.digest not in _LABELS:
        _LABELS[kit.digest] = _build_labels(kit)
    return _LABELS[kit.digest]


def _build_labels(kit: Kit) -> Labels:
    testimony = kit.tool_id_for_role("testimony")
    immersion = kit.tool_id_for_role("immersion")

    def choices(tool_id: str | None, role: str) -> dict[str, str]:
        question_id = kit.field_for_role(tool_id, role) if tool_id else None
        if question_id is None:
            return {}
        form = compile_tool(kit, tool_id)
        for page in form.pages:
            for f in page.fields:
                if f.id == question_id:
                    return {o.value: o.label for o in f.choices}
        return {}

    themes: dict[str, str] = {}
    for cl in kit.manifest.choice_lists:
        if cl.id == "themes_cooperation":
            themes.update({c.value: c.label for c in cl.choices})
    group_themes: list[tuple[str, str]] = []
    gt = kit.tool_for_role(WORKING_GROUP_ROLE)
    if gt is not None:
        group_themes = [(c.value, c.label) for c in getattr(gt, "themes", [])]
    themes.update(choices(testimony, "theme"))
    themes.update(choices(immersion, "theme"))
    themes.update(dict(group_themes))
    return Labels(
        themes=themes,
        group_themes=group_themes,
        profiles=choices(testimony, "profile"),
        ages=choices(testimony, "age_group"),
        supports=choices(testimony, "medium"),
        structure_types=choices(immersion, "structure_type"),
    )


def theme_label(labels: Labels, value: str) -> str:
    return labels.themes.get(value, value) if value else ""
