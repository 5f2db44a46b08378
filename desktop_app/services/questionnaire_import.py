"""Read a questionnaire workbook filled by a respondent and check every answer.

`read_workbook(path)` (see `questionnaire_workbook`) extracts the hidden identification sheet and
the rows of the questionnaire sheet (key, answer, cell); `analyse(raw, target)` recognises the questionnaire and the kit
version, validates each answer with `core.validation` (answers typed as French users type them),
applies the skip logic and identifies the respondent. It writes nothing: the questionnaire
service decides what to do with the result (create, update, refuse) and records it.

Messages are French and name the cell and the question: « Cellule D23 (question 2.3 « … ») :
« beaucoup » n'est pas un nombre ».
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core import questionnaire_sheet as sheet
from desktop_app.core.questionnaire_respondents import (
    Respondent,
    clean_code,
    code_problem,
    identity_fields,
    respondent_from_answers,
    same_respondent,
)
from desktop_app.core.validation import (
    AnswerError,
    coerce,
    compute_calculations,
    compute_visibility,
    is_blank,
    missing_required,
    validate,
)
from desktop_app.kit.compare import migrate_answers
from desktop_app.kit.forms import Form, FormField, field_index
from desktop_app.services.questionnaire_workbook import RawRow, RawWorkbook, read_workbook

__all__ = ["Analysis", "Issue", "Target", "analyse", "read_workbook"]

_MARK_FIELD = FormField(id="_mark", type="yes_no", label="Croix")
TAMPERED = (
    "L'onglet d'identification (caché) de ce fichier a été modifié (questionnaire, version du kit ou du format, "
    "évaluation ou jeton du fichier) : il n'est pas importé. Demandez au répondant de reporter ses réponses dans le "
    "fichier qui lui a été envoyé, ou dans un nouveau fichier généré par l'application."
)


def _version(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+)\s*(?:[–\-:]\s*.*)?$")


@dataclass(frozen=True)
class Issue:
    level: str  # error | warning | info
    message: str
    cell: str = ""
    question: str = ""  # "2.3 « label »"

    @property
    def text(self) -> str:
        where = []
        if self.cell:
            where.append(f"Cellule {self.cell}")
        if self.question:
            where.append(f"question {self.question}" if where else f"Question {self.question}")
        if not where:
            return self.message
        head = where[0] + (f" ({where[1]})" if len(where) > 1 else "")
        return f"{head} : {self.message}"


@dataclass(frozen=True)
class Target:
    """What the file must belong to."""

    evaluation_id: str
    evaluation_title: str
    kit_id: str
    kit_version: str
    forms: Mapping[str, Form]  # the questionnaires of the evaluation's kit
    expected_tool: str | None = None
    # (kit id, version, tool id) -> (that version's form, the evaluation's kit's upgrade notes from
    # it), when the database keeps that version: a file prepared before the evaluation moved to a
    # newer kit is read with its own questions and converted by the kit's notes.
    earlier: Callable[[str, str, str], tuple[Form, list] | None] | None = None


@dataclass(frozen=True)
class Analysis:
    path: Path
    file_name: str
    sha256: str
    token: str = ""
    tool_id: str = ""
    tool_title: str = ""
    refused: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # valid answers that apply
    issues: tuple[Issue, ...] = ()
    respondent: Respondent | None = None
    prepared_for: Respondent | None = None
    complete: bool = False
    mapped_from: str = ""  # kit version of the file when it differs

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


# --------------------------------------------------------------------------- analysis


def analyse(raw: RawWorkbook, target: Target) -> Analysis:
    base = dict(path=raw.path, file_name=raw.name, sha256=raw.sha256)
    if raw.problem:
        return Analysis(**base, refused=raw.problem)
    meta = raw.meta
    issues: list[Issue] = []
    if raw.sheet_name is None:
        return Analysis(**base, refused="Ce fichier ne contient pas de questionnaire EvalKit (onglet « Questionnaire » introuvable).")
    if meta:
        if meta.get("format") != sheet.FORMAT:
            return Analysis(**base, refused="Ce fichier n'est pas un questionnaire généré par EvalKit Quartiers.")
        version = _version(meta.get("format_version"))
        if version not in sheet.KNOWN_FORMAT_VERSIONS:
            if isinstance(version, int) and version > max(sheet.KNOWN_FORMAT_VERSIONS):
                return Analysis(**base, refused="Ce fichier a été préparé par une version plus récente d'EvalKit Quartiers : "
                                "mettez l'application à jour pour l'importer.")
            return Analysis(**base, refused=TAMPERED)
        if sheet.SEAL_KEY in meta or version >= 2:
            if not sheet.seal_matches(meta, raw.meta_questions):
                return Analysis(**base, refused=TAMPERED)
        else:
            # A format-1 file carries no seal: it cannot be told from a sealed file whose seal was
            # removed and version lowered by hand. It is never imported silently: the user chooses to
            # import it, and it is then saved as a draft to review.
            issues.append(Issue("error", "Fichier sans sceau, préparé par une version antérieure d'EvalKit Quartiers "
                                         "(ou dont le sceau a été retiré) : rien ne garantit qu'il n'a pas été modifié "
                                         "à la main. Vérifiez-le avec le répondant ; pour l'importer quand même, choisissez "
                                         "d'importer ses réponses valides (option --partial en ligne de commande), "
                                         "elles seront enregistrées en brouillon à relire."))
        tool_id = str(meta.get("tool_id") or "")
        title = str(meta.get("tool_title") or tool_id)
        if str(meta.get("evaluation_id") or "") != target.evaluation_id:
            other = meta.get("territory") or meta.get("evaluation_title") or "inconnue"
            return Analysis(**base, tool_id=tool_id, tool_title=title,
                            refused=f"Ce fichier a été préparé pour une autre évaluation (« {other} ») : il n'est pas importé.")
        if tool_id not in target.forms:
            return Analysis(**base, tool_id=tool_id, tool_title=title,
                            refused=f"Ce fichier contient le questionnaire « {title} », qui ne fait pas partie du kit "
                            f"{target.kit_version} de cette évaluation.")
    else:
        tool_id = _guess_tool(raw, target)
        if tool_id is None:
            return Analysis(**base, refused="Ce fichier n'est pas un questionnaire généré par EvalKit Quartiers "
                            "(ses repères d'identification sont absents et ses questions ne correspondent à aucun questionnaire).")
        title = target.forms[tool_id].title
        return Analysis(**base, tool_id=tool_id, tool_title=title, refused=(
            f"L'onglet d'identification (caché) de ce questionnaire « {title} » a été supprimé : le fichier ne peut pas "
            "être rattaché sûrement à cette évaluation et n'est pas importé. Demandez au répondant de reporter ses "
            "réponses dans le fichier qui lui a été envoyé, ou dans un nouveau fichier généré par l'application."))
    form = target.forms[tool_id]
    title = form.title
    if target.expected_tool and tool_id != target.expected_tool:
        expected = target.forms[target.expected_tool].title if target.expected_tool in target.forms else target.expected_tool
        return Analysis(**base, tool_id=tool_id, tool_title=title,
                        refused=f"Ce fichier contient le questionnaire « {title} », pas « {expected} ».")
    mapped_from = ""
    file_version = str(meta.get("kit_version") or "") if meta else ""
    file_kit = str(meta.get("kit_id") or "") if meta else ""
    older = None
    if meta and file_kit == target.kit_id and file_version != target.kit_version and target.earlier is not None:
        older = target.earlier(file_kit, file_version, tool_id)
        if older is not None and _signature_differences(raw.meta_questions, older[0]):
            older = None  # not the questions that version had: compared with the current ones below
    if older is not None:
        mapped_from = file_version
        issues.append(Issue("info", f"Fichier préparé avec la version {file_version} du kit : ses réponses sont lues avec "
                                    f"les questions de cette version, puis reprises dans la version {target.kit_version}."))
    elif meta and (file_version != target.kit_version or file_kit != target.kit_id):
        differences = _signature_differences(raw.meta_questions, form)
        if differences:
            listed = " ; ".join(differences[:5]) + (f" ; et {len(differences) - 5} autre(s)" if len(differences) > 5 else "")
            return Analysis(**base, tool_id=tool_id, tool_title=title,
                            refused=f"Ce fichier a été préparé avec la version {file_version} du kit et ses questions ne "
                            f"correspondent plus à la version {target.kit_version} : {listed}.")
        mapped_from = file_version
        issues.append(Issue("info", f"Fichier préparé avec la version {file_version} du kit : ses questions sont "
                                    f"identiques dans la version {target.kit_version}, les réponses sont reprises."))
    for name in raw.extra_sheets:
        issues.append(Issue("warning", f"L'onglet « {name} » a été ajouté au fichier : son contenu n'est pas importé."))

    reader = _AnswerReader(older[0] if older else form, raw, issues)
    answers = reader.read()
    reader.check_missing_rows(raw.meta_questions if meta else None)
    if older is not None:
        answers = _converted(answers, older, form, tool_id, reader, issues)

    fields = identity_fields(form)
    prepared = None
    if meta and (meta.get("respondent_name") or meta.get("respondent_code")):
        kind = str(meta.get("respondent_type") or fields.respondent_type)
        prepared = Respondent(kind, str(meta.get("respondent_name") or ""), clean_code(kind, meta.get("respondent_code")))
    if fields.code and fields.code in answers:
        answers[fields.code] = clean_code(fields.respondent_type, answers[fields.code])
        problem = code_problem(fields.respondent_type, answers[fields.code])
        if problem:
            level = "error" if fields.respondent_type == "commune" else "warning"
            extra = "" if level == "error" else " La réponse est rattachée au nom de l'association."
            issues.append(Issue(level, problem + extra, reader.cells.get(fields.code, ""), reader.question(fields.code)))
            if level == "error":
                answers.pop(fields.code)
    respondent = respondent_from_answers(form, answers)
    if not respondent.identified:
        if prepared is None:
            return Analysis(**base, tool_id=tool_id, tool_title=title, issues=tuple(issues),
                            refused="Impossible d'identifier le répondant : le nom"
                            + (" et le code" if fields.code else "") + " sont vides.")
        respondent = prepared
        issues.append(Issue("warning", f"Identification vide : la réponse est rattachée à {prepared.label}, pour qui le fichier avait été préparé."))
    elif prepared is not None and not same_respondent(prepared, respondent):
        issues.append(Issue("warning", f"Ce fichier avait été préparé pour {prepared.label} mais a été rempli au nom de "
                                       f"{respondent.label} : la réponse est rattachée à {respondent.label}."))

    vis = compute_visibility(form, answers)
    index = field_index(form)
    for key in list(answers):
        if key in index and key not in vis.fields:
            answers.pop(key)
            issues.append(Issue("info", "réponse ignorée : d'après vos autres réponses, cette question ne s'applique pas.",
                                reader.cells.get(key, ""), reader.question(key)))
    if not set(answers) - set(fields.ids) and not reader.invalid:
        return Analysis(**base, tool_id=tool_id, tool_title=title, issues=tuple(issues), respondent=respondent,
                        prepared_for=prepared, refused="Le fichier ne contient aucune réponse (en dehors de l'identification du répondant).")
    missing = missing_required(form, answers)
    blank = [f for f, _ in missing if f.id not in reader.missing_rows and f.id not in reader.invalid]
    if blank:
        numbers = ", ".join(reader.numbers.get(f.id, f.label) for f in blank[:12]) + (" …" if len(blank) > 12 else "")
        plural = "s" if len(blank) > 1 else ""
        issues.append(Issue(
            "warning",
            f"{len(blank)} réponse{plural} obligatoire{plural} manquante{plural} (question{plural} {numbers}) : "
            "la réponse sera enregistrée comme brouillon.",
        ))
    complete = not missing and not reader.invalid
    return Analysis(
        **base, token=str(meta.get("token") or "") if meta else "", tool_id=tool_id, tool_title=title,
        answers=answers, issues=tuple(issues), respondent=respondent, prepared_for=prepared,
        complete=complete, mapped_from=mapped_from,
    )


def _converted(answers: dict[str, Any], older: tuple[Form, list], form: Form, tool_id: str,
               reader: _AnswerReader, issues: list[Issue]) -> dict[str, Any]:
    """Answers read with an earlier version's questions, carried into the current ones by the
    kit's upgrade notes; an answer the current version cannot hold is said, never dropped silently."""
    converted, changed = migrate_answers(older[1], tool_id, answers)
    if changed:
        issues.append(Issue("info", f"{changed} réponse{'s' if changed > 1 else ''} convertie{'s' if changed > 1 else ''} "
                                    "selon les notes de version du kit (échelle remise dans l'autre sens, choix scindé…)."))
    index = field_index(form)
    out: dict[str, Any] = {}
    for key, value in converted.items():
        f = index.get(key)
        if f is None or f.calculate:
            if f is None and not is_blank(value):
                issues.append(Issue("warning", "cette question n'existe plus dans la version du kit de l'évaluation : "
                                               "sa réponse n'est pas reprise.", reader.cells.get(key, ""), reader.question(key)))
            continue
        problem = validate(f, value)
        if problem:
            reader.invalid.add(key)
            issues.append(Issue("error", problem, reader.cells.get(key, ""), reader.question(key)))
            continue
        out[key] = value
    for fid, value in compute_calculations(form, out).items():
        if value is None:
            out.pop(fid, None)
        else:
            out[fid] = value
    return out


def _guess_tool(raw: RawWorkbook, target: Target) -> str | None:
    keys = set()
    for r in raw.rows:
        k = sheet.parse_key(r.key)
        if k is not None and k.kind in ("question", "option", "other"):
            keys.add(k.field_id)
    best, score = None, 0.0
    for tool_id, form in target.forms.items():
        ids = {f.id for f in field_index(form).values() if f.answerable}
        if not ids:
            continue
        ratio = len(ids & keys) / len(ids)
        if ratio > score:
            best, score = tool_id, ratio
    return best if score >= 0.6 else None


def _signature_differences(file_questions: list[dict], form: Form) -> list[str]:
    index = field_index(form)
    out = []
    for q in file_questions:
        f = index.get(q["key"])
        label = q.get("label") or q["key"]
        if f is None:
            out.append(f"« {label} » n'existe plus")
        elif f.type != q["type"]:
            out.append(f"« {label} » a changé de type")
        elif q["choices"] and not set(q["choices"]) <= {o.value for o in f.choices}:
            out.append(f"les choix de « {label} » ont changé")
    return out


class _AnswerReader:
    """Turns the raw rows into validated answers, collecting per-cell issues."""

    def __init__(self, form: Form, raw: RawWorkbook, issues: list[Issue]):
        self.form = form
        self.raw = raw
        self.issues = issues
        self.index = field_index(form)
        self.numbers = sheet.question_numbers(form)
        self.cells: dict[str, str] = {}  # field id -> cell of its answer (or question row)
        self.present: set[str] = set()  # field ids with at least one row in the file
        self.options_present: dict[str, set[str]] = {}
        self.missing_rows: set[str] = set()
        self.invalid: set[str] = set()

    def question(self, field_id: str) -> str:
        f = self.index.get(field_id)
        number = self.numbers.get(field_id, "")
        if f is None:
            return number
        label = f.label if len(f.label) <= 70 else f.label[:67] + "…"
        return f"{number} « {label} »".strip()

    def _error(self, field_id: str, cell: str, message: str) -> None:
        self.invalid.add(field_id)
        self.issues.append(Issue("error", message, cell, self.question(field_id)))

    def read(self) -> dict[str, Any]:
        singles: dict[str, RawRow] = {}
        marks: dict[str, list[tuple[str, RawRow]]] = {}
        others: dict[str, RawRow] = {}
        items: dict[str, dict[int, dict[str, RawRow]]] = {}
        for r in self.raw.rows:
            key = sheet.parse_key(r.key)
            if key is None:
                if not is_blank(r.value):
                    self.issues.append(Issue("warning", f"ligne ajoutée au questionnaire, ignorée (« {_short(r.value)} »).", r.cell))
                continue
            if key.kind in ("section", "note"):
                continue
            f = self.index.get(key.field_id)
            if f is None or key.kind == "unknown" or (key.kind == "item" and f.type != "repeat_group"):
                if not is_blank(r.value):
                    self.issues.append(Issue("warning", f"ligne inconnue de ce questionnaire, ignorée (« {_short(r.value)} »).", r.cell))
                continue
            self.present.add(f.id)
            if key.kind == "question":
                self.cells.setdefault(f.id, r.cell)
                if f.id in singles and not is_blank(r.value):
                    if is_blank(singles[f.id].value):
                        singles[f.id] = r
                    else:
                        self.issues.append(Issue("warning", "cette question apparaît deux fois : seule la première réponse est prise en compte.", r.cell, self.question(f.id)))
                    continue
                singles.setdefault(f.id, r)
            elif key.kind == "option":
                self.cells.setdefault(f.id, r.cell)
                self.options_present.setdefault(f.id, set()).add(key.option)
                marks.setdefault(f.id, []).append((key.option, r))
            elif key.kind == "other":
                others[f.id] = r
            elif key.kind == "item":
                self.cells.setdefault(f.id, r.cell)
                items.setdefault(f.id, {}).setdefault(key.item, {})[key.child] = r
        answers: dict[str, Any] = {}
        for fid, r in singles.items():
            f = self.index[fid]
            if f.type in ("multiple_choice", "repeat_group"):
                continue
            value = self._coerce(f, r.value, r.cell)
            if value is not None:
                answers[fid] = value
        for fid in {*marks, *others, *(k for k, v in singles.items() if self.index[k].type == "multiple_choice")}:
            value = self._multiple(self.index[fid], singles.get(fid), marks.get(fid, []), others.get(fid))
            if value is not None:
                answers[fid] = value
        for fid, by_item in items.items():
            value = self._group(self.index[fid], by_item, singles.get(fid))
            if value is not None:
                answers[fid] = value
        for fid, value in compute_calculations(self.form, answers).items():  # computed, never as typed
            if value is None:
                answers.pop(fid, None)
            else:
                answers[fid] = value
        return answers

    def _coerce(self, f: FormField, raw: Any, cell: str, owner: str | None = None) -> Any:
        raw = _prepare(f, raw)
        try:
            return coerce(f, raw)
        except AnswerError as exc:
            self._error(owner or f.id, cell, exc.message)
            return None

    def _multiple(self, f: FormField, main: RawRow | None, marks: list[tuple[str, RawRow]], other: RawRow | None) -> Any:
        chosen: list[str] = []
        for value, r in marks:
            if is_blank(r.value):
                continue
            try:
                ticked = coerce(_MARK_FIELD, r.value)
            except AnswerError:
                self._error(f.id, r.cell, f"« {_short(r.value)} » : mettez une croix ({sheet.MARK}) ou laissez la cellule vide.")
                continue
            if ticked:
                chosen.append(value)
        if main is not None and not is_blank(main.value):  # typed in the question row: "a ; b"
            try:
                chosen.extend(coerce(f, _prepare(f, main.value)) or [])
            except AnswerError as exc:
                self._error(f.id, main.cell, exc.message)
        if other is not None and not is_blank(other.value):
            text = " ".join(str(other.value).split())
            if f.allow_other:
                chosen.append(text)
            else:
                self.issues.append(Issue("warning", f"« {_short(text)} » : cette question n'accepte pas d'autre réponse, ignorée.", other.cell, self.question(f.id)))
        if not chosen:
            return None
        cell = main.cell if main is not None else (marks[0][1].cell if marks else "")
        return self._coerce(f, list(dict.fromkeys(chosen)), cell)

    def _group(self, f: FormField, by_item: dict[int, dict[str, RawRow]], main: RawRow | None) -> Any:
        children = {c.id: c for c in f.children}
        out = []
        for n in sorted(by_item):
            item: dict[str, Any] = {}
            for child_id, r in by_item[n].items():
                child = children.get(child_id)
                if child is None:
                    continue
                value = self._coerce(child, r.value, r.cell, owner=f.id)
                if value is not None:
                    item[child_id] = value
            if item:
                out.append(item)
        if not out:
            return None
        cell = main.cell if main is not None else self.cells.get(f.id, "")
        return self._coerce(f, out, cell)

    def check_missing_rows(self, file_questions: list[dict] | None) -> None:
        """Questions of the file (or of the form) whose rows were deleted."""
        expected = [q["key"] for q in file_questions] if file_questions else [f.id for f in self.index.values() if sheet.on_sheet(f)]
        by_key = {q["key"]: q for q in file_questions or []}
        for key in expected:
            f = self.index.get(key)
            if f is None or not sheet.on_sheet(f):
                continue
            if key not in self.present:
                self.missing_rows.add(key)
                if f.required:
                    self.issues.append(Issue("error", "cette question obligatoire est absente du fichier (ligne supprimée ?).", "", self.question(key)))
                else:
                    self.issues.append(Issue("warning", "la ligne de cette question a été supprimée : pas de réponse.", "", self.question(key)))
                continue
            if f.type == "multiple_choice":
                choices = by_key[key]["choices"] if key in by_key else [o.value for o in f.choices]
                gone = [c for c in choices if c not in self.options_present.get(key, set())]
                if gone and self.options_present.get(key):
                    labels = ", ".join(f"« {f.option(c).label if f.option(c) else c} »" for c in gone)
                    self.issues.append(Issue("warning", f"ligne(s) de choix supprimée(s) : {labels}.", "", self.question(key)))


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 50 else text[:47] + "…"


def _prepare(f: FormField, raw: Any) -> Any:
    """Undo what Excel does to typed values before the common coercion."""
    if f.type in ("text", "long_text"):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer()):
            return str(int(raw))  # a code typed as a number: 59350, not "59 350"
        if isinstance(raw, dt.datetime) and raw.time() == dt.time(0):
            return raw.strftime("%d/%m/%Y")
    if f.type == "scale" and isinstance(raw, str):
        m = _LEADING_NUMBER.match(raw)
        if m:
            return int(m.group(1))
    if f.type == "single_choice" and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw
