"""Workshops (ateliers) and working groups: create, list, edit the session's facts, delete.

A workshop owns the form response of its guide (subject_type `workshop`), in which the notes,
verbatims, forces / faiblesses / préconisations are typed step by step. A working group is three
workshops of the `groupe-travail` guide sharing a `series_id`, one per session, each answering
its own session's step. Dates and places are taken from the Cadrage calendar when it lists the
matching meetings.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, select

from desktop_app.core.fieldwork import (
    PARTICIPANT_PROFILES,
    WORKING_GROUP_ROLE,
    WORKSHOP_ROLES,
    participants_total,
    workshop_title,
)
from desktop_app.core.fieldwork_synthesis import fold
from desktop_app.core.identifiers import check_iso_date, format_date_fr
from desktop_app.core.validation import completion
from desktop_app.services.base import Change, ServiceError
from desktop_app.services.fieldwork_base import FieldworkBase, theme_label
from desktop_app.store.models import FormResponse, Milestone
from desktop_app.store.models_fieldwork import Workshop

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WORKSHOP_EDITABLE = {
    "title",
    "date",
    "start_time",
    "place",
    "facilitators",
    "qpv_codes",
    "participants",
    "named_attendance",
    "attendance",
    "theme",
}


@dataclass(frozen=True)
class WorkshopData:
    id: str
    evaluation_id: str
    tool_id: str
    title: str
    theme: str
    theme_label: str
    session: int
    series_id: str
    date: str
    start_time: str
    place: str
    facilitators: str
    qpv_codes: tuple[str, ...]
    participants: dict[str, int]
    named_attendance: bool
    attendance: tuple[dict, ...]
    response_id: str
    status: str  # draft | complete (its form response)
    answered: int
    questions: int
    updated_at: datetime
    group_label: str = ""  # the guide's group in Ateliers (its YAML `group_label`)
    is_working_group: bool = False  # the guide has the role working_group

    @property
    def participants_total(self) -> int:
        return participants_total(self.participants)

    @property
    def date_fr(self) -> str:
        try:
            return format_date_fr(self.date)
        except ValueError:
            return self.date

    @property
    def display_name(self) -> str:
        when = f" — {self.date_fr}" if self.date else ""
        default = workshop_title(self.group_label, self.is_working_group, self.theme_label, self.session)
        return f"{self.title or default}{when}"


@dataclass(frozen=True)
class WorkshopTool:
    """A guide the Ateliers screen offers to start a workshop with."""

    tool_id: str
    label: str
    in_scope: bool
    working_group: bool


@dataclass(frozen=True)
class WorkingGroupData:
    series_id: str
    theme: str
    theme_label: str
    sessions: tuple[WorkshopData, ...]


@dataclass(frozen=True)
class WorkingGroupChoice:
    """A working group as a choice (immersions and testimonies are attached to one)."""

    series_id: str
    theme: str
    theme_label: str


_WORKSHOP_COLUMNS = tuple(getattr(Workshop, name) for name in (
    "id", "evaluation_id", "tool_id", "title", "theme", "session", "series_id", "date", "start_time", "place",
    "facilitators", "qpv_codes", "participants", "named_attendance", "attendance", "response_id", "updated_at",
))


class WorkshopService(FieldworkBase):
    """The Ateliers step (`services.workshops`): workshops and working groups."""

    # -- reading -------------------------------------------------------------------------------
    def workshop_tools(self, evaluation_id: str) -> list[WorkshopTool]:
        """The workshop guides of the kit (role workshop_guide or working_group), in kit order."""
        kit = self.kit(evaluation_id)
        scope = set(self.services.evaluations.scope(evaluation_id))
        out = []
        for tool in kit.tools_with_role(*WORKSHOP_ROLES):
            working_group = tool.role == WORKING_GROUP_ROLE
            label = "Groupe de travail thématique" if working_group else workshop_title(tool.group_label or "")
            out.append(WorkshopTool(tool.id, label, tool.id in scope, working_group))
        return out

    def _working_group_tool(self, evaluation_id: str) -> str | None:
        return self.kit(evaluation_id).tool_id_for_role(WORKING_GROUP_ROLE)

    def workshops(self, evaluation_id: str) -> list[WorkshopData]:
        # plain rows with their answers joined, turned into data as they come: 600 sessions as ORM
        # objects with their responses were most of the read, and held 13 MB at once
        labels = self.labels(evaluation_id)
        forms: dict = {}  # one kit lookup per tool and session, not one per workshop
        kit = self.kit(evaluation_id)
        stmt = (
            select(*_WORKSHOP_COLUMNS, FormResponse.answers.label("answers"), FormResponse.status.label("status"))
            .join(FormResponse, and_(
                FormResponse.id == Workshop.response_id,
                FormResponse.evaluation_id == evaluation_id,
                FormResponse.subject_type == "workshop",
                FormResponse.deleted.is_(False),
            ), isouter=True)
            .where(Workshop.evaluation_id == evaluation_id, Workshop.deleted.is_(False))
            .execution_options(yield_per=50)
        )
        with self.read() as s:
            out = [self._workshop_data(evaluation_id, w, w if w.status is not None else None, labels, forms, kit)
                   for w in s.execute(stmt)]
        order = {t: i for i, t in enumerate(kit.tool_ids_with_role(*WORKSHOP_ROLES))}
        themes = {value: i for i, (value, _) in enumerate(labels.group_themes)} if labels else {}
        out.sort(
            key=lambda w: (
                order.get(w.tool_id, 99),
                themes.get(w.theme, 99),
                fold(w.theme_label),
                w.series_id,
                w.session,
                w.date or "9999",
                w.title,
            )
        )
        return out

    def workshop(self, workshop_id: str) -> WorkshopData:
        with self.read() as s:
            w = self._live(s, Workshop, workshop_id, "Cet atelier")
            response = self._response(s, w.response_id)
            eid = w.evaluation_id
        return self._workshop_data(eid, w, response, self.labels(eid))

    def working_groups(self, evaluation_id: str) -> list[WorkingGroupData]:
        groups: dict[str, list[WorkshopData]] = {}
        for w in self.workshops(evaluation_id):
            if w.is_working_group:
                groups.setdefault(w.series_id or w.id, []).append(w)
        out = []
        for series_id, sessions in groups.items():
            first = sessions[0]
            out.append(
                WorkingGroupData(
                    series_id,
                    first.theme,
                    first.theme_label,
                    tuple(sorted(sessions, key=lambda w: w.session)),
                )
            )
        return out

    def working_group_choices(self, evaluation_id: str) -> list[WorkingGroupChoice]:
        """The working groups, in the order of `working_groups`, without reading their sessions'
        answers (one light query: fit for a drop-down refilled at each selection)."""
        group_tool = self._working_group_tool(evaluation_id)
        if group_tool is None:
            return []
        with self.read() as s:
            rows = list(s.execute(
                select(Workshop.id, Workshop.series_id, Workshop.theme, Workshop.session, Workshop.date, Workshop.title)
                .where(Workshop.evaluation_id == evaluation_id, Workshop.deleted.is_(False),
                       Workshop.tool_id == group_tool)
            ))
        if not rows:
            return []
        labels = self.labels(evaluation_id)
        themes = {value: i for i, (value, _) in enumerate(labels.group_themes)}
        keyed = []
        for wid, series_id, theme, session, date, title in rows:
            label = theme_label(labels, theme)
            keyed.append(((themes.get(theme, 99), fold(label), series_id or "", session or 0, date or "9999", title or ""),
                          series_id or wid, theme, label))
        keyed.sort(key=lambda k: k[0])
        out: dict[str, WorkingGroupChoice] = {}
        for _key, series_id, theme, label in keyed:
            out.setdefault(series_id, WorkingGroupChoice(series_id, theme, label))
        return list(out.values())

    def workshop_form(self, workshop: WorkshopData):
        return self.form(workshop.evaluation_id, workshop.tool_id, workshop.session)

    def _workshop_data(
        self, evaluation_id: str, w: Workshop | Row, response: FormResponse | Row | None, labels,
        forms: dict | None = None,
        kit=None,
    ) -> WorkshopData:
        answers = dict(response.answers or {}) if response is not None else {}
        try:
            form = (forms or {}).get((w.tool_id, w.session))
            if form is None:
                form = self.form(evaluation_id, w.tool_id, w.session)
                if forms is not None:
                    forms[(w.tool_id, w.session)] = form
            done = completion(form, answers)
            answered, questions = done.answered, done.total
        except ServiceError:
            answered, questions = len(answers), 0
        try:
            tool = (kit or self.kit(evaluation_id)).tools.get(w.tool_id)
        except ServiceError:
            tool = None
        return WorkshopData(
            id=w.id,
            evaluation_id=w.evaluation_id,
            tool_id=w.tool_id,
            title=w.title,
            theme=w.theme,
            theme_label=theme_label(labels, w.theme) if labels else w.theme,
            session=w.session or 0,
            series_id=w.series_id,
            date=w.date,
            start_time=w.start_time,
            place=w.place,
            facilitators=w.facilitators,
            qpv_codes=tuple(w.qpv_codes or ()),
            participants={k: int(v) for k, v in (w.participants or {}).items()},
            named_attendance=bool(w.named_attendance),
            attendance=tuple(dict(a) for a in (w.attendance or ())),
            response_id=w.response_id,
            status=response.status if response is not None else "draft",
            answered=answered,
            questions=questions,
            updated_at=w.updated_at,
            group_label=(tool.group_label or tool.title) if tool is not None else w.tool_id,
            is_working_group=tool is not None and tool.role == WORKING_GROUP_ROLE,
        )

    # -- creating ------------------------------------------------------------------------------
    def create_workshop(self, evaluation_id: str, tool_id: str, **values: Any) -> Change:
        """A workshop of a guide (Partenaires, Associations, Conseils citoyens); its date and place
        come from the Cadrage calendar when a matching meeting is planned there."""
        tool = self.kit(evaluation_id).tools.get(tool_id)
        if tool is None or tool.role != "workshop_guide":
            raise ServiceError(f"« {tool_id} » n'est pas un guide d'atelier.")
        group_label = tool.group_label or tool.title
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            planned = self._planned_workshop(s, evaluation_id, tool_id, group_label)
            rec = Workshop(
                evaluation_id=evaluation_id, tool_id=tool_id, position=self._next_position(s, evaluation_id)
            )
            rec.title = workshop_title(group_label)
            rec.date, rec.place = planned
            rec.qpv_codes, rec.participants, rec.attendance = [], {}, []
            for key, value in values.items():
                self._set_field(rec, key, value)
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            response = self._new_response(s, ev, tool_id, "workshop", rec.id, self._label(rec))
            rec.response_id = response.id
            return Change("workshop", rec.id, evaluation_id)

    def create_working_group(self, evaluation_id: str, theme: str) -> Change:
        """A working group on a theme: its three sessions, linked by one series id."""
        theme = (theme or "").strip()
        if not theme:
            raise ServiceError("Choisissez le thème du groupe de travail.")
        kit = self.kit(evaluation_id)
        group_tool = kit.tool_for_role(WORKING_GROUP_ROLE)
        if group_tool is None:
            raise ServiceError("Le kit de cette évaluation n'a pas de guide des groupes de travail.")
        group_tool_id = group_tool.id
        sessions = getattr(group_tool, "sessions", None) or 3
        label = theme_label(self.labels(evaluation_id), theme)
        series_id = str(uuid.uuid4())
        with self.tx() as s:
            ev = self._evaluation(s, evaluation_id)
            if any(
                w.theme == theme
                for w in s.scalars(
                    select(Workshop).where(
                        Workshop.evaluation_id == evaluation_id,
                        Workshop.tool_id == group_tool_id,
                        Workshop.deleted.is_(False),
                    )
                )
            ):
                raise ServiceError(f"Un groupe de travail « {label} » existe déjà.")
            planned = self._planned_sessions(s, evaluation_id)
            first_id = ""
            position = self._next_position(s, evaluation_id)
            for n in range(1, sessions + 1):
                rec = Workshop(
                    evaluation_id=evaluation_id,
                    tool_id=group_tool_id,
                    theme=theme,
                    session=n,
                    series_id=series_id,
                    title=workshop_title("", True, label, n),
                    position=position + n - 1,
                    qpv_codes=[],
                    participants={},
                    attendance=[],
                )
                if n <= len(planned):
                    rec.date, rec.place = planned[n - 1]
                self.stamp_new(rec)
                s.add(rec)
                s.flush()
                response = self._new_response(s, ev, group_tool_id, "workshop", rec.id, self._label(rec))
                rec.response_id = response.id
                first_id = first_id or rec.id
            return Change("workshop", first_id, evaluation_id)

    @staticmethod
    def _next_position(s, evaluation_id: str) -> int:
        from sqlalchemy import func

        return (
            s.scalar(
                select(func.coalesce(func.max(Workshop.position), -1)).where(
                    Workshop.evaluation_id == evaluation_id
                )
            )
            + 1
        )

    @staticmethod
    def _milestones(s, evaluation_id: str, kind: str) -> list[Milestone]:
        rows = s.scalars(
            select(Milestone).where(
                Milestone.evaluation_id == evaluation_id, Milestone.kind == kind, Milestone.deleted.is_(False)
            )
        )
        return sorted((m for m in rows if not check_iso_date(m.date) and m.date), key=lambda m: m.date)

    def _planned_workshop(self, s, evaluation_id: str, tool_id: str, group_label: str) -> tuple[str, str]:
        group = fold(group_label)
        taken = {
            w.date
            for w in s.scalars(
                select(Workshop).where(
                    Workshop.evaluation_id == evaluation_id,
                    Workshop.tool_id == tool_id,
                    Workshop.deleted.is_(False),
                )
            )
        }
        for m in self._milestones(s, evaluation_id, "atelier"):
            if group in fold(m.label) and m.date not in taken:
                return m.date, m.place
        return "", ""

    def _planned_sessions(self, s, evaluation_id: str) -> list[tuple[str, str]]:
        return [(m.date, m.place) for m in self._milestones(s, evaluation_id, "groupe_travail")]

    # -- editing -------------------------------------------------------------------------------
    def update_workshop(self, workshop_id: str, key: str, value: Any) -> Change:
        if key not in WORKSHOP_EDITABLE:
            raise ServiceError(f"Champ inconnu : {key}")
        with self.tx() as s:
            rec = self._live(s, Workshop, workshop_id, "Cet atelier")
            if key == "theme" and rec.series_id:
                label = theme_label(self.labels(rec.evaluation_id), str(value or "").strip())
                for other in s.scalars(
                    select(Workshop).where(Workshop.series_id == rec.series_id, Workshop.deleted.is_(False))
                ):
                    auto = other.title == workshop_title(
                        "",
                        True,
                        theme_label(self.labels(rec.evaluation_id), other.theme),
                        other.session,
                    )
                    self._set_field(other, "theme", value)
                    if auto:
                        other.title = workshop_title("", True, label, other.session)
                    self._relabel(s, other)
                    self.touch(other)
            else:
                self._set_field(rec, key, value)
                self.touch(rec)
                if key in ("title", "date"):
                    self._relabel(s, rec)
            return Change("workshop", rec.id, rec.evaluation_id, key)

    def _set_field(self, rec: Workshop, key: str, value: Any) -> None:
        if key not in WORKSHOP_EDITABLE:
            raise ServiceError(f"Champ inconnu : {key}")
        if key in ("title", "place", "facilitators", "theme"):
            value = " ".join(str(value or "").split())
            if key == "title" and not value:
                raise ServiceError("L'intitulé de l'atelier ne peut pas être vide.")
        elif key == "date":
            value = str(value or "").strip()
            if check_iso_date(value):
                raise ServiceError("Date invalide (JJ/MM/AAAA).")
        elif key == "start_time":
            value = str(value or "").strip().replace("h", ":").replace("H", ":")
            if value.endswith(":"):
                value += "00"
            if len(value) == 4 and value[1] == ":":
                value = "0" + value
            if value and not _TIME.match(value):
                raise ServiceError("Heure invalide (HH:MM, par exemple 14:00).")
        elif key == "qpv_codes":
            value = [str(c).strip().upper() for c in (value or []) if str(c).strip()]
        elif key == "participants":
            clean: dict[str, int] = {}
            for profile, n in dict(value or {}).items():
                if profile not in PARTICIPANT_PROFILES:
                    raise ServiceError(f"Profil de participants inconnu : {profile}")
                try:
                    n = int(n)
                except (TypeError, ValueError):
                    raise ServiceError("Le nombre de participants doit être un nombre entier.") from None
                if n < 0:
                    raise ServiceError("Le nombre de participants ne peut pas être négatif.")
                if n:
                    clean[profile] = n
            value = clean
        elif key == "named_attendance":
            value = bool(value)
        elif key == "attendance":
            rows = []
            for row in value or []:
                item = {k: " ".join(str(row.get(k) or "").split()) for k in ("name", "organisation", "role")}
                if any(item.values()):
                    rows.append(item)
            value = rows
        setattr(rec, key, value)

    def _label(self, rec: Workshop) -> str:
        when = ""
        if rec.date:
            try:
                when = f" — {format_date_fr(rec.date)}"
            except ValueError:
                when = ""
        return f"{rec.title}{when}"

    def _relabel(self, s, rec: Workshop) -> None:
        response = self._response(s, rec.response_id)
        if response is not None and response.label != self._label(rec)[:300]:
            response.label = self._label(rec)[:300]
            self.touch(response)

    # -- deleting ------------------------------------------------------------------------------
    def delete_workshop(self, workshop_id: str) -> Change:
        """Delete a workshop, its notes and its photos (a working group's session: only that one).
        They go to the Corbeille: names and photos are erased when it is emptied."""
        with self.tx() as s:
            rec = self._live(s, Workshop, workshop_id, "Cet atelier")
            self._drop(s, rec)
            return Change("workshop", rec.id, rec.evaluation_id)

    def restore_workshop(self, workshop_id: str) -> Change:
        """Undo `delete_workshop`: the workshop, its notes and its photos are back."""
        with self.tx() as s:
            rec = self._tombstone(s, Workshop, workshop_id)
            if rec.deleted:
                self._revive_owned(s, rec)
            return Change("workshop", rec.id, rec.evaluation_id)

    def delete_working_group(self, series_id: str) -> Change:
        with self.tx() as s:
            recs = list(
                s.scalars(
                    select(Workshop).where(Workshop.series_id == series_id, Workshop.deleted.is_(False))
                )
            )
            if not recs:
                raise ServiceError("Ce groupe de travail a déjà été supprimé.")
            for rec in recs:
                self._drop(s, rec)
            return Change("workshop", recs[0].id, recs[0].evaluation_id)

    def restore_working_group(self, series_id: str) -> Change:
        """Undo `delete_working_group`: its sessions deleted with it come back."""
        with self.tx() as s:
            recs = list(s.scalars(select(Workshop).where(Workshop.series_id == series_id, Workshop.deleted.is_(True))))
            if not recs:
                raise ServiceError("Ce groupe de travail n'est plus dans la corbeille.")
            latest = max(r.updated_at for r in recs)
            for rec in recs:
                if (latest - rec.updated_at).total_seconds() < 5:  # the sessions deleted together
                    self._revive_owned(s, rec)
            return Change("workshop", recs[0].id, recs[0].evaluation_id)

    def _drop(self, s, rec: Workshop) -> list[str]:
        """Tombstone a workshop with its notes and photos (names and files are erased when the
        Corbeille is emptied: `TrashService.empty`)."""
        rec.deleted = True
        self.touch(rec)
        self._drop_response(s, rec.response_id)
        return self._drop_attachments(s, rec.id, erase=False)
