"""XLSForm out: write a kit questionnaire as an XLSForm workbook (survey, choices, settings) that
KoboToolbox and ODK Central accept.

Sections become groups, repeat groups repeats, `show_if` becomes `relevant`
(kit/xlsform_expressions.py), `min`/`max` and `constraint` become `constraint`s (with
`constraint_message`), calculated questions `calculate` rows, labels and hints go in the
`label::Français (fr)` / `hint::Français (fr)` columns and translated labels (`labels: {en: …}`)
in `label::English (en)`…. What XLSForm has no column for (yes/no and
scale types, unit, scale end labels, placeholder, personal data flags) is kept as JSON in an extra
`evalkit` column, ignored by the survey tools and read back by `kit/xlsform.py`, so that a
questionnaire exported then imported keeps its ids, types, choices, requirements and logic.

The file written is converted to XForm by pyxform before it is kept: a workbook pyxform refuses is
never left behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from desktop_app.kit import expressions
from desktop_app.kit.loader import Kit
from desktop_app.kit.schema import Choice, FormTool, Question, Section
from desktop_app.kit.xlsform_expressions import kit_to_xpath

LANG = "Français (fr)"
SURVEY_COLUMNS = [
    "type", "name", f"label::{LANG}", f"hint::{LANG}", "required", "relevant", "constraint",
    f"constraint_message::{LANG}", "calculation", "appearance", "parameters", "evalkit",
]
# XLSForm language names (`Name (code)`) of the translations a kit label may carry
LANGUAGE_NAMES = {
    "fr": LANG, "en": "English (en)", "es": "Español (es)", "de": "Deutsch (de)", "it": "Italiano (it)",
    "pt": "Português (pt)", "ar": "العربية (ar)", "nl": "Nederlands (nl)", "tr": "Türkçe (tr)",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, f"{code} ({code})")
YES_NO_LIST = "evalkit_oui_non"


class XlsFormExportError(ValueError):
    """The tool cannot be written as an XLSForm (French message)."""


@dataclass(frozen=True)
class ExportSummary:
    tool_id: str
    path: Path
    questions: int
    choice_lists: int
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "tool": self.tool_id,
            "file": str(self.path),
            "questions": self.questions,
            "choice_lists": self.choice_lists,
            "warnings": self.warnings,
        }


def export_xlsform(kit: Kit, tool_id: str, out: Path | str) -> ExportSummary:
    try:
        tool = kit.tool(tool_id)
    except KeyError as exc:
        raise XlsFormExportError(str(exc.args[0])) from None
    if not isinstance(tool, FormTool):
        raise XlsFormExportError(
            f"l'outil « {tool_id} » est de type « {tool.kind} » : seuls les questionnaires, fiches de recueil "
            "et banques de questions s'exportent en XLSForm"
        )
    writer = _Writer(kit, tool)
    writer.run()
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise XlsFormExportError(f"« {out.name} » : le fichier XLSForm doit porter l'extension .xlsx")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        writer.workbook().save(out)
    except OSError as exc:
        raise XlsFormExportError(f"impossible d'écrire « {out} » ({exc.strerror or exc})") from None
    warnings = _check_with_pyxform(out)
    return ExportSummary(tool.id, out, writer.questions, len(writer.lists), writer.losses + warnings)


class _Writer:
    def __init__(self, kit: Kit, tool: FormTool):
        self.kit = kit
        self.tool = tool
        self.survey: list[dict[str, str]] = []
        self.lists: dict[str, list[tuple[str, str]]] = {}
        self.types = {q.id: q.type for s in tool.sections for q in _all(s.questions)}
        self.names = set(self.types)
        self.questions = 0
        self.losses: list[str] = []
        self.languages: list[str] = []  # translation codes met, in order (French excluded)

    def run(self) -> None:
        for section in self.tool.sections:
            self._section(section)

    def _section(self, section: Section) -> None:
        name = section.id if section.id not in self.names else f"{section.id}_groupe"
        extra = {"id": section.id} if name != section.id else {}
        row = {"type": "begin_group", "name": name, f"label::{LANG}": section.title}
        if section.description:
            row[f"hint::{LANG}"] = section.description
        if section.show_if:
            row["relevant"] = kit_to_xpath(section.show_if, self.types)
        if extra:
            row["evalkit"] = _json(extra)
        self.survey.append(row)
        for question in section.questions:
            self._question(question)
        self.survey.append({"type": "end_group"})

    def _question(self, q: Question) -> None:
        self.questions += 1
        extra: dict[str, Any] = {}
        row: dict[str, str] = {"name": q.id, f"label::{LANG}": q.label}
        for code, text in (q.labels or {}).items():
            if code != "fr":
                if code not in self.languages:
                    self.languages.append(code)
                row[f"label::{language_name(code)}"] = text
        if q.help:
            row[f"hint::{LANG}"] = q.help
        if q.required:
            row["required"] = "yes"
        if q.show_if:
            row["relevant"] = kit_to_xpath(q.show_if, self.types)
        if q.type == "repeat_group":
            row["type"] = "begin_repeat"
            if q.item_label:
                row["evalkit"] = _json({"item_label": q.item_label})
            self.survey.append(row)
            for child in q.questions or []:
                self._question(child)
            self.survey.append({"type": "end_repeat"})
            return
        kind = q.type
        if q.calculate:
            row["type"] = "calculate"
            row["calculation"] = kit_to_xpath(q.calculate, self.types)
            extra["type"] = kind
            if q.unit:
                extra["unit"] = q.unit
            row["evalkit"] = _json(extra)
            self.survey.append(row)
            return
        if kind in ("text", "integer", "decimal", "date", "note"):
            row["type"] = kind
        elif kind == "long_text":
            row["type"] = "text"
            row["appearance"] = "multiline"
            extra["type"] = "long_text"
        elif kind in ("single_choice", "multiple_choice"):
            list_name = self._choice_list(q)
            base = "select_one" if kind == "single_choice" else "select_multiple"
            row["type"] = f"{base} {list_name}" + (" or_other" if q.allow_other else "")
        elif kind == "yes_no":
            self.lists.setdefault(YES_NO_LIST, [("yes", "Oui"), ("no", "Non")])
            row["type"] = f"select_one {YES_NO_LIST}"
            extra["type"] = "yes_no"
        elif kind == "scale":
            row["type"] = "range"
            row["parameters"] = f"start={_num(q.min)} end={_num(q.max)} step=1"
            extra["type"] = "scale"
        self._bounds(q, row, extra)
        if kind == "multiple_choice":
            self._exclusive(q, row, extra)
        for key in ("unit", "placeholder", "min_label", "max_label"):
            if getattr(q, key):
                extra[key] = getattr(q, key)
        for key in ("sensitive", "personal", "consent"):
            if getattr(q, key):
                extra[key] = True
        if extra:
            row["evalkit"] = _json(extra)
        self.survey.append(row)

    def _bounds(self, q: Question, row: dict, extra: dict) -> None:
        self._bound_rows(q, row, extra)
        if not q.constraint:
            return
        rule = kit_to_xpath(q.constraint, {**self.types, expressions.SELF: q.type})  # `.`: the question
        # the rule (and any bounds) also kept as written in the kit, so the import gives them back
        row["constraint"] = f"{row['constraint']} and ({rule})" if row.get("constraint") else rule
        extra.update({k: v for k, v in (("min", q.min), ("max", q.max)) if v is not None})
        extra["constraint"] = q.constraint
        if q.constraint_message:
            extra["constraint_message"] = q.constraint_message
        if q.constraint_message:
            row[f"constraint_message::{LANG}"] = q.constraint_message

    def _exclusive(self, q: Question, row: dict, extra: dict) -> None:
        """An exclusive choice (« Aucune ») becomes a constraint the collecting app enforces,
        and is kept in the `evalkit` column so the import gives it back."""
        if q.choice_list:
            cl = self.kit.choice_list(self.tool, q.choice_list)
            choices: list[Choice] = cl.choices if cl else []
        else:
            choices = q.choices or []
        exclusive = [c for c in choices if c.exclusive]
        if not exclusive:
            return
        rules = " and ".join(f"not(selected(., '{c.value}') and count-selected(.) > 1)" for c in exclusive)
        row["constraint"] = f"({row['constraint']}) and {rules}" if row.get("constraint") else rules
        names = " ou ".join(f"« {c.label} »" for c in exclusive)
        message = f"{names} ne peut pas être cochée avec d'autres réponses."
        key = f"constraint_message::{LANG}"
        row[key] = f"{row[key]} {message}" if row.get(key) else message
        extra["exclusive"] = [c.value for c in exclusive]

    def _bound_rows(self, q: Question, row: dict, extra: dict) -> None:
        if q.type == "scale" or (q.min is None and q.max is None):
            return
        if q.type in ("integer", "decimal"):
            parts = [f". >= {_num(q.min)}" if q.min is not None else "", f". <= {_num(q.max)}" if q.max is not None else ""]
            message = _bounds_message(q.min, q.max, "La valeur")
        elif q.type == "multiple_choice":
            parts = [
                f"count-selected(.) >= {_num(q.min)}" if q.min is not None else "",
                f"count-selected(.) <= {_num(q.max)}" if q.max is not None else "",
            ]
            message = _bounds_message(q.min, q.max, "Le nombre de choix")
        elif q.type == "date":
            parts = [
                f". >= date('{q.min}')" if q.min is not None else "",
                f". <= date('{q.max}')" if q.max is not None else "",
            ]
            message = _bounds_message(q.min, q.max, "La date")
            extra.update({k: v for k, v in (("min", q.min), ("max", q.max)) if v is not None})
        else:
            return
        row["constraint"] = " and ".join(p for p in parts if p)
        row[f"constraint_message::{LANG}"] = message

    def _choice_list(self, q: Question) -> str:
        if q.choice_list:
            name = q.choice_list
            cl = self.kit.choice_list(self.tool, q.choice_list)
            choices: list[Choice] = cl.choices if cl else []
        else:
            name = q.id if q.id not in self.lists else f"{q.id}_choix"
            choices = q.choices or []
        if any(c.score is not None or c.color for c in choices):
            self.losses.append(f"{q.id} : les scores et couleurs des choix ne sont pas exportés")
        self.lists.setdefault(name, [(c.value, c.label) for c in choices])
        return name

    def workbook(self) -> Workbook:
        wb = Workbook()
        ws = wb.active
        ws.title = "survey"
        columns = list(SURVEY_COLUMNS)
        for i, code in enumerate(self.languages):
            columns.insert(3 + i, f"label::{language_name(code)}")
        _sheet(ws, columns, self.survey)
        _sheet(
            wb.create_sheet("choices"),
            ["list_name", "name", f"label::{LANG}"],
            [
                {"list_name": name, "name": value, f"label::{LANG}": label}
                for name, items in self.lists.items()
                for value, label in items
            ],
        )
        _sheet(
            wb.create_sheet("settings"),
            ["form_title", "form_id", "version", "default_language"],
            [{"form_title": self.tool.title, "form_id": self.tool.id, "version": self.kit.version, "default_language": LANG}],
        )
        return wb


def _sheet(ws, columns: list[str], rows: list[dict[str, str]]) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(col, "") or None for col in columns])
    ws.freeze_panes = "A2"


def _all(questions: list[Question]):
    for q in questions:
        yield q
        yield from q.questions or []


def _num(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bounds_message(low, high, what: str) -> str:
    if low is not None and high is not None:
        return f"{what} : entre {_num(low)} et {_num(high)}."
    if low is not None:
        return f"{what} : au moins {_num(low)}."
    return f"{what} : au plus {_num(high)}."


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _check_with_pyxform(path: Path) -> list[str]:
    """Convert the written workbook to XForm (no Java validator); remove it if pyxform refuses it."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        result = convert(xlsform=str(path))
    except (PyXFormError, ValueError) as exc:
        path.unlink(missing_ok=True)
        raise XlsFormExportError(f"le formulaire produit est refusé par pyxform ({exc}) ; aucun fichier écrit") from None
    return [w for w in result.warnings if "or_other" not in w]
