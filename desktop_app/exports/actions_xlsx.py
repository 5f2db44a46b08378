"""Excel workbook of the actions structurantes step: the programmation with its scores, the
weighted grid, the ranking (with its chart), the short list, the questions and method of each
chosen action, the calendar, and the criteria with their weights.

Formatted for printing (landscape, fit to width, repeated header rows, page numbers; the page
header names the territory), headers frozen, filters on every table. Scores and ranks are numbers,
so the filters sort them as numbers; a shared rank shows « ex æquo » through its number format.

The exporter takes plain data (`ActionsWorkbook`, built by `ActionService.workbook`) and writes
the file; it never reads the database.
"""

from __future__ import annotations

import io
import os
import textwrap
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.core.action_plan import criterion_of
from desktop_app.core.errors import ServiceError
from desktop_app.core.scoring import qpv_label
from desktop_app.exports.actions_charts import ranking_chart, timeline_chart
from desktop_app.exports.xlsx_cells import put, put_formula

ACCENT = "1F5F8B"
HEADER_FILL = PatternFill("solid", fgColor=ACCENT)
SUB_FILL = PatternFill("solid", fgColor="E6F0F7")
CHOSEN_FILL = PatternFill("solid", fgColor="EAF5EA")
LEVEL_FILLS = {1: PatternFill("solid", fgColor="FBE9E7"), 2: PatternFill("solid", fgColor="FFF6D5"), 3: PatternFill("solid", fgColor="E3F2E1")}
THIN = Side(style="thin", color="C5CCD3")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
EUR = '#,##0\\ "€"'
RANK_FORMAT = "0"
TIED_FORMAT = '0" ex æquo"'  # a shared rank: still a number, sorted as one
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ActionsWorkbook:
    """Everything the workbook shows, read by the actions service (its own frozen dataclasses:
    `ActionData`, `GridData`, `PlanData`, `TimelineData`)."""

    territory: str  # named in the page header
    actions: list = field(default_factory=list)  # ActionData, in the programmation's order
    grid: object = None  # GridData of these actions
    labels: dict[str, str] = field(default_factory=dict)  # criterion id -> label (plan questions)
    methods: dict[str, str] = field(default_factory=dict)  # method id -> label
    names: dict[str, str] = field(default_factory=dict)  # QPV code -> name
    plans: dict = field(default_factory=dict)  # action id -> PlanData, for each chosen action
    timeline: object = None  # TimelineData of the chosen actions' plans


def _header(ws: Worksheet, row: int, labels: list[str], widths: list[float]) -> None:
    for i, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = put(ws, row, i, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(i)].width = width
    lines = max(_line_count(label, width) for label, width in zip(labels, widths, strict=True))
    ws.row_dimensions[row].height = max(32, 15 * lines + 4)  # never a clipped heading


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (words kept whole; bold
    headings are a little wider than plain text)."""
    per_line = max(4, int(width * 1.05) - 1)
    return sum(max(1, len(textwrap.wrap(part, per_line))) for part in str(text).split("\n"))


def _rank(cell, rank) -> None:
    """A rank as a number (sorted as one), « ex æquo » shown by the number format when shared."""
    put(cell.parent, cell.row, cell.column, rank.rank)
    cell.number_format = TIED_FORMAT if rank.tied else RANK_FORMAT
    cell.alignment = CENTER


def _title(ws: Worksheet, title: str, subtitle: str, width: int) -> None:
    put(ws, 1, 1, title).font = Font(bold=True, size=14, color="1D2A35")
    put(ws, 2, 1, subtitle).font = Font(italic=True, color="5F6B76")
    ws.row_dimensions[1].height = 22


def _print_setup(ws: Worksheet, header_row: int, territory: str, last_col: int, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddHeader.left.text = territory[:80]
    ws.oddHeader.right.text = ws.title
    ws.oddFooter.left.text = f"EvalKit Quartiers — export du {date.today():%d/%m/%Y}"
    ws.oddFooter.right.text = "Page &P / &N"


def _image_page(ws: Worksheet, territory: str) -> None:
    """A sheet holding one chart: printed alone, scaled to one landscape page."""
    _print_setup(ws, 4, territory, 1)
    ws.print_title_rows = None
    ws.page_setup.fitToHeight = 1


def _table(ws: Worksheet, header_row: int, last_row: int, last_col: int, freeze_col: int = 1) -> None:
    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_col)
    if last_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{last_row}"
    for row in ws.iter_rows(min_row=header_row + 1, max_row=last_row, max_col=last_col):
        for cell in row:
            cell.border = BORDER
            if cell.alignment is None or not cell.alignment.wrap_text:
                cell.alignment = WRAP
    _fit_rows(ws, header_row + 1, last_row, last_col)


def _fit_rows(ws: Worksheet, first: int, last: int, last_col: int, minimum: float = 15) -> None:
    """Row heights from the wrapped text (spreadsheets do not grow rows written by a program)."""
    widths = [ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, last_col + 1)]
    for r in range(first, last + 1):
        lines = 1
        for c in range(1, last_col + 1):
            value = ws.cell(row=r, column=c).value
            if value is None or isinstance(value, (int, float, date)):
                continue
            if ws.cell(row=r, column=c).alignment is not None and ws.cell(row=r, column=c).alignment.wrap_text is False:
                continue
            per_line = max(1, int(widths[c - 1] * 1.15))
            count = sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))
            lines = max(lines, count)
        ws.row_dimensions[r].height = max(minimum, 14.5 * lines + 2)


def _image(ws: Worksheet, png: bytes, anchor: str, width_px: int) -> None:
    img = Image(io.BytesIO(png))
    ratio = width_px / img.width
    img.width, img.height = width_px, int(img.height * ratio)
    ws.add_image(img, anchor)


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def export_actions(data: ActionsWorkbook, path: str | Path, progress: Progress | None = None) -> Path:
    """Write the workbook (atomically) and return its path."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    report = progress or (lambda *_: None)
    territory = data.territory
    actions, grid, labels, methods, names = data.actions, data.grid, data.labels, data.methods, data.names
    funders = sorted({f for a in actions for f in a.amounts_by_funder}, key=lambda f: -sum(a.amounts_by_funder.get(f, 0) for a in actions))

    wb = Workbook()
    # -- Programmation ---------------------------------------------------------------------------
    ws = wb.active
    ws.title = "Programmation"
    _title(ws, "Programmation du contrat de ville", f"{territory} — {len(actions)} actions, scores de la grille de choix", 10)
    cols = ["Rang", "Score", "Retenue", "N° de dossier", "Année(s)", "Intitulé de l'action", "Structure porteuse", "SIRET",
            "Pilier / axe", "Quartiers (QPV)", *funders, "Total (€)", "Bénéficiaires", "Part en QPV"]
    widths = [11, 8, 9, 12, 11, 42, 30, 16, 22, 24, *([12] * len(funders)), 13, 12, 10]
    hr = 4
    _header(ws, hr, cols, widths)
    r = hr
    for a in actions:
        r += 1
        row = grid.row(a.id)
        values = [row.rank.rank, _num(row.total), "oui" if a.chosen else "", a.file_numbers, a.years_label, a.title, a.carrier,
                  a.siret, a.pillar, qpv_label(a.qpv, names), *[a.amounts_by_funder.get(f) for f in funders], a.budget or None,
                  a.beneficiaries, a.qpv_share]
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v)
            if 11 <= c <= 11 + len(funders):
                cell.number_format = EUR
            if c == len(cols):
                cell.number_format = "0%"
            if a.chosen:
                cell.fill = CHOSEN_FILL
        _rank(ws.cell(row=r, column=1), row.rank)
    if actions:
        r += 1
        put(ws, r, 6, "Total").font = Font(bold=True)
        for c in range(11, 12 + len(funders)):
            letter = get_column_letter(c)
            cell = put_formula(ws, r, c, f"=SUBTOTAL(9,{letter}{hr + 1}:{letter}{r - 1})")
            cell.number_format, cell.font = EUR, Font(bold=True)
    _table(ws, hr, r - (1 if actions else 0), len(cols), freeze_col=7)
    _print_setup(ws, hr, territory, len(cols))
    report(20, 100, "Grille de choix…")

    # -- Grille de choix -----------------------------------------------------------------------
    ws = wb.create_sheet("Grille de choix")
    crit = grid.criteria
    _title(ws, "Grille de choix des actions structurantes (outil 4)",
           f"Notes de 1 à 3 ; en italique gris : note pré-remplie à partir de la programmation. Score maximal : {_num(grid.max_total)}.", 6)
    cols = ["Rang", "Intitulé de l'action", "Structure porteuse", *[f"{c.label}\n(× {_num(grid.weights[c.id])})" for c in crit],
            "Score", "Critères notés", "Retenue"]
    widths = [11, 40, 26, *([12] * len(crit)), 9, 9, 9]
    hr = 4
    _header(ws, hr, cols, widths)
    ws.row_dimensions[hr].height = max(58, ws.row_dimensions[hr].height)
    for i, c in enumerate(crit, start=4):
        ws.cell(row=hr, column=i).comment = Comment(
            f"{c.description}\n" + "\n".join(f"{lv.value} – {lv.label} : {lv.description}" for lv in c.levels), "EvalKit", height=220, width=320)
    r = hr
    for row in grid.rows:
        r += 1
        a = row.action
        _rank(ws.cell(row=r, column=1), row.rank)
        put(ws, r, 2, a.title)
        put(ws, r, 3, a.carrier)
        for i, c in enumerate(crit, start=4):
            sc = row.scores[c.id]
            cell = put(ws, r, i, sc.value)
            cell.alignment = CENTER
            if sc.value in LEVEL_FILLS:
                cell.fill = LEVEL_FILLS[sc.value]
            if sc.is_prefilled:
                cell.font = Font(italic=True, color="6B7780")
                cell.comment = Comment(f"Pré-rempli : {sc.prefilled.note}", "EvalKit", height=60, width=220)
        put(ws, r, 4 + len(crit), _num(row.total)).font = Font(bold=True)
        put(ws, r, 5 + len(crit), f"{row.scored}/{len(crit)}").alignment = CENTER
        put(ws, r, 6 + len(crit), "oui" if a.chosen else "").alignment = CENTER
        if a.chosen:
            for c in (1, 2, 3, 4 + len(crit), 5 + len(crit), 6 + len(crit)):
                ws.cell(row=r, column=c).fill = CHOSEN_FILL
    _table(ws, hr, r, len(cols), freeze_col=4)
    for rr in range(hr + 1, r + 1):
        for c in range(4, 4 + len(crit)):
            ws.cell(row=rr, column=c).alignment = CENTER
    _print_setup(ws, hr, territory, len(cols))
    report(40, 100, "Classement…")

    # -- Classement ----------------------------------------------------------------------------
    ws = wb.create_sheet("Classement")
    _title(ws, "Classement des actions", f"Score pondéré sur {_num(grid.max_total)} ; en vert, les actions retenues.", 6)
    cols = ["Rang", "Intitulé de l'action", "Structure porteuse", "Pilier / axe", "Score", "% du maximum", "Retenue"]
    _header(ws, 4, cols, [11, 46, 30, 26, 9, 11, 9])
    r = 4
    for row in grid.rows:
        r += 1
        a = row.action
        values = [row.rank.rank, a.title, a.carrier, a.pillar, _num(row.total),
                  row.total / grid.max_total if grid.max_total else None, "oui" if a.chosen else ""]
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v)
            if c == 6:
                cell.number_format = "0%"
            if a.chosen:
                cell.fill = CHOSEN_FILL
        _rank(ws.cell(row=r, column=1), row.rank)
    _table(ws, 4, r, len(cols), freeze_col=3)
    _print_setup(ws, 4, territory, len(cols))
    top = grid.rows[:20]
    if top:
        ws = wb.create_sheet("Graphique du classement")
        _title(ws, "Classement : les premières actions", f"Score pondéré sur {_num(grid.max_total)} ; en bleu foncé, les actions retenues.", 4)
        png = ranking_chart([f"{x.rank.rank}. {x.action.title}" for x in top], [x.total for x in top],
                            [x.action.chosen for x in top], grid.max_total,
                            title=f"Les {len(top)} premières actions (score pondéré)", width=10, pitch=0.3)
        _image(ws, png, "A4", 980)
        _image_page(ws, territory)
    report(55, 100, "Actions retenues…")

    # -- Actions retenues ----------------------------------------------------------------------
    ws = wb.create_sheet("Actions retenues")
    chosen = grid.chosen
    _title(ws, "Actions retenues pour une évaluation approfondie",
           f"{len(chosen)} action(s) (de {grid.shortlist_min} à {grid.shortlist_max} conseillées)", 6)
    cols = ["Rang", "Intitulé de l'action", "Structure porteuse", "Pilier / axe", "Quartiers (QPV)", "Score", "Financements (€)",
            "Financeurs", "Années", "Objectifs", "Pourquoi cette action", "Décision à éclairer", "Questions", "Fiche"]
    _header(ws, 4, cols, [11, 34, 24, 18, 20, 8, 13, 22, 11, 40, 40, 34, 10, 11])
    r = 4
    plans = {}
    for row in chosen:
        a = row.action
        plan = data.plans[a.id]
        plans[a.id] = plan
        ans = plan.sheet
        r += 1
        values = [row.rank.rank, a.title, a.carrier, a.pillar, qpv_label(a.qpv, names), _num(row.total), a.budget or None,
                  ", ".join(a.funders),
                  a.years_label, ans.get("objectives", ""), ans.get("reasons", ""), ans.get("decision", ""),
                  len(plan.rows), "complète" if plan.status == "complete" else "en cours"]
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v)
            if c == 7:
                cell.number_format = EUR
        _rank(ws.cell(row=r, column=1), row.rank)
        ws.row_dimensions[r].height = 90
    _table(ws, 4, r, len(cols), freeze_col=3)
    _print_setup(ws, 4, territory, len(cols))
    report(70, 100, "Questions et méthode…")

    # -- Questions et méthode ------------------------------------------------------------------
    ws = wb.create_sheet("Questions et méthode")
    _title(ws, "Questions évaluatives et méthode (outils 5 et 6)", "Une ligne par question évaluative retenue pour chaque action.", 6)
    cols = ["Action", "N°", "Critère", "Question évaluative", "Indicateurs", "Sources de données", "Méthodes de collecte",
            "Qui", "Début", "Fin"]
    _header(ws, 4, cols, [28, 5, 14, 44, 36, 30, 22, 18, 11, 11])
    r = 4
    for row in chosen:
        a = row.action
        for n, q in enumerate(plans[a.id].rows, start=1):
            r += 1
            crit_id = criterion_of(q)
            values = [a.title, n, labels.get(crit_id, crit_id), q.get("question", ""), q.get("indicators", ""),
                      q.get("data_sources", ""), ", ".join(methods.get(m, m) for m in q.get("methods") or []), q.get("who", ""),
                      _date(q.get("start")), _date(q.get("end"))]
            for c, v in enumerate(values, start=1):
                cell = put(ws, r, c, v)
                if c in (9, 10):
                    cell.number_format = "DD/MM/YYYY"
            ws.row_dimensions[r].height = max(45, 15 * (1 + max(len(str(values[3])) // 48, len(str(values[4])) // 40)))
    _table(ws, 4, r, len(cols), freeze_col=4)
    _print_setup(ws, 4, territory, len(cols))
    report(82, 100, "Calendrier…")

    # -- Calendrier ----------------------------------------------------------------------------
    ws = wb.create_sheet("Calendrier")
    tl = data.timeline
    _title(ws, "Calendrier des collectes et de l'évaluation",
           "Périodes de collecte du plan de chaque action retenue, jalons du cadrage en pointillés.", 4)
    cols = ["N°", "Date", "Jalon du cadrage"]
    _header(ws, 4, cols, [5, 12, 46])
    r = 4
    for n, m in enumerate(tl.milestones, start=1):
        r += 1
        put(ws, r, 1, n).alignment = CENTER
        put(ws, r, 2, m.day).number_format = "DD/MM/YYYY"
        put(ws, r, 3, m.label)
    _table(ws, 4, r, 3)
    r += 2
    put(ws, r, 1, "Points d'attention").font = Font(bold=True)
    for w in tl.warnings or ("Aucun : les collectes tiennent dans le calendrier de l'évaluation.",):
        r += 1  # wrapped across the table's width, never running off the printed page
        put(ws, r, 1, f"• {w}").alignment = WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        ws.row_dimensions[r].height = 15 * _line_count(f"• {w}", 5 + 12 + 46) + 2
    _print_setup(ws, 4, territory, 3)
    if tl.spans or tl.milestones:
        ws = wb.create_sheet("Graphique du calendrier")
        _title(ws, "Calendrier des collectes", "Jalons du cadrage numérotés comme dans la feuille « Calendrier ».", 4)
        png = timeline_chart(tl.spans, tl.milestones, tl.start, tl.end, title="Collectes prévues et jalons de l'évaluation", width=11)
        _image(ws, png, "A4", 1000)
        _image_page(ws, territory)

    # -- Critères ------------------------------------------------------------------------------
    ws = wb.create_sheet("Critères")
    _title(ws, "Critères de la grille et poids", "Poids de cette évaluation ; entre parenthèses, le poids proposé par le kit.", 4)
    cols = ["Critère", "Description", "Poids", "Poids du kit", "Pré-rempli", "Niveau 1", "Niveau 2", "Niveau 3"]
    _header(ws, 4, cols, [26, 44, 8, 10, 12, 34, 34, 34])
    r = 4
    for c in crit:
        r += 1
        levels = [f"{lv.label} : {lv.description}" for lv in c.levels]
        values = [c.label, c.description, _num(grid.weights[c.id]), _num(c.default_weight),
                  "oui, depuis les données" if c.auto else "", *levels[:3]]
        for col, v in enumerate(values, start=1):
            put(ws, r, col, v)
        ws.row_dimensions[r].height = 75
    _table(ws, 4, r, len(cols), freeze_col=2)
    _print_setup(ws, 4, territory, len(cols))

    report(95, 100, "Écriture du fichier…")
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.xlsx.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise ServiceError(f"Impossible d'écrire « {path.name} » : le fichier est peut-être ouvert dans Excel. Fermez-le et réessayez.") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ServiceError(f"Impossible d'écrire « {path} » : {exc.strerror}.") from None
    report(100, 100, "Export terminé.")
    return path


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
