"""The conseils citoyens chapter of the PDF summary: an overview of the gaps found by each
council's self-assessment, then per council the law and its application, the portrait-robot
and the answers to the evaluative questions."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer

from desktop_app.exports import pdf_style as st
from desktop_app.exports.pdf_charts import stacked
from desktop_app.kit.forms import compile_tool


def councils(ctx) -> list:
    syn = ctx.services.synthesis
    all_councils = syn.councils(ctx.evaluation_id)
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
        png = stacked([c.name for c in with_gaps], series, percent=True)
        out.append(Spacer(1, 6))
        out.append(st.chart(png, max_height=5.5 * cm, caption="Part des obligations examinées selon l’écart constaté, par conseil."))
    missing = [c for c in all_councils if not c.started]
    if missing:
        out.append(st.P("Conseils non évalués : " + ", ".join(f"{c.name} ({c.code})" for c in missing) + ".", "small"))

    kit = ctx.kit
    for c in started:
        out += st.h2(f"{c.title} ({c.code})", f"conseil-{c.qpv_id}")
        if c.gaps:
            out.append(st.P(c.gaps.sentence(), "lead"))
            if c.gaps.important:
                out.append(st.callout("Écarts importants relevés", list(c.gaps.important), color=st.colors.HexColor("#fdecea"), border=st.colors.HexColor("#e53935")))
                out.append(Spacer(1, 6))
        if c.responses.get("cc-autoevaluation"):
            rows_data = [r for r in syn.council_rows(ctx.evaluation_id, c.qpv_id, "cc-autoevaluation") if r.answered]
            if rows_data:
                out += st.h3("La loi et son application")
                rows = []
                for r in rows_data:
                    gap = r.cell("ecart")
                    rows.append(
                        [
                            st.cell(f"{r.label}"),
                            st.cell(r.cell("prevu").text if r.cell("prevu") else ""),
                            st.cell(r.cell("observe").text if r.cell("observe") else ""),
                            st.chip(gap.color if gap else None, gap.text if gap and gap.text else "—", width=0.13 * st.WIDTH - 9),
                            st.cell(r.cell("commentaire").text if r.cell("commentaire") else ""),
                        ]
                    )
                out.append(st.table(["Obligation", "Prévu", "Observé", "Écart", "Commentaire"], rows, [0.29, 0.08, 0.28, 0.13, 0.22]))
        if c.responses.get("cc-portrait-robot"):
            rows_data = [r for r in syn.council_rows(ctx.evaluation_id, c.qpv_id, "cc-portrait-robot") if r.answered]
            if rows_data:
                out += st.h3("Portrait-robot : de l’arrêté initial à aujourd’hui")
                rows = [
                    [
                        st.cell(r.label),
                        st.cell(r.cell("arrete").text if r.cell("arrete") else ""),
                        st.cell(r.cell("observe").text if r.cell("observe") else ""),
                        st.cell(" — ".join(x for x in ((r.cell("ecart").text if r.cell("ecart") else ""), (r.cell("commentaire").text if r.cell("commentaire") else "")) if x)),
                    ]
                    for r in rows_data
                ]
                out.append(st.table(["Élément", "Selon l’arrêté", "Observé aujourd’hui", "Écart, explications"], rows, [0.3, 0.2, 0.22, 0.28]))
        qr = c.responses.get("cc-questions")
        if qr and qr.answers and "cc-questions" in kit.tools:
            form = compile_tool(kit, "cc-questions")
            out += st.h3("Questions évaluatives")
            for page in form.pages:
                answered = [(f, qr.answers.get(f.id)) for f in page.fields if qr.answers.get(f.id)]
                if not answered:
                    continue
                pairs = [[st.P(f.label, "small"), st.P(str(value), "quote")] for f, value in answered]
                out.append(KeepTogether([st.P(page.title, "cell_bold"), *pairs[0]]))
                out += [KeepTogether(p) for p in pairs[1:]]
                out.append(Spacer(1, 4))
    return out
