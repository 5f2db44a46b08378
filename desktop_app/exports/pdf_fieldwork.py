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

from desktop_app.core.french import join_ideas, plural
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
        out.append(st.chart(data.chart, max_height=20 * cm, caption=data.chart_caption))
    if data.rows:
        out += st.h2("Le classement", "actions-classement")
        out.append(st.table(data.header, data.rows, data.widths))
    for title, key, block in data.details:
        out += st.h2(title, key)
        out += block
    if data.plans:
        out += _plans(ctx, data.plans, data.findings)
    return out


def _plans(ctx, plans, findings=()) -> list:
    """Each chosen action: why it was chosen, its evaluative questions and how they are answered
    (rows and sheet with the application's keys, `core.action_plan`)."""
    from desktop_app.core.identifiers import format_date_fr

    choices = ctx.data.plan_choices
    crit_labels, method_labels = choices.get("criterion", {}), choices.get("methods", {})
    out: list = st.h2("Les questions évaluatives et la méthode des actions retenues", "actions-methode")
    for n, (title, answers, rows) in enumerate(plans, start=1):
        block: list = [st.P(f"{n}. {title}", "h3")]
        for key, label in (("carrier", "Porteur"), ("objectives", "Objectifs"), ("reasons", "Pourquoi cette action"),
                           ("decision", "Décision à éclairer")):
            if answers.get(key):
                block.append(st.M(f"<b>{st.para_text(label)}{st.NBSP}:</b> {st.para_text(str(answers[key]))}", "body"))
        block = [KeepTogether(block)]  # the action's title stays with its presentation
        if rows:
            table_rows = []
            for r in rows:
                when = " – ".join(format_date_fr(r[k]) for k in ("start", "end") if r.get(k))
                methods = _methods_text(method_labels, r.get("methods"), str(r.get("data_sources") or ""))
                crit = crit_labels.get(r["criterion"], str(r["criterion"])) if r.get("criterion") else ""
                table_rows.append(
                    [
                        st.cell(str(r.get("question") or "")),
                        st.cell(crit),
                        st.cell(str(r.get("indicators") or "")),
                        st.cell("\n".join(x for x in (str(r.get("data_sources") or ""), methods) if x)),
                        st.cell(" — ".join(x for x in (str(r.get("who") or ""), when) if x)),
                    ]
                )
            block.append(
                st.table(["Question évaluative", "Critère", "Indicateurs", "Sources et méthodes", "Qui, quand"], table_rows,
                         [0.27, 0.12, 0.22, 0.22, 0.17])
            )
        else:
            block.append(st.nodata("La méthode de cette action n’est pas encore renseignée."))
        block += _findings_block(findings[n - 1] if n - 1 < len(findings) else [])
        out += block + [Spacer(1, 6)]
    return out


def _findings_block(found) -> list:
    """What the workshops, immersions, testimonies and questionnaires said about the action."""
    title = st.P("Ce qu’en disent les ateliers, le terrain et les questionnaires", "h4")
    if not found:
        return [title, st.nodata("Aucun constat recueilli pour l’instant : aucun atelier, immersion, témoignage ni questionnaire ne cite encore cette action.")]
    lines = [(source, text) for source, text in found]
    return [title, st.callout("Constats recueillis", lines, color=st.colors.HexColor("#f3f0f8"), border=st.colors.HexColor("#8e6cb5"))]


def _methods_text(method_labels: dict, value, sources: str) -> str:
    """The methods ticked for a question, each said once: those the sources already name
    ("entretiens avec les formatrices" names "Entretiens") are not repeated."""
    from desktop_app.core.french import fold

    if not value:
        return ""
    values = value if isinstance(value, (list, tuple)) else [value]
    said = fold(sources)
    labels = []
    for v in values:
        label = method_labels.get(v, str(v))
        if fold(label) not in said and label not in labels:
            labels.append(label)
    return ("Méthodes : " + ", ".join(labels)) if labels else ""


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
                block.append(st.P("Enseignements : " + join_ideas(im.lessons), "body"))
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
        verb = "n’ont pas été repris" if data.excluded > 1 else "n’a pas été repris"
        out.append(st.P(f"{plural(data.excluded, 'témoignage')} sans accord d’utilisation {verb}.", "caption"))
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
        tool = ctx.kit.tool(tool_id)
        out += [CondPageBreak(9 * cm), *st.h2(tool.title, f"questionnaire-{tool_id}")]  # never alone with its summary
        if data is None or not data.respondents:
            out.append(st.nodata("Aucune réponse n’a encore été saisie ou importée."))
            continue
        out.append(st.P(data.summary, "lead"))
        if data.left_out:
            out.append(st.P(data.left_out, "small"))
        if data.free_texts and hasattr(ctx, "free_texts"):
            ctx.free_texts.append((tool.title, data.free_texts))
        for section_title, items in data.sections:
            if not items:
                continue
            out += [CondPageBreak(7 * cm), st.P(section_title, "h3")]  # a title never ends a page alone
            out += _chart_grid(items)
    return out or [st.nodata()]


CHART_CELL_PADDING = 14  # points between the two columns of questions


def _chart_grid(items) -> list[Table]:
    """Questions two by two: the question, its chart (or its figures), who answered and one
    sentence written from the data. Charts are drawn at their print size (no scaling)."""
    col = st.WIDTH / 2
    cells = []
    for question, png, note, sentence in items:
        parts = [st.P(question, "cell_bold")]
        if png:
            parts.append(st.image(png, width=col - CHART_CELL_PADDING, max_height=25 * cm))
        if sentence:
            parts.append(st.P(sentence, "cell"))
        parts.append(st.P(note, "caption"))
        cells.append(parts)
    if len(cells) % 2:
        cells.append("")
    # one table per pair of questions: a section's title is kept with its first pair only
    return [_grid_row(cells[i : i + 2], col) for i in range(0, len(cells), 2)]


def _grid_row(pair, col) -> Table:
    t = Table([pair], colWidths=[col, col], hAlign="LEFT")
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

