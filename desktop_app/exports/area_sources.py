"""What the other feature areas recorded, read for the deliverables (PDF summary, workbook).

Each function returns plain data, or None when nothing is recorded. They read the kit tools'
answers (form responses, the common ground of every area) and what the services gathered in
`ctx.data` (`ReportData`); they never read the services.

`ctx` is the PDF's `ReportContext`: `data`, `kit`, `scope`, `responses_of(tool_id)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_app.core.french import drop_nested_parentheses, format_quantity, looks_like_year_range, plural
from desktop_app.core.identifiers import format_date_fr
from desktop_app.kit.forms import compile_tool, field_index

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

# the kit's workshop guides are found by role (`Kit.tools_with_role`), never by id
WORKSHOP_ROLES = ("workshop_guide", "working_group")


def mask(text: str) -> str:
    """Free text from the field with e-mails, phone numbers and likely people's names removed:
    the report may be published (RGPD default: nobody named). The one privacy filter
    (`core.privacy_filter`), as for bundles."""
    from desktop_app.core.privacy_filter import PrivacyFilter

    return PrivacyFilter().text(text or "", guess_names=True)


def lines_of(text) -> list[str]:
    """A long answer typed one idea per line (or with dashes / bullets) as a list of ideas."""
    if not text:
        return []
    out = []
    for line in str(text).splitlines():
        line = re.sub(r"^\s*[-–•*·]\s*", "", line).strip()
        if line:
            out.append(line)
    return out


def _date(iso) -> str:
    try:
        return format_date_fr(iso) if iso else ""
    except ValueError:
        return str(iso)


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class RankedAction:
    rank: int
    title: str
    score: float
    max_score: float
    selected: bool
    criteria: tuple[tuple[str, str], ...]  # (criterion, level text)
    carrier: str = ""


@dataclass
class ActionsData:
    intro: str
    ranking: list[RankedAction]
    chart: Flowable | None  # the ranking, drawn by reportlab at its print size
    chart_caption: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    details: list[tuple[str, str, list]] = field(default_factory=list)  # (title, key, flowables) PDF only
    plans: list[tuple[str, dict, list[dict]]] = field(default_factory=list)  # chosen actions' method
    # per chosen action (same order as plans): what the fieldwork and questionnaires said about it
    findings: list[list[tuple[str, str]]] = field(default_factory=list)  # [(source, text pseudonymised)]


CHART_TOP = 20  # actions drawn in the ranking chart (the chosen ones always are)


def actions_data(ctx) -> ActionsData | None:
    """The actions scored with the weighted grid (tool 4), ranked, the short list first; and the
    evaluative questions and method of each chosen action (tools 5 and 6)."""
    return _actions_from_service(ctx)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _actions_from_service(ctx) -> ActionsData | None:
    grid = ctx.data.action_grid
    if grid is None or not grid.rows:
        return None
    chosen = [r for r in grid.rows if r.action.chosen]
    shown = [r for r in grid.rows[:CHART_TOP]] + [r for r in grid.rows[CHART_TOP:] if r.action.chosen]
    ranking = [
        RankedAction(
            r.rank.rank, r.action.title, r.total, grid.max_total, r.action.chosen,
            tuple((c.label, str(r.scores[c.id].value) if r.scores[c.id].value is not None else "—") for c in grid.criteria),
            r.action.carrier,
        )
        for r in grid.rows
    ]
    from desktop_app.exports import pdf_style as st
    from desktop_app.exports.pdf_bars import PrintBars

    # the ranking at its print size (text 7.5 pt, titles wrapped, never cut)
    chart = PrintBars(
        [r.action.title for r in shown], [r.total for r in shown], st.WIDTH,
        max_value=grid.max_total, highlight=[r.action.chosen for r in shown], label_share=0.5,
    )
    n = len(grid.rows)
    intro = (
        f"{n} action{'s' if n > 1 else ''} de la programmation {'ont' if n > 1 else 'a'} été cotée{'s' if n > 1 else ''} "
        f"avec la grille pondérée du kit (note maximale : {_num(grid.max_total)} points). "
        f"{len(chosen)} action{'s ont' if len(chosen) > 1 else ' a'} été retenue{'s' if len(chosen) > 1 else ''} "
        f"pour une évaluation approfondie (le kit en conseille de {grid.shortlist_min} à {grid.shortlist_max}) : "
        "le classement a servi de base à la discussion, il ne l'a pas remplacée."
    )
    caption = (
        f"Classement des {len(shown)} premières actions selon la note pondérée ; en couleur, les actions retenues."
        if n > len(shown) else "Classement des actions selon la note pondérée ; en couleur, les actions retenues."
    )
    rows = [
        [r.rank.label, r.action.title, r.action.carrier, r.action.pillar, _num(r.total)]
        for r in chosen
    ]
    data = ActionsData(
        intro, ranking, chart, caption,
        ["Rang", "Action retenue", "Structure porteuse", "Pilier / axe", "Note"], rows, [0.08, 0.36, 0.26, 0.18, 0.12],
    )
    data.plans = _action_plans(ctx, chosen)
    data.findings = action_findings(ctx, [(r.action.title, r.action.carrier) for r in chosen])
    return data


def _phrases(title: str, carrier: str) -> list[str]:
    """The words by which a record names an action: its title (whole, and before a dash or
    a parenthesis) and its carrier."""
    from desktop_app.core.french import fold

    out = []
    for text in (title, re.split(r"\s+[—–-]\s+|\s*\(", title or "")[0], clean_carrier(carrier)):
        key = " ".join(fold(text or "").split())
        if len(key) >= 8 and key not in out:
            out.append(key)
    return out


def clean_carrier(carrier: str) -> str:
    """"Association Lire et Dire" -> "Lire et Dire": the generic first word is not a name."""
    return re.sub(r"^(association|asso\.?|structure)\s+", "", (carrier or "").strip(), flags=re.IGNORECASE)


def action_findings(ctx, actions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """For each (title, carrier): the pieces of fieldwork (workshops, immersions, testimonies
    with consent) and of questionnaire answers that name the action or its carrier, as
    (where it comes from, what was said), pseudonymised by the privacy filter."""
    from desktop_app.core.french import fold

    pieces: list[tuple[str, str, str]] = []  # (source, text, folded haystack)
    excerpts = ctx.data.excerpts
    for e in excerpts:
        if e.category == "verbatim" or not str(e.text or "").strip():
            continue
        source = drop_nested_parentheses(e.source)
        # a plain note counts only when it names the action itself (not just its record's title)
        said = e.text if e.category == "note" else f"{e.source} {e.group} {e.text}"
        pieces.append((source, str(e.text).strip(), " ".join(fold(said).split())))
    private: dict[str, set[str]] = {}  # questionnaire -> its personal or sensitive questions, never quoted
    for r in ctx.responses:
        tool = ctx.kit.tools.get(r.tool_id) if isinstance(ctx.kit.tools, dict) else None
        if tool is None or getattr(tool, "kind", "") != "questionnaire":
            continue
        if r.tool_id not in private:
            private[r.tool_id] = {f.id for f in field_index(compile_tool(ctx.kit, r.tool_id)).values() if f.personal or f.sensitive}
        for key, value in r.answers.items():
            if key not in private[r.tool_id] and isinstance(value, str) and len(value) > 12:
                pieces.append((f"{tool.short_title or tool.title} — réponse libre", value.strip(), " ".join(fold(value).split())))
    out = []
    for title, carrier in actions:
        keys = _phrases(title, carrier)
        found: list[tuple[str, str]] = []
        for source, text, hay in pieces:
            if any(k in hay for k in keys):
                item = (source, mask(text))
                if item not in found:
                    found.append(item)
        out.append(found)
    return out


def _action_plans(ctx, chosen) -> list[tuple[str, dict, list[dict]]]:
    """(title, sheet, plan rows) of every chosen action, read from its method sheet without
    creating anything (the application's keys, `core.action_plan`)."""
    out = []
    for r in chosen:
        plan = ctx.data.action_plans.get(r.action.id)
        out.append((r.action.title, dict(plan.sheet) if plan else {}, [dict(row) for row in plan.rows] if plan else []))
    return out


# --------------------------------------------------------------------------- ateliers et terrain


@dataclass(frozen=True)
class Swot:
    title: str
    subtitle: str
    forces: tuple[str, ...]
    faiblesses: tuple[str, ...]
    preconisations: tuple[str, ...]
    lessons: tuple[str, ...] = ()


@dataclass
class FieldworkData:
    workshops: list[Swot] = field(default_factory=list)
    immersions: list[Swot] = field(default_factory=list)
    verbatims: list[tuple[str, str]] = field(default_factory=list)  # (quote, who — pseudonymised)
    excluded: int = 0  # testimonies left out for lack of consent


def _repeat_lines(value, key: str) -> list[str]:
    if not isinstance(value, list):
        return lines_of(value)
    return [str(item.get(key)).strip() for item in value if isinstance(item, dict) and item.get(key)]


def fieldwork_data(ctx) -> FieldworkData:
    """Read once per report (the essentials' recommendations and the fieldwork chapter share it)."""
    if ctx.fieldwork is None:
        ctx.fieldwork = _fieldwork_data(ctx)
    return ctx.fieldwork


def _fieldwork_data(ctx) -> FieldworkData:
    """Workshops, immersions and testimonies, from the gathered workshops and excerpts."""
    return _fieldwork_from_service(ctx)


SWOT_CATEGORIES = ("force", "faiblesse", "preconisation", "enseignement")  # excerpt categories, in Swot order


def _fieldwork_from_service(ctx) -> FieldworkData:
    """Workshops and immersions as forces / faiblesses / préconisations, and the words quoted:
    read from the fieldwork area's excerpts (testimonies without consent are already left out)."""
    excerpts, hidden = ctx.data.excerpts, ctx.data.hidden_excerpts
    data = FieldworkData(excluded=hidden)
    blocks: dict[str, dict] = {}
    order: list[str] = []
    subtitles = {}
    for w in ctx.data.workshops:
        bits = [w.group_label if w.is_working_group else ""]
        if w.participants_total:
            bits.append(f"{w.participants_total} participant{'s' if w.participants_total > 1 else ''}")
        if w.place:
            bits.append(w.place)
        subtitles[w.id] = " — ".join(b for b in bits if b)
    for e in excerpts:
        if e.kind in ("workshop", "immersion"):
            key = e.category if e.category in SWOT_CATEGORIES else None
            if e.category == "verbatim":
                for line in lines_of(mask(e.text)):
                    data.verbatims.append((line, drop_nested_parentheses(e.source)))
                continue
            if key is None:
                continue
            if e.record_id not in blocks:
                blocks[e.record_id] = {"kind": e.kind, "title": e.source, **{c: [] for c in SWOT_CATEGORIES}}
                order.append(e.record_id)
            blocks[e.record_id][key] += lines_of(mask(e.text))
        elif e.category == "temoignage":
            data.verbatims.append((mask(e.text.strip()), drop_nested_parentheses(e.source)))
    for rid in order:
        b = blocks[rid]
        swot = Swot(
            b["title"] if b["kind"] == "workshop" else f"Immersion : {b['title'].removeprefix('Immersion — ')}",
            subtitles.get(rid, ""), *(tuple(b[c]) for c in SWOT_CATEGORIES),
        )
        (data.workshops if b["kind"] == "workshop" else data.immersions).append(swot)
    return data


# --------------------------------------------------------------------------- questionnaires


@dataclass
class QuestionnaireData:
    respondents: int
    summary: str
    # (section title, [(question, chart, who answered, sentence written from the data)])
    sections: list[tuple[str, list[tuple[str, Flowable | None, str, str]]]]
    # free-text answers, pseudonymised, for the annex: (question, [answers])
    free_texts: list[tuple[str, list[str]]] = field(default_factory=list)
    left_out: str = ""  # the identification questions, not reported (they name the respondent)


FREE_TEXT_ANNEX = "F"  # the annex letter of the questionnaires' free answers


def questionnaire_data(ctx, tool_id: str) -> QuestionnaireData | None:
    from desktop_app.core.questionnaire_respondents import identity_fields, respondent_type
    from desktop_app.core.questionnaire_results import RespondentAnswers, compute_results, format_percent
    from desktop_app.core.questionnaire_sheet import question_numbers
    from desktop_app.core.result_sentences import result_sentence

    responses = ctx.responses_of(tool_id)
    if not responses:
        return None
    form = compile_tool(ctx.kit, tool_id)
    fields = field_index(form)
    kind = respondent_type(form)
    results = ctx.data.questionnaire_results.get(tool_id)
    if results is None:  # not gathered (a tool out of the questionnaires' role): computed from its responses
        results = compute_results(
            form, [RespondentAnswers(r.label, r.subject_type, dict(r.answers), r.status) for r in responses]
        )
    rate = ctx.data.questionnaire_rates.get(tool_id)
    complete = results.complete
    summary = f"{plural(results.respondents, 'réponse')} {'enregistrées' if results.respondents > 1 else 'enregistrée'}, dont {complete} complète{'s' if complete > 1 else ''}."
    if rate is not None and rate.invited:
        summary += f" Taux de réponse : {format_percent(rate.rate)} ({rate.answered} sur {rate.invited} sollicités)."
    numbers = question_numbers(form)
    identity = [numbers[f] for f in identity_fields(form).ids if f in numbers]
    left_out = ""
    if identity:
        listed = ", ".join(identity[:-1]) + (f" et {identity[-1]}" if len(identity) > 1 else identity[-1])
        left_out = (f"Les questions {listed} identifient le répondant" if len(identity) > 1 else f"La question {listed} identifie le répondant") + " : elles ne sont pas reprises ici."
        if len(identity) == 1:
            left_out = left_out.replace("elles ne sont pas reprises", "elle n’est pas reprise")
    sections = []
    free_texts: list[tuple[str, list[str]]] = []
    for sec in results.sections:
        items = []
        for q in sec.questions:
            label = f"{q.number} {q.label}".strip()
            if hasattr(ctx, "tick"):
                ctx.tick(f"Questionnaire : question {q.number}".strip())
            f = fields.get(q.field_id)
            year = f is not None and f.type == "integer" and not q.unit and looks_like_year_range(_float(f.min), _float(f.max))
            sentence = result_sentence(q, kind, year=year)
            if q.kind in ("choice", "multiple", "scale") and q.answered:
                png = _question_chart(q)
                note = q.answered_text + (" ; plusieurs réponses possibles" if q.kind == "multiple" else "")
                items.append((label, png, note, sentence))
                if q.others:
                    free_texts.append((f"{label} — « Autre », précisé", [mask(t.text) for t in q.others]))
            elif q.kind == "number" and q.stats:
                st_ = q.stats
                low, mid, high = (format_quantity(v, q.unit, year=year) for v in (st_.minimum, st_.median, st_.maximum))
                text = f"{q.answered_text} : minimum {low}, médiane {mid}, maximum {high}"
                if q.unit and any(u in q.unit for u in ("€", "ETP", "heure", "jour")):
                    text += f", total {format_quantity(st_.total, q.unit)}"
                items.append((label, None, text, sentence))
            elif q.kind == "text" and q.answered:
                if q.hidden_texts or (f is not None and (f.personal or f.sensitive)):
                    items.append((label, None, f"{q.answered_text} ; réponses personnelles, non reproduites.", ""))
                else:
                    free_texts.append((label, [mask(t.text) for t in q.texts]))
                    items.append((label, None, f"{q.answered_text} en texte libre, reproduites en annexe {FREE_TEXT_ANNEX}.", ""))
            elif q.answered:
                items.append((label, None, q.answered_text + "".join(f" ; {t.text}" for t in q.texts[:1] if q.kind == "group"), ""))
            else:
                items.append((label, None, "Aucune réponse.", ""))
        if items:
            sections.append((sec.title, items))
    return QuestionnaireData(results.respondents, summary, sections, free_texts, left_out)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _question_chart(q) -> Flowable:
    """A question's bars at their print size in the PDF's two-column grid (text 7.5 pt, labels
    wrapped, never cut)."""
    from desktop_app.exports import pdf_style as st
    from desktop_app.exports.pdf_bars import PrintBars

    width = st.WIDTH / 2 - 14
    return PrintBars([o.label for o in q.options], [o.percent for o in q.options], width, unit=" %", max_value=100)


# --------------------------------------------------------------------------- engagements

STATUS = {
    "realise": ("Réalisé", "#2e7d32"),
    "en_cours": ("En cours", "#9ccc65"),
    "non_engage": ("Non engagé", "#ffb74d"),
    "abandonne": ("Abandonné", "#e53935"),
}


@dataclass
class CommitmentsData:
    intro: str
    chart: Flowable | None  # drawn by reportlab at its print size
    rows: list[list[str]]
    counts: dict[str, int]
    notes: list[tuple[str, str]] = field(default_factory=list)


def commitments_data(ctx) -> CommitmentsData | None:
    """The commitments (the commitments service's table) and the tracker's own answers: every
    long text outside the list, with its question as title."""
    items = list(ctx.data.commitments)
    notes: list[tuple[str, str]] = []
    tracker = ctx.kit.tool_id_for_role("commitments")
    if tracker is not None:
        fields = [f for p in compile_tool(ctx.kit, tracker).pages for f in p.fields if f.type == "long_text"]
        for r in ctx.responses_of(tracker):
            notes += [(f.label, str(r.answers[f.id])) for f in fields if r.answers.get(f.id)]
    if not items:
        return None
    counts = {k: 0 for k in STATUS}
    rows = []
    for c in items:
        status = c.status or ""
        if status in counts:
            counts[status] += 1
        proof = " — ".join(x for x in (c.evidence or "", c.comment or "") if x)
        rows.append([c.number or "", c.title or "", c.pilot or "", STATUS.get(status, ("—", ""))[0], proof])
    intro = ctx.data.commitment_summary
    series = [(label, [counts[k]], color) for k, (label, color) in STATUS.items()]
    from desktop_app.exports import pdf_style as st
    from desktop_app.exports.pdf_bars import PrintStacked

    chart = PrintStacked(["Engagements"], series, st.WIDTH)
    return CommitmentsData(intro, chart, rows, counts, notes)
