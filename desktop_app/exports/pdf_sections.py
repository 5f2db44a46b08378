"""Chapters of the PDF summary drawn from the Cadrage and the synthesis area: the essentials,
the frame and calendar, the référentiel, the conseils citoyens, the maturity scales, annexes.

Every function takes the `ReportContext` and returns reportlab flowables.
"""

from __future__ import annotations

import re

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from desktop_app.core.cadrage import EPCI_TYPES, MILESTONE_KINDS
from desktop_app.core.french import clean_name, plural, with_article
from desktop_app.core.identifiers import format_date_fr
from desktop_app.core.maturity import MaturityResult, format_points
from desktop_app.core.referentiel import EVIDENCE_KINDS
from desktop_app.exports import pdf_style as st
from desktop_app.exports.pdf_charts import appreciation_bars, radar, timeline
from desktop_app.kit.forms import KIND_LABELS

PROOFS_SHOWN = 6  # evidence links listed per indicator in the référentiel's table (all in annex A)
NOTE_CHARS = 2500  # a typed proof or comment longer than that is cut in the PDF (whole in the workbook)


def _date(iso: str) -> str:
    try:
        return format_date_fr(iso)
    except ValueError:
        return iso or ""


# --------------------------------------------------------------------------- L'essentiel


def essentials(ctx) -> list:
    t = ctx.cadrage.tables
    out: list = [
        st.P(
            f"Cette synthèse présente l’évaluation du contrat de ville {with_article(ctx.territory, prep='de')}. "
            "Elle suit le kit méthodologique : on y lit d’abord le cadre de l’évaluation, puis ce que "
            "les actions, les ateliers, le terrain et les questionnaires ont appris, enfin les "
            "appréciations portées sur le référentiel commun, la place des conseils citoyens et la "
            "maturité des politiques de lutte contre les discriminations et d’égalité femmes-hommes.",
            "lead",
        ),
    ]
    figures = [
        (str(len(t.get("qpv", []))), "quartiers prioritaires"),
        (str(len(t.get("commune", []))), "communes"),
        (str(len(t.get("partner", []))), "partenaires associés"),
    ]
    if _referential_in_scope(ctx):
        m = ctx.data.matrix
        figures.append((f"{m.filled}/{m.total}", "indicateurs du référentiel renseignés"))
    out += [Spacer(1, 6), st.figures(figures), Spacer(1, 10)]
    second = []
    councils = [c for c in ctx.data.councils if c.started] if any(
        x in ctx.scope for x in ctx.kit.tool_ids_with_role("council_tool")
    ) else []
    if councils:
        second.append((str(len(councils)), "conseils citoyens évalués"))
    for tool_id, name in ((t.id, _maturity_name(t)) for t in _maturity_scales(ctx)):
        if tool_id in ctx.scope:
            r = ctx.data.maturity[tool_id]
            if r.assessed:
                second.append((f"{format_points(r.score)}/{format_points(r.max_score)}", f"points — {name}"))
    if second:
        out += [st.figures(second), Spacer(1, 12)]

    if _referential_in_scope(ctx):
        m = ctx.data.matrix
        rows = []
        for q in m.questions:
            level = q.appreciation
            label = (level.label + (" (indicative)" if q.computed else "")) if level else "Non renseigné"
            rows.append(
                [
                    st.cell(f"{q.number}. {q.theme}", "cell_bold"),
                    st.cell(q.label),
                    st.chip(level.color if level else None, label, width=0.2 * st.WIDTH - 9),
                ]
            )
        out += st.h2("Les appréciations d’ensemble", "essentiel-appreciations")
        out.append(st.table(["Question évaluative", "Intitulé", "Appréciation"], rows, [0.2, 0.6, 0.2]))
        if any(q.computed for q in m.questions):
            out.append(
                st.P(
                    "« Indicative » : appréciation calculée à partir des indicateurs, en l’absence d’appréciation "
                    "d’ensemble portée par l’équipe.",
                    "caption",
                )
            )
    recos = []  # (recommendation, where it comes from)
    for tool_id in (t.id for t in _maturity_scales(ctx)):
        if tool_id in ctx.scope:
            r = ctx.data.maturity[tool_id]
            recos += [(f.text, f"{r.short_title}, domaine « {f.domain} »") for f in r.recommendations[:2]]
    if _referential_in_scope(ctx):
        recos += _referentiel_recommendations(ctx.data.matrix)
    recos += _voted_recommendations(ctx)
    if recos:
        out += st.h2("Les premières recommandations", "essentiel-recommandations")
        out.append(st.P("Chaque recommandation dit d’où elle vient : les échelles de maturité, les appréciations du référentiel, "
                        "les préconisations votées en atelier.", "small"))
        out.append(st.table(["Recommandation", "D’où elle vient"], [[text, source] for text, source in recos], [0.68, 0.32]))
    return out


def _referentiel_recommendations(m, limit: int = 3) -> list[tuple[str, str]]:
    """The indicators judged the furthest from their target, with the team's comment: what to
    work on first."""
    judged = [
        (c.appreciation.score, q.number, c) for q in m.questions for c in q.cells
        if c.appreciation and c.appreciation.score is not None and c.comment
    ]
    if not judged:
        return []
    best = max(s for s, _, _ in judged)
    weakest = sorted((j for j in judged if j[0] < best), key=lambda j: (j[0], j[1], j[2].code))[:limit]
    out = []
    for _, number, c in weakest:
        label = c.label[:1].lower() + c.label[1:]
        out.append((f"Remédier en priorité : {label}. {c.comment}",
                    f"Référentiel, question {number}, indicateur {c.code} ({c.appreciation.label.lower()})"))
    return out


_VOTES_RE = re.compile(r"\s*\((\d+)\s+gommettes?\)\s*$")


def _voted_recommendations(ctx, limit: int = 3) -> list[tuple[str, str]]:
    """The préconisations the ateliers voted for most (their gommettes)."""
    from desktop_app.exports.area_sources import fieldwork_data

    voted = []
    for w in fieldwork_data(ctx).workshops:
        for text in w.preconisations:
            m = _VOTES_RE.search(text)
            if m:
                votes = int(m.group(1))
                clean = re.sub(r"^\d+\.\s*", "", _VOTES_RE.sub("", text)).strip()
                voted.append((votes, clean, w.title))
    voted.sort(key=lambda v: -v[0])
    return [(text, f"{title}, préconisation votée ({plural(votes, 'gommette')})") for votes, text, title in voted[:limit]]


# --------------------------------------------------------------------------- cadre et calendrier


def frame(ctx) -> list:
    f = ctx.cadrage.fields
    t = ctx.cadrage.tables
    out: list = []
    period = ""
    if f.get("start_date") or f.get("end_date"):
        period = f"du {_date(f.get('start_date', ''))} au {_date(f.get('end_date', ''))}"
    out += st.h2("Le territoire et le contrat", "cadre-territoire")
    out.append(
        st.key_values(
            [
                ("Intercommunalité", ctx.territory),
                ("Type", EPCI_TYPES.get(f.get("epci_type", ""), f.get("epci_type", "")) or "—"),
                ("SIREN", f.get("siren", "")),
                ("Génération du contrat", ctx.summary.generation_label),
                ("Période de l’évaluation", period or "—"),
            ]
        )
    )
    if f.get("description"):
        out += [Spacer(1, 8), st.P("Objet de l’évaluation", "h3"), st.P(f["description"])]

    out += st.h2("Les quartiers prioritaires", "cadre-qpv")
    qpv = t.get("qpv", [])
    if qpv:
        out.append(st.table(["Code", "Quartier", "Commune(s)"], [[q["code"], q["name"], q["communes"]] for q in qpv], [0.16, 0.44, 0.4]))
        communes = ", ".join(f"{c['name']} ({c['insee']})" for c in t.get("commune", []))
        if communes:
            out += [Spacer(1, 6), st.P(f"Communes concernées : {communes}.", "small")]
    else:
        out.append(st.nodata("Aucun quartier n’est renseigné dans le Cadrage."))

    out += st.h2("Les partenaires associés", "cadre-partenaires")
    partners = t.get("partner", [])
    if partners:
        out.append(
            st.table(
                ["Institution ou structure", "Contact", "Rôle dans le contrat"],
                [[clean_name(p["organisation"]), p["contact"], p["role"]] for p in partners],
                [0.42, 0.24, 0.34],
            )
        )
    else:
        out.append(st.nodata("Aucun partenaire n’est renseigné dans le Cadrage."))

    out += st.h2("L’équipe d’évaluation", "cadre-equipe")
    team = t.get("team_member", [])
    if team:
        out.append(
            st.table(
                ["Nom", "Structure", "Rôle", "Pilote"],
                [[m["name"], m["organisation"], m["role"], "Oui" if m.get("is_pilot") else ""] for m in team],
                [0.22, 0.34, 0.34, 0.1],
            )
        )
    else:
        out.append(st.nodata("L’équipe n’est pas renseignée."))

    out += st.h2("Le calendrier", "cadre-calendrier")
    milestones = t.get("milestone", [])
    if milestones:
        png = timeline([(m["date"], m["kind"], m["label"]) for m in milestones], MILESTONE_KINDS)
        if png:
            out.append(st.chart(png, max_height=9.5 * cm, caption="Les jalons de l’évaluation."))
        out.append(
            st.table(
                ["Date", "Étape", "Intitulé", "Lieu"],
                [[_date(m["date"]), MILESTONE_KINDS.get(m["kind"], m["kind"]), m["label"], m["place"]] for m in milestones],
                [0.12, 0.22, 0.4, 0.26],
            )
        )
    else:
        out.append(st.nodata("Aucun jalon n’est inscrit au calendrier."))

    out += st.h2("Les outils du kit mobilisés", "cadre-outils")
    rows = []
    for tool_id in ctx.kit.tools:
        if tool_id not in ctx.scope:
            continue
        tool = ctx.kit.tool(tool_id)
        n = len(ctx.responses_of(tool_id))
        rows.append([str(tool.number or ""), tool.title, KIND_LABELS.get(tool.kind, tool.kind), str(n) if n else "—"])
    if rows:
        out.append(st.table(["N°", "Outil", "Nature", "Fiches"], rows, [0.06, 0.6, 0.22, 0.12]))
    return out


# --------------------------------------------------------------------------- référentiel


def _scale_legend(scale) -> Table:
    cells = [st.chip(lv.color, lv.label, width=st.WIDTH / len(scale) - 4) for lv in scale]
    t = Table([cells], colWidths=[st.WIDTH / len(scale)] * len(scale), hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.SANS), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
    return t


def _matrix_table(m) -> Table:
    """Questions × sub-questions, one coloured square per indicator."""
    max_ind = max((len(sq.cells) for q in m.questions for sq in q.sub_questions), default=1)
    ind_w = 0.085
    widths = [0.17, 1 - 0.17 - ind_w * max_ind] + [ind_w] * max_ind
    data = [[st.cell("Question", "cell_head"), st.cell("Sous-question", "cell_head")] + [st.cell("", "cell_head")] * max_ind]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), st.ACCENT),
        ("SPAN", (2, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, st.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    data[0][2] = st.cell("Indicateurs", "cell_head")
    row = 1
    for q in m.questions:
        first = row
        for sq in q.sub_questions:
            line = [st.cell(f"{q.number}. {q.theme}", "cell_bold") if row == first else "", st.cell(f"{sq.code} {sq.label}", "cell_small")]
            for i in range(max_ind):
                if i < len(sq.cells):
                    c = sq.cells[i]
                    color = c.appreciation.color if c.appreciation else "#eeeeee"
                    line.append(st.chip(color, c.code, width=ind_w * st.WIDTH - 6))
                else:
                    line.append("")
            data.append(line)
            row += 1
        style.append(("SPAN", (0, first), (0, row - 1)))
        style.append(("VALIGN", (0, first), (0, row - 1), "TOP"))
        style.append(("LINEBELOW", (0, row - 1), (-1, row - 1), 1, st.ACCENT))
    t = Table(data, colWidths=[w * st.WIDTH for w in widths], repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.SANS), *style]))
    return t


def _question_summary(q, scale) -> str:
    """A sentence from the indicators when the team wrote no comment on the question."""
    cells = q.cells
    judged = {lv.value: 0 for lv in scale}
    for c in cells:
        if c.appreciation:
            judged[c.appreciation.value] = judged.get(c.appreciation.value, 0) + 1
    parts = [f"{lv.label.lower()} : {judged[lv.value]}" for lv in scale if judged.get(lv.value) and lv.score is not None]
    how = "Appréciation indicative, calculée à partir des indicateurs." if q.computed else "Appréciation portée par l’équipe, sans commentaire."
    if not parts:
        return how + f" Aucun de ses {plural(len(cells), 'indicateur')} n’est encore apprécié."
    n = sum(judged[lv.value] for lv in scale if lv.score is not None)
    return how + f" {n} de ses {plural(len(cells), 'indicateur')} {'sont appréciés' if n > 1 else 'est apprécié'} — " + ", ".join(parts) + "."


def _referential_in_scope(ctx) -> bool:
    ref = ctx.kit.tool_id_for_role("referential")
    return ref is not None and ref in ctx.scope


def _maturity_scales(ctx) -> list:
    """The kit's maturity scales, in the order their YAML gives in the report."""
    return [t for t in ctx.kit.tools_in_report_section("maturite") if t.role == "maturity_scale"]


def _maturity_name(tool) -> str:
    """"maturité lutte contre les discriminations", from "Échelle de maturité : lutte contre…"."""
    _head, sep, tail = tool.title.partition(" : ")
    return f"maturité {tail}" if sep else (tool.short_title or tool.title)


def referentiel(ctx) -> list:
    m = ctx.data.matrix
    tool = ctx.kit.tool_for_role("referential")
    links = ctx.data.evidence
    by_ind: dict[str, list] = {}
    for link in links:
        by_ind.setdefault(link.indicator_id, []).append(link)
    out: list = [st.P(tool.purpose), Spacer(1, 4)]
    out.append(
        st.figures(
            [
                (f"{m.filled}/{m.total}", "indicateurs renseignés"),
                (str(m.appreciated), "indicateurs appréciés"),
                (str(len(links)), "preuves liées"),
            ]
        )
    )
    out += st.h2("La matrice des appréciations", "referentiel-matrice")
    out.append(st.P("Chaque case est un indicateur, colorée selon l’appréciation portée ; en gris clair, les indicateurs non appréciés.", "small"))
    out.append(_scale_legend(m.scale))
    out.append(Spacer(1, 6))
    out.append(_matrix_table(m))
    out.append(Spacer(1, 10))
    levels = [(lv.value, lv.label, lv.color) for lv in m.scale]
    png = appreciation_bars([f"{q.number}. {q.theme}" for q in m.questions], levels, [dict(q.counts) for q in m.questions])
    out.append(st.chart(png, max_height=6.5 * cm, caption="Répartition des indicateurs par appréciation, pour chaque question évaluative."))

    for q in m.questions:
        out += st.h2(f"{q.number}. {q.theme}", f"referentiel-{q.id}")
        out.append(st.P(q.label, "muted"))
        level = q.appreciation
        head = [
            st.chip(level.color if level else None, (level.label if level else "Non renseigné"), width=4 * cm),
            st.P(q.comment or _question_summary(q, m.scale), "small"),
        ]
        ht = Table([head], colWidths=[4.4 * cm, st.WIDTH - 4.4 * cm], hAlign="LEFT")
        ht.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.SANS), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        out += [ht, Spacer(1, 6)]
        rows = []
        extra = []
        for sq in q.sub_questions:
            extra.append(("SPAN", (0, len(rows) + 1), (-1, len(rows) + 1)))
            extra.append(("BACKGROUND", (0, len(rows) + 1), (-1, len(rows) + 1), st.ACCENT_LIGHT))
            # a sub-question never ends a page without its first indicator
            extra.append(("NOSPLIT", (0, len(rows) + 1), (-1, len(rows) + 2)))
            rows.append([st.cell(f"{sq.code} {sq.label}", "cell_bold"), "", "", "", ""])
            for c in sq.cells:
                rows.append(
                    [
                        st.cell(f"{c.code} {c.label}"),
                        st.cell(c.value_text()),
                        st.cell(c.goal_text() or "—", "cell_small"),
                        st.cell(c.source_text, "cell_small"),
                        st.chip(c.appreciation.color if c.appreciation else None, c.appreciation.label if c.appreciation else "—", width=0.16 * st.WIDTH - 9),
                    ]
                )
                notes = _indicator_notes(c, by_ind.get(c.id, []))
                if notes:  # proofs and comments across the whole width, under their indicator
                    extra.append(("SPAN", (0, len(rows) + 1), (-1, len(rows) + 1)))
                    extra.append(("LINEBELOW", (0, len(rows)), (-1, len(rows)), 0, colors.white))
                    extra.append(("NOSPLIT", (0, len(rows)), (-1, len(rows) + 1)))  # capped: both fit a page
                    rows.append([st.cell(notes, "cell_small"), "", "", "", ""])
        out.append(
            st.table(
                ["Indicateur", "Valeur", "Cible et référence", "Source", "Appréciation"],
                rows,
                [0.28, 0.18, 0.21, 0.17, 0.16],
                zebra=False,
                extra=extra,
            )
        )
    return out



# --------------------------------------------------------------------------- maturité


def _indicator_notes(c, linked) -> str:
    """The proofs, evidence links, override reason and comment of an indicator, one per line.
    A text typed at great length is cut (a table row cannot outgrow a page), and says where the
    whole of it is."""
    def cut(text: str) -> str:
        text = (text or "").strip()
        if len(text) <= NOTE_CHARS:
            return text
        size = f"{len(text):,}".replace(",", "\u202f")
        return text[:NOTE_CHARS].rsplit(" ", 1)[0] + f" … [texte coupé : {size} caractères, complet dans le classeur des grilles]"

    lines = [f"Preuves : {cut(c.proofs)}"] if c.proofs else []
    lines += [f"▸ {e.label}" for e in linked[:PROOFS_SHOWN]]
    if len(linked) > PROOFS_SHOWN:  # every one is in annex A
        more = len(linked) - PROOFS_SHOWN
        lines.append(f"… et {more} autre{'s' if more > 1 else ''} preuve{'s' if more > 1 else ''} liée{'s' if more > 1 else ''} (annexe A)")
    if c.override_reason:
        lines.append(f"Motif de l’écart avec le calcul : {cut(c.override_reason)}")
    if c.comment:
        lines.append(f"Commentaire : {cut(c.comment)}")
    return "\n".join(lines)


def _maturity_block(ctx, r: MaturityResult, key: str) -> list:
    title = st.h2(r.title.replace("Échelle de maturité : ", "").capitalize(), key)
    out: list = []
    if not r.assessed:
        return [*title, st.nodata("L’échelle n’a pas encore été remplie.")]
    overall = r.overall
    head = [
        st.figures(
            [
                (f"{format_points(r.score)} / {format_points(r.max_score)}", "points"),
                (f"{round(r.percent)} %", "du niveau le plus avancé"),
                (f"{r.assessed}/{r.total}", "domaines évalués"),
                (f"{overall.number} – {overall.label}" if overall else "—", "niveau d’ensemble (moyenne des domaines, arrondie au niveau inférieur)"),
            ]
        ),
        Spacer(1, 6),
    ]
    png = radar([d.label for d in r.domains], r.profile(), r.max_level, width_pt=9.4 * cm)
    radar_img = st.image(png, width=9.4 * cm, max_height=8.6 * cm)
    legend_rows = [
        [st.cell(d.label, "cell"), st.chip(d.level.color if d.level else None, f"{d.level.number} – {d.level.label}" if d.level else "—", width=3.7 * cm)]
        for d in r.domains
    ]
    left_w = 9.6 * cm
    legend = Table(legend_rows, colWidths=[st.WIDTH - left_w - 3.9 * cm, 3.9 * cm])
    legend.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.SANS), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, st.RULE), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
    side = Table([[radar_img, legend]], colWidths=[left_w, st.WIDTH - left_w], hAlign="LEFT")
    side.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.SANS), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    out.append(KeepTogether([*title, *head, side]))  # the title, the figures and the radar on one page
    out += st.h3("Niveau retenu et justification, domaine par domaine")
    rows = [
        [
            st.cell(d.label, "cell_bold"),
            st.chip(d.level.color if d.level else None, f"{d.level.number} – {d.level.label}" if d.level else "Non évalué", width=0.2 * st.WIDTH - 9),
            st.cell(d.justification or "—"),
        ]
        for d in r.domains
    ]
    out.append(st.table(["Domaine", "Niveau", "Justification"], rows, [0.22, 0.2, 0.58]))
    out.append(Spacer(1, 8))
    if r.strengths:
        out.append(KeepTogether([st.callout("Points forts", [(f.domain, f.text) for f in r.strengths], color=st.colors.HexColor("#eaf5ea"), border=st.colors.HexColor("#2e7d32")), Spacer(1, 6)]))
    if r.progress:
        out.append(KeepTogether([st.callout("Axes de progrès", [(f.domain, f.text) for f in r.progress], color=st.colors.HexColor("#fff4e5"), border=st.WARM), Spacer(1, 6)]))
    if r.recommendations:
        out.append(KeepTogether([st.callout("Recommandations", [(f.domain, f.text) for f in r.recommendations]), Spacer(1, 6)]))
    return out


def maturity(ctx) -> list:
    out: list = [
        st.P(
            "Les échelles de maturité situent chaque politique locale sur six niveaux, de l’inaction (0) à "
            "l’exemplarité (5), dans sept domaines. Le niveau retenu décrit la situation réelle constatée, pas les "
            "intentions ; il s’appuie sur des preuves. Les points forts, axes de progrès et recommandations en découlent."
        )
    ]
    results = []
    for tool_id in (t.id for t in _maturity_scales(ctx)):
        if tool_id in ctx.scope:
            r = ctx.data.maturity[tool_id]
            results.append(r)
            out += _maturity_block(ctx, r, f"maturite-{tool_id}")
    if len(results) == 2 and all(r.assessed for r in results) and [d.id for d in results[0].domains] == [d.id for d in results[1].domains]:
        a, b = results
        out += st.h2("Les deux politiques comparées", "maturite-comparaison")
        png = radar(
            [d.label for d in a.domains], b.profile(), a.max_level, compare=a.profile(), compare_label=a.short_title,
            label=b.short_title, width_pt=11 * cm,
        )
        out.append(st.chart(png, width=11 * cm, max_height=10.5 * cm, caption=f"Trait plein : {b.short_title} ; pointillés : {a.short_title}."))
    return out


# --------------------------------------------------------------------------- annexes


GLOSSARY = [
    ("ANCT", "Agence nationale de la cohésion des territoires"),
    ("CIDFF", "Centre d’information sur les droits des femmes et des familles"),
    ("COPIL / COTECH", "Comité de pilotage / comité technique du contrat de ville"),
    ("CPO", "Convention pluriannuelle d’objectifs"),
    ("CRPV", "Centre de ressources politique de la ville"),
    ("EPCI", "Établissement public de coopération intercommunale"),
    ("EFH", "Égalité entre les femmes et les hommes"),
    ("LCD", "Lutte contre les discriminations"),
    ("NPNRU", "Nouveau programme national de renouvellement urbain"),
    ("QPV", "Quartier prioritaire de la politique de la ville"),
]


def annexes(ctx) -> list:
    out: list = []
    if _referential_in_scope(ctx):
        links = ctx.data.evidence
        out += st.h2("A. Les preuves rassemblées pour le référentiel", "annexe-preuves")
        if links:
            targets = ctx.data.referentiel_targets
            rows = [
                [targets.get(e.indicator_id, e.indicator_id), e.label + ("" if e.available else " (supprimé depuis)"), EVIDENCE_KINDS.get(e.kind, e.kind)]
                for e in links
            ]
            out.append(st.table(["Indicateur", "Preuve", "Nature"], rows, [0.42, 0.4, 0.18]))
        else:
            out.append(st.nodata("Aucune preuve n’a été liée aux indicateurs."))
        m = ctx.data.matrix
        out += st.h2("B. L’échelle d’appréciation", "annexe-echelle")
        out.append(_scale_legend(m.scale))
        out.append(Spacer(1, 4))
        out.append(
            st.P(
                "« Non renseigné » signale une donnée manquante : c’est aussi un résultat de l’évaluation. "
                "L’appréciation d’ensemble d’une question est portée par l’équipe ; à défaut, le rapport en propose une, "
                "indicative, calculée comme la moyenne des appréciations de ses indicateurs.",
                "small",
            )
        )
    scales = [t for t in _maturity_scales(ctx) if t.id in ctx.scope]
    if scales:
        tool = scales[0]
        out += st.h2("C. Les niveaux des échelles de maturité", "annexe-maturite")
        out.append(st.table(["Niveau", "Nom"], [[c.value, c.label] for c in tool.levels], [0.15, 0.85]))
    out += st.h2("D. Données personnelles", "annexe-rgpd")
    out.append(
        st.P(
            "Les témoignages et les paroles citées sont pseudonymisés : aucune personne n’est nommée. Seuls figurent "
            "dans ce rapport les propos des personnes qui ont donné leur accord à leur utilisation pour l’évaluation. "
            "Les informations sur les membres des conseils citoyens sont agrégées. Les données pseudonymisées restent "
            "des données personnelles : ce rapport se diffuse dans le cadre de l’évaluation du contrat de ville."
        )
    )
    out.append(KeepTogether([*st.h2("E. Sigles", "annexe-sigles"), st.table(["Sigle", "Signification"], GLOSSARY, [0.2, 0.8])]))
    out += _free_texts_annex(ctx)
    out += _record_sheets_annex(ctx)
    return out


def _record_sheets_annex(ctx) -> list:
    """G. The sheets filled once per evaluation (kit tools with the role `step_form`: the state
    of the QPV, the annual reports' figures, the evaluative questions of the LCD and EFH axes…),
    question by question, repeat groups as tables. Personal and sensitive answers are left out and
    free text goes through the privacy filter, as everywhere in the report."""
    from desktop_app.core.answer_text import display_value
    from desktop_app.exports.area_sources import mask
    from desktop_app.kit.forms import compile_tool

    tools = [t for t in ctx.kit.tools.values() if t.role == "step_form" and t.id in ctx.scope]
    blocks: list = []
    for tool in tools:
        responses = [r for r in ctx.responses_of(tool.id) if r.answers]
        if not responses:
            continue
        form = compile_tool(ctx.kit, tool.id)
        shown = [f for p in form.pages for f in p.fields]
        blocks.append(st.P(tool.title, "h3"))
        for r in responses:
            for f in shown:
                value = r.answers.get(f.id)
                if not f.answerable or f.personal or f.sensitive or value in (None, "", []):
                    continue
                if f.type == "repeat_group" and isinstance(value, list):
                    columns = [c for c in f.children if c.answerable and not (c.personal or c.sensitive)]
                    rows = [[mask(display_value(c, item.get(c.id))) for c in columns]
                            for item in value if isinstance(item, dict)]
                    rows = [row for row in rows if any(row)]
                    if not (columns and rows):
                        continue
                    blocks.append(st.P(f.label, "cell_bold"))
                    if len(columns) <= 4:  # a narrow group reads as one table
                        blocks.append(st.table([c.label for c in columns], rows, [1 / len(columns)] * len(columns)))
                    else:  # a wide one (a QPV's 13 answers): one question / answer table per item
                        for n, row in enumerate(rows, start=1):
                            name = " — ".join(x for x in row[:2] if x)
                            blocks.append(st.P(f"{f.item_label or 'Élément'} {n}" + (f" : {name}" if name else ""), "h4"))
                            blocks.append(st.table(["Question", "Réponse"],
                                                   [[c.label, x] for c, x in zip(columns, row, strict=True) if x], [0.42, 0.58]))
                    blocks.append(Spacer(1, 6))
                    continue
                text = mask(display_value(f, value))
                if text:
                    blocks.append(KeepTogether([st.P(f.label, "cell_bold"), st.P(text)]))
                    blocks.append(Spacer(1, 3))
    if not blocks:
        return []
    return [*st.h2("G. Les fiches de l’évaluation", "annexe-fiches"), *blocks]


def _free_texts_annex(ctx) -> list:
    """F. The questionnaires' free answers, pseudonymised (gathered by their chapter)."""
    gathered = getattr(ctx, "free_texts", None) or []
    if not gathered:
        return []
    out: list = st.h2("F. Les réponses libres aux questionnaires", "annexe-reponses-libres")
    out.append(st.P("Réponses reproduites telles que saisies, sans les noms de personnes, adresses ni numéros de téléphone ; une réponse donnée plusieurs fois est écrite une fois, avec leur nombre. Les coordonnées personnelles ne sont pas reproduites.", "small"))
    for title, questions in gathered:
        out.append(st.P(title, "h3"))
        for question, answers in questions:
            lines = _grouped(answers)
            out.append(KeepTogether([st.P(question, "cell_bold"), *st.bullets(lines[:1], "cell_bullet")]))
            out += st.bullets(lines[1:], "cell_bullet")
            out.append(Spacer(1, 4))
    return out


def _grouped(answers) -> list[str]:
    """The same answer given several times listed once, with how many gave it, most given first."""
    from collections import Counter

    counts = Counter(" ".join(str(a).split()) for a in answers if str(a or "").strip())
    order = sorted(counts, key=lambda a: -counts[a])  # stable: first seen first among equals
    return [a + (f" ({counts[a]} réponses)" if counts[a] > 1 else "") for a in order]
