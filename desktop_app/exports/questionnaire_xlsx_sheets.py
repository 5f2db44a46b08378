"""The sheets of a questionnaire template: instructions, questions with validation, hidden meta.

Used by `desktop_app.exports.questionnaire_xlsx.write_template`; see that module for the shape of
the workbook and `desktop_app.core.questionnaire_sheet` for the row layout.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app import __version__
from desktop_app.core import questionnaire_sheet as sheet
from desktop_app.core.questionnaire_respondents import Respondent, identity_fields
from desktop_app.exports.xlsx_cells import put, set_value
from desktop_app.kit.forms import Form, FormField

ACCENT = "1F5F8B"
ACCENT_LIGHT = "E6F0F7"
ANSWER_FILL = PatternFill("solid", fgColor="FFF4C2")
LOCKED_FILL = PatternFill("solid", fgColor="F1F3F5")
SECTION_FILL = PatternFill("solid", fgColor=ACCENT)
TITLE_FILL = PatternFill("solid", fgColor=ACCENT_LIGHT)
THIN = Side(style="thin", color="B9C2CA")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
FONT = "Calibri"
HEADER_ROW = 6
WIDTHS = {sheet.KEY_COL: 3, sheet.NUM_COL: 7, sheet.LABEL_COL: 62, sheet.ANSWER_COL: 42, sheet.HELP_COL: 52}


@dataclass
class TemplateInfo:
    form: Form
    kit_id: str
    kit_version: str
    evaluation_id: str
    evaluation_title: str = ""
    territory: str = ""
    audience: str = ""
    respondent: Respondent | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # pre-filled answers (stored values)
    deadline: str = ""  # "JJ/MM/AAAA"
    return_to: str = ""  # e-mail or postal address
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    short_title: str = ""  # for file names ("Questionnaire communes")

    def __post_init__(self) -> None:
        self.short_title = self.short_title or self.form.title


# --------------------------------------------------------------------------- instructions


def instructions_sheet(ws: Worksheet, info: TemplateInfo) -> None:
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 3
    ws.column_dimensions["B"].width = 100
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    row = 1

    def say(text: str, font: Font | None = None, fill: PatternFill | None = None, height: float | None = None) -> None:
        nonlocal row
        cell = put(ws, row, 2, text)
        cell.font = font or Font(name=FONT, size=11)
        cell.alignment = WRAP
        if fill:
            cell.fill = fill
        ws.row_dimensions[row].height = height or _height([(text, 100)])
        row += 1

    say(info.form.title, Font(name=FONT, size=16, bold=True, color=ACCENT), height=28)
    where = info.territory or info.evaluation_title
    if where:
        say(f"Évaluation du contrat de ville — {where}", Font(name=FONT, size=11, italic=True))
    if info.respondent is not None:
        say(f"Questionnaire préparé pour : {info.respondent.label}", Font(name=FONT, size=11, bold=True))
    row += 1
    heading = Font(name=FONT, size=12, bold=True, color=ACCENT)
    if info.audience:
        say("À qui s'adresse ce questionnaire", heading)
        say(info.audience)
        row += 1
    say("Pourquoi nous vous le demandons", heading)
    say(info.form.purpose)
    row += 1
    say("Comment le remplir", heading)
    for line in (
        f"• Répondez dans l'onglet « {sheet.SHEET_QUESTIONS} », dans la colonne « {sheet.ANSWER_HEADER} » : "
        "ce sont les cellules jaunes. Les autres cellules sont protégées pour éviter les modifications accidentelles.",
        "• Questions à choix unique, Oui / Non et notes : cliquez sur la cellule jaune, puis sur la flèche qui "
        "apparaît à sa droite, et choisissez dans la liste.",
        f"• Questions à choix multiples : mettez une croix ({sheet.MARK}) dans la cellule jaune en face de "
        "chaque réponse choisie et laissez les autres vides. S'il y a une ligne « Autre réponse (précisez) », "
        "écrivez-y votre réponse.",
        "• Nombres : chiffres seulement (12500 ou 12 500), sans texte ; une virgule pour les décimales. "
        "Un ordre de grandeur vaut mieux qu'une cellule vide.",
        "• Dates : JJ/MM/AAAA, par exemple 15/03/2026.",
        "• Textes : écrivez librement. Pour aller à la ligne dans une cellule : Alt+Entrée (Excel) ou "
        "Ctrl+Entrée (LibreOffice).",
        "• Les questions marquées d'un astérisque (*) sont obligatoires.",
        "• Certaines questions ne vous concernent que selon vos réponses précédentes : la colonne « Aide » "
        "l'indique (« À remplir seulement si… »). Si elles ne vous concernent pas, laissez-les vides.",
        "• Ne supprimez, n'ajoutez et ne déplacez ni lignes ni onglets : le fichier contient des repères "
        "cachés qui permettent de rattacher automatiquement vos réponses.",
        "• Enregistrez au format Excel (.xlsx). Dans LibreOffice, choisissez « Utiliser le format Excel 2007-365 ».",
    ):
        say(line)
    row += 1
    say("Le renvoyer", heading)
    back = "Renvoyez le fichier rempli"
    if info.return_to:
        back += f" à {info.return_to}"
    if info.deadline:
        back += f" avant le {info.deadline}"
    say(back + ". Vous pouvez le renvoyer plusieurs fois : la dernière version remplace la précédente.")
    row += 1
    say("Vos données", heading)
    say(
        "Les réponses servent uniquement à l'évaluation du contrat de ville et sont présentées de façon globale. "
        "N'écrivez dans les textes libres aucun nom ni détail permettant de reconnaître une personne."
    )
    row += 1
    example = put(ws, row, 2, "Cellule jaune : votre réponse")
    example.fill = ANSWER_FILL
    example.border = BOX
    ws.protection.sheet = True


# --------------------------------------------------------------------------- questions


class _Validations:
    """One DataValidation per distinct rule, cells added as rows are written."""

    def __init__(self, ws: Worksheet, lists: Worksheet):
        self.ws = ws
        self.lists = lists
        self.rules: dict[tuple, DataValidation] = {}
        self.list_columns: dict[tuple[str, ...], str] = {}

    def _rule(self, key: tuple, **kwargs) -> DataValidation:
        dv = self.rules.get(key)
        if dv is None:
            dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, **kwargs)
            self.ws.add_data_validation(dv)
            self.rules[key] = dv
        return dv

    def list_range(self, labels: tuple[str, ...]) -> str:
        if labels not in self.list_columns:
            col = get_column_letter(len(self.list_columns) + 1)
            for i, label in enumerate(labels, start=1):
                self.lists[f"{col}{i}"] = label
            self.list_columns[labels] = f"{sheet.SHEET_LISTS}!${col}$1:${col}${len(labels)}"
        return self.list_columns[labels]

    def add(self, cell, f: FormField, mark: bool = False) -> None:
        prompt = sheet.format_hint(f)[:250]
        if mark:
            dv = self._rule(
                ("mark",), type="list", formula1=f'"{sheet.MARK}"', errorTitle="Réponse non valide",
                error=f"Mettez une croix ({sheet.MARK}) ou laissez la cellule vide.",
                promptTitle="Choix multiple", prompt=f"Mettez une croix ({sheet.MARK}) si vous choisissez cette réponse.",
            )
        elif f.type == "single_choice":
            labels = tuple(sheet.short_label(o) for o in f.choices)
            dv = self._rule(
                ("list", labels, f.allow_other), type="list", formula1=self.list_range(labels),
                errorStyle="information" if f.allow_other else "stop", errorTitle="Réponse hors liste",
                error="Choisissez une réponse dans la liste." if not f.allow_other
                else "Cette réponse n'est pas dans la liste : elle sera conservée telle quelle.",
                promptTitle="Choix unique", prompt=prompt,
            )
        elif f.type == "yes_no":
            dv = self._rule(("yesno",), type="list", formula1='"Oui,Non"', errorTitle="Réponse non valide",
                            error="Répondez « Oui » ou « Non ».", promptTitle="Oui / Non", prompt=prompt)
        elif f.type == "scale":
            low, high = int(f.min), int(f.max)  # type: ignore[arg-type]
            values = ",".join(str(v) for v in range(low, high + 1))
            dv = self._rule(("scale", low, high), type="list", formula1=f'"{values}"', errorTitle="Note non valide",
                            error=f"Choisissez une note de {low} à {high}.", promptTitle="Note", prompt=prompt)
        elif f.type in ("integer", "decimal"):
            dv = self._number_rule(f, prompt)
        elif f.type == "date":
            low = _date_bound(f.min) or dt.date(1900, 1, 1)
            high = _date_bound(f.max) or dt.date(2100, 12, 31)
            dv = self._rule(
                ("date", low, high), type="date", operator="between", formula1=str(_serial(low)),
                formula2=str(_serial(high)), errorTitle="Date non valide",
                error=f"Saisissez une date au format JJ/MM/AAAA, entre le {low:%d/%m/%Y} et le {high:%d/%m/%Y}.",
                promptTitle="Date", prompt=prompt,
            )
        elif f.type in ("text", "long_text") and isinstance(f.max, (int, float)):
            dv = self._rule(("len", int(f.max)), type="textLength", operator="lessThanOrEqual", formula1=str(int(f.max)),
                            errorTitle="Texte trop long", error=f"{int(f.max)} caractères au plus.")
        else:
            return
        dv.add(cell)

    def _number_rule(self, f: FormField, prompt: str) -> DataValidation:
        kind = "whole" if f.type == "integer" else "decimal"
        low = f.min if isinstance(f.min, (int, float)) else None
        high = f.max if isinstance(f.max, (int, float)) else None
        hint = sheet.format_hint(f)
        common = dict(type=kind, errorTitle="Nombre non valide", error=hint, promptTitle="Nombre", prompt=prompt)
        if low is not None and high is not None:
            return self._rule((kind, low, high), operator="between", formula1=_num(low), formula2=_num(high), **common)
        if low is not None:
            return self._rule((kind, low, None), operator="greaterThanOrEqual", formula1=_num(low), **common)
        if high is not None:
            return self._rule((kind, None, high), operator="lessThanOrEqual", formula1=_num(high), **common)
        big = 1e15
        return self._rule((kind, None, None), operator="between", formula1=_num(-big), formula2=_num(big), **common)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _date_bound(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _number_format(f: FormField) -> str | None:
    if f.type == "date":
        return "DD/MM/YYYY"
    if f.type == "integer":
        return "0" if isinstance(f.max, (int, float)) and f.max <= 2100 else "#,##0"
    if f.type == "decimal":
        if f.unit == "€":
            return '#,##0 "€"'
        if f.unit == "%":
            return '0.## "%"'
        if f.unit:
            return f'0.0# "{f.unit}"'
        return "General"
    if f.type in ("text", "long_text"):
        return "@"
    return None


def _height(texts: list[tuple[str, float] | tuple[str, float, float]], font_size: float = 11) -> float:
    """Row height fitting wrapped texts: [(text, column width in characters[, font size])]."""
    points = font_size * 1.32
    for item in texts:
        text, width = item[0], item[1]
        size = item[2] if len(item) > 2 else font_size
        if not text:
            continue
        per_line = max(8, int(width * 1.18 * (11 / size) ** 1.6))
        count = sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))
        points = max(points, count * size * 1.3)
    return round(points + 6, 1)


def _cell_value(f: FormField, value: Any) -> Any:
    """A stored answer as it is written in the answer cell."""
    if value is None:
        return None
    if f.type == "yes_no":
        return "Oui" if value else "Non"
    if f.type == "single_choice":
        opt = f.option(value)
        return sheet.short_label(opt) if opt else str(value)
    if f.type == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if f.type == "multiple_choice":  # inside a repeat group
        return " ; ".join(sheet.short_label(f.option(v)) if f.option(v) else str(v) for v in value)
    return value


def questions_sheet(ws: Worksheet, lists: Worksheet, info: TemplateInfo, answers: dict[str, Any]) -> None:
    form = info.form
    ws.sheet_view.showGridLines = False
    for col, width in WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(sheet.KEY_COL)].hidden = True
    end = get_column_letter(sheet.HELP_COL)
    start = get_column_letter(sheet.NUM_COL)

    ws.merge_cells(f"{start}1:{end}1")
    title = put(ws, 1, sheet.NUM_COL, form.title)
    title.font = Font(name=FONT, size=16, bold=True, color=ACCENT)
    title.fill = TITLE_FILL
    title.alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 30
    subtitle = f"Évaluation du contrat de ville — {info.territory or info.evaluation_title}".rstrip(" —")
    if info.respondent is not None:
        subtitle += f"   ·   Répondant : {info.respondent.label}"
    put(ws, 2, sheet.NUM_COL, subtitle).font = Font(name=FONT, size=11, italic=True)
    back = []
    if info.deadline:
        back.append(f"À renvoyer avant le {info.deadline}")
    if info.return_to:
        back.append(f"à {info.return_to}")
    if back:
        put(ws, 3, sheet.NUM_COL, " ".join(back) + ".").font = Font(name=FONT, size=11, bold=True)
    ws.merge_cells(f"{start}4:{end}4")
    hint = put(ws, 4, sheet.NUM_COL, f"Répondez dans les cellules jaunes de la colonne « {sheet.ANSWER_HEADER} ». Les listes déroulantes "
        f"s'ouvrent avec la flèche à droite de la cellule ; pour les choix multiples, mettez une croix ({sheet.MARK}). "
        f"(*) = réponse obligatoire. Mode d'emploi détaillé : onglet « {sheet.SHEET_INSTRUCTIONS} ».")
    hint.alignment = WRAP
    hint.font = Font(name=FONT, size=10, color="444444")
    ws.row_dimensions[4].height = 30

    headers = {sheet.KEY_COL: "clé", sheet.NUM_COL: "N°", sheet.LABEL_COL: "Question",
               sheet.ANSWER_COL: sheet.ANSWER_HEADER, sheet.HELP_COL: "Aide et format attendu"}
    for col, text in headers.items():
        c = put(ws, HEADER_ROW, col, text)
        c.font = Font(name=FONT, size=11, bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="2F4354")
        c.alignment = Alignment(vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 22

    _register_styles(ws.parent)
    validations = _Validations(ws, lists)
    identity = set(identity_fields(form).ids)
    row = HEADER_ROW + 1
    for spec in sheet.plan_rows(form):
        _write_row(ws, row, spec, answers, validations, identity)
        row += 1

    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=sheet.NUM_COL)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"{start}1:{end}{row - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Page &P / &N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # resizing is allowed
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def _register_styles(wb) -> None:
    """Named styles: one assignment per cell instead of font, fill, border… one by one (fast)."""
    if "ek_answer" in wb.named_styles:
        return

    def add(name: str, font: Font, alignment: Alignment = WRAP, fill: PatternFill | None = None,
            border: Border | None = None, locked: bool = True) -> None:
        style = NamedStyle(name=name, font=font, alignment=alignment, protection=Protection(locked=locked))
        if fill is not None:
            style.fill = fill
        if border is not None:
            style.border = border
        wb.add_named_style(style)

    add("ek_num", Font(name=FONT, size=11, bold=True))
    add("ek_label", Font(name=FONT, size=11))
    add("ek_label_bold", Font(name=FONT, size=11, bold=True))
    add("ek_label_option", Font(name=FONT, size=11), Alignment(wrap_text=True, vertical="top", indent=2))
    add("ek_label_other", Font(name=FONT, size=11, italic=True), Alignment(wrap_text=True, vertical="top", indent=2))
    add("ek_label_item", Font(name=FONT, size=11), Alignment(wrap_text=True, vertical="top", indent=1))
    add("ek_help", Font(name=FONT, size=9, color="555555"))
    add("ek_answer", Font(name=FONT, size=11), fill=ANSWER_FILL, border=BOX, locked=False)
    add("ek_answer_mark", Font(name=FONT, size=11, bold=True), Alignment(horizontal="center", vertical="top"),
        fill=ANSWER_FILL, border=BOX, locked=False)
    add("ek_locked", Font(name=FONT, size=11), fill=LOCKED_FILL, border=BOX)
    add("ek_section", Font(name=FONT, size=12, bold=True, color="FFFFFF"), fill=SECTION_FILL)
    add("ek_section_help", Font(name=FONT, size=9, italic=True, color="FFFFFF"), fill=SECTION_FILL)
    add("ek_note", Font(name=FONT, size=10, italic=True, color="333333"))


def _write_row(ws: Worksheet, row: int, spec: sheet.RowSpec, answers: dict[str, Any], validations: _Validations, identity: set[str]) -> None:
    put(ws, row, sheet.KEY_COL, spec.key)
    num = ws.cell(row=row, column=sheet.NUM_COL)
    label = put(ws, row, sheet.LABEL_COL, spec.label)
    answer = ws.cell(row=row, column=sheet.ANSWER_COL)
    help_cell = put(ws, row, sheet.HELP_COL, spec.help or None)
    widths: list = [(spec.label, WIDTHS[sheet.LABEL_COL]), (spec.help, WIDTHS[sheet.HELP_COL] * 0.9, 9)]

    if spec.kind == "section":
        set_value(num, spec.number)
        for c in (num, label, answer):
            c.style = "ek_section"
        help_cell.style = "ek_section_help"
        ws.row_dimensions[row].height = max(24, _height(widths))
        return
    if spec.kind == "note":
        label.style = "ek_note"
        ws.merge_cells(start_row=row, start_column=sheet.LABEL_COL, end_row=row, end_column=sheet.HELP_COL)
        ws.row_dimensions[row].height = _height([(spec.label, sum(WIDTHS[c] for c in (3, 4, 5)))], 10)
        return

    f = spec.field
    assert f is not None
    help_cell.style = "ek_help"
    num.style = "ek_num"
    label.style = "ek_label"
    value: Any = None
    if spec.kind == "question":
        set_value(num, spec.number + (" *" if f.required else ""))
        if spec.answerable:
            value = _cell_value(f, answers.get(f.id))
        if f.id in identity:
            label.style = "ek_label_bold"
    elif spec.kind == "group":
        set_value(num, spec.number + (" *" if f.required else ""))
    elif spec.kind == "option":
        label.style = "ek_label_option"
        chosen = answers.get(f.id) or []
        value = sheet.MARK if spec.option and spec.option.value in chosen else None
    elif spec.kind == "other":
        label.style = "ek_label_other"
        known = {o.value for o in f.choices}
        extra = [v for v in answers.get(f.id) or [] if v not in known]
        value = " ; ".join(extra) or None
    elif spec.kind == "item":
        label.style = "ek_label_item"
        gid, _, rest = spec.key.partition("[")
        n = int(rest.split("]")[0])
        items = answers.get(gid) or []
        if n <= len(items) and isinstance(items[n - 1], dict):
            value = _cell_value(f, items[n - 1].get(f.id))

    if spec.answerable:
        answer.style = "ek_answer_mark" if spec.kind == "option" else "ek_answer"
        set_value(answer, value)
        fmt = _number_format(f) if spec.kind in ("question", "item") else None
        if fmt:
            answer.number_format = fmt
        if spec.kind == "option":
            validations.add(answer, f, mark=True)
        elif spec.kind in ("question", "item"):
            validations.add(answer, f)
        if f.type == "long_text" and spec.kind != "option":
            widths.append(("x" * 150, WIDTHS[sheet.ANSWER_COL]))
        elif value is not None:
            widths.append((str(value), WIDTHS[sheet.ANSWER_COL]))
    else:
        answer.style = "ek_locked"
    ws.row_dimensions[row].height = _height(widths)


# --------------------------------------------------------------------------- meta


def meta_sheet(ws: Worksheet, info: TemplateInfo) -> None:
    respondent = info.respondent
    pairs = [
        ("format", sheet.FORMAT),
        ("format_version", sheet.FORMAT_VERSION),
        ("application", f"EvalKit Quartiers {__version__}"),
        ("tool_id", info.form.tool_id),
        ("tool_title", info.form.title),
        ("kit_id", info.kit_id),
        ("kit_version", info.kit_version),
        ("evaluation_id", info.evaluation_id),
        ("evaluation_title", info.evaluation_title),
        ("territory", info.territory),
        ("token", info.token),
        ("generated_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("respondent_type", respondent.respondent_type if respondent else identity_fields(info.form).respondent_type),
        ("respondent_name", respondent.name if respondent else ""),
        ("respondent_code", respondent.code if respondent else ""),
    ]
    questions = sheet.question_signature(info.form)
    pairs.append((sheet.SEAL_KEY, sheet.seal(dict(pairs), questions)))
    for r, (key, value) in enumerate(pairs, start=1):
        put(ws, r, 1, key)
        put(ws, r, 2, value)
    r = len(pairs) + 2
    for q in questions:
        put(ws, r, 1, "question")
        put(ws, r, 2, q["key"])
        put(ws, r, 3, q["type"])
        put(ws, r, 4, "|".join(q["choices"]))
        put(ws, r, 5, q["label"])
        put(ws, r, 6, "|".join(q["children"]))
        r += 1
