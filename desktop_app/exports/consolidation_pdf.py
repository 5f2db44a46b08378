"""The resource centre's consolidation as a PDF report, A4 portrait: a cover, a table of
contents, one chapter per part opening with a paragraph on what stands out
(`core.consolidation_text`), heat-map tables, charts drawn at print size (text ≥ 7 pt, French
decimals), and « n / N » on every page.

Data in (`Consolidation`), file out (atomically). Styles and building blocks: `pdf_style`.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.tableofcontents import TableOfContents

from desktop_app import __version__
from desktop_app.core import consolidation_text as say
from desktop_app.core.consolidation import NOT_FILLED, Consolidation
from desktop_app.core.fieldwork import COMMITMENT_STATUSES, UNSET_STATUS
from desktop_app.core.french import format_number, format_year, plural
from desktop_app.exports import pdf_style as st
from desktop_app.exports.consolidation_pdf_sheets import sheets_chapter
from desktop_app.exports.pdf_bars import PrintBars
from desktop_app.exports.safe_output import atomic_output

TITLE = "Vue consolidée des évaluations des contrats de ville"
MAX_OPTION_COLUMNS = 5
GREY = "#e3e7ea"
HEAT_HEAD_PT = 7.2


class _Template(st.SketchingDocTemplate):
    def __init__(self, filename: str, data: Consolidation):
        super().__init__(
            filename, pagesize=st.PAGE, leftMargin=st.MARGIN_X, rightMargin=st.MARGIN_X, topMargin=st.MARGIN_TOP,
            bottomMargin=st.MARGIN_BOTTOM, title=TITLE, author="Centre de ressources", lang="fr-FR",
            subject="Consolidation des évaluations des territoires", creator=f"EvalKit Quartiers {__version__}",
        )
        self.data = data
        self.chapter = ""
        body = st.LayoutFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0, rightPadding=0)
        cover = st.LayoutFrame(self.leftMargin, 2.5 * cm, self.width, 11 * cm, id="cover", leftPadding=0, rightPadding=0)
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[cover], onPage=self._cover),
            PageTemplate(id="body", frames=[body], onPageEnd=self._running),
        ])

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, st.Heading):
            if flowable.toc_level == 0:
                self.chapter = flowable.toc_text
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(st.typo(flowable.toc_text), flowable.toc_key, level=flowable.toc_level, closed=True)
            self.notify("TOCEntry", (flowable.toc_level, st.para_text(flowable.toc_text), self.page, flowable.toc_key))

    def handle_documentBegin(self):
        self.chapter = "Sommaire"
        super().handle_documentBegin()

    def _running(self, canv, doc) -> None:
        canv.saveState()
        top = st.PAGE[1] - 1.35 * cm
        canv.setFont(st.SANS, 7.6)
        canv.setFillColor(st.MUTED)
        canv.drawString(st.MARGIN_X, top, st.typo(TITLE))
        canv.drawRightString(st.PAGE[0] - st.MARGIN_X, top, st.typo(self.chapter)[:70])
        canv.setStrokeColor(st.RULE)
        canv.setLineWidth(0.5)
        canv.line(st.MARGIN_X, top - 5, st.PAGE[0] - st.MARGIN_X, top - 5)
        canv.setFont(st.SANS, 7.8)
        canv.drawString(st.MARGIN_X, 1.15 * cm, f"Édité le {self.data.generated_at:%d/%m/%Y}")
        canv.restoreState()

    def _cover(self, canv, doc) -> None:
        w, h = st.PAGE
        band = h * 0.52
        canv.saveState()
        canv.setFillColor(st.ACCENT_DARK)
        canv.rect(0, h - band, w, band, stroke=0, fill=1)
        canv.setFillColor(st.WARM)
        canv.rect(st.MARGIN_X, h - band + 1.1 * cm, 3.2 * cm, 0.16 * cm, stroke=0, fill=1)
        y = h - 4.2 * cm
        s = st.styles()
        n = len(self.data.territories)
        for text, style, gap in (
            ("CENTRE DE RESSOURCES POLITIQUE DE LA VILLE", "cover_kicker", 0.5 * cm),
            (TITLE, "cover_title", 0.55 * cm),
            (f"{plural(n, 'territoire')} — édité le {self.data.generated_at:%d/%m/%Y}", "cover_sub", 0),
        ):
            p = Paragraph(st.para_text(text), s[style])
            _, ph = p.wrap((w - 2 * st.MARGIN_X) * 0.9, h)
            y -= ph
            p.drawOn(canv, st.MARGIN_X, y)
            y -= gap
        canv.setFont(st.SANS, 8)
        canv.setFillColor(st.MUTED)
        canv.drawString(st.MARGIN_X, 1.15 * cm, f"EvalKit Quartiers {__version__}")
        canv.restoreState()


# --------------------------------------------------------------------------- building blocks


def _initials(label: str) -> str:
    return "".join(w[0] for w in label.replace("-", " ").split() if w[0].isalpha()).upper()[:4]


def heat_table(header: list[str], rows: list[tuple[str, list[tuple[str, str | None]]]], first: float):
    """Rows of coloured cells (text, colour) under a header; `first` is the first column's share."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    n = max(len(header) - 1, 1)
    words = [w for h in header[1:] for w in h.split()] or [""]
    longest = max(stringWidth(w, st.COND_BOLD, HEAT_HEAD_PT) for w in words)
    # narrow the first column (down to 16 %) so that no header word is cut in the middle
    first = min(first, max(0.16, 1 - n * (longest + 4) / st.WIDTH))
    widths = [first] + [(1 - first) / n] * n
    fits_bold = longest + 4 <= widths[1] * st.WIDTH
    from reportlab.lib.styles import ParagraphStyle

    light = st.styles()["cell_center"]
    dark = ParagraphStyle("heat_dark", parent=light, textColor=colors.white)
    body, extra = [], []
    for r, (label, cells) in enumerate(rows, start=1):
        line = [st.cell(label)]
        for c, (text, color) in enumerate(cells, start=1):
            extra.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(color or GREY)))
            line.append(Paragraph(st.para_text(text), dark if color and st._is_dark(color) else light))
        body.append(line)
    t = st.table(header, body, widths, zebra=False, extra=[
        *extra, ("GRID", (1, 1), (-1, -1), 0.6, colors.white),
        ("LEFTPADDING", (1, 0), (-1, -1), 1.5), ("RIGHTPADDING", (1, 0), (-1, -1), 1.5),
    ])
    for c in range(1, len(header)):  # narrow columns: a smaller header that wraps between words
        t._cellvalues[0][c] = Paragraph(st.para_text(header[c]), _HEAD_SMALL(fits_bold))
    return t


def _H3_FREE():
    """The h3 style without keepWithNext (the heading is kept with its block by KeepTogether)."""
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("h3_free", parent=st.styles()["h3"], keepWithNext=0)


def _HEAD_SMALL(bold: bool = True):
    from reportlab.lib.styles import ParagraphStyle

    base = st.styles()["cell_head"]
    return ParagraphStyle("heat_head", parent=base, fontName=st.COND_BOLD if bold else st.COND, fontSize=HEAT_HEAD_PT, leading=8.6)


def _level_color(value: float | None, top: float) -> str | None:
    """A blue ramp for maturity levels (light = low, dark = high)."""
    if value is None:
        return None
    ramp = ["#eef4f9", "#cfe2f0", "#9ec5e2", "#6aa6d2", "#3a82b8", "#1f5f8b"]
    i = round(max(0.0, min(1.0, value / (top or 1))) * (len(ramp) - 1))
    return ramp[i]


def _num(v: float | None, decimals: int = 1, year: bool = False) -> str:
    if v is None:
        return "—"
    return format_year(v) if year else format_number(round(v, decimals))


def _chapter(story: list, title: str, key: str, paragraph: str) -> None:
    story.append(PageBreak())
    story += st.h1(title, key)
    story.append(st.callout("Ce qui ressort", [paragraph]))
    story.append(Spacer(1, 8))


# --------------------------------------------------------------------------- sections


def _territories(data: Consolidation, story: list) -> None:
    _chapter(story, "1. Territoires et avancement", "territoires", say.territories_text(data))
    rows = [[t.territory or t.title, t.title, t.generation, f"{t.steps_done} / {t.steps_total}", say.pct(t.completion, 1),
             f"{t.updated_at:%d/%m/%Y}", str(t.testimonies)] for t in data.territories]
    story.append(st.table(["Territoire", "Évaluation", "Génération", "Étapes", "Avancement", "Mise à jour", "Témoi\u00adgnages"],
                          rows, [0.2, 0.27, 0.12, 0.08, 0.11, 0.11, 0.11]))


def _referential(data: Consolidation, story: list) -> None:
    _chapter(story, "2. Référentiel évaluatif", "referentiel", say.referential_text(data))
    if not data.questions:
        return
    levels = {lv.value: lv for lv in data.scale}
    abbrev = {lv.value: ("—" if lv.value == NOT_FILLED else _initials(lv.label)) for lv in data.scale}
    legend = " · ".join(f"{abbrev[lv.value]} : {lv.label.lower()}" for lv in data.scale)
    story += st.h2("Répartition des appréciations par question", "ref-repartition")
    story.append(st.table(
        ["Question"] + [lv.label for lv in data.scale],
        [[f"{q.number}. {q.theme}"] + [str(q.counts.get(lv.value, 0)) for lv in data.scale] for q in data.questions],
        [0.4] + [0.6 / len(data.scale)] * len(data.scale),
    ))
    story += st.h2("Appréciation de chaque territoire", "ref-territoires")
    rows = []
    for t in data.territories:
        cells = []
        for q in data.questions:
            v = q.by_territory.get(t.evaluation_id, NOT_FILLED)
            lv = levels.get(v)
            mark = " *" if t.evaluation_id in q.computed and v != NOT_FILLED else ""
            cells.append(((lv.label if lv else v) + mark, lv.color if lv else None))
        rows.append((data.territory_name(t.evaluation_id), cells))
    story.append(heat_table(["Territoire"] + [f"{q.number}. {q.theme}" for q in data.questions], rows, 0.28))
    story.append(st.P("* appréciation proposée par la synthèse du territoire d'après ses indicateurs "
                      "(aucune appréciation d'ensemble n'a été donnée).", "caption"))
    for q in data.questions:
        inds = [i for i in data.indicators if i.question_id == q.question_id]
        if not inds:
            continue
        story += st.h2(f"Question {q.number} — {q.theme} : les indicateurs", f"ref-q{q.number}")
        story.append(st.table(
            ["Code", "Indicateur", "Cible"] + [abbrev[lv.value] for lv in data.scale],
            [[i.code, i.label, i.target or "—"] + [str(i.counts().get(lv.value, 0)) for lv in data.scale] for i in inds],
            [0.08, 0.40, 0.17] + [0.35 / len(data.scale)] * len(data.scale),
        ))
        story.append(Spacer(1, 6))
        rows = []
        for t in data.territories:
            cells = []
            for i in inds:
                v = i.appreciation.get(t.evaluation_id, NOT_FILLED)
                cells.append((abbrev.get(v, "—"), levels[v].color if v in levels and v != NOT_FILLED else None))
            rows.append((data.territory_name(t.evaluation_id), cells))
        story.append(heat_table(["Territoire"] + [i.code for i in inds], rows, 0.24))
        story.append(st.P(legend, "caption"))
        computed = [i for i in inds if any(i.computed.values())]
        if computed:  # figures comparable across territories: computed the same way from each one's data
            values = [[data.territory_name(t.evaluation_id)] + [i.computed.get(t.evaluation_id) or "—" for i in computed]
                      for t in data.territories]
            story.append(Spacer(1, 4))
            story.append(st.table(["Territoire"] + [f"{i.code} — cible : {i.target}" if i.target else i.code for i in computed],
                                  values, [0.28] + [0.72 / len(computed)] * len(computed)))
            story.append(st.P("Valeurs calculées à partir des données de chaque territoire (questionnaires, suivi des "
                              "engagements, programmation). Les valeurs retenues par les territoires, leurs valeurs de "
                              "référence et leurs sources sont dans le classeur, feuille « Indicateurs ».", "caption"))


def _option_columns(q) -> list[str]:
    labels = [lbl for lbl, _ in q.counts]
    if len(labels) <= MAX_OPTION_COLUMNS:
        return labels
    return labels[: MAX_OPTION_COLUMNS - 1]


def _questionnaires(data: Consolidation, story: list) -> None:
    story.append(PageBreak())
    story += st.h1("3. Questionnaires", "questionnaires")
    if not data.questionnaires:
        story.append(st.nodata("Le kit n'a pas de questionnaire."))
    for k, qn in enumerate(data.questionnaires, start=1):
        story += st.h2(qn.title, f"qn{k}")
        story.append(st.callout("Ce qui ressort", [say.questionnaire_text(data, qn)]))
        story.append(Spacer(1, 6))
        for q in qn.questions:
            if not q.answered:
                continue
            title = Paragraph(st.para_text(f"{q.number}. {q.label}" if q.number else q.label), _H3_FREE())
            if q.kind == "number":
                _numeric(data, q, story, title)
            else:
                _choice(data, q, story, title)
        others = [(q, eid, text) for q in qn.questions for eid, text in q.others]
        if others:
            story += st.h3("Réponses « Autre » saisies")
            story += st.bullets([f"{data.territory_name(eid)} — {q.number}. {q.label} : {text}" for q, eid, text in others], "cell_bullet")


def _choice(data: Consolidation, q, story: list, title) -> None:
    base = q.answered
    shown = [(lbl, n) for lbl, n in q.counts]
    png = PrintBars([lbl for lbl, _ in shown], [100 * n / base for _, n in shown], st.WIDTH * 0.92, unit="\u00a0%")
    caption = (f"{plural(base, 'répondant')} à la question ; part de chaque réponse"
               + (" (plusieurs réponses possibles)." if q.kind == "multiple" else "."))
    # the question's title, its chart and caption on one page: never a heading orphaned at a page's foot
    story.append(KeepTogether([title, st.image(png, st.WIDTH * 0.92, 9 * cm), Spacer(1, 2), st.P(caption, "caption"), Spacer(1, 4)]))
    columns = _option_columns(q)
    rest = len(q.counts) > len(columns)
    header = ["Territoire", "Rép."] + columns + (["Autres choix"] if rest else [])
    rows = []
    for t in data.territories:
        n = q.answered_by_territory.get(t.evaluation_id, 0)
        if not n:
            continue
        counts = dict(q.by_territory.get(t.evaluation_id, []))
        row = [data.territory_name(t.evaluation_id), str(n)] + [f"{counts.get(c, 0)} ({say.pct(counts.get(c, 0), n)})" for c in columns]
        if rest:
            row.append(str(sum(v for lbl, v in counts.items() if lbl not in columns)))
        rows.append(row)
    k = len(header) - 2
    story.append(st.table(header, rows, [0.24, 0.06] + [0.7 / k] * k))
    story.append(Spacer(1, 6))


def _numeric(data: Consolidation, q, story: list, title) -> None:
    s = q.stats
    story += [CondPageBreak(3.5 * cm), title]
    unit = f" ({q.unit})" if q.unit else ""
    y = q.year

    def line(label, x):
        mean = "—" if y else _num(x.mean)  # a mean year says nothing
        return [label, str(x.count), _num(x.minimum, year=y), _num(x.median, year=y), _num(x.maximum, year=y), mean]

    rows = [line(st.cell("Ensemble des territoires", "cell_bold"), s)]
    for t in data.territories:
        ts = q.stats_by_territory.get(t.evaluation_id)
        if ts is not None:
            rows.append(line(data.territory_name(t.evaluation_id), ts))
    story.append(st.table(["Territoire", "n", f"Minimum{unit}", f"Médiane{unit}", f"Maximum{unit}", f"Moyenne{unit}"],
                          rows, [0.3, 0.08, 0.155, 0.155, 0.155, 0.155],
                          extra=[("BACKGROUND", (0, 1), (-1, 1), st.ACCENT_LIGHT)]))
    story.append(Spacer(1, 6))


def _maturity(data: Consolidation, story: list) -> None:
    story.append(PageBreak())
    story += st.h1("4. Maturité des politiques transversales", "maturite")
    for k, m in enumerate(data.maturity, start=1):
        story += st.h2(m.title, f"mat{k}")
        story.append(st.callout("Ce qui ressort", [say.maturity_text(data, m)]))
        story.append(Spacer(1, 6))
        if not m.levels:
            continue
        header = ["Territoire"] + [label for _, label in m.domains]
        rows = [(data.territory_name(eid), [(_num(v), _level_color(v, m.max_level)) for v in levels]) for eid, levels in m.levels.items()]
        rows.append(("Moyenne", [(_num(v), _level_color(v, m.max_level)) for v in m.mean()]))
        story.append(heat_table(header, rows, 0.23))
        story.append(st.P(f"Niveau de 0 à {format_number(m.max_level)} ; plus la case est foncée, plus le niveau est élevé.", "caption"))
        png = PrintBars([label for _, label in m.domains], [v or 0 for v in m.mean()], st.WIDTH * 0.92,
                        max_value=m.max_level, decimals=1)
        story.append(st.chart(png, st.WIDTH * 0.92, 8 * cm, "Niveau moyen par domaine."))


def _councils(data: Consolidation, story: list) -> None:
    story.append(PageBreak())
    story += st.h1("5. Conseils citoyens : la loi et son application", "conseils")
    if not data.councils:
        story.append(st.nodata("Le kit n'a pas de grille des écarts entre la loi et la pratique."))
    for cg in data.councils:
        story.append(st.callout("Ce qui ressort", [say.councils_text(data, cg)]))
        story.append(Spacer(1, 6))
        if not cg.by_territory:
            continue
        story += st.h2("Écarts par obligation (nombre de territoires)", "cc-obligations")
        n = len(cg.levels) + 1
        rows = []
        for item_id, _, label in cg.items:
            counts = cg.counts(item_id)
            rows.append([label] + [str(counts.get(v, 0)) for v, _, _ in cg.levels] + [str(len(cg.by_territory) - sum(counts.values()))])
        extra = [("BACKGROUND", (c, 0), (c, 0), colors.HexColor(color)) for c, (_, _, color) in enumerate(cg.levels, start=1) if color]
        story.append(st.table(["Obligation"] + [lbl for _, lbl, _ in cg.levels] + ["Non renseigné"], rows,
                              [0.56] + [0.44 / n] * n, extra=extra))
        story += st.h2("Écarts par territoire (nombre d'obligations)", "cc-territoires")
        rows = []
        for t in data.territories:
            counts = cg.territory_counts(t.evaluation_id)
            if counts:
                rows.append([data.territory_name(t.evaluation_id)] + [str(counts.get(v, 0)) for v, _, _ in cg.levels]
                            + [str(len(cg.items) - sum(counts.values()))])
        story.append(st.table(["Territoire"] + [lbl for _, lbl, _ in cg.levels] + ["Non renseigné"], rows, [0.4] + [0.6 / n] * n))


def _commitments(data: Consolidation, story: list) -> None:
    _chapter(story, "6. Engagements", "engagements", say.commitments_text(data))
    if not data.commitments:
        return
    statuses = list(COMMITMENT_STATUSES) + [""]
    labels = [COMMITMENT_STATUSES.get(s, UNSET_STATUS)[0] for s in statuses]
    rows, totals = [], [0] * len(statuses)
    for t in data.territories:
        c = data.commitments.get(t.evaluation_id)
        if not c:
            continue
        values = [c.get(s, 0) for s in statuses]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([data.territory_name(t.evaluation_id)] + [str(v) for v in values] + [str(sum(values)), say.pct(c.get("realise", 0), sum(values))])
    rows.append([st.cell("Ensemble", "cell_bold")] + [str(v) for v in totals] + [str(sum(totals)), say.pct(totals[0], sum(totals))])
    n = len(statuses) + 2
    story.append(st.table(["Territoire"] + labels + ["Total", "Part réalisée"], rows, [0.2] + [0.8 / n] * n))


def _actions(data: Consolidation, story: list) -> None:
    _chapter(story, "7. Actions structurantes", "actions", say.actions_text(data))
    if not data.actions:
        return
    rows = []
    pillars: dict[str, int] = {}
    for t in data.territories:
        a = data.actions.get(t.evaluation_id)
        if a is None:
            continue
        for p, n in a.chosen_by_pillar.items():
            pillars[p or "Pilier non précisé"] = pillars.get(p or "Pilier non précisé", 0) + n
        listed = "; ".join(f"{p or 'non précisé'} ({n})" for p, n in sorted(a.chosen_by_pillar.items()))
        rows.append([data.territory_name(t.evaluation_id), str(a.total), str(a.chosen), listed or "—"])
    story.append(st.table(["Territoire", "Programmées", "Retenues", "Piliers des actions retenues"], rows, [0.26, 0.13, 0.11, 0.5]))
    if pillars:
        story += st.h2("Actions retenues par pilier", "actions-piliers")
        ordered = sorted(pillars.items(), key=lambda kv: -kv[1])
        png = PrintBars([p for p, _ in ordered], [n for _, n in ordered], st.WIDTH * 0.92)
        story.append(st.chart(png, st.WIDTH * 0.92, 8 * cm, "Nombre d'actions retenues, tous territoires."))


def _toc() -> list:
    from reportlab.platypus import TableStyle

    toc = TableOfContents(dotsMinLevel=0)
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), st.SANS), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    s = st.styles()
    toc.levelStyles = [s["toc1"], s["toc2"]]
    return [st.P("Sommaire", "h1"), st.Rule(), toc]


def _cover_story(data: Consolidation) -> list:
    reported = sum(1 for t in data.territories if t.steps_done)
    answered = sum(qn.respondents for qn in data.questionnaires)
    return [
        st.figures([
            (str(len(data.territories)), "territoires consolidés"),
            (str(reported), "avec au moins une étape terminée"),
            (str(answered), "réponses aux questionnaires"),
        ]),
        Spacer(1, 0.6 * cm),
        st.P("Ce document compare les évaluations des contrats de ville importées au centre de ressources : "
             "avancement, référentiel évaluatif (questions et indicateurs), questionnaires, maturité des politiques "
             "transversales, conseils citoyens, engagements, actions structurantes et fiches remplies une fois par "
             "évaluation. Chaque partie s'ouvre sur ce qui "
             "ressort : l'écart entre territoires, les valeurs qui se distinguent et les territoires qui n'ont pas encore "
             "renseigné la partie.", "small"),
    ]


def build_story(data: Consolidation) -> list:
    story: list = [NextPageTemplate("cover"), *_cover_story(data), NextPageTemplate("body"), PageBreak(), *_toc()]
    _territories(data, story)
    _referential(data, story)
    _questionnaires(data, story)
    _maturity(data, story)
    _councils(data, story)
    _commitments(data, story)
    _actions(data, story)
    sheets_chapter(data, story, 8)
    return story


def write_report(data: Consolidation, out: Path) -> Path:
    with atomic_output(out) as tmp:
        doc = _Template(str(tmp), data)
        doc.multiBuild(build_story(data), canvasmaker=st.NumberedCanvas, maxPasses=6)
    return Path(out)
