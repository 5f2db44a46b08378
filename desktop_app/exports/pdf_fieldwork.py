"""Chapters of the PDF summary fed by the other feature areas: the actions chosen (with the
ranking chart), what the workshops and the fieldwork brought (forces, faiblesses,
préconisations, verbatims with consent), the questionnaires' results, the commitments' progress.

Each chapter reads the kit tools' answers (form responses, shared by every area) and, where the
area's service offers more (titles, dates, consent columns, the commitments table), reads
through that service if it exists. Nothing recorded: one "Aucune donnée" line.
"""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle

from desktop_app.exports import pdf_style as st


def report_tools(ctx, section: str, role: str) -> list:
    """The kit's tools with this role that its YAML places in this report section, in order."""
    return [t for t in ctx.kit.tools_in_report_section(section) if t.role == role]


# --------------------------------------------------------------------------- actions


def actions(ctx) -> list:
    from desktop_app.exports.area_sources import actions_data

    data = actions_data(ctx)
    if data is None:
        return [st.nodata("Aucune action n’a encore été cotée avec la grille de choix des actions structurantes.")]
    out: list = [st.P(data.intro)]
    if data.chart:
        out.append(st.chart(data.chart, max_height=15 * cm, caption=data.chart_caption))
    if data.rows:
        out += st.h2("Le classement", "actions-classement")
        out.append(st.table(data.header, data.rows, data.widths))
    for title, key, block in data.details:
        out += st.h2(title, key)
        out += block
    if data.plans:
        out += _plans(ctx, data.plans)
    return out


def _plans(ctx, plans) -> list:
    """Each chosen action: why it was chosen, its evaluative questions and how they are answered
    (rows and sheet with the application's keys, `core.action_plan`)."""
    from desktop_app.core.identifiers import format_date_fr

    service = ctx.area("actions")
    if service is None:
        return []
    choices = service.plan_choices(ctx.evaluation_id)
    crit_labels, method_labels = choices.get("criterion", {}), choices.get("methods", {})
    out: list = st.h2("Les questions évaluatives et la méthode des actions retenues", "actions-methode")
    for n, (title, answers, rows) in enumerate(plans, start=1):
        block: list = [st.P(f"{n}. {title}", "h3")]
        for key, label in (("carrier", "Porteur"), ("objectives", "Objectifs"), ("reasons", "Pourquoi cette action"),
                           ("decision", "Décision à éclairer")):
            if answers.get(key):
                block.append(st.M(f"<b>{st.para_text(label)}{st.NBSP}:</b> {st.para_text(str(answers[key]))}", "body"))
        if rows:
            table_rows = []
            for r in rows:
                when = " – ".join(format_date_fr(r[k]) for k in ("start", "end") if r.get(k))
                methods = " ; ".join(method_labels.get(m, str(m)) for m in r.get("methods") or [])
                crit = crit_labels.get(r["criterion"], str(r["criterion"])) if r.get("criterion") else ""
                table_rows.append(
                    [
                        st.cell(str(r.get("question") or "")),
                        st.cell(crit),
                        st.cell(str(r.get("indicators") or "")),
                        st.cell(" ; ".join(x for x in (str(r.get("data_sources") or ""), methods) if x)),
                        st.cell(" — ".join(x for x in (str(r.get("who") or ""), when) if x)),
                    ]
                )
            block.append(
                st.table(["Question évaluative", "Critère", "Indicateurs", "Sources et méthodes", "Qui, quand"], table_rows,
                         [0.27, 0.12, 0.22, 0.22, 0.17])
            )
        else:
            block.append(st.nodata("La méthode de cette action n’est pas encore renseignée."))
        out += block + [Spacer(1, 6)]
    return out


# --------------------------------------------------------------------------- ateliers et terrain


def _swot_block(title: str, subtitle: str, forces, faiblesses, precos) -> list:
    head: list = [st.P(title, "h3")]
    if subtitle:
        head.append(st.P(subtitle, "small"))
    boxes = []
    for label, items, color, border in (
        ("Forces", forces, "#eaf5ea", "#2e7d32"),
        ("Faiblesses", faiblesses, "#fdecea", "#e53935"),
        ("Préconisations", precos, "#e6f0f7", "#1f5f8b"),
    ):
        if items:
            boxes.append([st.callout(label, items, color=st.colors.HexColor(color), border=st.colors.HexColor(border)), Spacer(1, 4)])
    if not boxes:
        return [KeepTogether(head)]
    # the title never stays alone at the bottom of a page
    return [KeepTogether(head + boxes[0])] + [f for box in boxes[1:] for f in box]


def fieldwork(ctx) -> list:
    from desktop_app.exports.area_sources import fieldwork_data

    data = fieldwork_data(ctx)
    out: list = []
    if data.workshops:
        out += st.h2("Les ateliers d’évaluation", "terrain-ateliers")
        for w in data.workshops:
            block = _swot_block(w.title, w.subtitle, w.forces, w.faiblesses, w.preconisations)
            if w.lessons:
                lessons = st.callout("Constats et enseignements", list(w.lessons), color=st.colors.HexColor("#f3f0f8"),
                                     border=st.colors.HexColor("#8e6cb5"))
                if len(block) == 1:  # nothing but the title so far: keep them together
                    block = [KeepTogether([*block[0]._content, lessons])]
                else:
                    block.append(lessons)
            out += block
            out.append(Spacer(1, 4))
    if data.immersions:
        out += st.h2("Les immersions", "terrain-immersions")
        for im in data.immersions:
            block = _swot_block(im.title, im.subtitle, im.forces, im.faiblesses, im.preconisations)
            if im.lessons:
                block.append(st.P("Enseignements : " + " ; ".join(im.lessons), "body"))
            out += block
    if data.verbatims:
        out += st.h2("Paroles recueillies", "terrain-verbatims")
        out.append(
            st.P(
                "Propos cités avec l’accord des personnes, sans leur nom. Les témoignages sans accord d’utilisation "
                "ne figurent pas dans ce rapport.",
                "small",
            )
        )
        for quote, by in data.verbatims:
            quoted = quote if quote[:1] in "«\"“" else f"« {quote} »"
            out.append(KeepTogether([st.P(quoted, "quote"), st.P(by, "quote_by")]))
    if data.excluded:
        out.append(st.P(f"{data.excluded} témoignage(s) sans accord d’utilisation n’ont pas été repris.", "caption"))
    if not out:
        return [st.nodata("Aucun atelier, immersion ni témoignage n’a encore été saisi.")]
    return out


# --------------------------------------------------------------------------- questionnaires


def questionnaires(ctx) -> list:
    from desktop_app.exports.area_sources import questionnaire_data

    out: list = []
    for tool in report_tools(ctx, "questionnaires", "questionnaire"):
        tool_id = tool.id
        if tool_id not in ctx.scope:
            continue
        data = questionnaire_data(ctx, tool_id)
        out += st.h2(tool.title, f"questionnaire-{tool_id}")
        if data is None or not data.respondents:
            out.append(st.nodata("Aucune réponse n’a encore été saisie ou importée."))
            continue
        out.append(st.P(data.summary, "lead"))
        for section_title, items in data.sections:
            if not items:
                continue
            out += [CondPageBreak(7 * cm), st.P(section_title, "h3")]  # a title never ends a page alone
            out.append(_chart_grid(items))
    return out or [st.nodata()]


def _chart_grid(items) -> Table:
    """Questions two by two: the question, its chart (or its figures), who answered."""
    col = st.WIDTH / 2
    cells = []
    for question, png, note in items:
        parts = [st.P(question, "cell_bold")]
        if png:
            parts.append(st.image(png, width=col - 14, max_height=5.6 * cm))
        parts.append(st.P(note, "caption"))
        cells.append(parts)
    if len(cells) % 2:
        cells.append("")
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    t = Table(rows, colWidths=[col, col], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 14),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, st.RULE),
            ]
        )
    )
    return t


# --------------------------------------------------------------------------- engagements


def commitments(ctx) -> list:
    from desktop_app.exports.area_sources import commitments_data

    data = commitments_data(ctx)
    if data is None or not data.rows:
        return [st.nodata("Aucun engagement n’a encore été suivi.")]
    out: list = [st.P(data.intro, "lead")]
    if data.chart:
        out.append(st.chart(data.chart, max_height=5 * cm, caption="Avancement des engagements, selon leur statut."))
    out.append(st.table(["N°", "Engagement", "Pilote", "Statut", "Preuves, commentaire"], data.rows, [0.06, 0.36, 0.16, 0.14, 0.28]))
    for title, text in data.notes:
        out += [st.P(title, "h3"), st.P(text)]
    return out

