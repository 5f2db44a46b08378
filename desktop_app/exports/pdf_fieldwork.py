"""Chapters of the PDF summary fed by the other feature areas: the actions chosen (with the
ranking chart), what the workshops and the fieldwork brought (forces, faiblesses,
préconisations, verbatims with consent), the questionnaires' results, the commitments' progress.

Each chapter reads the kit tools' answers (form responses, shared by every area) and, where the
area's service offers more (titles, dates, consent columns, the commitments table), reads
through that service if it exists. Nothing recorded: one "Aucune donnée" line.
"""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer

from desktop_app.exports import pdf_style as st

QUESTIONNAIRES = ("questionnaire-communes", "questionnaire-associations")


# --------------------------------------------------------------------------- actions


def actions(ctx) -> list:
    from desktop_app.exports.area_sources import actions_data

    data = actions_data(ctx)
    if data is None:
        return [st.nodata("Aucune action n’a encore été cotée avec la grille de choix des actions structurantes.")]
    out: list = [st.P(data.intro)]
    if data.chart:
        out.append(st.chart(data.chart, max_height=10 * cm, caption=data.chart_caption))
    if data.rows:
        out += st.h2("Le classement", "actions-classement")
        out.append(st.table(data.header, data.rows, data.widths))
    for title, key, block in data.details:
        out += st.h2(title, key)
        out += block
    return out


# --------------------------------------------------------------------------- ateliers et terrain


def _swot_block(title: str, subtitle: str, forces, faiblesses, precos) -> list:
    parts: list = [st.P(title, "h3")]
    if subtitle:
        parts.append(st.P(subtitle, "small"))
    for label, items, color, border in (
        ("Forces", forces, "#eaf5ea", "#2e7d32"),
        ("Faiblesses", faiblesses, "#fdecea", "#e53935"),
        ("Préconisations", precos, "#e6f0f7", "#1f5f8b"),
    ):
        if items:
            parts += [st.callout(label, items, color=st.colors.HexColor(color), border=st.colors.HexColor(border)), Spacer(1, 4)]
    return parts


def fieldwork(ctx) -> list:
    from desktop_app.exports.area_sources import fieldwork_data

    data = fieldwork_data(ctx)
    out: list = []
    if data.workshops:
        out += st.h2("Les ateliers d’évaluation", "terrain-ateliers")
        for w in data.workshops:
            out += _swot_block(w.title, w.subtitle, w.forces, w.faiblesses, w.preconisations)
            out.append(Spacer(1, 4))
    if data.immersions:
        out += st.h2("Les immersions", "terrain-immersions")
        for im in data.immersions:
            block = _swot_block(im.title, im.subtitle, im.forces, im.faiblesses, im.preconisations)
            if im.lessons:
                block.insert(2, st.P("Enseignements : " + " ; ".join(im.lessons), "body"))
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
            out.append(KeepTogether([st.P(f"« {quote} »", "quote"), st.P(by, "quote_by")]))
    if data.excluded:
        out.append(st.P(f"{data.excluded} témoignage(s) sans accord d’utilisation n’ont pas été repris.", "caption"))
    if not out:
        return [st.nodata("Aucun atelier, immersion ni témoignage n’a encore été saisi.")]
    return out


# --------------------------------------------------------------------------- questionnaires


def questionnaires(ctx) -> list:
    from desktop_app.exports.area_sources import questionnaire_data

    out: list = []
    for tool_id in QUESTIONNAIRES:
        if tool_id not in ctx.scope or tool_id not in ctx.kit.tools:
            continue
        data = questionnaire_data(ctx, tool_id)
        tool = ctx.kit.tool(tool_id)
        out += st.h2(tool.title, f"questionnaire-{tool_id}")
        if data is None or not data.respondents:
            out.append(st.nodata("Aucune réponse n’a encore été saisie ou importée."))
            continue
        out.append(st.P(data.summary, "lead"))
        for section_title, items in data.sections:
            if not items:
                continue
            out += st.h3(section_title)
            for question, png, note in items:
                if png:
                    out.append(st.chart(png, width=14.5 * cm, max_height=7 * cm, caption=f"{question}{(' — ' + note) if note else ''}"))
                else:
                    out.append(KeepTogether([st.P(question, "cell_bold"), st.P(note, "small"), Spacer(1, 4)]))
    return out or [st.nodata()]


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

