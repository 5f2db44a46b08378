"""The partners' letter (kit tool 9) as editable Word documents and as PDF.

Takes merged letters (`core.letters.MergedLetter`, one per partner) and writes either one
document holding every letter (a page break between them) or one file per partner. The Word
files are meant to be reread and signed: plain paragraphs, no fields, no macros.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.core.letters import Letterhead, MergedLetter
from desktop_app.exports.safe_output import as_progress, atomic_folder_outputs, atomic_output

__all__ = ["Letterhead", "MergedLetter", "export_letters", "file_stem", "per_partner_paths", "write_docx", "write_pdf"]


def file_stem(text: str, limit: int = 80) -> str:
    """A file name every system accepts, accents kept."""
    text = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[^\w\s\-'’(),.—–]", " ", text)
    return " ".join(cleaned.split())[:limit].strip(" .") or "courrier"


def per_partner_paths(folder: Path, letters: Sequence[MergedLetter], suffix: str) -> list[Path]:
    used: set[str] = set()
    out = []
    for letter in letters:
        stem = f"Courrier — {file_stem(letter.recipient)}"
        name, n = stem, 2
        while name.casefold() in used:
            name = f"{stem} ({n})"
            n += 1
        used.add(name.casefold())
        out.append(folder / f"{name}{suffix}")
    return out


# --------------------------------------------------------------------------- Word


def typeset(letter: MergedLetter, head: Letterhead) -> tuple[MergedLetter, Letterhead]:
    """French typography (’, no-break spaces) on every line alike: letterhead, recipient, body."""
    from desktop_app.exports.pdf_style import typo

    def t(lines):
        return tuple(typo(x) for x in lines)

    return (
        MergedLetter(
            letter.recipient, typo(letter.subject), t(letter.header), t(letter.paragraphs), letter.bullets_after,
            t(letter.bullets), t(letter.signature), letter.missing, t(letter.references), t(letter.enclosures),
        ),
        Letterhead(t(head.sender), typo(head.date_line)),
    )


def _label_and_text(line: str) -> tuple[str, str]:
    """"N/Réf. : DCS/2026-014" -> ("N/Réf.", "DCS/2026-014") (any spaces around the colon)."""
    parts = re.split(r"\s*:\s+", line, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", line)


def _docx_letter(doc, letter: MergedLetter, head: Letterhead) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    letter, head = typeset(letter, head)

    def block(lines, indent=0.0, before=0, after=0, bold_first=False, color=None):
        for i, line in enumerate(lines):
            p = doc.add_paragraph()
            run = p.add_run(line)
            run.bold = bold_first and i == 0
            if color is not None:
                run.font.color.rgb = color if i == 0 else RGBColor(0x3A, 0x46, 0x50)
            p.paragraph_format.left_indent = Cm(indent)
            p.paragraph_format.space_before = Pt(before if i == 0 else 0)
            p.paragraph_format.space_after = Pt(after if i == len(lines) - 1 else 0)
            p.paragraph_format.keep_with_next = i < len(lines) - 1

    block(head.sender, after=10, bold_first=True, color=RGBColor(0x1F, 0x5F, 0x8B))
    block(letter.header, indent=8.5, after=0)
    block([head.date_line], indent=8.5, before=12, after=10)
    p = doc.add_paragraph()
    p.add_run("Objet : ").bold = True
    p.add_run(letter.subject)
    p.paragraph_format.space_after = Pt(2 if letter.references else 12)
    for n, ref in enumerate(letter.references):
        p = doc.add_paragraph()
        label, rest = _label_and_text(ref)
        if label:
            p.add_run(f"{label}\u00a0: ").bold = True
        p.add_run(rest)
        p.paragraph_format.space_after = Pt(12 if n == len(letter.references) - 1 else 0)
    for i, text in enumerate(letter.paragraphs):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.space_after = Pt(4)
        if i == letter.bullets_after:
            for item in letter.bullets:
                b = doc.add_paragraph(item, style="List Bullet")
                b.paragraph_format.space_after = Pt(2)
            if letter.bullets:
                doc.paragraphs[-1].paragraph_format.space_after = Pt(8)
    block(letter.signature, indent=8.5, before=10, after=0)
    if letter.enclosures:
        p = doc.add_paragraph()
        p.add_run("Pièces jointes :").bold = True
        p.paragraph_format.space_before = Pt(12)
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.keep_with_next = True
        for n, item in enumerate(letter.enclosures):
            e = doc.add_paragraph(f"– {item}")
            e.paragraph_format.space_after = Pt(0)
            e.paragraph_format.keep_with_next = n < len(letter.enclosures) - 1


def _new_document():
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"  # metric-compatible Liberation Sans in LibreOffice: same page breaks everywhere
    style.font.size = Pt(10)
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = Cm(1.4)
        section.bottom_margin = Cm(1.4)
    doc.core_properties.language = "fr-FR"
    doc.core_properties.author = "EvalKit Quartiers"
    return doc


def write_docx(letters: Sequence[MergedLetter], head: Letterhead, target: Path) -> None:
    """Every letter in one Word document, one after the other."""
    from docx.enum.text import WD_BREAK

    doc = _new_document()
    doc.core_properties.title = letters[0].subject if letters else "Courrier aux partenaires"
    for i, letter in enumerate(letters):
        if i:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        _docx_letter(doc, letter, head)
    doc.save(str(target))


# --------------------------------------------------------------------------- PDF


def write_pdf(letters: Sequence[MergedLetter], head: Letterhead, target: Path) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from desktop_app.exports import pdf_style as st

    s = st.styles()
    body = ParagraphStyle("letter", parent=s["body"], fontSize=9.6, leading=12.5, alignment=TA_JUSTIFY, spaceAfter=4)
    right = ParagraphStyle("right", parent=body, leftIndent=8.5 * cm, alignment=0, spaceAfter=0)
    plain = ParagraphStyle("plain", parent=body, alignment=0, spaceAfter=0)
    sender = ParagraphStyle("sender", parent=body, alignment=0, spaceAfter=0, textColor=st.MUTED, fontSize=9.2, leading=11.8)
    story: list[Any] = []
    for i, letter in enumerate(letters):
        letter, h = typeset(letter, head)
        if i:
            story.append(PageBreak())
        for n, line in enumerate(h.sender):
            text = escape(line)
            story.append(Paragraph(f"<font color='#1f5f8b'><b>{text}</b></font>" if n == 0 else text, sender))
        story.append(Spacer(1, 0.4 * cm))
        story.append(KeepTogether([Paragraph(escape(line), right) for line in letter.header]))
        story.append(Spacer(1, 0.45 * cm))
        story.append(Paragraph(escape(h.date_line), right))
        story.append(Spacer(1, 0.4 * cm))
        story.append(Paragraph(f"<b>Objet{st.NBSP}:</b> {escape(letter.subject)}", plain if letter.references else body))
        for ref in letter.references:
            label, rest = _label_and_text(ref)
            lead = f"<b>{escape(label)}{st.NBSP}:</b> " if label else ""
            story.append(Paragraph(lead + escape(rest), plain))
        story.append(Spacer(1, 0.3 * cm))
        for n, text in enumerate(letter.paragraphs):
            story.append(Paragraph(escape(text), body))
            if n == letter.bullets_after:
                for item in letter.bullets:
                    story.append(Paragraph(escape(item), ParagraphStyle("b", parent=body, leftIndent=14, spaceAfter=2), bulletText="•"))
                if letter.bullets:
                    story.append(Spacer(1, 6))
        story.append(Spacer(1, 0.25 * cm))
        story.append(KeepTogether([Paragraph(escape(line), right) for line in letter.signature]))
        if letter.enclosures:
            story.append(Spacer(1, 0.4 * cm))
            story.append(
                KeepTogether(
                    [Paragraph(f"<b>Pièces jointes{st.NBSP}:</b>", plain)]
                    + [Paragraph(f"–{st.NBSP}{escape(item)}", plain) for item in letter.enclosures]
                )
            )
    doc = SimpleDocTemplate(
        str(target), pagesize=st.PAGE, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=1.3 * cm, bottomMargin=1.2 * cm,
        title=letters[0].subject if letters else "Courrier", author="EvalKit Quartiers", lang="fr-FR",
    )
    doc.build(story, canvasmaker=st.EmbeddedFontCanvas)


# --------------------------------------------------------------------------- entry point


def export_letters(
    letters: Sequence[MergedLetter], head: Letterhead, out: str | Path, fmt: str | None = None, progress: Any = None
) -> list[Path]:
    """`out` ending in .docx or .pdf: one document with every letter. Otherwise `out` is a
    folder that receives one file per partner, in `fmt` ("docx" by default, or "pdf")."""
    progress = as_progress(progress)
    out = Path(out)
    if not letters:
        return []
    writer = {"docx": write_docx, "pdf": write_pdf}
    suffix = out.suffix.lower()
    if suffix in (".docx", ".pdf"):
        progress.report(0, 2, "Rédaction des courriers…")
        with atomic_output(out) as tmp:
            writer[suffix[1:]](letters, head, tmp)
        progress.report(2, 2, "Courriers terminés")
        return [out]
    fmt = (fmt or "docx").lower()
    if fmt not in writer:
        raise ValueError(f"format inconnu : {fmt}")
    targets = per_partner_paths(out, letters, f".{fmt}")
    with atomic_folder_outputs(targets) as temps:
        for i, (letter, tmp) in enumerate(zip(letters, temps, strict=True)):
            progress.report(i, len(letters), f"Courrier : {letter.recipient}")
            writer[fmt]([letter], head, tmp)
    progress.report(len(letters), len(letters), "Courriers terminés")
    return targets
