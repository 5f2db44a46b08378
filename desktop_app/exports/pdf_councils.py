"""The conseils citoyens chapter of the PDF summary: an overview of the gaps found by each
council's self-assessment, then per council the law and its application, the portrait-robot
and the answers to the evaluative questions."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer

from desktop_app.exports import pdf_style as st
from desktop_app.exports.pdf_bars import PrintStacked
from desktop_app.kit.forms import compile_tool


def councils(ctx) -> list:
    all_councils = ctx.data.councils
    started = [c for c in all_councils if c.started]
    out: list = [
        st.P(
            "Trois outils du kit « Mesurer l’impact des conseils citoyens » ont été utilisés avec les conseillers : "
            "la grille d’autoévaluation (la loi et son application), le portrait-robot (de l’arrêté initial à "
            "aujourd’hui) et les questions évaluatives sur la gouvernance, le partenariat local et l’ancrage dans le quartier. "
            "Ces outils sont expérimentaux : ils ouvrent la discussion, ils ne classent pas les conseils."
        )
    ]
    if not started:
        out.append(st.nodata("Aucun conseil citoyen n’a encore été évalué."))
        return out
    out += st.h2("Vue d’ensemble", "conseils-ensemble")
    rows = []
    for c in started:
        g = c.gaps
        rows.append(
            [
                st.cell(c.name, "cell_bold"),
                c.code,
                str(g.counts.get("aucun", 0)) if g else "—",
                str(g.counts.get("faible", 0)) if g else "—",
                str(g.counts.get("important", 0)) if g else "—",
                str(g.unanswered) if g else "—",
            ]
        )
    # the gap levels named as in the kit, as the chart's legend and each council's table name them
    named = next((c.gaps.labels for c in started if c.gaps and c.gaps.labels), {})
    gap_heads = [named.get(k, default) for k, default in (("aucun", "Aucun écart"), ("faible", "Écart faible"), ("important", "Écart important"))]
    out.append(
        st.table(
            ["Conseil citoyen", "QPV", *gap_heads, "Non examiné"],
            rows,
            [0.34, 0.14, 0.13, 0.13, 0.14, 0.12],
        )
    )
    with_gaps = [c for c in started if c.gaps and c.gaps.assessed]
    if with_gaps:
        g0 = with_gaps[0].gaps
        series = [
            (g0.labels[k], [c.gaps.counts.get(k, 0) for c in with_gaps], g0.colors.get(k))
            for k in ("aucun", "faible", "important")
            if k in g0.labels
        ]
        png = PrintStacked([c.name for c in with_gaps], series, st.WIDTH)
        out.append(Spacer(1, 6))
        out.append(st.chart(png, max_height=5.5 * cm, caption="Part des obligations examinées selon l’écart constaté, par conseil."))
    missing = [c for c in all_councils if not c.started]
    if missing:
        out.append(st.P("Conseils non évalués : " + ", ".join(f"{c.name} ({c.code})" for c in missing) + ".", "small"))

    kit = ctx.kit
    # the council tools this chapter shows, in the order their YAML gives (`report`)
    council_tools = [t for t in kit.tools_in_report_section("conseils") if t.role == "council_tool"]
    for c in started:
        out += st.h2(f"{c.title} ({c.code})", f"conseil-{c.qpv_id}")
        if c.gaps:
            out.append(st.P(c.gaps.sentence(), "lead"))
            if c.gaps.important:
                out.append(st.callout("Écarts importants relevés", list(c.gaps.important), color=st.colors.HexColor("#fdecea"), border=st.colors.HexColor("#e53935")))
                out.append(Spacer(1, 6))
        for tool in council_tools:
            response = c.responses.get(tool.id)
            if not response:
                continue
            if tool.kind == "checklist":
                out += _checklist_block(ctx, c, tool)
            elif response.answers:
                out += _answers_block(compile_tool(kit, tool.id), tool, response.answers)
    return out


# relative widths of a checklist's columns in the PDF, by type (the item's label: 3)
_COLUMN_WEIGHTS = {"long_text": 2.0, "text": 1.6, "gap": 1.3}


def _title(tool) -> str:
    return tool.tab_title or tool.short_title or tool.title


def _checklist_block(ctx, council, tool) -> list:
    """A checklist tool (self-assessment grid, portrait-robot): its answered rows, one column per
    column of the tool; the gap column (`role: gap`) as a coloured chip."""
    rows_data = [r for r in ctx.data.council_rows.get((council.qpv_id, tool.id), []) if r.answered]
    if not rows_data:
        return []
    weights = [3.0] + [_COLUMN_WEIGHTS.get("gap" if col.role == "gap" else col.type, 1.0) for col in tool.columns]
    total = sum(weights)
    widths = [w / total for w in weights]
    rows = []
    for r in rows_data:
        row = [st.cell(r.label)]
        for col, width in zip(tool.columns, widths[1:], strict=True):
            cell = r.cell(col.id)
            if col.role == "gap":
                row.append(st.chip(cell.color if cell else None, cell.text if cell and cell.text else "—", width=width * st.WIDTH - 9))
            else:
                row.append(st.cell(cell.text if cell else ""))
        rows.append(row)
    out: list = st.h3(_title(tool))
    headers = [tool.item_header or "Élément", *(col.short_label or col.label for col in tool.columns)]
    out.append(st.table(headers, rows, widths))
    return out


def _answers_block(form, tool, answers: dict) -> list:
    """A question tool (evaluative questions): each answered question with its answer."""
    out: list = st.h3(_title(tool))
    for page in form.pages:
        answered = [(f, answers.get(f.id)) for f in page.fields if answers.get(f.id)]
        if not answered:
            continue
        pairs = [[st.P(f.label, "small"), st.P(str(value), "quote")] for f, value in answered]
        out.append(KeepTogether([st.P(page.title, "cell_bold"), *pairs[0]]))
        out += [KeepTogether(p) for p in pairs[1:]]
        out.append(Spacer(1, 4))
    return out
