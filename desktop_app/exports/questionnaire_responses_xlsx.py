"""Every response to the questionnaires in one Excel workbook, for analysis and archives.

* one sheet per questionnaire: one row per response, one column per question, French headings
  ("2.3 Globalement, êtes-vous satisfait·e…"), answers as labels, numbers as numbers, dates as
  dates; answers to questions hidden by the skip logic are left out;
* « Synthèse »: the response rate and, per question, counts and percentages or min / median / max;
* « Dictionnaire (codebook) »: per column, the question, its identifier, type, unit, possible
  values (code = label), condition, and whether it is required.

Answers to questions flagged as personal data (contact details, testimonies) are left out unless
asked for, as the RGPD defaults of the application want.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.core import questionnaire_sheet as sheet
from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.core.questionnaire_results import format_percent
from desktop_app.core.validation import format_number
from desktop_app.exports.xlsx_cells import put
from desktop_app.kit.forms import Form, FormField, iter_fields

HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13, color="1F5F8B")
STATUS = {"draft": "Brouillon", "complete": "Complète"}
FIXED = ("Répondant", "Type de répondant", "Code (INSEE / SIRET)", "Statut", "Source", "Modifiée le")


def cell_value(f: FormField, value: Any) -> Any:
    """A stored answer as an Excel cell value (labels for choices)."""
    if value is None:
        return None
    if f.type == "yes_no":
        return "Oui" if value else "Non"
    if f.type == "single_choice":
        opt = f.option(value)
        return opt.label if opt else f"Autre : {value}"
    if f.type == "multiple_choice":
        return " ; ".join((f.option(v).label if f.option(v) else f"Autre : {v}") for v in value)
    if f.type == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if f.type == "repeat_group":
        children = {c.id: c for c in f.children}
        parts = []
        for n, item in enumerate(value, start=1):
            inner = ", ".join(
                f"{children[k].label if k in children else k} : {_plain(children.get(k), v)}" for k, v in item.items()
            )
            parts.append(f"{f.item_label or 'Élément'} {n} — {inner}")
        return "\n".join(parts)
    return value


def _plain(f: FormField | None, value: Any) -> str:
    if f is None:
        return str(value)
    shown = cell_value(f, value)
    if isinstance(shown, dt.date):
        return shown.strftime("%d/%m/%Y")
    if isinstance(shown, (int, float)):
        return format_number(shown)
    return str(shown)


def _columns(form: Form, include_sensitive: bool) -> list[FormField]:
    return [f for f in iter_fields(form) if f.answerable and (include_sensitive or not (f.sensitive or f.personal))]


def _header(ws: Worksheet, row: int, titles: list[str], widths: list[float]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        c = put(ws, row, col, title)
        c.fill = HEADER_FILL
        c.font = HEADER_FONT
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = width


def _sheet_name(form: Form, used: set[str]) -> str:
    base = form.title.replace("Questionnaire aux ", "").replace("Questionnaire ", "")
    name = f"Réponses {base}"[:31].rstrip()
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    n = 2
    while name in used:
        name = f"{name[:28]} {n}"
        n += 1
    used.add(name)
    return name


def write_responses(
    services, evaluation_id: str, path: str | Path, tool_ids: list[str] | None = None,
    include_sensitive: bool = False, include_drafts: bool = True,
) -> Path:
    q = services.questionnaires
    infos = [i for i in q.questionnaires(evaluation_id) if tool_ids is None or i.tool_id in tool_ids]
    wb = Workbook()
    summary = wb.active
    summary.title = "Synthèse"
    codebook = wb.create_sheet("Dictionnaire (codebook)")
    used = {"Synthèse", "Dictionnaire (codebook)"}
    _header(codebook, 1, ["Questionnaire", "Feuille", "Colonne", "N°", "Identifiant", "Question", "Type", "Unité",
                          "Valeurs possibles (code = libellé)", "Bornes", "Condition", "Obligatoire", "Remarque"],
            [26, 22, 9, 7, 24, 60, 16, 8, 50, 14, 40, 11, 30])
    code_row = 2
    summary_row = 1
    summary.column_dimensions["A"].width = 70
    summary.column_dimensions["B"].width = 14
    summary.column_dimensions["C"].width = 12
    for info in infos:
        form = q.form(evaluation_id, info.tool_id)
        numbers = sheet.question_numbers(form)
        columns = _columns(form, include_sensitive)
        rows = [(r, a) for r, a in q.export_rows(evaluation_id, info.tool_id) if include_drafts or r.status == "complete"]
        ws = wb.create_sheet(_sheet_name(form, used))
        titles = list(FIXED) + [f"{numbers.get(f.id, '')} {f.label}".strip() for f in columns]
        _header(ws, 1, titles, [34, 14, 16, 11, 24, 13] + [24] * len(columns))
        ws.row_dimensions[1].height = 60
        for r, (row, answers) in enumerate(rows, start=2):
            put(ws, r, 1, row.respondent.name or row.label)
            put(ws, r, 2, type_label(row.respondent.respondent_type))
            put(ws, r, 3, row.respondent.code or None)
            put(ws, r, 4, STATUS.get(row.status, row.status))
            put(ws, r, 5, row.source)
            modified = put(ws, r, 6, row.updated_at.astimezone().replace(tzinfo=None))
            modified.number_format = "DD/MM/YYYY HH:MM"
            for c, f in enumerate(columns, start=len(FIXED) + 1):
                cell = put(ws, r, c, cell_value(f, answers.get(f.id)))
                if f.type == "date":
                    cell.number_format = "DD/MM/YYYY"
                elif f.type == "decimal" and f.unit == "€":
                    cell.number_format = '#,##0 "€"'
                elif f.type in ("long_text", "repeat_group", "multiple_choice"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(1, len(rows) + 1)}"
        code_row = _codebook(codebook, code_row, form, ws.title, columns, numbers, include_sensitive)
        summary_row = _summary(summary, summary_row, services, evaluation_id, info, include_drafts)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _codebook(ws: Worksheet, row: int, form: Form, sheet_name: str, columns: list[FormField],
              numbers: dict[str, str], include_sensitive: bool) -> int:
    position = {f.id: len(FIXED) + i for i, f in enumerate(columns, start=1)}
    for f in iter_fields(form):
        if not f.answerable:
            continue
        col = position.get(f.id)
        values = "\n".join(f"{o.value} = {o.label}" for o in f.choices)
        if f.type == "yes_no":
            values = "Oui / Non"
        elif f.type == "scale":
            values = f"{f.min} ({f.min_label or ''}) … {f.max} ({f.max_label or ''})"
        if f.allow_other:
            values += "\n(autre réponse libre : « Autre : … »)"
        bounds = ""
        if f.type in ("integer", "decimal", "multiple_choice") and (f.min is not None or f.max is not None):
            bounds = f"{'' if f.min is None else f.min} – {'' if f.max is None else f.max}"
        condition = sheet.describe_condition(f.show_if, form, numbers) if f.show_if else ""
        note = "Non exportée : données personnelles" if (f.sensitive or f.personal) and not include_sensitive else ""
        values_row = [form.title, sheet_name if col else "", get_column_letter(col) if col else "", numbers.get(f.id, ""),
                      f.id, f.label, sheet.TYPE_LABELS.get(f.type, f.type), f.unit or "", values.strip(), bounds,
                      condition, "Oui" if f.required else "Non", note]
        for c, value in enumerate(values_row, start=1):
            cell = put(ws, row, c, value or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    return row


def _summary(ws: Worksheet, row: int, services, evaluation_id: str, info, include_drafts: bool) -> int:
    q = services.questionnaires
    results = q.results(evaluation_id, info.tool_id, include_drafts=include_drafts)
    rate = q.rate(evaluation_id, info.tool_id)
    put(ws, row, 1, info.display).font = TITLE_FONT
    row += 1
    kind = type_label(rate.respondent_type, plural=True).lower()
    put(ws, row, 1, f"{results.respondents} réponse(s), dont {results.complete} complète(s). Taux de réponse : "
        f"{rate.answered} sur {rate.invited} {kind} invitées ({format_percent(rate.rate)})."
        + (f" {rate.not_invited} réponse(s) hors liste des invités." if rate.not_invited else ""))
    row += 2
    for section in results.sections:
        put(ws, row, 1, f"{section.number}. {section.title}").font = Font(bold=True, size=12)
        row += 1
        for qres in section.questions:
            head = put(ws, row, 1, f"{qres.number} {qres.label} — {qres.answered_text}")
            head.font = Font(bold=True)
            head.alignment = Alignment(wrap_text=True)
            row += 1
            if qres.options:
                put(ws, row, 2, "Nombre").font = Font(italic=True)
                put(ws, row, 3, "%").font = Font(italic=True)
                row += 1
                for opt in qres.options:
                    put(ws, row, 1, opt.label).alignment = Alignment(indent=1, wrap_text=True)
                    put(ws, row, 2, opt.count)
                    pct = put(ws, row, 3, round(opt.percent / 100, 4))
                    pct.number_format = "0%"
                    row += 1
            if qres.stats is not None and qres.kind == "number":
                st = qres.stats
                for label, value in (("Minimum", st.minimum), ("Médiane", st.median), ("Maximum", st.maximum),
                                     ("Moyenne", st.mean), ("Total", st.total)):
                    put(ws, row, 1, label).alignment = Alignment(indent=1)
                    put(ws, row, 2, round(value, 2))
                    row += 1
            if qres.kind in ("text", "date") and qres.answered:
                note = "réponses non reproduites (données personnelles)" if qres.hidden_texts else "réponses libres : voir la feuille des réponses"
                put(ws, row, 1, f"{qres.answered} {note}").alignment = Alignment(indent=1)
                row += 1
            row += 1
    return row + 1
