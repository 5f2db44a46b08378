"""Every response to the questionnaires in one Excel workbook, for analysis and archives, in the
conventions survey users know from KoboToolbox and ODK.

* one sheet per questionnaire: one row per response, the respondent and the response's stable
  identifier (« ID de la réponse », its own id: the same in every export), then one column per question,
  answers as labels (`labels=True`, the default) or as codes (`labels=False`; headings are then
  the question identifiers, as in Kobo's "XML values and headers"); numbers as numbers, amounts in
  euros, dates as dates, codes (INSEE, SIRET) as text; answers to questions hidden by the skip
  logic are left empty;
* a multiple choice: the chosen options joined in one cell (labels separated by « ; », codes by a
  space, as ODK does), then one 0/1 column per option; a free « Autre » answer goes to its own
  column (« … › Autre (précisez) »), never into the joined cell, so the cell splits back exactly;
* « Synthèse »: the response rate and, per question, counts and percentages or min / median / max;
* « Dictionnaire (codebook) »: per question, its identifier, label, type, unit, columns, possible
  values (code = label), bounds, condition, and whether it is required;
* « Choix (codes) »: one row per option (question, code, label, its 0/1 column).

Every sheet is set up for printing: A4, headings repeated on each page, fit to the page width
(the response tables, often a hundred columns wide, over as few pages across as keep them
readable, the respondent's columns repeated on each), row heights fitted to wrapped text.

Answers to questions flagged as personal data (contact details, testimonies) are left out unless
asked for, as the RGPD defaults of the application want.

The exporter takes plain data (`ResponsesWorkbook`, built by `QuestionnaireService.responses_workbook`,
which also leaves drafts out when asked) and never reads the services.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.core import questionnaire_sheet as sheet
from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.core.questionnaire_results import QuestionnaireResults, ResponseRate, format_percent
from desktop_app.core.validation import format_number
from desktop_app.exports.xlsx_cells import put
from desktop_app.kit.forms import Form, FormField, iter_fields

HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13, color="1F5F8B")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
STATUS = {"draft": "Brouillon", "complete": "Complète"}
FIXED = ("Répondant", "ID de la réponse", "Type de répondant", "Code (INSEE / SIRET)", "Statut", "Source", "Modifiée le")
FIXED_WIDTHS = (28, 37, 14, 15, 11, 22, 17)
SEPARATOR = {True: " ; ", False: " "}  # labels / codes (ODK joins codes with a space)
OTHER_LABEL, OTHER_CODE = "Autre", "autre"
EUR = '#,##0.00\\ "€"'
DATE = "DD/MM/YYYY"
OPTION_WIDTH = 7  # a 0/1 column, its heading written upwards
PAGE_WIDTH = 240  # column-width units one landscape page shows at a readable scale (about 60 %)


@dataclass(frozen=True)
class QuestionnaireResponses:
    """One questionnaire's sheet: its responses (row, effective answers), results and rate."""

    display: str  # the questionnaire's title, atop its summary
    form: Form
    rows: list[tuple[Any, dict[str, Any]]]  # (a `ResponseRow`: id, respondent, status, source, updated_at; answers)
    results: QuestionnaireResults
    rate: ResponseRate


@dataclass(frozen=True)
class ResponsesWorkbook:
    territory: str
    questionnaires: list[QuestionnaireResponses]
    include_sensitive: bool = False  # answers flagged as personal data written too


@dataclass(frozen=True)
class Column:
    """One column of a response sheet: a question's answer (`option` None), one 0/1 option
    column (`option` its code, OTHER_CODE for the « Autre » box) or the « Autre » text (`other`)."""

    field: FormField
    header: str
    width: float
    option: str | None = None
    other: bool = False


def _question_header(f: FormField, number: str, labels: bool) -> str:
    if not labels:
        return f.id
    text = f"{number} {f.label}".strip()
    return f"{text} ({f.unit})" if f.unit and f.unit != "€" else (f"{text} (€)" if f.unit == "€" else text)


def _columns(form: Form, numbers: dict[str, str], include_sensitive: bool, labels: bool) -> list[Column]:
    out: list[Column] = []
    for f in iter_fields(form):
        if not f.answerable or (not include_sensitive and (f.sensitive or f.personal)):
            continue
        number = numbers.get(f.id, "")
        head = _question_header(f, number, labels)
        wide = f.type in ("long_text", "repeat_group") or (f.type == "text" and not f.unit)
        out.append(Column(f, head, 48 if f.type in ("long_text", "repeat_group") else (22 if wide or f.type == "multiple_choice" else 16)))
        prefix = f"{number} ›" if labels else f"{f.id}/"
        if f.type == "multiple_choice":
            for o in f.choices:
                out.append(Column(f, f"{prefix} {o.label}" if labels else f"{prefix}{o.value}", OPTION_WIDTH, option=str(o.value)))
            if f.allow_other:
                out.append(Column(f, f"{prefix} {OTHER_LABEL}" if labels else f"{prefix}{OTHER_CODE}", OPTION_WIDTH,
                                  option=OTHER_CODE))
        if f.allow_other and f.type in ("single_choice", "multiple_choice"):
            out.append(Column(f, f"{prefix} {OTHER_LABEL} (précisez)" if labels else f"{f.id}_{OTHER_CODE}", 24, other=True))
    return out


def _others(f: FormField, value: Any) -> list[str]:
    """The free « Autre » answers of a choice question (values that are none of its options)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if f.option(v) is None]


def column_value(column: Column, value: Any, labels: bool = True) -> Any:
    """What a column of a response shows for a stored answer."""
    f = column.field
    if value is None or (isinstance(value, list) and f.type == "multiple_choice" and value == [] and column.option is None):
        return None
    if column.other:
        return "\n".join(_others(f, value)) or None
    if column.option is not None:
        values = value if isinstance(value, list) else [value]
        if column.option == OTHER_CODE:
            return 1 if _others(f, values) else 0
        return 1 if any(str(v) == column.option for v in values) else 0
    return cell_value(f, value, labels)


def cell_value(f: FormField, value: Any, labels: bool = True) -> Any:
    """A stored answer as an Excel cell value: labels (or codes) for choices, « Autre » for a free
    answer (its text has its own column), numbers, dates."""
    if value is None:
        return None
    if f.type == "yes_no":
        return ("Oui" if value else "Non") if labels else (1 if value else 0)
    if f.type == "single_choice":
        opt = f.option(value)
        if opt is None:
            return OTHER_LABEL if labels else OTHER_CODE
        return opt.label if labels else str(opt.value)
    if f.type == "multiple_choice":
        parts = [(f.option(v).label if labels else str(f.option(v).value)) for v in value if f.option(v) is not None]
        if _others(f, value):
            parts.append(OTHER_LABEL if labels else OTHER_CODE)
        return SEPARATOR[labels].join(parts) or None
    if f.type == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if f.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
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
    if f.type in ("single_choice", "multiple_choice"):  # inside a repeated item: labels and free texts
        values = value if isinstance(value, list) else [value]
        return ", ".join(f.option(v).label if f.option(v) is not None else f"{OTHER_LABEL} : {v}" for v in values)
    shown = cell_value(f, value)
    if isinstance(shown, dt.date):
        return shown.strftime("%d/%m/%Y")
    if isinstance(shown, (int, float)):
        return format_number(shown)
    return str(shown)


# -- layout ----------------------------------------------------------------------------------------


def line_count(text: Any, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (words kept whole)."""
    if text is None or isinstance(text, (int, float, dt.date)):
        return 1
    per_line = max(4, int(width * 1.1) - 1)
    return sum(max(1, len(textwrap.wrap(part, per_line))) for part in str(text).split("\n"))


def _header(ws: Worksheet, row: int, titles: list[str], widths: list[float], upright: set[int] = frozenset()) -> None:
    """The heading row; the columns in `upright` (0/1 option columns) have their heading written
    upwards, on as many lines as the column is wide."""
    height = 15
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        c = put(ws, row, col, title)
        c.fill = HEADER_FILL
        c.font = HEADER_FONT
        ws.column_dimensions[get_column_letter(col)].width = width
        if col in upright:
            c.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="center", text_rotation=90)
            per_column = max(1, int(width / 3.2))  # lines of upward text a column this wide holds
            height = max(height, 6.2 * len(title) / per_column + 12)
        else:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            height = max(height, 15 * line_count(title, width) + 4)
    ws.row_dimensions[row].height = min(409, height)


def _fit_row(ws: Worksheet, row: int, widths: list[float], minimum: float = 15) -> None:
    """A row tall enough for its wrapped text (spreadsheet programs do not all fit it on opening)."""
    lines = 1
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=row, column=col)
        if isinstance(cell.value, str) and cell.alignment is not None and cell.alignment.wrap_text:
            lines = max(lines, line_count(cell.value, width))
    ws.row_dimensions[row].height = min(409, max(minimum, 15 * lines + 2))


def print_setup(ws: Worksheet, title_rows: str | None, landscape: bool, pages_wide: int = 1,
                title_cols: str | None = None, footer: str = "") -> None:
    """A4, fit to `pages_wide` page(s) across and as many down as needed, headings repeated."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    if pages_wide > 1:
        ws.page_setup.pageOrder = "overThenDown"  # the rest of the same rows on the next page
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddHeader.left.text = footer[:80]
    ws.oddHeader.left.size = 8
    ws.oddHeader.right.text = "&A"
    ws.oddHeader.right.size = 8
    ws.oddFooter.center.text = "Page &P / &N"
    ws.oddFooter.center.size = 8


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


CODEBOOK_COLUMNS = ["Questionnaire", "Feuille", "Colonne(s)", "N°", "Identifiant", "Question", "Type", "Unité",
                    "Valeurs possibles (code = libellé)", "Bornes", "Condition", "Obligatoire", "Remarque"]
CODEBOOK_WIDTHS = [20, 18, 9, 6, 20, 44, 13, 7, 40, 11, 28, 12, 18]
CHOICES_COLUMNS = ["Questionnaire", "Identifiant de la question", "Code", "Libellé", "Colonne 0/1"]
CHOICES_WIDTHS = [24, 24, 22, 56, 12]


def write_responses(data: ResponsesWorkbook, path: str | Path, labels: bool = True) -> Path:
    """Write the workbook; `labels=False` writes codes (and question identifiers as headings)."""
    territory = data.territory
    include_sensitive = data.include_sensitive
    wb = Workbook()
    summary = wb.active
    summary.title = "Synthèse"
    codebook = wb.create_sheet("Dictionnaire (codebook)")
    choices = wb.create_sheet("Choix (codes)")
    used = {"Synthèse", "Dictionnaire (codebook)", "Choix (codes)"}
    _header(codebook, 1, CODEBOOK_COLUMNS, CODEBOOK_WIDTHS)
    _header(choices, 1, CHOICES_COLUMNS, CHOICES_WIDTHS)
    summary_widths = [66, 18, 10]
    _header(summary, 1, ["Question et réponses", "Nombre", "%"], summary_widths)
    code_row = choice_row = summary_row = 2
    for q in data.questionnaires:
        form = q.form
        numbers = sheet.question_numbers(form)
        columns = _columns(form, numbers, include_sensitive, labels)
        rows = q.rows
        ws = wb.create_sheet(_sheet_name(form, used))
        titles = list(FIXED) + [c.header for c in columns]
        # an identifier heading (--codes) is one word: its column is wide enough not to cut it
        widths = list(FIXED_WIDTHS) + [c.width if labels or c.option is not None else max(c.width, len(c.header) + 3)
                                       for c in columns]
        _header(ws, 1, titles, widths, upright={i for i, c in enumerate(columns, start=len(FIXED) + 1) if c.option is not None})
        id_font = Font(size=9, color="5F6B76")
        for r, (row, answers) in enumerate(rows, start=2):
            put(ws, r, 1, row.respondent.name or row.label)
            put(ws, r, 2, row.id).font = id_font
            put(ws, r, 3, type_label(row.respondent.respondent_type))
            put(ws, r, 4, str(row.respondent.code) if row.respondent.code else None)  # a code is text
            put(ws, r, 5, STATUS.get(row.status, row.status))
            put(ws, r, 6, row.source)
            put(ws, r, 7, row.updated_at.astimezone().replace(tzinfo=None)).number_format = "DD/MM/YYYY HH:MM"
            for c, column in enumerate(columns, start=len(FIXED) + 1):
                f = column.field
                cell = put(ws, r, c, column_value(column, answers.get(f.id), labels))
                if column.option is not None:
                    cell.alignment = Alignment(horizontal="center", vertical="top")
                    continue
                cell.alignment = WRAP if isinstance(cell.value, str) else TOP
                if f.type == "date":
                    cell.number_format = DATE
                elif f.type in ("integer", "decimal") and f.unit == "€":
                    cell.number_format = EUR
                elif f.type == "integer":
                    cell.number_format = "0"  # a year stays 2024, never 2 024
            for c in range(1, len(FIXED) + 1):
                ws.cell(row=r, column=c).alignment = WRAP if c != 7 else TOP
            _fit_row(ws, r, widths)
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(1, len(rows) + 1)}"
        print_setup(ws, "1:1", True, pages_wide=max(1, math.ceil((sum(widths) - widths[0]) / (PAGE_WIDTH - widths[0]))),
                    title_cols="A:A",
                    footer=territory)
        code_row = _codebook(codebook, code_row, form, ws.title, columns, numbers, include_sensitive, labels)
        choice_row = _choices(choices, choice_row, form, columns)
        summary_row = _summary(summary, summary_row, q, summary_widths)
    for ws, landscape in ((codebook, True), (choices, False)):
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
        print_setup(ws, "1:1", landscape, footer=territory)
    summary.freeze_panes = "A2"
    print_setup(summary, "1:1", False, footer=territory)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _bound(value: Any) -> str:
    """A bound as typed in the kit: a whole number plainly (a year is 2015, never 2015.0 or 2 015)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else format_number(value)


def _codebook(ws: Worksheet, row: int, form: Form, sheet_name: str, columns: list[Column],
              numbers: dict[str, str], include_sensitive: bool, labels: bool) -> int:
    position: dict[str, list[int]] = {}
    for i, column in enumerate(columns, start=len(FIXED) + 1):
        position.setdefault(column.field.id, []).append(i)
    for f in iter_fields(form):
        if not f.answerable:
            continue
        cols = position.get(f.id, [])
        values = "\n".join(f"{o.value} = {o.label}" for o in f.choices)
        if f.type == "yes_no":
            values = "Oui / Non" if labels else "1 = Oui\n0 = Non"
        elif f.type == "scale":
            values = f"{f.min} ({f.min_label or ''}) … {f.max} ({f.max_label or ''})"
        if f.allow_other:
            values += f"\n{OTHER_CODE} = {OTHER_LABEL} (texte libre dans la colonne « {OTHER_LABEL} (précisez) »)"
        if f.type == "multiple_choice":
            sep = "« ; »" if labels else "une espace"
            values += f"\n(réponses jointes, séparées par {sep} ; puis une colonne 0/1 par option)"
        bounds = ""
        if f.type in ("integer", "decimal", "multiple_choice") and (f.min is not None or f.max is not None):
            bounds = f"{_bound(f.min)} – {_bound(f.max)}"
        condition = sheet.describe_condition(f.show_if, form, numbers) if f.show_if else ""
        note = "Non exportée : données personnelles" if (f.sensitive or f.personal) and not include_sensitive else ""
        letters = get_column_letter(cols[0]) + (f"–{get_column_letter(cols[-1])}" if len(cols) > 1 else "") if cols else ""
        values_row = [form.title, sheet_name if cols else "", letters, numbers.get(f.id, ""),
                      f.id, f.label, sheet.TYPE_LABELS.get(f.type, f.type), f.unit or "", values.strip(), bounds,
                      condition, "Oui" if f.required else "Non", note]
        for c, value in enumerate(values_row, start=1):
            put(ws, row, c, value or None).alignment = WRAP
        _fit_row(ws, row, CODEBOOK_WIDTHS)
        row += 1
    return row


def _choices(ws: Worksheet, row: int, form: Form, columns: list[Column]) -> int:
    option_column = {(c.field.id, c.option): i for i, c in enumerate(columns, start=len(FIXED) + 1) if c.option is not None}
    for f in iter_fields(form):
        if not f.answerable or f.type not in ("single_choice", "multiple_choice"):
            continue
        options = [(str(o.value), o.label) for o in f.choices] + ([(OTHER_CODE, OTHER_LABEL)] if f.allow_other else [])
        for code, label in options:
            col = option_column.get((f.id, code))
            for c, value in enumerate([form.title, f.id, code, label, get_column_letter(col) if col else None], start=1):
                put(ws, row, c, value).alignment = WRAP
            _fit_row(ws, row, CHOICES_WIDTHS)
            row += 1
    return row


def _summary(ws: Worksheet, row: int, q: QuestionnaireResponses, widths: list[float]) -> int:
    results, rate = q.results, q.rate
    full = sum(widths)

    def line(text: str, text_font: Font | None = None, indent: int = 0) -> None:
        nonlocal row
        cell = put(ws, row, 1, text)
        if text_font is not None:
            cell.font = text_font
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        size = text_font.sz if text_font is not None and text_font.sz else 11
        ws.row_dimensions[row].height = max(15, (size + 4) * line_count(text, full * 11 / size))
        row += 1

    line(q.display, TITLE_FONT)
    kind = type_label(rate.respondent_type, plural=True).lower()
    line(f"{results.respondents} réponse(s), dont {results.complete} complète(s). Taux de réponse : "
         f"{rate.answered} sur {rate.invited} {kind} invitées ({format_percent(rate.rate)})."
         + (f" {rate.not_invited} réponse(s) hors liste des invités." if rate.not_invited else ""))
    row += 1
    for section in results.sections:
        line(f"{section.number}. {section.title}", Font(bold=True, size=12))
        for qres in section.questions:
            line(f"{qres.number} {qres.label} — {qres.answered_text}", Font(bold=True))
            if qres.options:
                put(ws, row, 2, "Nombre").font = Font(italic=True)
                put(ws, row, 3, "%").font = Font(italic=True)
                row += 1
                for opt in qres.options:
                    put(ws, row, 1, opt.label).alignment = Alignment(indent=1, wrap_text=True, vertical="top")
                    put(ws, row, 2, opt.count)
                    put(ws, row, 3, round(opt.percent / 100, 4)).number_format = "0%"
                    ws.row_dimensions[row].height = max(15, 15 * line_count(opt.label, widths[0] - 2))
                    row += 1
            if qres.stats is not None and qres.kind == "number":
                st = qres.stats
                number_format = EUR if qres.unit == "€" else "General"
                for label, value in (("Minimum", st.minimum), ("Médiane", st.median), ("Maximum", st.maximum),
                                     ("Moyenne", st.mean), ("Total", st.total)):
                    put(ws, row, 1, label).alignment = Alignment(indent=1)
                    put(ws, row, 2, round(value, 2)).number_format = number_format
                    row += 1
            if qres.kind in ("text", "date") and qres.answered:
                note = "réponses non reproduites (données personnelles)" if qres.hidden_texts else "réponses libres : voir la feuille des réponses"
                line(f"{qres.answered} {note}", indent=1)
            row += 1
    return row + 1
