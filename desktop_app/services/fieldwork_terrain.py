"""Immersions, testimonies and free contributions, and the synthesis of everything collected.

A testimony's consent, retention date, pseudonym and profile are read from its sheet's answers
and copied into the record's columns in the same transaction (`set_testimony_answer`), so the
export and the sync filter on columns. Deleting a testimony erases its content (answers, audio),
not only hides it: personal data must not survive a deletion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select

from desktop_app.core.fieldwork import (
    CONTRIBUTION,
    TESTIMONY,
    default_retention,
    kind_of,
    next_pseudonym,
    privacy_warnings,
    retention_state,
    usable,
    working_group_name,
)
from desktop_app.core.fieldwork_synthesis import EXCERPT_KINDS, Excerpt, excerpts_of, match_qpv
from desktop_app.core.identifiers import format_date_fr
from desktop_app.services.base import Change, ServiceError, answer_unchanged
from desktop_app.services.fieldwork_base import FieldworkBase, theme_label
from desktop_app.store.models import FormResponse
from desktop_app.store.models_attachments import Attachment
from desktop_app.store.models_fieldwork import Immersion, Testimony, Workshop

if TYPE_CHECKING:
    from desktop_app.exports.fieldwork_xlsx import ExportSummary, FieldworkWorkbook

# The sheets are found by role in the kit, their fields by field role (or the `consent` flag).
IMMERSION = "immersion"
# field role of the testimony sheet -> testimony column it is mirrored to
MIRRORED = {
    "contribution_type": "kind",
    "pseudonym": "pseudonym",
    "profile": "profile",
    "consent": "consent_use",
    "diffusion_consent": "consent_broadcast",
    "retention_date": "retention_date",
}
TESTIMONY_FIELD_ROLES = (
    *MIRRORED, "collected_on", "theme", "profile_other", "age_group", "medium", "related_action",
    "resource_description", "testimony_text", "record_qpv",
)
IMMERSION_FIELD_ROLES = ("theme", "record_qpv", "visited_structure", "theme_other", "visit_date", "referential_themes")


def _date_fr(iso: str) -> str:
    try:
        return format_date_fr(iso) if iso else ""
    except ValueError:
        return iso


@dataclass(frozen=True)
class ImmersionData:
    id: str
    evaluation_id: str
    series_id: str
    response_id: str
    structure: str
    theme: str
    theme_label: str
    date: str
    qpv: str
    status: str
    answered: int
    questions: int

    @property
    def display_name(self) -> str:
        name = self.structure or "Immersion sans nom"
        return f"{name} — {_date_fr(self.date)}" if self.date else name


@dataclass(frozen=True)
class TestimonyData:
    id: str
    evaluation_id: str
    kind: str
    pseudonym: str
    profile: str
    profile_label: str
    consent_use: bool | None
    consent_broadcast: bool | None
    retention_date: date | None
    series_id: str
    response_id: str
    contribution_type: str
    date: str
    theme: str
    theme_label: str
    qpv: str
    status: str
    warnings: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return usable(self.consent_use)

    def retention(self, today: date | None = None) -> str:
        return retention_state(self.retention_date, today)

    @property
    def display_name(self) -> str:
        who = self.pseudonym or "sans code"
        what = "Témoignage" if self.kind == TESTIMONY else "Contribution"
        return f"{what} {who}" + (f" — {self.profile_label}" if self.profile_label else "")


_TESTIMONY_COLUMNS = tuple(getattr(Testimony, name) for name in (
    "id", "kind", "pseudonym", "profile", "consent_use", "consent_broadcast", "retention_date", "series_id",
    "response_id",
))


class TerrainService(FieldworkBase):
    """The Terrain step (`services.terrain`): immersions, testimonies, contributions, excerpts."""

    # -- the sheets of the kit -----------------------------------------------------------------
    def _sheet(self, evaluation_id: str, role: str) -> str:
        """The id of the kit's record sheet with this role (immersion, testimony)."""
        tool_id = self.kit(evaluation_id).tool_id_for_role(role)
        if tool_id is None:
            what = "fiche immersion" if role == IMMERSION else "fiche témoignage"
            raise ServiceError(f"Le kit de cette évaluation n'a pas de {what}.")
        return tool_id

    def immersion_form(self, evaluation_id: str):
        """The compiled immersion sheet of the evaluation's kit."""
        return self.form(evaluation_id, self._sheet(evaluation_id, IMMERSION))

    def testimony_form(self, evaluation_id: str):
        """The compiled testimony sheet of the evaluation's kit."""
        return self.form(evaluation_id, self._sheet(evaluation_id, TESTIMONY))

    def testimony_fields(self, evaluation_id: str) -> dict[str, str]:
        """Field role -> field id of the kit's testimony sheet ("" when the kit has no such field)."""
        kit = self.kit(evaluation_id)
        tool_id = self._sheet(evaluation_id, TESTIMONY)
        return {role: kit.field_for_role(tool_id, role) or "" for role in TESTIMONY_FIELD_ROLES}

    _testimony_fields = testimony_fields

    def immersion_fields(self, evaluation_id: str) -> dict[str, str]:
        """Field role -> field id of the kit's immersion sheet ("" when the kit has no such field)."""
        kit = self.kit(evaluation_id)
        tool_id = self._sheet(evaluation_id, IMMERSION)
        return {role: kit.field_for_role(tool_id, role) or "" for role in IMMERSION_FIELD_ROLES}

    # -- immersions ----------------------------------------------------------------------------
    def create_immersion(
        self, evaluation_id: str, series_id: str = "", answers: dict[str, Any] | None = None
    ) -> Change:
        answers = dict(answers or {})
        tool_id = self._sheet(evaluation_id, IMMERSION)
        theme_field = self.kit(evaluation_id).field_for_role(tool_id, "theme")
        if series_id and theme_field and theme_field not in answers:
            theme = self._series_theme(evaluation_id, series_id)
            if theme in self._choice_values(evaluation_id, tool_id, theme_field):
                answers[theme_field] = theme
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            rec = Immersion(evaluation_id=evaluation_id, series_id=series_id)
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            response = self._new_response(s, ev, tool_id, "immersion", rec.id, "Immersion", answers)
            rec.response_id = response.id
            return Change("immersion", rec.id, evaluation_id)

    def immersions(self, evaluation_id: str) -> list[ImmersionData]:
        from desktop_app.core.validation import completion

        labels = self.labels(evaluation_id)
        tool_id = self._sheet(evaluation_id, IMMERSION)
        form = self.form(evaluation_id, tool_id)
        fields = self.immersion_fields(evaluation_id)
        with self.read() as s:
            rows = s.execute(
                select(Immersion, FormResponse)
                .join(FormResponse, FormResponse.id == Immersion.response_id, isouter=True)
                .where(Immersion.evaluation_id == evaluation_id, Immersion.deleted.is_(False))
            ).all()
        out = []
        for imm, resp in rows:
            answers = dict(resp.answers or {}) if resp is not None and not resp.deleted else {}
            done = completion(form, answers)
            theme = str(answers.get(fields["theme"]) or "")
            out.append(
                ImmersionData(
                    id=imm.id,
                    evaluation_id=evaluation_id,
                    series_id=imm.series_id,
                    response_id=imm.response_id,
                    structure=str(answers.get(fields["visited_structure"]) or ""),
                    theme=theme,
                    theme_label=str(answers.get(fields["theme_other"]) or "")
                    if theme == "autre"
                    else theme_label(labels, theme),
                    date=str(answers.get(fields["visit_date"]) or ""),
                    qpv=str(answers.get(fields["record_qpv"]) or ""),
                    status=resp.status if resp is not None else "draft",
                    answered=done.answered,
                    questions=done.total,
                )
            )
        out.sort(key=lambda i: (i.theme_label.casefold(), i.date or "9999", i.structure.casefold()))
        return out

    def set_series(self, record_id: str, series_id: str) -> Change:
        """Tie an immersion or a testimony to a working group ("" to untie)."""
        with self.tx() as s:
            rec = s.get(Immersion, record_id) or s.get(Testimony, record_id)
            if rec is None or rec.deleted:
                raise ServiceError("Cette fiche a été supprimée.")
            rec.series_id = series_id or ""
            self.touch(rec)
            entity = "immersion" if isinstance(rec, Immersion) else "testimony"
            return Change(entity, rec.id, rec.evaluation_id, "series_id")

    def delete_immersion(self, immersion_id: str) -> Change:
        with self.tx() as s:
            rec = self._live(s, Immersion, immersion_id, "Cette immersion")
            rec.deleted = True
            self.touch(rec)
            self._drop_response(s, rec.response_id)
            self._drop_attachments(s, rec.id, erase=False)  # files erased when the Corbeille is emptied
            return Change("immersion", rec.id, rec.evaluation_id)

    def restore_immersion(self, immersion_id: str) -> Change:
        """Undo `delete_immersion`: the sheet, its notes and its photos are back."""
        with self.tx() as s:
            rec = self._tombstone(s, Immersion, immersion_id)
            if rec.deleted:
                self._revive_owned(s, rec)
            return Change("immersion", rec.id, rec.evaluation_id)

    def _series_theme(self, evaluation_id: str, series_id: str) -> str:
        with self.read() as s:
            w = s.scalar(
                select(Workshop).where(Workshop.series_id == series_id, Workshop.deleted.is_(False)).limit(1)
            )
            return w.theme if w is not None else ""

    def _choice_values(self, evaluation_id: str, tool_id: str, question_id: str) -> set[str]:
        for page in self.form(evaluation_id, tool_id).pages:
            for f in page.fields:
                if f.id == question_id:
                    return {o.value for o in f.choices}
        return set()

    # -- testimonies and contributions ---------------------------------------------------------
    def create_testimony(
        self,
        evaluation_id: str,
        kind: str = TESTIMONY,
        series_id: str = "",
        answers: dict[str, Any] | None = None,
        today: date | None = None,
    ) -> Change:
        """A testimony (« T01 »…) or a free contribution (« C01 »…), never with a name: the code
        is given, the date of the day and a retention date are proposed, consent is left to ask."""
        if kind not in (TESTIMONY, CONTRIBUTION):
            raise ServiceError(f"Type de fiche inconnu : {kind}")
        today = today or date.today()
        tool_id = self._sheet(evaluation_id, TESTIMONY)
        fields = self._testimony_fields(evaluation_id)
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            codes = s.scalars(select(Testimony.pseudonym).where(Testimony.evaluation_id == evaluation_id))
            prefix = "T" if kind == TESTIMONY else "C"
            proposed = {
                fields["contribution_type"]: "temoignage" if kind == TESTIMONY else "avis",
                fields["pseudonym"]: next_pseudonym(codes, prefix),
                fields["collected_on"]: today.isoformat(),
                fields["retention_date"]: default_retention(ev.end_date, today).isoformat(),
            }
            proposed.pop("", None)  # a field the kit's sheet does not have
            if series_id and fields["theme"]:
                theme = self._series_theme(evaluation_id, series_id)
                if theme in self._choice_values(evaluation_id, tool_id, fields["theme"]):
                    proposed[fields["theme"]] = theme
            proposed.update(answers or {})
            rec = Testimony(evaluation_id=evaluation_id, series_id=series_id, kind=kind)
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            response = self._new_response(s, ev, tool_id, "testimony", rec.id, "", proposed)
            rec.response_id = response.id
            self._mirror(rec, response.answers, fields)
            response.label = self._testimony_label(rec)
            return Change("testimony", rec.id, evaluation_id)

    def set_testimony_answer(self, testimony_id: str, key: str, value: Any) -> Change:
        """Save one answer of the sheet; consent, retention, code and profile go to the columns too."""
        with self.tx() as s:
            rec = self._live(s, Testimony, testimony_id, "Ce témoignage")
            fields = self._testimony_fields(rec.evaluation_id)
            response = self._response(s, rec.response_id)
            if response is None:
                raise ServiceError("La fiche de ce témoignage a été supprimée.")
            if answer_unchanged(response.answers, key, value):  # nothing to write: no new revision
                return Change("testimony", rec.id, rec.evaluation_id, key)
            answers = dict(response.answers or {})
            if value is None or value == "" or value == []:
                answers.pop(key, None)
            else:
                answers[key] = value
            response.answers = answers
            if key in {fields[role] for role in MIRRORED}:
                self._mirror(rec, answers, fields)
                response.label = self._testimony_label(rec)
                self.touch(rec)
            self.touch(response)
            return Change("testimony", rec.id, rec.evaluation_id, key)

    @staticmethod
    def _mirror(rec: Testimony, answers: dict[str, Any], fields: dict[str, str]) -> None:
        """Copy the answers of the fields with a role (`fields`: role -> field id) to the columns."""
        rec.kind = kind_of(answers.get(fields["contribution_type"]), rec.kind or TESTIMONY)
        rec.pseudonym = str(answers.get(fields["pseudonym"]) or "")[:40]
        rec.profile = str(answers.get(fields["profile"]) or "")[:80]
        for role in ("consent", "diffusion_consent"):
            value = answers.get(fields[role])
            setattr(rec, MIRRORED[role], value if isinstance(value, bool) else None)
        try:
            rec.retention_date = date.fromisoformat(str(answers.get(fields["retention_date"]) or ""))
        except ValueError:
            rec.retention_date = None

    @staticmethod
    def _testimony_label(rec: Testimony) -> str:
        return f"{'Témoignage' if rec.kind == TESTIMONY else 'Contribution'} {rec.pseudonym}".strip()

    def testimonies(self, evaluation_id: str, kind: str | None = None) -> list[TestimonyData]:
        labels = self.labels(evaluation_id)
        form = self.form(evaluation_id, self._sheet(evaluation_id, TESTIMONY))
        fields = self._testimony_fields(evaluation_id)
        # plain rows with their answers joined, turned into data as they come: 1,000 testimonies
        # as ORM objects with their responses held 15 MB at once
        stmt = (
            select(*_TESTIMONY_COLUMNS, FormResponse.answers.label("answers"), FormResponse.status.label("status"),
                   FormResponse.deleted.label("response_deleted"))
            .join(FormResponse, FormResponse.id == Testimony.response_id, isouter=True)
            .where(Testimony.evaluation_id == evaluation_id, Testimony.deleted.is_(False))
            .execution_options(yield_per=50)
        )
        if kind:
            stmt = stmt.where(Testimony.kind == kind)
        out = []
        with self.read() as s:
            for rec in s.execute(stmt):
                out.append(self._testimony_data(evaluation_id, rec, labels, form, fields))
        out.sort(key=lambda t: (t.kind != TESTIMONY, t.pseudonym.upper()))
        return out

    @staticmethod
    def _testimony_data(evaluation_id: str, rec: Row, labels, form, fields: dict[str, str]) -> TestimonyData:
        """One testimony from its row (its response's columns joined: `status` None without one)."""
        live = rec.status is not None and not rec.response_deleted
        answers = dict(rec.answers or {}) if live else {}
        theme = str(answers.get(fields["theme"]) or "")
        profile_label = labels.profiles.get(rec.profile, rec.profile)
        if rec.profile == "autre" and answers.get(fields["profile_other"]):
            profile_label = str(answers[fields["profile_other"]])
        return TestimonyData(
            id=rec.id,
            evaluation_id=evaluation_id,
            kind=rec.kind,
            pseudonym=rec.pseudonym,
            profile=rec.profile,
            profile_label=profile_label,
            consent_use=rec.consent_use,
            consent_broadcast=rec.consent_broadcast,
            retention_date=rec.retention_date,
            series_id=rec.series_id,
            response_id=rec.response_id,
            contribution_type=str(answers.get(fields["contribution_type"]) or ""),
            date=str(answers.get(fields["collected_on"]) or ""),
            theme=theme,
            theme_label=theme_label(labels, theme),
            qpv=str(answers.get(fields["record_qpv"]) or ""),
            status=rec.status if rec.status is not None else "draft",
            warnings=tuple(privacy_warnings(form, answers)),
        )

    def testimony(self, testimony_id: str) -> TestimonyData:
        with self.read() as s:
            rec = self._live(s, Testimony, testimony_id, "Ce témoignage")
            eid = rec.evaluation_id
        for t in self.testimonies(eid):
            if t.id == testimony_id:
                return t
        raise ServiceError("Ce témoignage a été supprimé.")

    def delete_testimony(self, testimony_id: str) -> Change:
        """Delete a testimony to the Corbeille (restorable; erased when the Corbeille is emptied).
        Consent withdrawn or the right to erasure: `erase_testimony`."""
        with self.tx() as s:
            rec = self._live(s, Testimony, testimony_id, "Ce témoignage")
            rec.deleted = True
            self.touch(rec)
            self._drop_response(s, rec.response_id)
            self._drop_attachments(s, rec.id, erase=False)
            return Change("testimony", rec.id, rec.evaluation_id)

    def restore_testimony(self, testimony_id: str) -> Change:
        """Undo `delete_testimony` (an erased testimony cannot come back: its words are gone)."""
        with self.tx() as s:
            rec = self._tombstone(s, Testimony, testimony_id)
            if rec.deleted:
                if not rec.pseudonym:
                    raise ServiceError("Ce témoignage a été effacé définitivement : il ne peut pas être restauré.")
                self._revive_owned(s, rec)
            return Change("testimony", rec.id, rec.evaluation_id)

    def erase_testimony(self, testimony_id: str) -> Change:
        """Erase a testimony for good (consent withdrawn, right to erasure): its words, its code
        and its audio are removed, then the record is marked deleted so the deletion travels to
        the other computers. Works on a testimony already in the Corbeille too."""
        with self.tx() as s:
            rec = self._tombstone(s, Testimony, testimony_id)
            hashes = self._erase(s, rec)
            change = Change("testimony", rec.id, rec.evaluation_id)
        self._purge_blobs(hashes)
        return change

    def _erase(self, s, rec: Testimony) -> list[str]:
        rec.deleted = True
        rec.pseudonym, rec.profile = "", ""
        self.touch(rec)
        response = s.get(FormResponse, rec.response_id) if rec.response_id else None
        if response is not None:
            response.answers, response.label, response.deleted = {}, "", True
            self.touch(response)
        hashes = self._drop_attachments(s, rec.id)
        for att in s.scalars(select(Attachment).where(Attachment.owner_id == rec.id, Attachment.deleted.is_(True))):
            hashes.append(att.sha256)  # those already in the Corbeille go too
            if att.caption:
                att.caption = ""
                self.touch(att)
        return hashes

    def expired_testimonies(self, evaluation_id: str, today: date | None = None) -> list[TestimonyData]:
        return [t for t in self.testimonies(evaluation_id) if t.retention(today) == "expired"]

    def erase_expired(self, evaluation_id: str, today: date | None = None) -> int:
        """Erase every testimony and contribution whose retention date has passed (those in the
        Corbeille too: the retention date holds there as well)."""
        today = today or date.today()
        with self.tx() as s:
            recs = list(
                s.scalars(
                    select(Testimony).where(
                        Testimony.evaluation_id == evaluation_id,
                        Testimony.pseudonym != "",  # not erased yet (in the Corbeille too)
                        Testimony.retention_date.is_not(None),
                        Testimony.retention_date < today,
                    )
                )
            )
            hashes = []
            for rec in recs:
                hashes += self._erase(s, rec)
        self._purge_blobs(hashes)
        return len(recs)

    # -- the Excel workbook of the Ateliers and Terrain steps ----------------------------------
    def workbook(self, evaluation_id: str) -> FieldworkWorkbook:
        """What the fieldwork workbook shows, as plain data (the exporter applies the consent
        and masking rules)."""
        from desktop_app.exports.fieldwork_xlsx import FieldworkWorkbook

        services = self.services
        workshops_service, commitments_service = services.workshops, services.commitments
        evaluation = services.evaluations.get(evaluation_id)
        labels = self.labels(evaluation_id)
        workshops = workshops_service.workshops(evaluation_id)
        responses = {r.id: r for r in services.forms.find(evaluation_id)}
        forms = {w.id: workshops_service.workshop_form(w) for w in workshops if w.response_id in responses}
        immersion_form = self.immersion_form(evaluation_id)
        counts = self.attachment_counts(evaluation_id)
        immersions = self.immersions(evaluation_id)
        testimonies = self.testimonies(evaluation_id)
        return FieldworkWorkbook(
            evaluation=evaluation,
            labels=labels,
            workshops=workshops,
            responses=responses,
            workshop_forms=forms,
            immersion_form=immersion_form,
            attachment_counts=counts,
            immersions=immersions,
            testimonies=testimonies,
            testimony_fields=self.testimony_fields(evaluation_id) if testimonies else {},
            commitments=commitments_service.commitments(evaluation_id),
            commitment_summary=commitments_service.commitment_summary(evaluation_id),
            commitments_by_pilot=commitments_service.commitments_by_pilot(evaluation_id),
        )

    def export_workbook(
        self, evaluation_id: str, path: str | Path, progress: Callable[[int, int, str], None] | None = None
    ) -> ExportSummary:
        """Write the fieldwork workbook (atomically) and say what it holds."""
        from desktop_app.exports.fieldwork_xlsx import export_fieldwork

        return export_fieldwork(self.workbook(evaluation_id), path, progress)

    # -- synthesis -----------------------------------------------------------------------------
    def excerpts(self, evaluation_id: str) -> tuple[list[Excerpt], int]:
        """Everything collected as filterable excerpts, and how many testimonies or contributions
        were left out because their author did not agree to their use."""
        labels = self.labels(evaluation_id)
        qpvs = [(q["code"], q["name"]) for q in self.services.evaluations.rows("qpv", evaluation_id)]
        workshops = self.services.workshops.workshops(evaluation_id)
        groups = {w.series_id: working_group_name(w.theme_label) for w in workshops if w.is_working_group}
        responses = {r.id: r for r in self.services.forms.find(evaluation_id)}
        out: list[Excerpt] = []
        for w in workshops:
            resp = responses.get(w.response_id)
            if resp is None:
                continue
            group = groups.get(w.series_id, "") if w.is_working_group else w.group_label
            out += excerpts_of(
                self.services.workshops.workshop_form(w),
                resp.answers,
                kind="workshop",
                record_id=w.id,
                source=w.display_name,
                date_iso=w.date,
                group=group,
                themes=[w.theme_label] if w.theme_label else [],
                qpv=[c for code in w.qpv_codes for c in match_qpv(code, qpvs)],
                theme_labels=labels.themes,
            )
        form = self.form(evaluation_id, self._sheet(evaluation_id, IMMERSION))
        referential_themes = self.immersion_fields(evaluation_id)["referential_themes"]
        for i in self.immersions(evaluation_id):
            resp = responses.get(i.response_id)
            if resp is None:
                continue
            themes = [i.theme_label] if i.theme_label else []
            themes += [labels.themes.get(t, t) for t in resp.answers.get(referential_themes) or []]
            out += excerpts_of(
                form,
                resp.answers,
                kind="immersion",
                record_id=i.id,
                source=f"Immersion — {i.display_name}",
                date_iso=i.date,
                group=groups.get(i.series_id, ""),
                themes=themes,
                qpv=match_qpv(i.qpv, qpvs),
                theme_labels=labels.themes,
            )
        form = self.form(evaluation_id, self._sheet(evaluation_id, TESTIMONY))
        hidden = 0
        for t in self.testimonies(evaluation_id):
            resp = responses.get(t.response_id)
            if resp is None:
                continue
            if not t.usable:
                hidden += 1
                continue
            out += excerpts_of(
                form,
                resp.answers,
                kind=t.kind,
                record_id=t.id,
                source=f"{EXCERPT_KINDS[t.kind]} {t.pseudonym}"
                + (f" ({t.profile_label})" if t.profile_label else ""),
                date_iso=t.date,
                group=groups.get(t.series_id, ""),
                themes=[t.theme_label] if t.theme_label else [],
                qpv=match_qpv(t.qpv, qpvs),
                theme_labels=labels.themes,
            )
        return out, hidden
