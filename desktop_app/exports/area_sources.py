"""What the other feature areas recorded, read for the deliverables (PDF summary, workbook).

Each function returns plain data, or None when nothing is recorded. They read the kit tools'
answers (form responses, the common ground of every area) and, where an area's service offers
more, read through that service — only if its module exists (`ctx.area(name)` is None while
the area has not landed).

`ctx` is anything with `services`, `evaluation_id`, `kit`, `scope`, `responses_of(tool_id)`
and `area(name)` (the PDF's `ReportContext`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.core.answer_text import display_value
from desktop_app.core.identifiers import format_date_fr
from desktop_app.exports import charts
from desktop_app.kit.forms import compile_tool, field_index

WORKSHOP_TOOLS = ("guide-partenaires", "guide-associations", "guide-conseils-citoyens", "groupe-travail")


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
    chart: bytes | None
    chart_caption: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    details: list[tuple[str, str, list]] = field(default_factory=list)  # (title, key, flowables) PDF only


def actions_data(ctx) -> ActionsData | None:
    """The actions scored with the weighted grid (tool 4), ranked; the selected ones first."""
    if "choix-actions" not in ctx.kit.tools:
        return None
    tool = ctx.kit.tool("choix-actions")
    responses = ctx.responses_of("choix-actions")
    if not responses:
        return None
    best = sum(c.weight * max(lv.value for lv in c.levels) for c in tool.criteria)
    scored = []
    for r in responses:
        total = 0.0
        crit = []
        for c in tool.criteria:
            raw = r.answers.get(c.id)
            try:
                level = int(raw)
            except (TypeError, ValueError):
                level = None
            if level is not None:
                total += c.weight * level
            name = next((lv.label for lv in c.levels if lv.value == level), "—") if level is not None else "—"
            crit.append((c.label, f"{level} – {name}" if level is not None else "—"))
        scored.append((total, r.label or "Action sans titre", tuple(crit), r.status == "complete"))
    scored.sort(key=lambda x: (-x[0], x[1].casefold()))
    shortlist = min(tool.shortlist_max, len(scored))
    ranking = [
        RankedAction(i, title, score, best, i <= shortlist, crit) for i, (score, title, crit, _) in enumerate(scored, start=1)
    ]
    chart = charts.bar_chart(
        [a.title for a in ranking],
        [a.score for a in ranking],
        highlight=[a.selected for a in ranking],
        max_value=best,
        unit=" pts",
    )
    intro = (
        f"{len(ranking)} action(s) de la programmation ont été cotées avec la grille pondérée de choix des actions "
        f"structurantes (note maximale : {best:g} points). Les {shortlist} mieux classées, en couleur, forment la "
        "liste courte proposée pour une évaluation approfondie ; le classement sert de base à la discussion, il ne la remplace pas."
    )
    rows = [[str(a.rank), a.title, f"{a.score:g}".replace(".", ","), "Oui" if a.selected else ""] for a in ranking]
    data = ActionsData(
        intro, ranking, chart, "Classement des actions selon la note pondérée.",
        ["Rang", "Action", "Note", "Retenue"], rows, [0.08, 0.66, 0.12, 0.14],
    )
    return data


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
    data = FieldworkData()
    kit = ctx.kit
    for tool_id in WORKSHOP_TOOLS:
        if tool_id not in kit.tools or tool_id not in ctx.scope:
            continue
        tool = kit.tool(tool_id)
        for r in ctx.responses_of(tool_id):
            a = r.answers
            forces = lines_of(a.get("forces")) + lines_of(a.get("s2_forces"))
            faiblesses = lines_of(a.get("faiblesses")) + lines_of(a.get("s2_faiblesses"))
            precos = lines_of(a.get("preconisations")) + _repeat_lines(a.get("s3_preconisations"), "s3_preco_intitule")
            if not (forces or faiblesses or precos):
                continue
            name = tool.short_title or tool.title
            data.workshops.append(Swot(f"{name} — {r.label}" if r.label else name, _date(a.get("date")), tuple(forces), tuple(faiblesses), tuple(precos)))
    if "fiche-immersion" in kit.tools and "fiche-immersion" in ctx.scope:
        form = compile_tool(kit, "fiche-immersion")
        fields = field_index(form)
        for r in ctx.responses_of("fiche-immersion"):
            a = r.answers
            title = a.get("structure_visitee") or r.label or "Immersion"
            sub = " — ".join(
                x for x in (_date(a.get("date_immersion")), display_value(fields["theme"], a.get("theme")) if "theme" in fields else "") if x
            )
            swot = Swot(
                f"Immersion : {title}", sub, tuple(lines_of(a.get("points_forts"))), tuple(lines_of(a.get("difficultes"))),
                tuple(lines_of(a.get("preconisations"))), tuple(lines_of(a.get("enseignements"))),
            )
            if swot.forces or swot.faiblesses or swot.preconisations or swot.lessons:
                data.immersions.append(swot)
    if "fiche-temoignage" in kit.tools and "fiche-temoignage" in ctx.scope:
        form = compile_tool(kit, "fiche-temoignage")
        fields = field_index(form)
        for r in ctx.responses_of("fiche-temoignage"):
            a = r.answers
            text = str(a.get("texte_temoignage") or "").strip()
            if not text:
                continue
            if a.get("consentement_utilisation") is not True:
                data.excluded += 1
                continue
            who = [a.get("code_pseudonyme") or ""]
            if a.get("profil"):
                who.append(display_value(fields["profil"], a.get("profil")).lower())
            if a.get("tranche_age") and a.get("tranche_age") != "non_precise":
                who.append(display_value(fields["tranche_age"], a.get("tranche_age")).lower())
            if a.get("qpv"):
                who.append(str(a.get("qpv")))
            data.verbatims.append((text, ", ".join(x for x in who if x)))
    return data


# --------------------------------------------------------------------------- questionnaires


@dataclass
class QuestionnaireData:
    respondents: int
    summary: str
    sections: list[tuple[str, list[tuple[str, bytes | None, str]]]]  # (title, [(question, chart, note)])


def questionnaire_data(ctx, tool_id: str) -> QuestionnaireData | None:
    from desktop_app.core.questionnaire_results import RespondentAnswers, compute_results, format_percent

    responses = ctx.responses_of(tool_id)
    if not responses:
        return None
    form = compile_tool(ctx.kit, tool_id)
    results = compute_results(
        form, [RespondentAnswers(r.label, r.subject_type, dict(r.answers), r.status) for r in responses]
    )
    complete = results.complete
    summary = f"{results.respondents} réponse(s) enregistrée(s), dont {complete} complète(s)."
    sections = []
    for sec in results.sections:
        items = []
        for q in sec.questions:
            label = f"{q.number} {q.label}".strip()
            if q.kind in ("choice", "multiple", "scale") and q.answered:
                opts = [o for o in q.options]
                png = charts.bar_chart(
                    [o.label for o in opts], [o.percent for o in opts], unit=" %", max_value=100, width=6.6,
                )
                note = q.answered_text + (" ; plusieurs réponses possibles" if q.kind == "multiple" else "")
                items.append((label, png, note))
            elif q.kind == "number" and q.stats:
                s = q.stats
                unit = f" {q.unit}" if q.unit else ""
                items.append(
                    (label, None, f"{q.answered_text} : minimum {s.minimum:g}{unit}, médiane {s.median:g}{unit}, "
                     f"maximum {s.maximum:g}{unit}, total {s.total:g}{unit}".replace(".", ","))
                )
        if items:
            sections.append((sec.title, items))
    _ = format_percent
    return QuestionnaireData(results.respondents, summary, sections)


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
    chart: bytes | None
    rows: list[list[str]]
    counts: dict[str, int]
    notes: list[tuple[str, str]] = field(default_factory=list)


def commitments_data(ctx) -> CommitmentsData | None:
    items: list[dict] = []
    notes: list[tuple[str, str]] = []
    for r in ctx.responses_of("suivi-engagements"):
        for item in r.answers.get("engagements") or []:
            if isinstance(item, dict) and (item.get("intitule") or item.get("numero")):
                items.append(item)
        for key, title in (("enseignements", "Ce que montre le suivi"), ("partenaires_a_mobiliser", "Partenaires dont la mobilisation a manqué"), ("suites", "Propositions pour le prochain contrat")):
            if r.answers.get(key):
                notes.append((title, str(r.answers[key])))
    if not items:
        return None
    counts = {k: 0 for k in STATUS}
    rows = []
    for it in items:
        status = it.get("statut") or ""
        if status in counts:
            counts[status] += 1
        proof = " — ".join(x for x in (str(it.get("preuves") or ""), str(it.get("commentaire") or "")) if x)
        rows.append([str(it.get("numero") or ""), str(it.get("intitule") or ""), str(it.get("pilote") or ""), STATUS.get(status, ("—", ""))[0], proof])
    total = len(items)
    done = counts["realise"] + counts["en_cours"]
    intro = f"{total} engagement(s) suivi(s) : {counts['realise']} réalisé(s), {counts['en_cours']} en cours, {counts['non_engage']} non engagé(s), {counts['abandonne']} abandonné(s) — soit {round(100 * done / total)} % réalisés ou en cours."
    series = [(label, [counts[k]], color) for k, (label, color) in STATUS.items()]
    chart = charts.stacked_bar(["Engagements"], series, percent=True)
    return CommitmentsData(intro, chart, rows, counts, notes)
