"""Answers to kit tools (form responses): one record per tool and subject, saved answer by answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from desktop_app.services.base import (
    Change,
    NotFound,
    ServiceBase,
    ServiceError,
    answer_unchanged,
    is_empty_answer,
    same_json,
)
from desktop_app.services.kits import KitService
from desktop_app.store.db import Store
from desktop_app.store.models import Evaluation, FormResponse

STATUSES = {"draft": "Brouillon", "complete": "Complet"}


@dataclass(frozen=True)
class ResponseData:
    id: str
    evaluation_id: str
    tool_id: str
    kit_version: str
    subject_type: str
    subject_id: str
    label: str
    status: str
    answers: dict[str, Any]
    updated_at: datetime
    drafts: dict[str, str] = field(default_factory=dict)  # field id -> text typed, not a valid answer
    status_comment: str = ""  # why it was completed with questions missing


@dataclass(frozen=True)
class ResponseHeader:
    """A form response without its answers (listing thousands of them stays cheap)."""

    id: str
    tool_id: str
    subject_type: str
    subject_id: str
    label: str
    status: str
    updated_at: datetime


class FormService(ServiceBase):
    def __init__(self, store: Store, kits: KitService):
        super().__init__(store)
        self.kits = kits

    def create(
        self, evaluation_id: str, tool_id: str, subject_type: str = "evaluation", subject_id: str = "",
        label: str = "", answers: dict[str, Any] | None = None, status: str = "draft",
    ) -> str:
        with self.tx() as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None or ev.deleted:
                raise NotFound(f"Évaluation introuvable : {evaluation_id}")
            kit = self.kits.get(ev.kit_id, ev.kit_version)
            if tool_id not in kit.tools:
                raise ServiceError(f"L'outil « {tool_id} » n'existe pas dans le kit {kit.version}.")
            position = s.scalar(
                select(func.coalesce(func.max(FormResponse.position), -1)).where(
                    FormResponse.evaluation_id == evaluation_id, FormResponse.tool_id == tool_id
                )
            ) + 1
            rec = FormResponse(
                evaluation_id=evaluation_id, tool_id=tool_id, kit_version=ev.kit_version,
                subject_type=subject_type, subject_id=subject_id, label=label,
                answers=dict(answers or {}), status=status, position=position,
            )
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            return rec.id

    def get_or_create(self, evaluation_id: str, tool_id: str, subject_type: str = "evaluation", subject_id: str = "", label: str = "") -> ResponseData:
        found = self.find(evaluation_id, tool_id, subject_type, subject_id)
        if found:
            return found[0]
        with self.tx():  # looked up again with the write lock held: another window may have made it
            found = self.find(evaluation_id, tool_id, subject_type, subject_id)
            rid = found[0].id if found else self.create(evaluation_id, tool_id, subject_type, subject_id, label)
        return self.get(rid)

    def find(self, evaluation_id: str, tool_id: str | None = None, subject_type: str | None = None, subject_id: str | None = None) -> list[ResponseData]:
        stmt = select(FormResponse).where(FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False))
        if tool_id is not None:
            stmt = stmt.where(FormResponse.tool_id == tool_id)
        if subject_type is not None:
            stmt = stmt.where(FormResponse.subject_type == subject_type)
        if subject_id is not None:
            stmt = stmt.where(FormResponse.subject_id == subject_id)
        with self.read() as s:
            return [self._data(r) for r in s.scalars(stmt.order_by(FormResponse.position, FormResponse.created_at))]

    def headers(
        self, evaluation_id: str, tool_id: str | None = None, ids: list[str] | None = None,
        subject_type: str | None = None,
    ) -> list[ResponseHeader]:
        """Like `find`, without reading (nor decoding) the answers; `ids` restricts to those responses."""
        cols = (FormResponse.id, FormResponse.tool_id, FormResponse.subject_type, FormResponse.subject_id,
                FormResponse.label, FormResponse.status, FormResponse.updated_at)
        stmt = select(*cols).where(FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False))
        if tool_id is not None:
            stmt = stmt.where(FormResponse.tool_id == tool_id)
        if subject_type is not None:
            stmt = stmt.where(FormResponse.subject_type == subject_type)
        out: list[ResponseHeader] = []
        with self.read() as s:
            if ids is None:
                batches = [stmt]
            else:
                ids = list(dict.fromkeys(ids))
                batches = [stmt.where(FormResponse.id.in_(ids[i:i + 500])) for i in range(0, len(ids), 500)]
            for batch in batches:
                for row in s.execute(batch.order_by(FormResponse.position, FormResponse.created_at)):
                    out.append(ResponseHeader(*row))
        return out

    def count_by_tool(self, evaluation_id: str) -> dict[str, int]:
        """{tool id: number of responses} of an evaluation."""
        with self.read() as s:
            return dict(s.execute(
                select(FormResponse.tool_id, func.count()).where(
                    FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False)
                ).group_by(FormResponse.tool_id)
            ).all())

    def get(self, response_id: str) -> ResponseData:
        with self.read() as s:
            return self._data(self._record(s, response_id))

    def set_answer(self, response_id: str, key: str, value: Any) -> Change:
        """Save one answer (None or empty removes it).

        Only that key changes, in the answers as stored when the write lock is held: another
        window or process saving another key of the same response in the meantime keeps its
        answer. Saving the value already stored writes nothing (the revision is not bumped)."""
        with self.tx() as s:
            rec = self._record(s, response_id, lock=True)
            drafts = rec.drafts or {}
            if answer_unchanged(rec.answers, key, value) and key not in drafts:
                return Change("form_response", rec.id, rec.evaluation_id, key)
            if key in drafts:  # a valid answer (or none) replaces the text kept « à corriger »
                rec.drafts = {k: v for k, v in drafts.items() if k != key}
            answers = dict(rec.answers or {})
            if is_empty_answer(value):
                del answers[key]
            else:
                answers[key] = value
            rec.answers = answers
            self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id, key)

    def set_draft(self, response_id: str, key: str, text: str | None) -> Change:
        """Keep the text typed in a field that is not a valid answer (None or blank: forget it).

        The stored answer of that key is left as it was (never counted from the draft); like
        `set_answer`, only that key changes, read and written under the write lock."""
        with self.tx() as s:
            rec = self._record(s, response_id, lock=True)
            drafts = dict(rec.drafts or {})
            text = text if isinstance(text, str) and text.strip() else None
            if drafts.get(key) == text:
                return Change("form_response", rec.id, rec.evaluation_id, key)
            if text is None:
                drafts.pop(key, None)
            else:
                drafts[key] = text
            rec.drafts = drafts
            self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id, key)

    def set_answers(self, response_id: str, answers: dict[str, Any]) -> Change:
        """Replace every answer of a response (an import, a copy): the given dict is the whole."""
        with self.tx() as s:
            rec = self._record(s, response_id, lock=True)
            kept = {k: v for k, v in answers.items() if v not in (None, "", [])}
            if not same_json(rec.answers or {}, kept):
                rec.answers = kept
                self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id)

    def set_status(self, response_id: str, status: str, note: str = "") -> Change:
        """Change the status; `note`: why it is complete with questions missing (kept with the
        response and shown; cleared when the response goes back to draft or is complete in full)."""
        if status not in STATUSES:
            raise ServiceError(f"Statut inconnu : {status}")
        note = note.strip() if status == "complete" else ""
        with self.tx() as s:
            rec = self._record(s, response_id, lock=True)
            if rec.status != status or (rec.status_comment or "") != note:
                rec.status = status
                rec.status_comment = note
                self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id, "status")

    def set_label(self, response_id: str, label: str) -> Change:
        with self.tx() as s:
            rec = self._record(s, response_id, lock=True)
            if rec.label != label:
                rec.label = label
                self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id, "label")

    def delete(self, response_id: str) -> Change:
        with self.tx() as s:
            rec = self._record(s, response_id, lock=True)
            rec.deleted = True
            self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id)

    def restore(self, response_id: str) -> Change:
        """Undo `delete` (a deleted questionnaire response back from the Corbeille)."""
        with self.tx() as s:
            rec = s.get(FormResponse, response_id)
            if rec is None:
                raise NotFound("Cette fiche n'existe plus.")
            self.revive(rec)
            return Change("form_response", rec.id, rec.evaluation_id)

    def restore_for_subject(self, evaluation_id: str, tool_id: str, subject_type: str, subject_id: str,
                            since: datetime) -> int:
        """Bring back a subject's sheets deleted with it (tombstones made at or after `since`)."""
        with self.tx() as s:
            recs = list(s.scalars(select(FormResponse).where(
                FormResponse.evaluation_id == evaluation_id, FormResponse.tool_id == tool_id,
                FormResponse.subject_type == subject_type, FormResponse.subject_id == subject_id,
                FormResponse.deleted.is_(True), FormResponse.updated_at >= since)))
            return sum(self.revive(rec) for rec in recs)

    @staticmethod
    def _record(s, response_id: str, lock: bool = False) -> FormResponse:
        """The response; `lock`: its row locked until the transaction ends (PostgreSQL's
        SELECT … FOR UPDATE; on SQLite the write transaction already holds the database)."""
        rec = s.get(FormResponse, response_id, with_for_update=lock or None)
        if rec is None or rec.deleted:
            raise NotFound("Cette fiche a été supprimée ou n'existe pas.")
        return rec

    @staticmethod
    def _data(r: FormResponse) -> ResponseData:
        return ResponseData(
            r.id, r.evaluation_id, r.tool_id, r.kit_version, r.subject_type, r.subject_id,
            r.label, r.status, dict(r.answers or {}), r.updated_at,
            dict(r.drafts or {}), r.status_comment or "",
        )
