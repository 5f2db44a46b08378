"""Questionnaires to communes and associations (kit tools 7 and 8, and any questionnaire of a kit).

* Responses: one `FormResponse` per commune or association (subject_type "commune" /
  "association", subject_id = INSEE code, SIRET or normalised name), identified from the
  form's identification questions; entered in the app or imported from Excel; draft or complete.
  A respondent who answered twice is detected (`duplicates`) and the user keeps one (`keep`).
* Invited respondents: the communes of the Cadrage, plus the respondents added here
  (associations of the programmation…); the response rate is computed against them.
* Excel round trip: `plan_imports` reads and checks files without writing, `commit_imports`
  writes what the user accepted (one transaction per file, logged so that re-importing the
  same file updates its response instead of duplicating it). `template` / `templates` gather
  what a fillable workbook shows and `responses_workbook` every response; the files are written
  by `desktop_app.exports.questionnaire_xlsx` / `questionnaire_responses_xlsx` (via `ExportService`).
* Results: `results` and `rate` (computed by `core.questionnaire_results`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from desktop_app.core import questionnaire_results as qr
from desktop_app.core.questionnaire_respondents import (
    Respondent,
    clean_code,
    code_problem,
    duplicate_groups,
    identity_answers,
    identity_fields,
    respondent_from_answers,
    respondent_type,
    same_respondent,
)
from desktop_app.core.validation import (
    completion,
    effective_answers,
    group_draft_lines,
    missing_required,
    split_draft_key,
    validate,
)
from desktop_app.kit.forms import Form, compile_tool, field_index
from desktop_app.kit.loader import Kit
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError, answer_unchanged
from desktop_app.services.questionnaire_excel import ExcelImportMixin, FileOutcome, FilePlan
from desktop_app.services.questionnaire_invitees import Invitee, InviteeImport, InviteeMixin
from desktop_app.store.models import FormResponse
from desktop_app.store.models_questionnaires import QuestionnaireImport

if TYPE_CHECKING:
    from desktop_app.exports.questionnaire_responses_xlsx import ResponsesWorkbook
    from desktop_app.exports.questionnaire_xlsx_sheets import TemplateInfo

__all__ = ["QuestionnaireService", "DuplicateRespondent", "FileOutcome", "FilePlan", "Invitee", "InviteeImport", "ResponseRow"]


class DuplicateRespondent(ServiceError):
    """The respondent already has a response; `existing` holds its id."""

    def __init__(self, message: str, existing: str):
        super().__init__(message)
        self.existing = existing


@dataclass(frozen=True)
class QuestionnaireInfo:
    tool_id: str
    title: str
    short_title: str
    number: int | None
    respondent_type: str
    in_scope: bool
    responses: int

    @property
    def display(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class ResponseRow:
    id: str
    tool_id: str
    respondent: Respondent
    status: str
    answered: int
    total: int
    updated_at: datetime
    source: str  # "Saisie" or "Excel (fichier.xlsx)"
    invited: bool
    duplicate: bool

    @property
    def label(self) -> str:
        return self.respondent.label


@dataclass(frozen=True)
class DuplicateGroup:
    label: str
    rows: tuple[ResponseRow, ...]


class QuestionnaireService(InviteeMixin, ExcelImportMixin, ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services

    # ------------------------------------------------------------------ kit, forms

    def _kit(self, evaluation_id: str) -> Kit:
        summary = self.services.evaluations.get(evaluation_id)
        return self.services.kits.get(summary.kit_id, summary.kit_version)

    def form(self, evaluation_id: str, tool_id: str) -> Form:
        kit = self._kit(evaluation_id)
        if tool_id not in kit.tools or kit.tools[tool_id].kind != "questionnaire":
            raise ServiceError(f"Le questionnaire « {tool_id} » n'existe pas dans le kit {kit.version} de cette évaluation.")
        return compile_tool(kit, tool_id)

    def forms(self, evaluation_id: str) -> dict[str, Form]:
        kit = self._kit(evaluation_id)
        return {t.id: compile_tool(kit, t.id) for t in kit.tools.values() if t.kind == "questionnaire"}

    def questionnaires(self, evaluation_id: str) -> list[QuestionnaireInfo]:
        kit = self._kit(evaluation_id)
        scope = set(self.services.evaluations.scope(evaluation_id))
        counts: dict[str, int] = {}
        for r in self.services.forms.headers(evaluation_id):  # answers neither read nor decoded
            counts[r.tool_id] = counts.get(r.tool_id, 0) + 1
        out = []
        for tool in kit.tools.values():
            if tool.kind != "questionnaire":
                continue
            form = compile_tool(kit, tool.id)
            out.append(QuestionnaireInfo(
                tool.id, tool.title, tool.short_title or tool.title, tool.number, respondent_type(form),
                tool.id in scope, counts.get(tool.id, 0),
            ))
        out.sort(key=lambda q: (not q.in_scope, q.number or 99, q.title))
        return out

    def short_title(self, evaluation_id: str, tool_id: str) -> str:
        tool = self._kit(evaluation_id).tool(tool_id)
        return tool.short_title or tool.title

    def audience(self, evaluation_id: str, tool_id: str) -> str:
        return getattr(self._kit(evaluation_id).tool(tool_id), "audience", None) or ""

    # ------------------------------------------------------------------ responses

    def _records(self, s, evaluation_id: str, tool_id: str) -> list[FormResponse]:
        stmt = select(FormResponse).where(
            FormResponse.evaluation_id == evaluation_id, FormResponse.tool_id == tool_id, FormResponse.deleted.is_(False)
        )
        return list(s.scalars(stmt.order_by(FormResponse.position, FormResponse.created_at)))

    def _respondent(self, form: Form, rec: FormResponse) -> Respondent:
        found = respondent_from_answers(form, rec.answers or {})
        if not found.identified and rec.label:
            return Respondent(rec.subject_type, rec.label, "")
        return replace(found, respondent_type=rec.subject_type or found.respondent_type)

    def responses(self, evaluation_id: str, tool_id: str) -> list[ResponseRow]:
        form = self.form(evaluation_id, tool_id)
        kind = respondent_type(form)
        invited = [i.respondent for i in self.invitees(evaluation_id, kind)]
        with self.read() as s:
            records = self._records(s, evaluation_id, tool_id)
            logs = {
                log.response_id: log.file_name
                for log in s.scalars(select(QuestionnaireImport).where(
                    QuestionnaireImport.evaluation_id == evaluation_id, QuestionnaireImport.deleted.is_(False)
                ).order_by(QuestionnaireImport.created_at))
            }
        respondents = [self._respondent(form, r) for r in records]
        dup = {i for group in duplicate_groups(respondents) for i in group}
        rows = []
        for i, (rec, who) in enumerate(zip(records, respondents, strict=True)):
            comp = completion(form, rec.answers or {})
            source = f"Excel ({logs[rec.id]})" if rec.id in logs else "Saisie"
            rows.append(ResponseRow(
                rec.id, tool_id, who, rec.status, comp.answered, comp.total, rec.updated_at, source,
                any(same_respondent(inv, who) for inv in invited), i in dup,
            ))
        return rows

    def duplicates(
        self, evaluation_id: str, tool_id: str, rows: list[ResponseRow] | None = None
    ) -> list[DuplicateGroup]:
        """Respondents who answered more than once; `rows`: the `responses` already read, if any."""
        if rows is None:
            rows = self.responses(evaluation_id, tool_id)
        groups = duplicate_groups([r.respondent for r in rows])
        out = []
        for g in groups:
            members = sorted((rows[i] for i in g), key=lambda r: r.updated_at, reverse=True)
            named = max(members, key=lambda m: (m.respondent.code_ok, bool(m.respondent.name)))
            out.append(DuplicateGroup(named.label, tuple(members)))
        return out

    def keep(self, keep_id: str, drop_ids: Iterable[str]) -> Change:
        """Keep one response of a respondent who answered twice; the others are deleted."""
        drop = [d for d in drop_ids if d != keep_id]
        with self.tx() as s:
            kept = s.get(FormResponse, keep_id)
            if kept is None or kept.deleted:
                raise NotFound("La réponse à conserver a été supprimée entre-temps.")
            for rid in drop:
                rec = s.get(FormResponse, rid)
                if rec is not None and not rec.deleted:
                    rec.deleted = True
                    self.touch(rec)
            return Change("form_response", keep_id, kept.evaluation_id)

    def new_response(self, evaluation_id: str, tool_id: str, name: str = "", code: str = "", allow_duplicate: bool = False) -> str:
        """Create a response for a respondent (identification pre-filled); returns its id.

        Raise DuplicateRespondent when the respondent already has a response (unless allowed)."""
        form = self.form(evaluation_id, tool_id)
        kind = respondent_type(form)
        who = Respondent(kind, " ".join((name or "").split()), clean_code(kind, code))
        if who.identified and not allow_duplicate:
            for row in self.responses(evaluation_id, tool_id):
                if same_respondent(row.respondent, who):
                    raise DuplicateRespondent(f"{row.label} a déjà une réponse ({row.source.lower()}).", row.id)
        answers = identity_answers(form, who)
        return self.services.forms.create(
            evaluation_id, tool_id, kind, who.subject_id if who.identified else "", who.label if who.identified else "", answers
        )

    def set_answer(self, response_id: str, key: str, value: Any) -> Change:
        """Save one answer; the respondent's identification follows the identification questions."""
        with self.tx() as s:
            rec = s.get(FormResponse, response_id)
            if rec is None or rec.deleted:
                raise NotFound("Cette réponse a été supprimée ou n'existe pas.")
            drafts = rec.drafts or {}
            if answer_unchanged(rec.answers, key, value) and key not in drafts:  # nothing to write
                return Change("form_response", rec.id, rec.evaluation_id, key)
            if key in drafts:  # a valid answer (or none) replaces the text kept « à corriger »
                rec.drafts = {k: v for k, v in drafts.items() if k != key}
            answers = dict(rec.answers or {})
            if value is None or value == "" or value == []:
                answers.pop(key, None)
            else:
                answers[key] = value
            rec.answers = answers
            form = self.form(rec.evaluation_id, rec.tool_id)
            if key in identity_fields(form).ids:
                who = respondent_from_answers(form, answers)
                rec.subject_id = who.subject_id if who.identified else ""
                rec.label = who.label if who.identified else ""
            if rec.status == "complete" and not rec.status_comment and missing_required(form, effective_answers(form, answers)):
                rec.status = "draft"  # a complete response stays truthful: back to draft
            self.touch(rec)
            return Change("form_response", rec.id, rec.evaluation_id, key)

    def problems(self, response_id: str) -> list[str]:
        """French messages that prevent marking the response complete."""
        data = self.services.forms.get(response_id)
        form = self.form(data.evaluation_id, data.tool_id)
        answers = effective_answers(form, data.answers)
        messages = [m for _, m in missing_required(form, answers)]
        index = field_index(form)
        for key, value in answers.items():
            f = index.get(key)
            message = validate(f, value, answers) if f is not None else None
            if message:
                messages.append(f"« {f.label} » : {message}")
        groups = set()
        for key, text in data.drafts.items():
            f = index.get(key)
            if f is not None:
                messages.append(f"« {f.label} » est à corriger (saisi : « {text} »)")
            elif (group := index.get(split_draft_key(key)[0])) is not None and group.id not in groups:
                groups.add(group.id)  # texts kept in a repeat group's items
                messages += [f"{line} est à corriger" for _key, line in group_draft_lines(group, data.drafts)]
        return messages + self._respondent_problems(form, answers)

    def respondent_problems(self, response_id: str) -> list[str]:
        """What `problems` says of the respondent's identity (name or code, commune code)."""
        data = self.services.forms.get(response_id)
        form = self.form(data.evaluation_id, data.tool_id)
        return self._respondent_problems(form, effective_answers(form, data.answers))

    @staticmethod
    def _respondent_problems(form, answers) -> list[str]:
        messages = []
        who = respondent_from_answers(form, answers)
        if not who.identified:
            messages.append("Le répondant n'est pas identifié (nom ou code).")
        fields = identity_fields(form)
        if fields.code and fields.respondent_type == "commune" and code_problem("commune", who.code):
            messages.append(code_problem("commune", who.code) or "")
        return messages

    def set_status(self, response_id: str, status: str, note: str = "") -> Change:
        """`note`: the reason for completing it with problems left (« Terminer quand même »)."""
        if status == "complete" and not note.strip():
            problems = self.problems(response_id)
            if problems:
                shown = "\n".join(f"• {p}" for p in problems[:6])
                more = f"\n… et {len(problems) - 6} autre(s)." if len(problems) > 6 else ""
                raise ServiceError(f"La réponse ne peut pas être marquée complète (ou indiquez pourquoi la terminer quand même) :\n{shown}{more}")
        return self.services.forms.set_status(response_id, status, note)

    def delete_response(self, response_id: str) -> Change:
        return self.services.forms.delete(response_id)

    # ------------------------------------------------------------------ results

    def results(
        self, evaluation_id: str, tool_id: str, kind: str | None = None, include_drafts: bool = True
    ) -> qr.QuestionnaireResults:
        form = self.form(evaluation_id, tool_id)
        with self.read() as s:
            records = self._records(s, evaluation_id, tool_id)
        rows = [
            qr.RespondentAnswers(self._respondent(form, r).label, r.subject_type, dict(r.answers or {}), r.status)
            for r in records
            if (include_drafts or r.status == "complete") and (kind is None or r.subject_type == kind)
        ]
        return qr.compute_results(form, rows)

    def respondent_types(self, evaluation_id: str, tool_id: str) -> list[str]:
        with self.read() as s:
            kinds = {r.subject_type for r in self._records(s, evaluation_id, tool_id)}
        return sorted(kinds)

    def rate(self, evaluation_id: str, tool_id: str) -> qr.ResponseRate:
        form = self.form(evaluation_id, tool_id)
        kind = respondent_type(form)
        invited = [i.respondent for i in self.invitees(evaluation_id, kind)]
        with self.read() as s:
            records = self._records(s, evaluation_id, tool_id)
        return qr.response_rate(kind, invited, [(self._respondent(form, r), r.status) for r in records])

    def export_rows(self, evaluation_id: str, tool_id: str) -> list[tuple[ResponseRow, dict[str, Any]]]:
        """(row, effective answers) of every response, for the Excel export."""
        form = self.form(evaluation_id, tool_id)
        rows = self.responses(evaluation_id, tool_id)
        with self.read() as s:
            answers = {r.id: dict(r.answers or {}) for r in self._records(s, evaluation_id, tool_id)}
        return [(row, effective_answers(form, answers.get(row.id, {}))) for row in rows]

    # ------------------------------------------------------------------ plain data for the exports

    def template(
        self, evaluation_id: str, tool_id: str, respondent: Respondent | None = None,
        response_id: str | None = None, deadline: str = "", return_to: str = "",
    ) -> TemplateInfo:
        """Everything a fillable workbook shows (pre-filled with a response's answers when
        `response_id` is given)."""
        from desktop_app.exports.questionnaire_xlsx_sheets import TemplateInfo

        summary = self.services.evaluations.get(evaluation_id)
        answers: dict[str, Any] = dict(self.services.forms.get(response_id).answers) if response_id else {}
        return TemplateInfo(
            form=self.form(evaluation_id, tool_id), kit_id=summary.kit_id, kit_version=summary.kit_version,
            evaluation_id=evaluation_id, evaluation_title=summary.display_name, territory=summary.territory_name,
            audience=self.audience(evaluation_id, tool_id), respondent=respondent, answers=answers,
            short_title=self.short_title(evaluation_id, tool_id), deadline=deadline, return_to=return_to,
        )

    def templates(
        self, evaluation_id: str, tool_id: str, respondents: list[Respondent], deadline: str = "", return_to: str = "",
    ) -> list[TemplateInfo]:
        """One template per respondent, each with its own file token."""
        return [self.template(evaluation_id, tool_id, who, deadline=deadline, return_to=return_to) for who in respondents]

    def responses_workbook(
        self, evaluation_id: str, tool_ids: list[str] | None = None, include_sensitive: bool = False,
        include_drafts: bool = True,
    ) -> ResponsesWorkbook:
        """Every response of the questionnaires (all, or `tool_ids`), their results and rates."""
        from desktop_app.exports.questionnaire_responses_xlsx import QuestionnaireResponses, ResponsesWorkbook

        sheets = []
        for info in self.questionnaires(evaluation_id):
            if tool_ids is not None and info.tool_id not in tool_ids:
                continue
            rows = [(r, a) for r, a in self.export_rows(evaluation_id, info.tool_id) if include_drafts or r.status == "complete"]
            sheets.append(QuestionnaireResponses(
                display=info.display, form=self.form(evaluation_id, info.tool_id), rows=rows,
                results=self.results(evaluation_id, info.tool_id, include_drafts=include_drafts),
                rate=self.rate(evaluation_id, info.tool_id),
            ))
        territory = self.services.evaluations.get(evaluation_id).territory_name or ""
        return ResponsesWorkbook(territory=territory, questionnaires=sheets, include_sensitive=include_sensitive)
