"""Submissions in: a KoboToolbox or ODK Central data export (.xlsx or .csv, one row per
submission) becomes responses to a questionnaire of the evaluation's kit.

Columns are matched to questions by name, with or without group prefixes (`grp/q1` for Kobo,
`grp-q1` for ODK Central, `grp.q1`), or by label (exports « avec les libellés »). A
`select_multiple` is read from its one column of space-separated codes or from its 0/1 columns
(`q/choix`); `or_other` answers take the text of `q_other`. Repeat groups come from the other
sheets of a Kobo workbook (`_parent_index` → the submission's `_index`).

Each submission is identified by its instance id (`meta/instanceID`, `instanceID`, `KEY` or
`_uuid`), kept in the questionnaire import log (`QuestionnaireImport.file_token`): importing the
same export again changes nothing; a submission edited on the server (`deprecatedID`) replaces the
response of the one it replaces. A row whose answers do not fit the questionnaire is refused with
its reasons (French, per row); the other rows are imported, in one transaction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.french import AnswerError, fold_key
from desktop_app.core.questionnaire_respondents import respondent_from_answers
from desktop_app.core.validation import coerce, is_blank, missing_required, validate
from desktop_app.kit.forms import Form, FormField, iter_fields
from desktop_app.services.base import ServiceBase, ServiceError
from desktop_app.store.models import Evaluation, FormResponse
from desktop_app.store.models_questionnaires import QuestionnaireImport

SOURCE = "KoboToolbox / ODK"
_ID_COLUMNS = ("instanceid", "key", "_uuid")  # by preference
_DEPRECATED = "deprecatedid"
_META = {
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
    "_version_", "_tags", "_index", "_parent_index", "_parent_table_name", "_geolocation", "_attachments",
    "_xform_id_string", "_duration", "start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
    "subscriberid", "email", "audit", "audit_url", "instanceid", "deprecatedid", "instancename", "key", "parent_key",
    "submissiondate", "submitterid", "submittername", "attachmentspresent", "attachmentsexpected", "status",
    "reviewstate", "edits", "formversion", "uuid", "formhub/uuid", "meta",
}
_TRUE_MARKS = {"1", "1.0", "true", "vrai", "oui", "yes", "x"}


@dataclass(frozen=True)
class SubmissionOutcome:
    row: int  # row of the sheet (1 = headers)
    instance_id: str
    outcome: str  # imported | updated | unchanged | refused
    label: str
    messages: tuple[str, ...] = ()

    def text(self) -> str:
        what = {
            "imported": "importée",
            "updated": "mise à jour",
            "unchanged": "déjà importée, inchangée",
            "refused": "refusée",
        }[self.outcome]
        line = f"ligne {self.row} · {self.label or self.instance_id or 'soumission'} : {what}"
        return line + (" — " + " ; ".join(self.messages) if self.messages else "")


@dataclass
class KoboImportResult:
    file_name: str
    tool_id: str
    rows: list[SubmissionOutcome] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def refused(self) -> int:
        return self.count("refused")

    def summary(self) -> str:
        parts = [f"{self.count(k)} {w}" for k, w in (
            ("imported", "importée(s)"), ("updated", "mise(s) à jour"), ("unchanged", "inchangée(s)"),
            ("refused", "refusée(s)"),
        ) if self.count(k)]
        return f"« {self.file_name} » : {len(self.rows)} soumissions — " + (", ".join(parts) or "aucune")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.refused == 0,
            "file": self.file_name,
            "tool": self.tool_id,
            "imported": self.count("imported"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "refused": self.refused,
            "ignored_columns": self.ignored_columns,
            "rows": [
                {"row": r.row, "instance_id": r.instance_id, "outcome": r.outcome, "label": r.label, "messages": list(r.messages)}
                for r in self.rows
            ],
        }


SUBMISSION_ID_HEADERS = {"_uuid", "meta/instanceid", "instanceid", "key", "meta-instanceid", "_submission_time"}


def is_submissions_export(path: Path | str) -> bool:
    """Whether a spreadsheet is a KoboToolbox / ODK Central data export (a submission id column:
    `_uuid`, `meta/instanceID`, `KEY`…), as opposed to a questionnaire filled in Excel."""
    from desktop_app.services.spreadsheet_read import read_grids

    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".xls", ".txt"):
        return False
    try:
        grids, _ = read_grids(path, "")
    except ServiceError:
        return False
    first = next((g for g in grids if g.rows), None)
    if first is None:
        return False
    return any(_header(h).lower() in SUBMISSION_ID_HEADERS for h in first.rows[0])


class KoboImportService(ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services

    def guess_tool(self, evaluation_id: str, path: Path | str) -> str | None:
        """The evaluation's questionnaire whose questions the export's columns name the most
        (None when none matches a column)."""
        from desktop_app.services.spreadsheet_read import read_grids

        grids, _ = read_grids(Path(path), "Aucune soumission n'a été importée.")
        first = next((g for g in grids if g.rows), None)
        if first is None:
            return None
        header = [_header(h) for h in first.rows[0]]
        best, best_count = None, 0
        for tool_id, form in self.services.questionnaires.forms(evaluation_id).items():
            count = len(_Columns(form, header).fields)
            if count > best_count:
                best, best_count = tool_id, count
        return best

    def import_file(self, evaluation_id: str, tool_id: str, path: Path | str) -> KoboImportResult:
        from desktop_app.services.spreadsheet_read import read_grids

        path = Path(path)
        form = self.services.questionnaires.form(evaluation_id, tool_id)
        what = "Aucune soumission n'a été importée."
        grids, _ = read_grids(path, what)
        grids = [g for g in grids if g.rows]
        if not grids:
            raise ServiceError(f"« {path.name} » ne contient aucune ligne. {what}")
        main, others = grids[0], grids[1:]
        header = [_header(h) for h in main.rows[0]]
        columns = _Columns(form, header)
        if not columns.fields:
            raise ServiceError(
                f"« {path.name} » ne correspond pas au questionnaire « {form.title} » : aucune colonne n'est une de "
                f"ses questions (colonnes lues : {', '.join(h for h in header[:8] if h)}…). {what}"
            )
        if columns.id_column is None:
            raise ServiceError(
                f"« {path.name} » n'a pas de colonne d'identifiant de soumission (_uuid, meta/instanceID ou KEY) : "
                f"exportez les données avec leurs métadonnées depuis KoboToolbox ou ODK Central. {what}"
            )
        repeats = _repeat_rows(form, others)
        result = KoboImportResult(path.name, tool_id, ignored_columns=columns.ignored)
        parsed: list[tuple[int, str, str, dict[str, Any] | None, list[str]]] = []
        seen: dict[str, int] = {}
        index_col = _find(header, "_index")
        for n, row in enumerate(main.rows[1:], start=2):
            if all(is_blank(v) for v in row):
                continue
            instance = _instance(_cell(row, columns.id_column))
            deprecated = _instance(_cell(row, columns.deprecated_column)) if columns.deprecated_column is not None else ""
            if not instance:
                parsed.append((n, "", "", None, ["identifiant de soumission vide"]))
                continue
            if instance in seen:
                parsed.append((n, instance, "", None, [f"même soumission que la ligne {seen[instance]}"]))
                continue
            seen[instance] = n
            answers, errors = columns.read(row)
            parent = _cell(row, index_col) if index_col is not None else None
            for rid, items in repeats.items():
                key = str(parent).removesuffix(".0") if parent is not None else None
                if key in items:
                    value, errs = _read_repeat(form, rid, items[key])
                    if value:
                        answers[rid] = value
                    errors.extend(errs)
            parsed.append((n, instance, deprecated, answers, errors))
        self._write(evaluation_id, form, path.name, parsed, result)
        return result

    def _write(self, evaluation_id: str, form: Form, file_name: str, parsed, result: KoboImportResult) -> None:
        with self.tx() as s:
            ev = s.get(Evaluation, evaluation_id)
            logs = {
                log.file_token: log
                for log in s.scalars(select(QuestionnaireImport).where(
                    QuestionnaireImport.evaluation_id == evaluation_id, QuestionnaireImport.tool_id == form.tool_id,
                    QuestionnaireImport.deleted.is_(False), QuestionnaireImport.file_token != "",
                ).order_by(QuestionnaireImport.created_at))
            }
            position = s.scalar(select(func.coalesce(func.max(FormResponse.position), -1)).where(
                FormResponse.evaluation_id == evaluation_id, FormResponse.tool_id == form.tool_id))
            for row, instance, deprecated, answers, errors in parsed:
                if answers is None or errors:
                    result.rows.append(SubmissionOutcome(row, instance, "refused", "", tuple(errors)))
                    continue
                token = _token(instance)
                who = respondent_from_answers(form, answers)
                label = who.label if who.name or who.code else f"Soumission {instance[:8]}"
                status = "draft" if missing_required(form, answers) else "complete"
                rec = _live(s, logs.get(token))
                replaced = ""
                if rec is None and deprecated:
                    rec = _live(s, logs.get(_token(deprecated)))
                    replaced = "remplace la version modifiée sur le serveur" if rec is not None else ""
                if rec is not None:
                    same = dict(rec.answers or {}) == answers and rec.status == status and rec.label == label
                    if same and not replaced:
                        result.rows.append(SubmissionOutcome(row, instance, "unchanged", label))
                        continue
                    self.touch(rec)
                    outcome = "updated"
                else:
                    position += 1
                    rec = FormResponse(
                        evaluation_id=evaluation_id, tool_id=form.tool_id, kit_version=ev.kit_version, position=position
                    )
                    self.stamp_new(rec)
                    s.add(rec)
                    outcome = "imported"
                rec.subject_type, rec.subject_id, rec.label = who.respondent_type, who.subject_id, label
                rec.answers = answers
                rec.status = status
                s.flush()
                if token not in logs or logs[token].response_id != rec.id:
                    log = QuestionnaireImport(
                        evaluation_id=evaluation_id, tool_id=form.tool_id, response_id=rec.id, subject_id=rec.subject_id,
                        file_name=f"{SOURCE} : {file_name}"[:255], file_token=token, outcome=outcome,
                        messages=[f"soumission {instance}"] + ([f"remplace {deprecated}"] if replaced else []),
                    )
                    self.stamp_new(log)
                    s.add(log)
                    logs[token] = log
                result.rows.append(SubmissionOutcome(row, instance, outcome, label, (replaced,) if replaced else ()))


def _live(s, log: QuestionnaireImport | None) -> FormResponse | None:
    if log is None:
        return None
    rec = s.get(FormResponse, log.response_id)
    return rec if rec is not None and not rec.deleted else None


def _header(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _cell(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _find(header: list[str], name: str) -> int | None:
    for i, h in enumerate(header):
        if h.lower() == name:
            return i
    return None


def _instance(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return text.removeprefix("uuid:")


def _token(instance: str) -> str:
    """The instance id as stored in the import log (36 characters at most)."""
    return instance if len(instance) <= 36 else str(uuid.uuid5(uuid.NAMESPACE_URL, instance))


def _segments(header: str) -> list[str]:
    """Candidate question names of a header, longest first: `a/b/c` → `a/b/c`, `c`; ODK `a-b-c`
    → also `b-c`, `c`; `a.b` → `b`."""
    out = [header]
    for sep in ("/", ".", "-"):
        parts = header.split(sep)
        out.extend(sep.join(parts[i:]) for i in range(1, len(parts)))
    return [c for c in out if c]


class _Columns:
    """Which column holds which question."""

    def __init__(self, form: Form, header: list[str]):
        self.form = form
        fields = [f for f in iter_fields(form) if f.answerable]
        self.by_id = {f.id: f for f in fields}
        self.by_norm = {_norm(f.id): f for f in fields}
        self.by_label = {fold_key(f.label): f for f in fields}
        self.fields: dict[int, FormField] = {}  # column -> field (single column)
        self.marks: dict[str, list[tuple[int, str]]] = {}  # multiple choice id -> [(column, option value)]
        self.other: dict[str, int] = {}  # field id -> column of its "_other" text
        self.ignored: list[str] = []
        self.id_column: int | None = None
        self.deprecated_column: int | None = None
        ids: dict[str, int] = {}
        for i, h in enumerate(header):
            if not h:
                continue
            key = re.split(r"[/\-.]", h)[-1].lower()
            if key in _ID_COLUMNS and key not in ids:
                ids[key] = i
            if key == _DEPRECATED:
                self.deprecated_column = i
            exact = self.by_id.get(h)
            if exact is None and (key in _META or h.lower() in _META or key.startswith("_")):
                continue  # submission metadata
            mark = self._mark(h) if exact is None else None
            other = self._other(h) if exact is None and mark is None else None
            f = exact or (self._field(h) if mark is None and other is None else None)
            if mark is not None:
                self.marks.setdefault(mark[0].id, []).append((i, mark[1]))
                continue
            if other is not None:
                self.other[other.id] = i
                continue
            if f is not None and f.type != "repeat_group":
                self.fields[i] = f
                continue
            self.ignored.append(h)
        self.id_column = next((ids[k] for k in _ID_COLUMNS if k in ids), None)

    def _field(self, header: str) -> FormField | None:
        for cand in _segments(header):
            f = self.by_id.get(cand) or self.by_norm.get(_norm(cand)) or self.by_label.get(fold_key(cand))
            if f is not None:
                return f
        return None

    def _mark(self, header: str) -> tuple[FormField, str] | None:
        for sep in ("/", ".", "-"):
            if sep not in header:
                continue
            head, _, tail = header.rpartition(sep)
            f = self._field(head)
            if f is not None and f.type == "multiple_choice":
                for opt in f.choices:
                    if tail == opt.value or fold_key(tail) == fold_key(opt.label):
                        return f, opt.value
                if f.allow_other and tail == "other":
                    return f, "other"
        return None

    def _other(self, header: str) -> FormField | None:
        if not header.endswith("_other"):
            return None
        f = self._field(header.removesuffix("_other"))
        return f if f is not None and f.allow_other else None

    def read(self, row: list[Any]) -> tuple[dict[str, Any], list[str]]:
        answers: dict[str, Any] = {}
        errors: list[str] = []
        for col, f in self.fields.items():
            raw = _cell(row, col)
            if is_blank(raw):
                continue
            if f.type == "multiple_choice" and f.id in self.marks:
                continue  # the 0/1 columns say it without ambiguity
            raw = self._prepare(f, raw, row)
            _store(f, raw, answers, errors)
        for fid, marks in self.marks.items():
            f = self.by_id[fid]
            chosen = [value for col, value in marks if fold_key(_cell(row, col)) in _TRUE_MARKS]
            if "other" in chosen:
                chosen = [c for c in chosen if c != "other"] + [self._other_text(f, row)]
            if chosen:
                _store(f, chosen, answers, errors)
        return answers, errors

    def _prepare(self, f: FormField, raw: Any, row: list[Any]) -> Any:
        if f.type == "multiple_choice" and isinstance(raw, str):
            parts = raw.split()
            values = {o.value for o in f.choices} | ({"other"} if f.allow_other else set())
            if parts and all(p in values for p in parts):  # Kobo / ODK: codes separated by spaces
                return [self._other_text(f, row) if p == "other" else p for p in parts]
        if f.type == "single_choice" and f.allow_other and str(raw).strip() == "other":
            return self._other_text(f, row)
        return raw

    def _other_text(self, f: FormField, row: list[Any]) -> str:
        text = _cell(row, self.other.get(f.id))
        return " ".join(str(text).split()) if not is_blank(text) else "Autre"


def _store(f: FormField, raw: Any, answers: dict[str, Any], errors: list[str]) -> None:
    try:
        value = coerce(f, raw)
    except AnswerError as exc:
        errors.append(f"« {f.label} » : {exc}")
        return
    if value is None:
        return
    problem = validate(f, value)
    if problem:
        errors.append(f"« {f.label} » : {problem}")
        return
    answers[f.id] = value


def _norm(name: str) -> str:
    from desktop_app.kit.xlsform import normalise_id

    return normalise_id(name)


def _repeat_rows(form: Form, sheets) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{repeat field id: {parent _index: [child answers as read (raw)]}} from a Kobo workbook's
    other sheets (one per repeat, named after it, `_parent_index` pointing at the submission)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    repeats = {f.id: f for f in iter_fields(form) if f.type == "repeat_group"}
    for grid in sheets:
        f = repeats.get(grid.name) or next(
            (r for r in repeats.values() if _norm(grid.name) in (_norm(r.id), _norm(r.id)[:31])), None
        )
        if f is None or not grid.rows:
            continue
        header = [_header(h) for h in grid.rows[0]]
        parent_col = _find(header, "_parent_index")
        if parent_col is None:
            continue
        children = {c.id: c for c in f.children if c.answerable}
        cols = {}
        for i, h in enumerate(header):
            for cand in _segments(h):
                if cand in children or _norm(cand) in children:
                    cols[i] = children.get(cand) or children[_norm(cand)]
                    break
        items = out.setdefault(f.id, {})
        for row in grid.rows[1:]:
            parent = _cell(row, parent_col)
            if is_blank(parent):
                continue
            item = {c.id: _cell(row, i) for i, c in cols.items() if not is_blank(_cell(row, i))}
            items.setdefault(str(parent).removesuffix(".0"), []).append(item)
    return out


def _read_repeat(form: Form, field_id: str, items: list[dict[str, Any]]) -> tuple[list[dict] | None, list[str]]:
    f = next(f for f in iter_fields(form) if f.id == field_id)
    errors: list[str] = []
    try:
        value = coerce(f, items)
    except AnswerError as exc:
        return None, [f"« {f.label} » : {exc}"]
    problem = validate(f, value) if value else None
    if problem:
        errors.append(f"« {f.label} » : {problem}")
    return value, errors
