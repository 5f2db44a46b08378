"""The look of the PDF summary: embedded fonts, French typography, paragraph styles, and the
small building blocks every section uses (headings that feed the table of contents, tables that
wrap instead of overflowing, charts scaled to the column, the "Aucune donnée" notice).

Fonts are the DejaVu files bundled in `resources/fonts` (embedded in the PDF, so the report
looks the same everywhere and every French character is there).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import IndexingFlowable

from desktop_app import paths

# Streams (page contents, chart images) compressed only, not also ASCII85-encoded: reportlab's
# pure-Python ASCII85 took a sixth of the export time, and the files are a fifth smaller.
rl_config.useA85 = 0

PAGE = A4
MARGIN_X = 2.1 * cm
MARGIN_TOP = 2.4 * cm
MARGIN_BOTTOM = 2.0 * cm
WIDTH = PAGE[0] - 2 * MARGIN_X  # usable text width

ACCENT = colors.HexColor("#1f5f8b")
ACCENT_DARK = colors.HexColor("#143f5e")
ACCENT_LIGHT = colors.HexColor("#e6f0f7")
TEXT = colors.HexColor("#1d2a35")
MUTED = colors.HexColor("#5f6b76")
RULE = colors.HexColor("#d5dce2")
ZEBRA = colors.HexColor("#f5f7f9")
WARM = colors.HexColor("#f0a04b")

SANS = "EKSans"
SANS_BOLD = "EKSans-Bold"
SANS_ITALIC = "EKSans-Oblique"
SANS_BOLD_ITALIC = "EKSans-BoldOblique"
COND = "EKSansCond"
COND_BOLD = "EKSansCond-Bold"

_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    COND: "DejaVuSansCondensed.ttf",
    COND_BOLD: "DejaVuSansCondensed-Bold.ttf",
}


def register_fonts() -> None:
    """Register the bundled fonts once (reportlab embeds the used glyphs in the PDF)."""
    if SANS in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(paths.resource("fonts", filename))))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC)
    pdfmetrics.registerFontFamily(COND, normal=COND, bold=COND_BOLD, italic=COND, boldItalic=COND_BOLD)


class EmbeddedFontCanvas(Canvas):
    """A canvas whose pages start in the bundled font: reportlab otherwise opens every page with
    Helvetica, which is then listed in the PDF without being embedded."""

    def __init__(self, *args, **kwargs):
        register_fonts()
        kwargs["initialFontName"] = SANS  # the doc template passes Helvetica explicitly
        kwargs["initialFontSize"] = 10
        super().__init__(*args, **kwargs)


class NumberedCanvas(EmbeddedFontCanvas):
    """Draws « n / N » at the foot of the pages once the total is known (every page is kept
    until save); pages before `first_numbered` (a cover) carry no number."""

    first_numbered = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber >= self.first_numbered:
                self.setFont(SANS, 7.8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE[0] - MARGIN_X, 1.15 * cm, f"{self._pageNumber} / {total}")
            super().showPage()
        super().save()


# --------------------------------------------------------------------------- layout passes


class _Sketch(IndexingFlowable):
    """First in a story laid out by `SketchingDocTemplate.multiBuild`: counts the passes and
    asks for a second one whatever the others say, since the first draws nothing."""

    def __init__(self):
        super().__init__()
        self.passes = 0

    @property
    def first_pass(self) -> bool:
        return self.passes == 1

    def beforeBuild(self):
        self.passes += 1

    def isSatisfied(self):
        return self.passes > 1

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        pass


def _not_drawn(*args, **kwargs) -> None:
    pass


class LayoutFrame(Frame):
    """A frame that, during the first layout pass of its document, places flowables (wraps and
    splits them, turns the pages) without drawing them."""

    sketch: _Sketch | None = None

    def add(self, flowable, canv, trySplit=0):
        if self.sketch is None or not self.sketch.first_pass:
            return Frame.add(self, flowable, canv, trySplit)
        flowable.drawOn = _not_drawn
        try:
            return Frame.add(self, flowable, canv, trySplit)
        finally:
            flowable.__dict__.pop("drawOn", None)


class SketchingDocTemplate(BaseDocTemplate):
    """A document with a table of contents, laid out in several passes (`multiBuild`): the
    first pass only finds the pages of the headings, so its flowables are placed but not
    drawn (a third of the layout time); the pages written are those of a later pass, where
    everything is drawn. Its frames must be `LayoutFrame`s. The cycle collector is paused
    meanwhile (the pages kept until the end make each of its rounds longer and longer)."""

    def multiBuild(self, story, **kwargs):
        import gc

        sketch = _Sketch()
        for template in self.pageTemplates:
            for frame in template.frames:
                if not isinstance(frame, LayoutFrame):
                    raise TypeError(f"frame {frame.id!r}: a LayoutFrame is needed")
                frame.sketch = sketch
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return super().multiBuild([sketch, *story], **kwargs)
        finally:
            if was_enabled:
                gc.enable()


# --------------------------------------------------------------------------- French typography

NBSP = "\u00a0"


def typo(text: str) -> str:
    """French typography on plain text: typographic apostrophe and ellipsis, no-break spaces
    before « : ; ! ? » and inside guillemets, none left at a line's start."""
    if not text:
        return ""
    t = str(text)
    t = re.sub(r"(?<=\w)'(?=\w)", "’", t)
    t = t.replace("...", "…")
    t = t.replace("\u202f", NBSP)  # reportlab breaks lines on U+202F: use the plain no-break space
    t = re.sub(r"[ \t]+([:;!?])(?=\s|$|[»)\]])", NBSP + r"\1", t)
    t = re.sub(r"(?<=[\w»)])([;!?])(?=\s|$)", NBSP + r"\1", t)
    t = re.sub(r"«[ \t]*", "«" + NBSP, t)
    t = re.sub(r"[ \t]*»", NBSP + "»", t)
    t = re.sub(r"(?<=\d) (?=(%|€)(\W|$))", NBSP, t)
    t = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", NBSP, t)  # "310 000 €" typed with a plain space never splits
    return t


def para_text(text: str) -> str:
    """Plain text made safe for a reportlab Paragraph (typography, escaping, line breaks)."""
    return escape(typo(text)).replace("\n", "<br/>")


# --------------------------------------------------------------------------- styles


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle(
        "body", fontName=SANS, fontSize=9.4, leading=13.6, textColor=TEXT, spaceAfter=5, bulletFontName=SANS
    )
    s = {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=10.5, leading=15.5, spaceAfter=8),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.6, textColor=MUTED, spaceAfter=3),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED, fontName=SANS_ITALIC),
        "cell": ParagraphStyle("cell", parent=base, fontName=COND, fontSize=8.2, leading=10.4, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=COND_BOLD, fontSize=8.2, leading=10.4, spaceAfter=0),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName=COND_BOLD, fontSize=8.2, leading=10.2, textColor=colors.white, spaceAfter=0
        ),
        "cell_center": ParagraphStyle(
            "cell_center", parent=base, fontName=COND_BOLD, fontSize=7.6, leading=9.4, alignment=TA_CENTER, spaceAfter=0
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, keepWithNext=1, fontName=SANS_BOLD, fontSize=19, leading=24, textColor=ACCENT_DARK, spaceBefore=0, spaceAfter=14
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, keepWithNext=1, fontName=SANS_BOLD, fontSize=12.6, leading=16, textColor=ACCENT, spaceBefore=12, spaceAfter=6
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, keepWithNext=1, fontName=SANS_BOLD, fontSize=10.2, leading=13.5, textColor=TEXT, spaceBefore=8, spaceAfter=4
        ),
        "h4": ParagraphStyle(
            "h4", parent=base, fontName=SANS_BOLD, fontSize=9, leading=12, textColor=ACCENT, spaceBefore=6, spaceAfter=3, keepWithNext=1
        ),
        "caption": ParagraphStyle("caption", parent=base, fontSize=7.8, leading=10, textColor=MUTED, fontName=SANS_ITALIC),
        "quote": ParagraphStyle(
            "quote", parent=base, fontName=SANS_ITALIC, fontSize=9.2, leading=13.4, leftIndent=14, textColor=TEXT, spaceAfter=2
        ),
        "quote_by": ParagraphStyle("quote_by", parent=base, fontSize=7.8, leading=10, leftIndent=14, textColor=MUTED, spaceAfter=8),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=3),
        "cell_bullet": ParagraphStyle("cell_bullet", parent=base, fontName=COND, fontSize=8.2, leading=10.4, leftIndent=12, bulletIndent=2, spaceAfter=1.5),
        "toc1": ParagraphStyle("toc1", parent=base, fontName=SANS_BOLD, fontSize=10.5, leading=15, spaceBefore=6),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=9.2, leading=12.5, leftIndent=16, textColor=MUTED),
        "cover_kicker": ParagraphStyle(
            "cover_kicker", parent=base, fontName=SANS_BOLD, fontSize=10, leading=14, textColor=colors.HexColor("#cfe2f0")
        ),
        "cover_title": ParagraphStyle(
            "cover_title", parent=base, fontName=SANS_BOLD, fontSize=27, leading=33, textColor=colors.white, alignment=TA_LEFT
        ),
        "cover_sub": ParagraphStyle(
            "cover_sub", parent=base, fontSize=13, leading=18, textColor=colors.HexColor("#e6f0f7")
        ),
        "figure_number": ParagraphStyle("figure_number", parent=base, fontName=SANS_BOLD, fontSize=22, leading=26, textColor=ACCENT),
        "figure_text": ParagraphStyle("figure_text", parent=base, fontName=SANS_BOLD, fontSize=12.5, leading=15, textColor=ACCENT, spaceBefore=6),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontName=COND, fontSize=7.4, leading=9, spaceAfter=0),
    }
    return s


_CACHE: dict[str, ParagraphStyle] = {}


def styles() -> dict[str, ParagraphStyle]:
    if not _CACHE:
        _CACHE.update(_styles())
    return _CACHE


def P(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped, French typography)."""
    return Paragraph(para_text(text), styles()[style])


def M(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of reportlab markup (the caller escapes the text it puts in)."""
    return Paragraph(markup, styles()[style])


class Heading(Paragraph):
    """A section heading: an entry of the table of contents and of the PDF outline."""

    def __init__(self, text: str, level: int, key: str):
        super().__init__(para_text(text), styles()[f"h{level + 1}"])
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


def h1(text: str, key: str) -> list[Flowable]:
    return [Heading(text, 0, key), Rule()]


def h2(text: str, key: str) -> list[Flowable]:
    return [CondPageBreak(3.2 * cm), Heading(text, 1, key)]


def h3(text: str) -> list[Flowable]:
    return [CondPageBreak(2.2 * cm), P(text, "h3")]


class Rule(Flowable):
    """The short accent rule under a chapter title."""

    def wrap(self, aw, ah):
        return aw, 10

    def draw(self):
        self.canv.setStrokeColor(WARM)
        self.canv.setLineWidth(2.2)
        self.canv.line(0, 8, 2.2 * cm, 8)


def nodata(text: str = "Aucune donnée n'a encore été saisie pour cette partie.") -> Paragraph:
    return P(text, "muted")


def bullets(items: Sequence[str], style: str = "bullet") -> list[Flowable]:
    return [Paragraph(para_text(i), styles()[style], bulletText="•") for i in items if i]


def cell(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(para_text(text), styles()[style])


def table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    widths: Sequence[float],
    zebra: bool = True,
    extra: Sequence[tuple] = (),
    header_color=ACCENT,
) -> Table:
    """A table whose cells wrap (Paragraphs), header repeated on every page, widths in
    fractions of the text width (they must add up to at most 1)."""
    data = [[cell(h, "cell_head") for h in header]]
    for row in rows:
        data.append([c if isinstance(c, Flowable) else cell("" if c is None else str(c)) for c in row])
    t = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), header_color),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4.5),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
    ]
    if zebra:
        for i in range(2, len(data), 2):
            style.append(("BACKGROUND", (0, i), (-1, i), ZEBRA))
    style.extend(extra)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *style]))
    return t


def key_values(pairs: Sequence[tuple[str, str]], label_width: float = 0.3) -> Table:
    """A two-column block of labels and values (no header)."""
    data = [[cell(k, "cell_bold"), cell(v or "—")] for k, v in pairs]
    t = Table(data, colWidths=[label_width * WIDTH, (1 - label_width) * WIDTH], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def image(png: bytes | Flowable, width: float = WIDTH, max_height: float = 11 * cm) -> Flowable:
    """A picture (PNG bytes) scaled to `width`, never taller than `max_height`. A chart drawn
    by reportlab at its print size (`pdf_bars.PrintBars`) is only shrunk if it does not fit."""
    from reportlab.lib.utils import ImageReader

    if isinstance(png, Flowable):
        return png.fit(width, max_height)

    w, h = ImageReader(io.BytesIO(png)).getSize()
    scale = min(width / w, max_height / h)
    img = Image(io.BytesIO(png), width=w * scale, height=h * scale)
    img.hAlign = "LEFT"
    return img


def chart(png: bytes | Flowable, width: float = WIDTH, max_height: float = 11 * cm, caption: str = "") -> Flowable:
    """A chart kept together with its caption."""
    parts: list[Flowable] = [image(png, width, max_height)]
    if caption:
        parts += [Spacer(1, 2), P(caption, "caption")]
    parts.append(Spacer(1, 8))
    return KeepTogether(parts)


def chip(color_hex: str | None, text: str = "", width: float = 2.6 * cm, text_color=None) -> Table:
    """A coloured label (an appreciation, a level, a gap)."""
    fill = colors.HexColor(color_hex) if color_hex else colors.HexColor("#e0e0e0")
    dark = _is_dark(color_hex or "#e0e0e0")
    style = ParagraphStyle(
        "chip", parent=styles()["cell_center"], textColor=text_color or (colors.white if dark else TEXT)
    )
    t = Table([[Paragraph(para_text(text), style)]], colWidths=[width])
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def _is_dark(hex_color: str) -> bool:
    c = colors.HexColor(hex_color)
    return (0.299 * c.red + 0.587 * c.green + 0.114 * c.blue) < 0.58


def figures(items: Sequence[tuple[str, str]]) -> Table:
    """Key figures side by side: big number over a short caption (a longer value in smaller type)."""
    cells = [[M(escape(typo(num)), "figure_number" if len(num) <= 9 else "figure_text"), P(label, "small")] for num, label in items]
    n = max(len(cells), 1)
    data = [[c[0] for c in cells], [c[1] for c in cells]]
    t = Table(data, colWidths=[WIDTH / n] * n, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEABOVE", (0, 0), (-1, 0), 2, ACCENT_LIGHT),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
            ]
        )
    )
    return t


def callout(title: str, lines: Sequence[str | tuple[str, str]], color=ACCENT_LIGHT, border=ACCENT) -> Table:
    """A tinted box with a title and bullet lines (strengths, recommendations...); one row per
    line, so a long box splits across pages."""
    def line(item) -> Paragraph:
        if isinstance(item, tuple):
            text = f"<b>{para_text(item[0])}</b>{NBSP}: {para_text(item[1])}"
        else:
            text = para_text(item)
        return Paragraph(text, styles()["cell"], bulletText="•")

    data = [[P(title, "cell_bold")]] + [[line(x)] for x in lines]
    t = Table(data, colWidths=[WIDTH], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("BACKGROUND", (0, 0), (-1, -1), color),
                ("LINEBEFORE", (0, 0), (0, -1), 3, border),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
            ]
        )
    )
    return t
