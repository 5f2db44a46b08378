"""The consolidated view as files: an Excel workbook and a PDF report (`consolidation_pdf`).
Data in (`Consolidation`), file out; written to a temporary file then renamed.

The workbook is made for pivot tables: one sheet per part, one header row, one row per
territory × item (question, indicator, answer, domain, obligation, state, pillar), frozen panes,
filters and a print setup (A4 landscape, fit to width, header row repeated, page « n / N »).
Every cell goes through `xlsx_cells.put`. The charts shown on screen come from here too.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.core.consolidation import NOT_FILLED, Consolidation
from desktop_app.core.consolidation_sheets import year_number
from desktop_app.core.fieldwork import COMMITMENT_STATUSES, UNSET_STATUS
from desktop_app.exports import charts
from desktop_app.exports.xlsx_cells import put

TITLE = "Vue consolidée des évaluations des contrats de ville"
KIND_LABELS = {"choice": "Choix unique", "multiple": "Choix multiple", "scale": "Échelle", "number": "Nombre"}


def referential_chart(data: Consolidation) -> bytes | None:
    if not data.questions or not data.territories:
        return None
    series = [
        (level.label, [q.counts.get(level.value, 0) for q in data.questions], level.color)
        for level in data.scale
    ]
    return charts.stacked_bar([q.theme for q in data.questions], series, "Appréciations des territoires par question évaluative")


def maturity_chart(m) -> bytes | None:
    mean = m.mean()
    if not m.levels:
        return None
    return charts.bar_chart(
        [label for _, label in m.domains], [v or 0 for v in mean], f"{m.title} : niveau moyen par domaine",
        decimals=1, max_value=m.max_level,
    )


def questionnaire_chart(q) -> bytes | None:
    if not q.counts:
        return None
    return charts.bar_chart([lbl for lbl, _ in q.counts], [n for _, n in q.counts], q.label, width=6.5)


def _atomic(out: Path, write) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def write_pdf(data: Consolidation, out: Path) -> Path:
    """The PDF report (cover, contents, one commented section per part, pages « n / N »)."""
    from desktop_app.exports.consolidation_pdf import write_report

    return write_report(data, out)


# -- Excel --------------------------------------------------------------------------------------
# (header, width, number format or "", wrap)
Column = tuple[str, float, str, bool]


LINE_PT = 13.5  # one line of the default 11-point font


def _lines(text: str, width: float) -> int:
    """Lines `text` takes once wrapped in a column `width` characters wide (a safe estimate)."""
    per_line = max(4, int(width * 1.05) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def _sheet(wb, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], landscape: bool = True, freeze_col: int = 1,
           pages_wide: int = 1):
    """One pivot-ready sheet: bold header row, rows below, frozen header (and first columns),
    filter on the whole range, A4 print setup (`pages_wide` pages across, the first column
    repeated on each when more than one)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DCE6EE")
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for col, (name, width, _, _) in enumerate(columns, start=1):
        c = put(ws, 1, col, name)
        c.font, c.fill, c.alignment = head_font, head_fill, wrapped
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = LINE_PT * max(_lines(name, width * 0.85) for name, width, _, _ in columns) + 3
    for r, row in enumerate(rows, start=2):
        lines = 1
        for col, ((_, width, fmt, wrap), value) in enumerate(zip(columns, row, strict=True), start=1):
            c = put(ws, r, col, value)
            c.alignment = wrapped if wrap else top
            if fmt:
                c.number_format = _number_format(fmt, value)
            if wrap and isinstance(value, str):
                lines = max(lines, _lines(value, width))
        if lines > 1:  # spreadsheet programs do not grow a row for wrapped text they did not lay out
            ws.row_dimensions[r].height = LINE_PT * lines + 2
    last = get_column_letter(len(columns))
    ws.freeze_panes = f"{get_column_letter(freeze_col + 1)}2"
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    ps.orientation = "landscape" if landscape else "portrait"
    ps.fitToWidth, ps.fitToHeight = pages_wide, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if pages_wide > 1:
        ws.print_title_cols = "A:A"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.left.text = TITLE
    ws.oddHeader.right.text = title
    ws.oddFooter.right.text = "&P / &N"
    return ws


# a number column: whole numbers without decimals, the others with up to two
NUMBER = "#,##0|#,##0.0#"
CHANGE = "+#,##0;-#,##0;0|+#,##0.0#;-#,##0.0#;0"  # a change, with its sign
YEAR = "0"  # 2025, never « 2 025 »


def _number_format(fmt: str, value: Any) -> str:
    """`fmt`, or for « whole|fraction » formats the one that suits the value."""
    if "|" not in fmt:
        return fmt
    whole, fraction = fmt.split("|", 1)
    return fraction if isinstance(value, float) and not value.is_integer() else whole


def _naive(moment):
    """A datetime Excel can hold (local time, no time zone)."""
    return moment.astimezone().replace(tzinfo=None) if getattr(moment, "tzinfo", None) else moment


def workbook_rows(data: Consolidation) -> dict[str, tuple[list[Column], list[list[Any]]]]:
    """{sheet title: (columns, rows)}: what the workbook holds, sheet by sheet."""
    name = data.territory_name
    labels = {lv.value: lv.label for lv in data.scale}
    sheets: dict[str, tuple[list[Column], list[list[Any]]]] = {}

    sheets["Territoires"] = (
        [("Territoire", 34, "", True), ("Évaluation", 40, "", True), ("Génération", 12, "@", False), ("Kit", 8, "@", False),
         ("Étapes terminées", 11, "0", False), ("Étapes du périmètre", 11, "0", False), ("Avancement", 11, "0 %", False),
         ("Mise à jour", 12, "DD/MM/YYYY", False), ("Témoignages (avec accord)", 13, "0", False)],
        [[t.territory or t.title, t.title, t.generation, t.kit_version, t.steps_done, t.steps_total, t.completion,
          _naive(t.updated_at), t.testimonies] for t in data.territories],
    )
    rows = []
    for q in data.questions:
        for t in data.territories:
            value = q.by_territory.get(t.evaluation_id, NOT_FILLED)
            computed = t.evaluation_id in q.computed and value != NOT_FILLED
            rows.append([name(t.evaluation_id), q.number, q.theme, q.label, labels.get(value, value), "Oui" if computed else "Non"])
    sheets["Référentiel"] = (
        [("Territoire", 30, "", True), ("N°", 5, "0", False), ("Question évaluative", 22, "", True), ("Intitulé", 60, "", True),
         ("Appréciation", 18, "", False), ("Proposée d'après les indicateurs", 14, "", False)],
        rows,
    )
    rows = []
    questions = {q.question_id: q for q in data.questions}
    for ind in data.indicators:
        q = questions.get(ind.question_id)
        for t in data.territories:
            value = ind.appreciation.get(t.evaluation_id, NOT_FILLED)
            rows.append([name(t.evaluation_id), f"{q.number}. {q.theme}" if q else ind.question_id, ind.code, ind.label,
                         ind.unit, ind.value.get(t.evaluation_id, ""), ind.computed.get(t.evaluation_id, ""), ind.target,
                         ind.baseline.get(t.evaluation_id, ""),
                         ind.source.get(t.evaluation_id, ""), labels.get(value, value)])
    sheets["Indicateurs"] = (
        [("Territoire", 30, "", True), ("Question", 22, "", True), ("Code", 8, "@", False), ("Indicateur", 60, "", True),
         ("Unité", 14, "", True), ("Valeur", 24, "", True), ("Valeur calculée", 14, "", True), ("Cible", 24, "", True),
         ("Référence", 24, "", True),
         ("Source", 40, "", True), ("Appréciation", 18, "", False)],
        rows,
    )
    rows, numbers, others = [], [], []
    for qn in data.questionnaires:
        for q in qn.questions:
            for t in data.territories:
                eid = t.evaluation_id
                if q.kind == "number":
                    s = q.stats_by_territory.get(eid)
                    if s is not None:
                        numbers.append([qn.title, name(eid), q.number, q.label, q.unit or "", s.count, s.minimum, s.median, s.maximum,
                                        None if q.year else s.mean])
                    continue
                answered = q.answered_by_territory.get(eid, 0)
                for label, n in q.by_territory.get(eid, []):
                    rows.append([qn.title, name(eid), q.number, q.label, KIND_LABELS.get(q.kind, q.kind), label, n, answered,
                                 n / answered if answered else 0])
            for eid, text in q.others:
                others.append([qn.title, name(eid), q.number, q.label, text])
    sheets["Questionnaires"] = (
        [("Questionnaire", 20, "", True), ("Territoire", 28, "", True), ("N°", 6, "@", False), ("Question", 50, "", True),
         ("Type", 13, "", False), ("Réponse", 34, "", True), ("Répondants", 11, "0", False),
         ("Répondants à la question", 12, "0", False), ("Part des répondants", 11, "0 %", False)],
        rows,
    )
    sheets["Questions chiffrées"] = (
        [("Questionnaire", 20, "", True), ("Territoire", 28, "", True), ("N°", 6, "@", False), ("Question", 50, "", True),
         ("Unité", 10, "", False), ("Réponses (n)", 10, "0", False), ("Minimum", 12, "#,##0.##", False),
         ("Médiane", 12, "#,##0.##", False), ("Maximum", 12, "#,##0.##", False), ("Moyenne", 12, "#,##0.##", False)],
        numbers,
    )
    sheets["Réponses Autre"] = (
        [("Questionnaire", 20, "", True), ("Territoire", 28, "", True), ("N°", 6, "@", False), ("Question", 50, "", True),
         ("Réponse « Autre » saisie", 60, "", True)],
        others,
    )
    rows = []
    for m in data.maturity:
        for t in data.territories:
            levels = m.levels.get(t.evaluation_id)
            if levels is None:
                continue
            for (_, domain), v in zip(m.domains, levels, strict=True):
                rows.append([m.title, name(t.evaluation_id), domain, v, m.max_level])
    sheets["Maturité"] = (
        [("Échelle", 26, "", True), ("Territoire", 30, "", True), ("Domaine", 40, "", True), ("Niveau", 9, "0.#", False),
         ("Niveau maximal", 10, "0", False)],
        rows,
    )
    rows = []
    for cg in data.councils:
        gap_labels = {v: lbl for v, lbl, _ in cg.levels}
        for t in data.territories:
            gaps = cg.by_territory.get(t.evaluation_id)
            if gaps is None:
                continue
            for item_id, group, label in cg.items:
                value = gaps.get(item_id, "")
                rows.append([cg.title, name(t.evaluation_id), group, label, gap_labels.get(value, "Non renseigné")])
    sheets["Conseils citoyens"] = (
        [("Grille", 24, "", True), ("Territoire", 30, "", True), ("Groupe", 18, "", True), ("Obligation", 60, "", True),
         ("Écart entre la loi et la pratique", 18, "", False)],
        rows,
    )
    rows = []
    for t in data.territories:
        counts = data.commitments.get(t.evaluation_id)
        if not counts:
            continue
        for status, n in counts.items():
            rows.append([name(t.evaluation_id), COMMITMENT_STATUSES.get(status, UNSET_STATUS)[0], n])
    sheets["Engagements"] = ([("Territoire", 34, "", True), ("État", 18, "", False), ("Engagements", 12, "0", False)], rows)
    rows = []
    for t in data.territories:
        a = data.actions.get(t.evaluation_id)
        if a is None:
            continue
        if not a.chosen_by_pillar:
            rows.append([name(t.evaluation_id), "", 0, a.total, a.chosen])
        for pillar, n in sorted(a.chosen_by_pillar.items()):
            rows.append([name(t.evaluation_id), pillar or "Pilier non précisé", n, a.total, a.chosen])
    sheets["Actions"] = (
        [("Territoire", 34, "", True), ("Pilier", 40, "", True), ("Actions retenues sur ce pilier", 13, "0", False),
         ("Actions programmées (territoire)", 13, "0", False), ("Actions retenues (territoire)", 13, "0", False)],
        rows,
    )
    sheets.update(_step_sheets(data, set(sheets)))
    return sheets


# the first columns of a step_form sheet: the territory, its sheet's state, its kit version
STEP_HEAD: list[Column] = [("Territoire", 30, "", True), ("Fiche", 18, "", True), ("Kit", 8, "@", False)]


PRINT_WIDTH = 160  # column width units printed on an A4 landscape page (about 85 % of the actual size)


def _pages_wide(columns: Sequence[Column]) -> int:
    """Pages across to print a step_form sheet legibly, its first column repeated on each."""
    first = columns[0][1]
    rest = sum(width for _, width, _, _ in columns[1:])
    return max(1, -(-int(rest) // int(PRINT_WIDTH - first)))


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), not yet taken."""
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "Fiche"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _field_column(f) -> Column:
    """A step_form question as a column: its label (and unit), width, number format, wrap."""
    header = _with_unit(f) if f.kind == "number" else f.label
    if f.kind == "number":
        return (header, 14, NUMBER, False)
    if f.kind == "year":
        return (header, 10, YEAR, False)
    if f.kind == "date":
        return (header, 12, "DD/MM/YYYY", False)
    if f.kind == "long_text":
        return (header, 60, "", True)
    return (header, 24 if f.kind != "yes_no" else 10, "", True)


def _with_unit(f) -> str:
    """« Population du quartier (habitant·es) »; no unit the label already says (« Actions programmées »)."""
    if not f.unit or f.unit.casefold() in f.label.casefold():
        return f.label
    return f"{f.label} ({f.unit})"


def _cell(value: Any) -> Any:
    return " ; ".join(value) if isinstance(value, list) else value


def _step_sheets(data: Consolidation, taken: set[str]) -> dict[str, tuple[list[Column], list[list[Any]]]]:
    """One sheet per step_form tool: one row per territory (per territory and item for a sheet
    with a repeat group: a QPV, a year), its sheet's state, one column per question. A sheet read
    as an annual series also gets one row per territory with each figure's latest value, its
    year and its change since its first year."""
    name = data.territory_name
    out: dict[str, tuple[list[Column], list[list[Any]]]] = {}
    head = list(STEP_HEAD)
    for sheet in data.sheets:
        series = sheet.series
        if series is not None:
            columns = head + [("Années renseignées", 11, "0", False), ("Première année", 10, YEAR, False),
                              ("Dernière année", 10, YEAR, False)]
            for f in series.figures:
                label = _with_unit(f)
                columns += [(f"{label} : dernière valeur", 18, NUMBER, False), (f"{label} : année", 12, YEAR, False),
                            (f"{label} : évolution depuis sa première année", 18, CHANGE, False)]
            rows = []
            for t in data.territories:
                s = sheet.territories[t.evaluation_id]
                per = series.values.get(t.evaluation_id, {})
                years = [i.get(series.by.key) for i in s.items if isinstance(i.get(series.by.key), int)]
                row = [name(t.evaluation_id), s.label, s.kit_version, len(set(years)) if s.items else None,
                       min(years, default=None), max(years, default=None)]
                for f in series.figures:
                    v = per.get(f.key)
                    row += [v.latest, year_number(v.year) or v.year, v.change] if v is not None else [None, None, None]
                rows.append(row)
            out[_sheet_name(sheet.title, taken)] = (columns, rows)
        # items numbered, except years (their year tells them apart)
        numbered = series is None and any(f.in_group for f in sheet.fields)
        columns = head + ([(f"{sheet.item_label} n°", 9, "0", False)] if numbered else []) + [_field_column(f) for f in sheet.fields]
        rows = []
        for t in data.territories:
            s = sheet.territories[t.evaluation_id]
            lead = [name(t.evaluation_id), s.label, s.kit_version]
            if not s.items:
                rows.append(lead + [None] * (len(columns) - len(lead)))
                continue
            for n, item in enumerate(s.items, start=1):
                rows.append(lead + ([n] if numbered else []) + [_cell(item.get(f.key)) for f in sheet.fields])
        title = f"{sheet.title} par {sheet.item_label.lower()}" if series is not None else sheet.title
        out[_sheet_name(title, taken)] = (columns, rows)
    return out


def write_xlsx(data: Consolidation, out: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, (columns, rows) in workbook_rows(data).items():
        step = columns[: len(STEP_HEAD)] == STEP_HEAD
        one = step or title in ("Territoires", "Engagements", "Actions")
        _sheet(wb, title, columns, rows, freeze_col=1 if one else 2, pages_wide=_pages_wide(columns) if step else 1)
    wb.properties.title = TITLE
    wb.properties.creator = "EvalKit Quartiers"
    return _atomic(out, wb.save)
