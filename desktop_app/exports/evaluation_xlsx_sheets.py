"""The sheets of the filled-grids workbook, one writer per kind of kit tool (see
`evaluation_xlsx`). Each writer lays its tool out the way the paper kit does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_app.core.answer_text import display_value, option_color
from desktop_app.core.cadrage import EPCI_TYPES, MILESTONE_KINDS
from desktop_app.core.councils import checklist_rows
from desktop_app.core.french import clean_name
from desktop_app.core.maturity import compute_maturity, format_points
from desktop_app.exports.evaluation_xlsx import (
    ACCENT,
    ACCENT_DARK,
    ACCENT_LIGHT,
    CENTER,
    EUR_FORMAT,
    WRAP,
    SheetWriter,
    font,
)
from desktop_app.exports.evaluation_xlsx_stream import letter
from desktop_app.exports.xlsx_cells import Formula
from desktop_app.kit.forms import KIND_LABELS, compile_tool


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _date(iso: str) -> Any:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return iso


def _subtitle(ctx, tool=None) -> str:
    parts = [ctx.territory]
    if tool is not None:
        parts.insert(0, f"Outil {tool.number} du kit" if tool.number else kind_label(tool.kind))
    parts.append(f"grille éditée le {ctx.today:%d/%m/%Y}")
    return " — ".join(parts)


# --------------------------------------------------------------------------- contents, cadrage


def contents_sheet(ws: WriteOnlyWorksheet, ctx, entries: list[tuple[str, str, str]], footer: str) -> None:
    w = SheetWriter(ws, [34, 66, 36], "Grilles remplies de l'évaluation", _subtitle(ctx),
                    f"Kit : {ctx.kit.title} (version {ctx.kit.version}). Une feuille par outil utilisé ; cliquez sur un nom pour l'ouvrir.")
    w.header(["Feuille", "Contenu", "Nature"])
    link_font = font(10, color=ACCENT, underline="single")
    for name, title, nature in entries:
        w.values([name, title, nature], fonts={1: link_font}, links={1: f"#'{name}'!A1"})
    w.finish(landscape=False, footer=footer)


def cadrage_sheet(ws: WriteOnlyWorksheet, ctx, footer: str) -> None:
    f = ctx.cadrage.fields
    t = ctx.cadrage.tables
    w = SheetWriter(ws, [26, 34, 34, 30], "Cadrage de l'évaluation", _subtitle(ctx))
    w.header(["Rubrique", "Valeur", "", ""])
    for label, value in (
        ("Intercommunalité", ctx.territory),
        ("Type", EPCI_TYPES.get(f.get("epci_type", ""), f.get("epci_type", ""))),
        ("SIREN", f.get("siren", "")),
        ("Génération du contrat", ctx.summary.generation_label),
        ("Début de l'évaluation", _date(f.get("start_date", ""))),
        ("Fin de l'évaluation", _date(f.get("end_date", ""))),
        ("Objet", f.get("description", "")),
    ):
        w.values([label, value], bold_first=True, merge={2: 4})
    for title, cols, rows in (
        ("Quartiers prioritaires", ["Code", "Quartier", "Commune(s)", ""], [[q["code"], q["name"], q["communes"], ""] for q in t.get("qpv", [])]),
        ("Communes", ["Commune", "Code INSEE", "", ""], [[c["name"], c["insee"], "", ""] for c in t.get("commune", [])]),
        ("Partenaires", ["Institution", "Contact", "Rôle", "E-mail"], [[clean_name(p["organisation"]), p["contact"], p["role"], p["email"]] for p in t.get("partner", [])]),
        ("Équipe d'évaluation", ["Nom", "Structure", "Rôle", "Pilote"], [[m["name"], m["organisation"], m["role"], "oui" if m.get("is_pilot") else ""] for m in t.get("team_member", [])]),
        ("Calendrier", ["Date", "Étape", "Intitulé", "Lieu"], [[_date(m["date"]), MILESTONE_KINDS.get(m["kind"], m["kind"]), m["label"], m["place"]] for m in t.get("milestone", [])]),
    ):
        w.blank()
        w.group(title, color=ACCENT_DARK, font_color="FFFFFF")
        w.values(cols, colors={i: ACCENT_LIGHT for i in range(1, 5) if cols[i - 1]})
        for row in rows or [["(aucun)", "", "", ""]]:
            w.values(row)
    w.finish(landscape=False, footer=footer)


# --------------------------------------------------------------------------- dispatch


def tool_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    writer = {
        "referential": referential_sheet,
        "checklist": checklist_sheet,
        "maturity_scale": maturity_sheet,
        "scoring_grid": scoring_sheet,
        "letter": letter_sheet,
    }.get(tool.kind, sections_sheet)
    writer(ws, ctx, tool, footer)


# --------------------------------------------------------------------------- référentiel


def referential_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    m = ctx.data.matrix
    links: dict[str, list[str]] = {}
    for e in ctx.data.evidence:
        links.setdefault(e.indicator_id, []).append(e.label)
    w = SheetWriter(ws, [8, 48, 14, 22, 26, 26, 34, 16, 34], tool.title, _subtitle(ctx, tool), tool.purpose)
    w.header(["N°", "Question, sous-question, indicateur", "Unité", "Valeur", "Source", "Cible et référence", "Preuves", "Appréciation", "Commentaire"], freeze_col=3)
    for q in m.questions:
        w.group(f"{q.number}. {q.theme} — {q.label}", color=ACCENT_DARK, font_color="FFFFFF")
        for sq in q.sub_questions:
            w.values([sq.code, sq.label] + [""] * 7, bold=True, fill_color=ACCENT_LIGHT)
            for c in sq.cells:
                proofs = "\n".join(([c.proofs] if c.proofs else []) + [f"▸ {x}" for x in links.get(c.id, [])])
                level = c.appreciation
                comment = "\n".join(([f"Motif de l'écart avec le calcul : {c.override_reason}"] if c.override_reason else []) + ([c.comment] if c.comment else []))
                w.values(
                    [c.code, c.label, c.unit, c.value_text().split("\n")[0] if c.computed_text else c.value,
                     c.source or c.source_text.replace("Suggérée : ", "(suggérée) "),
                     "\n".join(x for x in (c.goal_text(), f"Appréciation suggérée : {c.suggested.label.lower()}" if c.suggested else "") if x),
                     proofs, level.label if level else "", comment],
                    colors={8: level.color if level else ""},
                )
        level = q.appreciation
        w.values(
            ["", "Appréciation d'ensemble de la question" + (" (indicative, calculée)" if q.computed else ""), "", "", "", "", "",
             level.label if level else "", q.comment],
            colors={8: level.color if level else ""}, bold_first=False, fonts={2: font(10, True, italic=True)},
        )
    w.finish(landscape=True, footer=footer)


def matrix_sheet(ws: WriteOnlyWorksheet, ctx, footer: str) -> None:
    m = ctx.data.matrix
    width = max((len(sq.cells) for q in m.questions for sq in q.sub_questions), default=1)
    w = SheetWriter(ws, [22, 56] + [9] * width + [18], "Matrice des appréciations du référentiel", _subtitle(ctx),
                    "Une case par indicateur, colorée selon l'appréciation portée (gris clair : pas encore apprécié).")
    w.header(["Question", "Sous-question"] + [f"Ind. {chr(97 + i)}" for i in range(width)] + ["Appréciation d'ensemble"], freeze_col=3)
    for q in m.questions:
        first = w.row + 1
        for sq in q.sub_questions:
            values = [f"{q.number}. {q.theme}" if w.row + 1 == first else "", f"{sq.code} {sq.label}"]
            colors = {}
            for i in range(width):
                if i < len(sq.cells):
                    c = sq.cells[i]
                    values.append(c.code)
                    colors[3 + i] = c.appreciation.color if c.appreciation else "EEEEEE"
                else:
                    values.append("")
            level = q.appreciation
            values.append((level.label + (" (indicative)" if q.computed else "")) if level and w.row + 1 == first else "")
            if level and w.row + 1 == first:
                colors[3 + width] = level.color
            w.values(values, colors=colors, bold_first=True)
        if w.row > first:
            w.merge(first, 1, w.row, 1)
            w.merge(first, 3 + width, w.row, 3 + width)
    w.blank()
    w.group("Légende")
    for lv in m.scale:
        w.values([lv.label, ""], colors={1: lv.color})
    w.finish(landscape=True, footer=footer)


# --------------------------------------------------------------------------- conseils citoyens


def checklist_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    form = compile_tool(ctx.kit, tool.id)
    columns = list(tool.columns)
    widths = [46, 26] + [26 if c.type in ("long_text", "text") else 16 for c in columns]
    w = SheetWriter(ws, widths, tool.title, _subtitle(ctx, tool), tool.purpose)
    councils = [c for c in ctx.data.councils if c.responses.get(tool.id)]
    blocks = [(c.title + f" ({c.code})", c.responses[tool.id].answers) for c in councils] or [("Grille vierge", {})]
    headers = ["Obligation / élément", "Référence"] + [c.label for c in columns]
    for n, (title, answers) in enumerate(blocks):
        if n:
            w.page_break()
            w.blank()
        w.group(title, color=ACCENT_DARK, font_color="FFFFFF")
        w.header(headers, freeze_col=2)
        group = None
        for row in checklist_rows(tool, form, answers):
            if row.group != group:
                group = row.group
                if group:
                    w.group(group)
            values = [row.label, row.reference] + [cell.text for cell in row.cells]
            colors = {3 + i: cell.color for i, cell in enumerate(row.cells) if cell.color and cell.text}
            w.values(values, colors=colors)
    w.finish(landscape=True, footer=footer)


# --------------------------------------------------------------------------- maturité


def maturity_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    found = [r for r in ctx.responses_of(tool.id) if r.subject_type == "evaluation"]
    answers = found[0].answers if found else {}
    result = compute_maturity(tool, answers)
    w = SheetWriter(ws, [28, 22, 9, 48, 48], tool.title, _subtitle(ctx, tool), tool.purpose)
    w.header(["Domaine", "Niveau atteint", "Points", "Justification", "Ce que décrit ce niveau"], freeze_col=2)
    for d in result.domains:
        lv = d.level
        w.values(
            [d.label, f"{lv.number} – {lv.label}" if lv else "", lv.points if lv else None, d.justification, d.level_text],
            colors={2: lv.color if lv else ""}, bold_first=True,
        )
    w.values(["Score", f"{format_points(result.score)} / {format_points(result.max_score)} points", None,
              f"{round(result.percent)} % ; {result.assessed} domaine(s) évalué(s) sur {result.total}", ""], bold_first=True,
             fonts={2: font(11, True, ACCENT)})
    for title, items in (("Points forts", result.strengths), ("Axes de progrès", result.progress), ("Recommandations", result.recommendations)):
        w.blank()
        w.group(title)
        for f in items or ():
            w.values([f.domain, f.text], bold_first=True, merge={2: 5})
        if not items:
            w.values(["—"])
    if result.assessed:
        from desktop_app.exports.pdf_charts import radar

        png = radar([d.label for d in result.domains], result.profile(), result.max_level)
        w.blank()
        w.group("Profil de maturité")
        anchor_row = w.row + 1
        w.image(png, f"A{anchor_row}", 430)
        w.row += 20
    w.finish(landscape=True, footer=footer)


# --------------------------------------------------------------------------- choix des actions


def scoring_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    """The weighted grid as on paper: one row per action, one column per criterion, the weights
    in the row under the headings, the weighted score and the rank as live formulas (changing a
    level or a weight in the spreadsheet recomputes them), ties flagged, and the short list."""
    rows = _scored_actions(ctx, tool)
    crit = list(tool.criteria)
    n = len(crit)
    w = SheetWriter(ws, [7, 42, 26] + [12] * n + [9, 10, 9], tool.title, _subtitle(ctx, tool),
                    (tool.purpose + "\n" if tool.purpose else "")
                    + "La note et le rang sont des formules : modifiez un niveau (ou un poids) et ils sont recalculés.")
    weights = rows[0][5] if rows else {c.id: c.weight for c in crit}
    w.header(["Rang", "Action", "Structure porteuse"] + [c.label for c in crit] + ["Note", "Ex æquo", "Retenue"], freeze_col=4)
    first_level, last_level = letter(4), letter(3 + n)
    score_col = letter(4 + n)
    weights_row = w.values(["", "Poids du critère", ""] + [weights.get(c.id, c.weight) for c in crit] + ["", "", ""],
                           bold=True, fill_color=ACCENT_LIGHT)
    w.title_rows(weights_row)
    first, last = w.row + 1, w.row + max(1, len(rows))
    scores_range = f"${score_col}${first}:${score_col}${last}"
    for rank, title, carrier, scores, total, _weights, chosen in rows:
        r = w.row + 1
        tied = sum(1 for x in rows if abs(x[4] - total) < 1e-9) > 1
        levels = [scores.get(c.id) for c in crit]
        colors = {2: ACCENT_LIGHT} if chosen else {}
        w.values(
            [Formula(f"=RANK({score_col}{r},{scores_range})", rank), title, carrier] + levels + [
                Formula(f"=SUMPRODUCT({first_level}{r}:{last_level}{r},${first_level}${weights_row}:${last_level}${weights_row})",
                        total),
                Formula(f'=IF(COUNTIF({scores_range},{score_col}{r})>1,"ex æquo","")', "ex æquo" if tied else ""),
                "oui" if chosen else "",
            ],
            colors=colors, alignments={1: CENTER, 5 + n: CENTER, **({2: WRAP} if chosen else {})},
        )
    if not rows:
        w.values(["", "(aucune action cotée)"])
    w.blank()
    w.group("Niveaux des critères")
    for c in crit:
        w.values(["", c.label, "\n".join(f"{lv.value} – {lv.label} : {lv.description}" for lv in c.levels)],
                 merge={3: 3 + n + 2})
    w.finish(landscape=True, footer=footer)


def _scored_actions(ctx, tool) -> list[tuple]:
    """(rank, title, carrier, {criterion: level}, total, weights, chosen) of every action of the grid."""
    grid = ctx.data.action_grid
    if grid is None:
        return []
    return [
        (r.rank.rank, r.action.title, r.action.carrier, {cid: sc.value for cid, sc in r.scores.items()}, r.total,
         grid.weights, r.action.chosen)
        for r in grid.rows
    ]


# --------------------------------------------------------------------------- courrier


def letter_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    w = SheetWriter(ws, [34, 30, 30, 34], tool.title, _subtitle(ctx, tool), tool.purpose)
    form = compile_tool(ctx.kit, tool.id)
    found = [r for r in ctx.responses_of(tool.id) if r.subject_type == "evaluation"]
    answers = found[0].answers if found else {}
    w.header(["Option du courrier", "Valeur", "", ""])
    for page in form.pages:
        if page.id.startswith("_"):
            continue
        for f in page.fields:
            if f.answerable:
                w.values([f.label, display_value(f, answers.get(f.id))], bold_first=True, merge={2: 4})
    w.blank()
    w.group("Destinataires (liste de publipostage)", color=ACCENT_DARK, font_color="FFFFFF")
    w.values(["Institution", "Contact", "Fonction", "E-mail"], colors={i: ACCENT_LIGHT for i in range(1, 5)})
    for p in ctx.cadrage.tables.get("partner", []):
        w.values([clean_name(p["organisation"]), p["contact"], p["role"], p["email"]])
    w.finish(landscape=False, footer=footer)


# --------------------------------------------------------------------------- questionnaires, guides, fiches


ACROSS_MAX = 6  # up to this many responses side by side; more: one block per response


def _consented(pages, answers: dict) -> bool:
    """A record whose tool has a consent field (`consent: true`: testimonies) appears only with
    the person's consent to its use."""
    return all(answers.get(f.id) is True for p in pages for f in p.fields if f.consent)


def sections_sheet(ws: WriteOnlyWorksheet, ctx, tool, footer: str) -> None:
    form = compile_tool(ctx.kit, tool.id)
    responses = ctx.responses_of(tool.id)
    pages = [p for p in form.pages if not p.id.startswith("_")]
    fields = [(p, f) for p in pages for f in p.fields if f.answerable]
    has_repeat = any(f.type == "repeat_group" for _, f in fields)
    if has_repeat or not 2 <= len(responses) <= ACROSS_MAX:
        _stacked(ws, ctx, tool, form, pages, responses, footer)
    else:
        _across(ws, ctx, tool, pages, responses, footer)


def _format(f) -> str | None:
    """The number format of a question's answers: euros for an amount."""
    return EUR_FORMAT if f.type in ("integer", "decimal") and f.unit == "€" else None


def _answer_cell(tool_id: str, f, answers: dict) -> tuple[Any, str | None]:
    value = answers.get(f.id)
    if f.type in ("integer", "decimal", "scale") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value, None
    if f.type == "date" and value:
        return _date(str(value)), None
    if (f.sensitive or f.personal) and isinstance(value, str):
        from desktop_app.exports.area_sources import mask

        return mask(value), None
    return display_value(f, value), option_color(f, value)


def _across(ws: WriteOnlyWorksheet, ctx, tool, pages, responses, footer: str) -> None:
    n = len(responses)
    w = SheetWriter(ws, [7, 54] + [24] * n, tool.title, _subtitle(ctx, tool), tool.purpose)
    w.header(["N°", "Question"] + [r.label or f"Fiche {i}" for i, r in enumerate(responses, start=1)], freeze_col=3)
    for s, page in enumerate(pages, start=1):
        answerable = [f for f in page.fields if f.answerable]
        if not answerable:
            continue
        w.group(f"{s}. {page.title}")
        for q, f in enumerate(answerable, start=1):
            values: list[Any] = [f"{s}.{q}", f.label]
            colors = {}
            number_format = _format(f)
            for i, r in enumerate(responses):
                if not _consented(pages, r.answers):
                    values.append("(non repris : pas d'accord d'utilisation)" if f.sensitive else "")
                    continue
                value, color = _answer_cell(tool.id, f, r.answers)
                values.append(value)
                if color:
                    colors[3 + i] = color
            w.values(values, colors=colors, formats={3 + i: number_format for i in range(n)} if number_format else None)
    w.finish(landscape=n > 2, footer=footer)


def _stacked(ws: WriteOnlyWorksheet, ctx, tool, form, pages, responses, footer: str) -> None:
    repeat_children = max((len(f.children) for p in pages for f in p.fields if f.type == "repeat_group"), default=0)
    answer_cols = max(1, repeat_children)
    widths = [7, 46] + ([64] if answer_cols == 1 else [max(14, 96 // answer_cols)] * answer_cols)
    w = SheetWriter(ws, widths, tool.title, _subtitle(ctx, tool), tool.purpose)
    blocks = [(r.label or tool.short_title or tool.title, r.answers, r.status) for r in responses] or [("Fiche vierge", {}, "")]
    last = 2 + answer_cols
    for b, (title, answers, status) in enumerate(blocks):
        ctx.tick(f"Grille : {tool.short_title or tool.title} ({b + 1}/{len(blocks)})")
        if b:
            w.page_break()
            w.blank()
        if len(blocks) > 1 or responses:
            w.group(title + (" — complète" if status == "complete" else ""), color=ACCENT_DARK, font_color="FFFFFF")
        w.header(["N°", "Question", "Réponse"] + [""] * (answer_cols - 1), freeze_col=3)
        if answer_cols > 1:
            w.merge(w.row, 3, w.row, last)
        consent = _consented(pages, answers)
        for s, page in enumerate(pages, start=1):
            answerable = [f for f in page.fields if f.answerable]
            if not answerable:
                continue
            w.group(f"{s}. {page.title}")
            for q, f in enumerate(answerable, start=1):
                if f.type == "repeat_group":
                    items = [i for i in (answers.get(f.id) or []) if isinstance(i, dict)]
                    w.values([f"{s}.{q}", f.label + f" ({len(items)})"] + [c.label for c in f.children],
                                 colors={3 + i: ACCENT_LIGHT for i in range(len(f.children))})
                    for item in items:
                        values: list[Any] = ["", ""]
                        colors = {}
                        for i, child in enumerate(f.children):
                            value, color = _answer_cell(tool.id, child, item)
                            values.append(value)
                            if color:
                                colors[3 + i] = color
                        w.values(values, colors=colors,
                                 formats={3 + i: _format(c) for i, c in enumerate(f.children) if _format(c)} or None)
                    continue
                if not consent and f.sensitive:
                    value, color = "(non repris : pas d'accord d'utilisation)", None
                else:
                    value, color = _answer_cell(tool.id, f, answers)
                w.values([f"{s}.{q}", f.label, value], colors={3: color} if color else None,
                         formats={3: _format(f)} if _format(f) else None,
                         merge={3: last} if answer_cols > 1 else None)
    w.finish(landscape=answer_cols > 2, footer=footer)

