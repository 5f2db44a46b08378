"""The consolidation report's chapter on the sheets filled once per evaluation (kit tools with the
role `step_form`: state of the QPV, annual reports' figures, evaluative questions of the
transversal axes), one section per sheet:

- a sheet read as an annual series: compact tables, territories in rows, four figures per table
  (the latest value, its year when it is not the row's, the change since the first year), and
  each territory that has not filled it said in its row;
- any other sheet: each territory's sheet state, per question the territories that answered and,
  for choice questions, the distribution; the answers the kit files as the team's analysis
  (`excerpt: enseignement`…) quoted as short excerpts attributed to their territory, as the
  consolidation lists the « Autre » answers of the questionnaires (already through the privacy
  filter: `core.consolidation_sheets`). The full answers are in the workbook.

Data in (`Consolidation`), flowables out; `consolidation_pdf` places the chapter.
"""

from __future__ import annotations

import statistics
from xml.sax.saxutils import escape

from reportlab.platypus import PageBreak, Spacer

from desktop_app.core import consolidation_text as say
from desktop_app.core.consolidation import Consolidation
from desktop_app.core.consolidation_sheets import FILLED, StepSheet
from desktop_app.core.french import format_number, format_quantity, format_year, plural
from desktop_app.exports import pdf_style as st

FIGURES_PER_TABLE = 4
EXCERPT_CHARS = 180  # an excerpt is cut (at a word) past this length
MAX_EXCERPTS = 40  # per question, one per territory first; the others are in the workbook
TITLE = "Fiches de l'évaluation"


def sheets_chapter(data: Consolidation, story: list, number: int) -> None:
    story.append(PageBreak())
    story += st.h1(f"{number}. {TITLE}", "fiches")
    if not data.sheets:
        story.append(st.nodata("Aucun territoire ne travaille avec une version du kit qui a des fiches remplies une fois par "
                               "évaluation."))
        return
    story.append(st.P("Les fiches remplies une fois par évaluation, comparées d'un territoire à l'autre. Seules figurent les "
                      "réponses que le kit permet de transmettre (aucune donnée personnelle) ; les textes libres sont "
                      "reproduits sans noms de personnes, adresses électroniques ni numéros de téléphone. Les réponses "
                      "de chaque territoire sont dans le classeur de la consolidation, une feuille par fiche.", "small"))
    for k, sheet in enumerate(data.sheets, start=1):
        story += st.h2(sheet.title, f"fiche{k}")
        story.append(st.callout("Ce qui ressort", [say.sheet_text(data, sheet)]))
        story.append(Spacer(1, 6))
        if not data.territories:
            continue
        if not sheet.filled() and len({sheet.territories[t.evaluation_id].state for t in data.territories}) == 1:
            continue  # every territory in the same state, said above: no table of 40 identical rows
        if sheet.series is not None and sheet.series.values:
            _series(data, sheet, story)
        else:
            _states(data, sheet, story)
            if sheet.filled():
                _questions(sheet, story)
        _excerpts(data, sheet, story)


# --------------------------------------------------------------------------- annual series


def _figure(value: float, unit: str | None) -> str:
    if unit == "€":
        return format_quantity(round(value), "€")
    return format_quantity(round(value, 1), "%") if unit == "%" else format_number(round(value, 1))


def _series(data: Consolidation, sheet: StepSheet, story: list) -> None:
    """Per figure, across territories: how many give it, the median of the latest values, how
    many rose or fell since their first year. Then territories in rows, the figures in columns
    (at most FIGURES_PER_TABLE a table, tables of even size): each one's latest value."""
    series = sheet.series
    figures = [f for f in series.figures if series.filled(f.key)]
    rows = []
    for f in figures:
        values = [per[f.key] for per in series.values.values() if f.key in per]
        moves = [v.change for v in values if v.change is not None]
        rows.append([f.label, str(len(values)), _figure(statistics.median(v.latest for v in values), f.unit),
                     str(sum(1 for m in moves if m > 0)), str(sum(1 for m in moves if m < 0)), str(sum(1 for m in moves if m == 0))])
    story.append(st.table(["Chiffre", "Territoires", "Médiane, dernière année", "En hausse", "En baisse", "Stable"],
                          rows, [0.41, 0.13, 0.16, 0.1, 0.1, 0.1]))
    story.append(st.P("En hausse, en baisse, stable : territoires dont la dernière valeur est au-dessus, au-dessous ou au niveau "
                      "de celle de leur première année renseignée (au moins deux années).", "caption"))
    story.append(Spacer(1, 6))
    tables = -(-len(figures) // FIGURES_PER_TABLE)
    size = -(-len(figures) // tables) if tables else 0
    for start in range(0, len(figures), size or 1):
        chunk = figures[start:start + size]
        header = ["Territoire", "Dernière année"] + [f.label for f in chunk]
        rows, spans = [], []
        for r, t in enumerate(data.territories, start=1):
            s = sheet.territories[t.evaluation_id]
            per = series.values.get(t.evaluation_id, {})
            if s.state != FILLED or not per:
                label = f"Fiche {s.label.lower()}" if s.state != FILLED else "Aucun chiffre renseigné"
                rows.append([data.territory_name(t.evaluation_id), "—", st.M(f"<i>{escape(st.typo(label))}</i>", "cell")]
                            + [""] * (len(chunk) - 1))
                spans.append(("SPAN", (2, r), (-1, r)))
                continue
            last = series.latest_year(t.evaluation_id)
            cells = [_figure(v.latest, f.unit) + (f" ({v.year})" if v.year != last else "") if (v := per.get(f.key)) else "—"
                     for f in chunk]
            rows.append([data.territory_name(t.evaluation_id), last, *cells])
        story.append(st.table(header, rows, [0.26, 0.1] + [0.64 / len(chunk)] * len(chunk), extra=spans))
        story.append(Spacer(1, 8))
    units = [f for f in figures if f.unit not in (None, "€", "%") and f.unit.casefold() not in f.label.casefold()]
    unit_note = (" Unités : " + " ; ".join(f"{f.label.lower()} en {f.unit}" for f in units) + ".") if units else ""
    story.append(st.P(
        "Pour chaque chiffre, sa valeur la dernière année où le territoire l'a renseigné (entre parenthèses cette année, "
        f"quand ce n'est pas celle de la colonne « Dernière année »).{unit_note} Le détail"
        f"{' par ' + sheet.item_label.lower() if sheet.item_label else ''}, l'évolution de chaque chiffre depuis la "
        "première année et les autres réponses de la fiche sont dans le classeur.",
        "caption",
    ))


# --------------------------------------------------------------------------- other sheets


def _states(data: Consolidation, sheet: StepSheet, story: list) -> None:
    """Each territory's sheet: its state and how much it holds."""
    grouped = any(f.in_group for f in sheet.fields)
    asked = [f for f in sheet.fields if not f.identifies]
    rows = []
    for t in data.territories:
        s = sheet.territories[t.evaluation_id]
        if s.state != FILLED:
            size = "—"
        elif grouped:
            size = str(len(s.items))
        else:
            size = f"{sum(1 for f in asked if any(i.get(f.key) not in (None, '', []) for i in s.items))} / {len(asked)}"
        rows.append([data.territory_name(t.evaluation_id), s.label, size])
    third = _plural_word(sheet.item_label) if grouped else "Questions renseignées"
    story.append(st.table(["Territoire", "Fiche", third], rows, [0.42, 0.38, 0.2]))
    story.append(Spacer(1, 8))


def _plural_word(word: str) -> str:
    return plural(2, word.lower()).split(" ", 1)[1].capitalize()


def _questions(sheet: StepSheet, story: list) -> None:
    """Per question: the territories that answered it, and what they answered (choices)."""
    filled = len(sheet.filled())
    grouped = any(f.in_group for f in sheet.fields)
    unit_word = sheet.item_label.lower() if grouped else "territoire"
    texts = any(f.kind in ("text", "long_text") for f in sheet.fields)
    excerpts = any(f.excerpt for f in sheet.fields)
    closed = any(f.kind not in ("text", "long_text") for f in sheet.fields)  # a column of answers is worth it
    sections = len({f.section for f in sheet.fields}) > 1
    rows, extra, section = [], [], None
    for f in sheet.fields:
        if sections and f.section != section:
            section = f.section
            rows.append([st.cell(section, "cell_bold")] + [""] * (2 if closed else 1))
            extra += [("SPAN", (0, len(rows)), (-1, len(rows))), ("BACKGROUND", (0, len(rows)), (-1, len(rows)), st.ACCENT_LIGHT)]
        n = sheet.answered(f.key)
        rows.append([f.label, f"{n} / {filled}"] + ([_answers(sheet, f) if n else "—"] if closed else []))
    story += st.h3("Réponses par question")
    if closed:
        story.append(st.table(["Question", "Territoires ayant répondu", f"Réponses (nombre de {_plural_word(unit_word).lower()})"],
                              rows, [0.46, 0.14, 0.40], zebra=False, extra=extra))
    else:
        story.append(st.table(["Question", "Territoires ayant répondu"], rows, [0.8, 0.2], zebra=False, extra=extra))
    if filled == 1:
        note = "Territoires ayant répondu : sur le seul territoire qui a renseigné la fiche."
    else:
        note = f"Territoires ayant répondu : sur les {plural(filled, 'territoire')} qui ont renseigné la fiche."
    if texts:
        note += " Les textes libres sont dans le classeur" + (" ; les enseignements sont cités ci-dessous." if excerpts else ".")
    story.append(st.P(note, "caption"))


def _answers(sheet: StepSheet, f) -> str:
    if f.kind in ("choice", "multiple", "yes_no"):
        return "\n".join(f"{label} : {items}" for label, items, _ in sheet.distribution(f.key))
    if f.kind in ("number", "year"):
        values = sheet.numbers(f.key)
        if not values:
            return "—"
        lo, hi = min(values), max(values)
        if f.kind == "year":
            return format_year(lo) if lo == hi else f"de {format_year(lo)} à {format_year(hi)}"
        top = format_quantity(round(hi, 1), f.unit)  # the unit once, after the highest
        return top if lo == hi else f"de {format_number(round(lo, 1))} à {top}"
    if f.excerpt:
        return "texte libre (extraits ci-dessous)"
    return "texte libre"


# --------------------------------------------------------------------------- excerpts


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def _excerpts(data: Consolidation, sheet: StepSheet, story: list) -> None:
    """The team's analyses (questions the kit files as lessons, recommendations…), a short
    excerpt per answer, attributed to its territory (and its item: the QPV's code); one per
    territory first, up to MAX_EXCERPTS, the others counted."""
    name_key = next((f.key for f in sheet.fields if f.identifies), None)
    for f in sheet.fields:
        if not f.excerpt:
            continue
        first, others = [], []
        for t in data.territories:
            s = sheet.territories[t.evaluation_id]
            lines = []
            for item in s.items if s.state == FILLED else ():
                text = item.get(f.key)
                if not isinstance(text, str) or not text.strip():
                    continue
                who = data.territory_name(t.evaluation_id)
                if name_key and item.get(name_key):
                    who += f" ({item[name_key]})"
                lines.append(f"{who} : {_short(text)}")
            first += lines[:1]
            others += lines[1:]
        shown = (first + others)[:MAX_EXCERPTS]
        if not shown:
            continue
        story += st.h3(f"{f.label} — extraits")
        story += st.bullets(shown, "cell_bullet")
        rest = len(first) + len(others) - len(shown)
        if rest:
            story.append(st.P(f"… et {plural(rest, 'autre réponse')}, dans le classeur.", "caption"))
        story.append(Spacer(1, 4))
