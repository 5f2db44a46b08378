"""The PDF summary of an evaluation (reportlab): cover, table of contents, then one chapter per
section, page numbers and running headers, embedded fonts.

The report is a list of `Section`s. Each section's content is produced by a function formatting
the plain data the services gathered (`ReportData`, built by `services.report_data.gather`; the
report never reads the services); a section with nothing recorded says so in one line. A kit
tool names the section it is shown in (`report: {section, order}` in its YAML); a section whose
kit tools are all out of the evaluation's scope is left out.

    build_report(report_data.gather(services, evaluation_id), "synthese.pdf", progress)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import (
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.tableofcontents import TableOfContents

from desktop_app import __version__
from desktop_app.exports import pdf_style as st
from desktop_app.exports.report_data import ReportData
from desktop_app.exports.safe_output import as_progress, atomic_output


@dataclass
class ReportContext:
    """What a section function needs: the gathered data, the day, and the progress to report to."""

    data: ReportData
    today: dt.date = field(default_factory=dt.date.today)
    progress: Any = None  # object with report(done, total, text); lets long sections report and be cancelled
    done: int = 0
    total: int = 1
    # free-text answers gathered by the questionnaires' chapter for the annex: (questionnaire, [(question, [answers])])
    free_texts: list = field(default_factory=list)
    # the fieldwork chapter's data, read once (the essentials' recommendations share it)
    fieldwork: Any = None

    def tick(self, text: str = "") -> None:
        """Report that a long section is still working (and give cancellation a chance)."""
        if self.progress is not None:
            self.progress.report(self.done, self.total, text)

    @property
    def evaluation_id(self) -> str:
        return self.data.evaluation_id

    @property
    def summary(self):
        return self.data.summary

    @property
    def cadrage(self):
        return self.data.cadrage

    @property
    def kit(self):
        return self.data.kit

    @cached_property
    def scope(self) -> list[str]:
        return list(self.cadrage.fields.get("scope") or [])

    @property
    def responses(self):
        return self.data.responses

    def responses_of(self, tool_id: str):
        return [r for r in self.responses if r.tool_id == tool_id]

    @property
    def territory(self) -> str:
        return self.cadrage.fields.get("territory_name") or self.summary.display_name


SectionBuilder = Callable[[ReportContext], list]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: SectionBuilder
    # The section shows the kit tools whose YAML names it (`report.section`); it is left out
    # when none of them is in the evaluation's scope. False: always shown (cover pages, annexes).
    from_kit: bool = False

    def applies(self, kit, scope: list[str]) -> bool:
        return not self.from_kit or any(t.id in scope for t in kit.tools_in_report_section(self.key))


def default_sections() -> list[Section]:
    from desktop_app.exports import pdf_councils as cc
    from desktop_app.exports import pdf_fieldwork as fw
    from desktop_app.exports import pdf_sections as sy

    return [
        Section("essentiel", "L’essentiel", sy.essentials),
        Section("cadre", "Le cadre et le calendrier de l’évaluation", sy.frame),
        Section("actions", "Les actions structurantes évaluées", fw.actions, True),
        Section("terrain", "Ce qu’ont apporté les ateliers et le terrain", fw.fieldwork, True),
        Section("questionnaires", "Les résultats des questionnaires", fw.questionnaires, True),
        Section("referentiel", "Le référentiel évaluatif", sy.referentiel, True),
        Section("conseils", "Les conseils citoyens", cc.councils, True),
        Section("maturite", "Discriminations et égalité femmes-hommes : la maturité des politiques locales", sy.maturity, True),
        Section("engagements", "L’avancement des engagements", fw.commitments, True),
        Section("annexes", "Annexes", sy.annexes),
    ]


# --------------------------------------------------------------------------- document template


class _NumberedCanvas(st.NumberedCanvas):
    """« n / total » on every page but the cover."""

    first_numbered = 2


class ReportTemplate(st.SketchingDocTemplate):
    def __init__(self, filename: str, ctx: ReportContext, on_page: Callable[[], None], **kw):
        super().__init__(
            filename,
            pagesize=st.PAGE,
            leftMargin=st.MARGIN_X,
            rightMargin=st.MARGIN_X,
            topMargin=st.MARGIN_TOP,
            bottomMargin=st.MARGIN_BOTTOM,
            title=f"Évaluation du contrat de ville — {ctx.territory}",
            author=ctx.territory,
            subject="Synthèse de l'évaluation du contrat de ville",
            creator=f"EvalKit Quartiers {__version__}",
            lang="fr-FR",
            **kw,
        )
        self.ctx = ctx
        self._on_page = on_page
        self.chapter = ""
        body = st.LayoutFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0, rightPadding=0)
        cover = st.LayoutFrame(self.leftMargin, 2.5 * cm, self.width, 9.5 * cm, id="cover", leftPadding=0, rightPadding=0)
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover], onPage=self._draw_cover),
                PageTemplate(id="body", frames=[body], onPageEnd=self._draw_running),
            ]
        )

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, st.Heading):
            if flowable.toc_level == 0:
                self.chapter = flowable.toc_text
            key = flowable.toc_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(st.typo(flowable.toc_text), key, level=flowable.toc_level, closed=flowable.toc_level > 0)
            self.notify("TOCEntry", (flowable.toc_level, st.para_text(flowable.toc_text), self.page, key))

    def handle_documentBegin(self):
        self.chapter = "Sommaire"  # multiBuild lays the story out several times: start afresh
        super().handle_documentBegin()

    def handle_pageEnd(self):
        self._on_page()
        super().handle_pageEnd()

    # -- page decorations ----------------------------------------------------------------------
    def _draw_running(self, canv, doc) -> None:
        canv.saveState()
        top = st.PAGE[1] - 1.35 * cm
        canv.setFont(st.SANS, 7.6)
        canv.setFillColor(st.MUTED)
        right = _fit(st.typo(self.chapter), st.WIDTH * 0.46)
        left = _fit(st.typo(f"Évaluation du contrat de ville — {self.ctx.territory}"), st.WIDTH - _width(right) - 18)
        canv.drawString(st.MARGIN_X, top, left)
        if right:
            canv.drawRightString(st.PAGE[0] - st.MARGIN_X, top, right)
        canv.setStrokeColor(st.RULE)
        canv.setLineWidth(0.5)
        canv.line(st.MARGIN_X, top - 5, st.PAGE[0] - st.MARGIN_X, top - 5)
        canv.setFont(st.SANS, 7.8)
        canv.drawString(st.MARGIN_X, 1.15 * cm, st.typo(f"Rapport édité le {self.ctx.today:%d/%m/%Y}"))
        canv.restoreState()

    def _draw_cover(self, canv, doc) -> None:
        ctx = self.ctx
        w, h = st.PAGE
        band = h * 0.56
        canv.saveState()
        canv.setFillColor(st.ACCENT_DARK)
        canv.rect(0, h - band, w, band, stroke=0, fill=1)
        canv.setFillColor(st.ACCENT)
        canv.rect(0, h - band, w, 1.1 * cm, stroke=0, fill=1)
        canv.setFillColor(st.WARM)
        canv.rect(st.MARGIN_X, h - band + 1.1 * cm, 3.2 * cm, 0.16 * cm, stroke=0, fill=1)
        # decorative quarter circles, a nod to neighbourhood maps
        canv.setStrokeColor(st.ACCENT)
        canv.setLineWidth(1)
        for r in (3, 4.6, 6.2, 7.8):
            canv.circle(w, h, r * cm, stroke=1, fill=0)
        x = st.MARGIN_X
        width = w - 2 * st.MARGIN_X
        y = h - 4.2 * cm
        s = st.styles()
        gen = ctx.summary.generation_label
        for text, style, gap in (
            ("ÉVALUATION DU CONTRAT DE VILLE", "cover_kicker", 0.5 * cm),
            (ctx.territory, "cover_title", 0.55 * cm),
            (ctx.summary.title or "Synthèse de l’évaluation", "cover_sub", 0.25 * cm),
            (f"Contrat de ville {gen}" if gen else "", "cover_sub", 0),
        ):
            if not text:
                continue
            p = Paragraph(st.para_text(text), s[style])
            _, ph = p.wrap(width * 0.86, h)
            y -= ph
            p.drawOn(canv, x, y)
            y -= gap
        canv.setFont(st.SANS, 8)
        canv.setFillColor(st.MUTED)
        publisher = ctx.kit.manifest.publisher or ""
        canv.drawString(x, 1.5 * cm, st.typo(f"Kit : {ctx.kit.title} — version {ctx.kit.version}")[:110])
        if publisher:
            canv.drawString(x, 1.1 * cm, st.typo(publisher))
        canv.drawRightString(w - st.MARGIN_X, 1.1 * cm, f"EvalKit Quartiers {__version__}")
        canv.restoreState()


def _width(text: str, size: float = 7.6) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, st.SANS, size)


def _fit(text: str, width: float, size: float = 7.6) -> str:
    """`text` shortened with an ellipsis to fit `width` points."""
    if _width(text, size) <= width:
        return text
    while text and _width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip(" —–-,") + "…"


def _cover_story(ctx: ReportContext) -> list:
    from desktop_app.core.french import month_year, plural
    from desktop_app.core.identifiers import format_date_fr

    f = ctx.cadrage.fields
    t = ctx.cadrage.tables
    period = ""
    if f.get("start_date") and f.get("end_date"):
        period = f"Du {format_date_fr(f['start_date'])} au {format_date_fr(f['end_date'])}"
    pilots = ", ".join(m["name"] for m in t.get("team_member", []) if m.get("is_pilot") and m.get("name"))
    pairs = [
        ("Territoire", ctx.territory),
        ("Période de l’évaluation", period or "—"),
        ("Quartiers prioritaires", f"{plural(len(t.get('qpv', [])), 'QPV', 'QPV')} dans {plural(len(t.get('commune', [])), 'commune')}"),
        ("Partenaires associés", str(len(t.get("partner", [])))),
        ("Pilotage", pilots or "—"),
    ]
    return [
        st.P(f"Rapport de synthèse — {month_year(ctx.today)}", "h3"),
        Spacer(1, 4),
        st.key_values(pairs, 0.34),
        Spacer(1, 0.6 * cm),
        st.P(
            "Ce document rassemble les résultats de l’évaluation conduite avec le kit méthodologique : "
            "cadre et calendrier, actions évaluées, apports des ateliers et du terrain, questionnaires, "
            "référentiel évaluatif, conseils citoyens, maturité des politiques transversales et suivi des engagements.",
            "small",
        ),
    ]


def _toc() -> list:
    from reportlab.platypus import TableStyle

    toc = TableOfContents(dotsMinLevel=0)
    toc.tableStyle = TableStyle(
        [("FONTNAME", (0, 0), (-1, -1), st.SANS), ("VALIGN", (0, 0), (-1, -1), "TOP"),
         ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
         ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
    )
    s = st.styles()
    toc.levelStyles = [s["toc1"], s["toc2"]]
    return [st.P("Sommaire", "h1"), st.Rule(), toc]


def build_report(
    data: ReportData,
    out: str | Path,
    progress: Any = None,
    sections: list[Section] | None = None,
    today: dt.date | None = None,
) -> dict:
    """Write the PDF summary to `out` (atomically). Returns {"pages", "sections"}."""
    progress = as_progress(progress)
    ctx = ReportContext(data, today or dt.date.today(), progress)
    chosen = [s for s in (sections or default_sections()) if s.applies(ctx.kit, ctx.scope)]
    total = len(chosen) + 6  # sections, then the layout passes
    ctx.total = total
    progress.report(0, total, "Préparation du rapport…")
    story: list = [NextPageTemplate("cover"), *_cover_story(ctx), NextPageTemplate("body"), PageBreak(), *_toc()]
    number = 0
    for i, section in enumerate(chosen, start=1):
        ctx.done = i - 1
        progress.report(i - 1, total, f"Rédaction : {st.typo(section.title)}")
        content = section.build(ctx)
        story.append(PageBreak())
        title = section.title if section.key in ("essentiel", "annexes") else f"{(number := number + 1)}. {section.title}"
        story += st.h1(title, section.key)
        story += content or [st.nodata()]
    progress.report(len(chosen), total, "Mise en page…")
    pages = {"n": 0}

    def on_page() -> None:
        pages["n"] += 1
        # one report per page: lets the user cancel during the layout passes too
        progress.report(len(chosen) + min(5, pages["n"] // 12), total, "Mise en page…")

    with atomic_output(out) as tmp:
        doc = ReportTemplate(str(tmp), ctx, on_page)
        doc.multiBuild(story, canvasmaker=_NumberedCanvas, maxPasses=6)
        page_count = doc.page
    progress.report(total, total, "Rapport terminé")
    return {"pages": page_count, "sections": [s.key for s in chosen]}
