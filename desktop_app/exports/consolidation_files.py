"""The consolidated view as files: an Excel workbook (one sheet per part, charts included) and a
PDF report. Data in (`Consolidation`), file out; written to a temporary file then renamed.
Charts come from `desktop_app.exports.charts`.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from desktop_app.core.consolidation import Consolidation
from desktop_app.exports import charts
from desktop_app.exports.xlsx_cells import put

TITLE = "Vue consolidée des évaluations des contrats de ville"


def _pct(x: float) -> str:
    return f"{round(x * 100)} %"


def _fr_number(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}".replace(".", ",")


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


# -- Excel --------------------------------------------------------------------------------------
def write_xlsx(data: Consolidation, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DCE6EE")

    def header(ws, row: int, values: list[str]) -> None:
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    def image(ws, png: bytes | None, anchor: str) -> None:
        if png:
            img = XlImage(io.BytesIO(png))
            img.width, img.height = img.width * 0.6, img.height * 0.6
            ws.add_image(img, anchor)

    wb = Workbook()
    ws = wb.active
    ws.title = "Territoires"
    ws["A1"], ws["A1"].font = TITLE, Font(bold=True, size=14)
    header(ws, 3, ["Territoire", "Évaluation", "Génération", "Kit", "Étapes terminées", "Étapes du périmètre", "Avancement", "Mise à jour", "Témoignages (avec accord)"])
    for i, t in enumerate(data.territories, start=4):
        for col, value in enumerate(
            [t.territory, t.title, t.generation, t.kit_version, t.steps_done, t.steps_total, t.completion, t.updated_at.strftime("%d/%m/%Y"), t.testimonies],
            start=1,
        ):
            put(ws, i, col, value)
        ws.cell(row=i, column=7).number_format = "0 %"
    for col, width in zip("ABCDEFGHI", (38, 40, 12, 8, 10, 10, 11, 12, 12), strict=True):
        ws.column_dimensions[col].width = width

    ws = wb.create_sheet("Référentiel")
    header(ws, 1, ["Question évaluative", "Intitulé"] + [lvl.label for lvl in data.scale] + [data.territory_name(t.evaluation_id) for t in data.territories])
    labels = {lvl.value: lvl.label for lvl in data.scale}
    for i, q in enumerate(data.questions, start=2):
        row = [q.theme, q.label] + [q.counts.get(lvl.value, 0) for lvl in data.scale]
        row += [labels.get(q.by_territory.get(t.evaluation_id, ""), "") for t in data.territories]
        for col, value in enumerate(row, start=1):
            put(ws, i, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 24, 60
    image(ws, referential_chart(data), f"B{len(data.questions) + 4}")

    ws = wb.create_sheet("Questionnaires")
    r = 1
    for qn in data.questionnaires:
        put(ws, r, 1, f"{qn.title} — {qn.respondents} réponse(s), {qn.territories} territoire(s)").font = Font(bold=True, size=12)
        r += 1
        header(ws, r, ["Question", "Réponse", "Répondants", "Part des répondants"])
        r += 1
        for q in qn.questions:
            for lbl, n in q.counts:
                put(ws, r, 1, q.label)
                put(ws, r, 2, lbl)
                put(ws, r, 3, n)
                put(ws, r, 4, n / q.answered if q.answered else 0).number_format = "0 %"
                r += 1
        r += 1
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 60, 36

    ws = wb.create_sheet("Maturité")
    r = 1
    for m in data.maturity:
        put(ws, r, 1, m.title).font = Font(bold=True, size=12)
        r += 1
        header(ws, r, ["Territoire"] + [label for _, label in m.domains])
        r += 1
        for eid, levels in m.levels.items():
            put(ws, r, 1, data.territory_name(eid))
            for col, v in enumerate(levels, start=2):
                put(ws, r, col, v)
            r += 1
        put(ws, r, 1, "Moyenne").font = bold
        for col, v in enumerate(m.mean(), start=2):
            put(ws, r, col, round(v, 2) if v is not None else None)
        r += 2
        png = maturity_chart(m)
        if png:
            image(ws, png, f"A{r}")
            r += 22
    ws.column_dimensions["A"].width = 38
    return _atomic(out, wb.save)


# -- PDF ----------------------------------------------------------------------------------------
def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        import matplotlib

        base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        if "EK-Sans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("EK-Sans", str(base / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("EK-Sans-Bold", str(base / "DejaVuSans-Bold.ttf")))
        return "EK-Sans", "EK-Sans-Bold"
    except Exception:  # pragma: no cover - matplotlib always ships DejaVu
        return "Helvetica", "Helvetica-Bold"


def write_pdf(data: Consolidation, out: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("b", fontName=regular, fontSize=9, leading=12)
    small = ParagraphStyle("s", parent=body, fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=6)
    page = landscape(A4)
    width = page[0] - 3 * cm

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    def table(rows, widths=None):
        t = Table([[p(c, small) if not isinstance(c, Paragraph) else c for c in row] for row in rows], colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dce6ee")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c4ce")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    def img(png: bytes | None, max_w: float):
        if not png:
            return Spacer(1, 1)
        im = Image(io.BytesIO(png))
        ratio = min(1.0, max_w / im.imageWidth) * 0.5 if im.imageWidth > max_w else 0.5
        im.drawWidth, im.drawHeight = im.imageWidth * ratio, im.imageHeight * ratio
        return im

    story = [p(TITLE, h1), p(f"{len(data.territories)} territoire(s) — édité le {data.generated_at:%d/%m/%Y}")]
    story += [p("Territoires et avancement", h2)]
    rows = [["Territoire", "Évaluation", "Génération", "Étapes terminées", "Avancement", "Mise à jour", "Témoignages"]]
    for t in data.territories:
        rows.append([
            t.territory, t.title, t.generation, f"{t.steps_done} / {t.steps_total}", _pct(t.completion),
            t.updated_at.strftime("%d/%m/%Y"), str(t.testimonies),
        ])
    story.append(table(rows, [6 * cm, 6.4 * cm, 2.5 * cm, 3 * cm, 2.5 * cm, 2.6 * cm, 2.5 * cm]))

    story += [PageBreak(), p("Référentiel évaluatif : appréciations par question", h2), img(referential_chart(data), width)]
    rows = [["Question"] + [lvl.label for lvl in data.scale]]
    for q in data.questions:
        rows.append([p(f"{q.theme} — {q.label}", small)] + [str(q.counts.get(lvl.value, 0)) for lvl in data.scale])
    story.append(table(rows, [12 * cm] + [(width - 12 * cm) / max(len(data.scale), 1)] * len(data.scale)))

    story += [PageBreak(), p("Niveaux de maturité comparés", h2)]
    for m in data.maturity:
        story.append(p(m.title, h2))
        if not m.levels:
            story.append(p("Aucun territoire n'a encore renseigné cette échelle."))
            continue
        rows = [["Territoire"] + [label for _, label in m.domains]]
        for eid, levels in m.levels.items():
            rows.append([data.territory_name(eid)] + [_fr_number(v).replace(",0", "") for v in levels])
        rows.append(["Moyenne"] + [_fr_number(v) for v in m.mean()])
        story.append(table(rows))
        story.append(img(maturity_chart(m), width))

    story += [PageBreak(), p("Questionnaires : résultats regroupés", h2)]
    for qn in data.questionnaires:
        story.append(p(f"{qn.title} — {qn.respondents} réponse(s) de {qn.territories} territoire(s)", h2))
        if not qn.respondents:
            story.append(p("Aucune réponse."))
            continue
        for q in qn.questions:
            if q.answered:
                story.append(img(questionnaire_chart(q), width * 0.7))

    def write(tmp: str) -> None:
        doc = SimpleDocTemplate(tmp, pagesize=page, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm,
                                bottomMargin=1.5 * cm, title=TITLE, author="EvalKit Quartiers")
        doc.build(story)

    return _atomic(out, write)
