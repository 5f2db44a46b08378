"""The resource centre's consolidated view of many territories' evaluations.

Read from one database holding every territory's imported bundles (SQLite or PostgreSQL):
- a table of territories with their completion (steps finished out of the steps in scope);
- per evaluative question of the référentiel, the distribution of the appreciations the
  territories gave (and each territory's appreciation, the one its own synthesis shows: given,
  or suggested from its indicators), and per indicator each territory's value (typed, else computed
  from its questionnaires and commitments), baseline, source and appreciation, and the kit's target;
- questionnaire results pooled across territories and territory by territory (choice counts,
  numeric statistics, « Autre » texts listed);
- maturity levels compared (each territory's level per domain, and the mean);
- conseils citoyens (law-vs-practice gaps), commitments by state and actions chosen by pillar,
  in `desktop_app.core.consolidation_parts`;
- the sheets filled once per evaluation (`step_form` tools: state of the QPV, annual reports'
  series, evaluative questions of the transversal axes), in `desktop_app.core.consolidation_sheets`.

Questions, domains and answer labels come from the kit bundled with the application; a
territory on another kit version contributes wherever its ids match. Plain data and pure
computations: the data is gathered by `desktop_app.services.consolidation` and the files (Excel,
PDF) are written by `desktop_app.exports.consolidation_files`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from desktop_app.core.consolidation_parts import ActionsSummary, CouncilGaps, council_gaps
from desktop_app.core.consolidation_sheets import StepSheet, TerritoryKit, step_sheets
from desktop_app.core.french import looks_like_year_range, value_with_unit
from desktop_app.core.indicators import ActionFigures, compute_all
from desktop_app.core.privacy_filter import PrivacyFilter
from desktop_app.core.questionnaire_results import NumberStats, RespondentAnswers, compute_results
from desktop_app.core.referentiel import build_matrix
from desktop_app.kit.forms import compile_tool

NOT_FILLED = "non_renseigne"


@dataclass(frozen=True)
class TerritoryRow:
    evaluation_id: str
    territory: str
    title: str
    generation: str
    kit_version: str
    updated_at: datetime
    steps_done: int
    steps_total: int
    step_states: dict[str, str]
    testimonies: int = 0  # testimonies held with the person's consent (a withdrawn one is gone)

    @property
    def completion(self) -> float:
        return self.steps_done / self.steps_total if self.steps_total else 0.0


@dataclass(frozen=True)
class ScaleLevel:
    value: str
    label: str
    color: str | None


@dataclass(frozen=True)
class QuestionDistribution:
    question_id: str
    theme: str
    label: str
    counts: dict[str, int]  # scale value -> territories
    by_territory: dict[str, str]  # evaluation id -> scale value
    number: int = 0
    computed: frozenset[str] = frozenset()  # evaluation ids whose appreciation was suggested from the indicators


@dataclass(frozen=True)
class IndicatorDistribution:
    """One indicator of the référentiel across territories."""

    indicator_id: str
    question_id: str
    code: str  # "4.1.a"
    label: str
    unit: str
    appreciation: dict[str, str]  # evaluation id -> scale value (NOT_FILLED when none)
    value: dict[str, str]  # evaluation id -> value retained: typed, else computed from its data (may be "")
    target: str = ""  # the kit's target, in words
    baseline: dict[str, str] = field(default_factory=dict)  # evaluation id -> baseline (typed value — definition)
    source: dict[str, str] = field(default_factory=dict)  # evaluation id -> where the value comes from
    computed: dict[str, str] = field(default_factory=dict)  # evaluation id -> value computed from its data (even when overridden)

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.appreciation.values()))


@dataclass(frozen=True)
class PooledQuestion:
    question_id: str
    label: str
    answered: int
    counts: list[tuple[str, int]]  # (answer label, respondents), in the kit's order
    number: str = ""
    kind: str = "choice"  # choice | multiple | scale | number
    unit: str | None = None
    by_territory: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # evaluation id -> counts
    answered_by_territory: dict[str, int] = field(default_factory=dict)
    stats: NumberStats | None = None  # numbers (and scales): pooled n, min, median, max, mean
    stats_by_territory: dict[str, NumberStats] = field(default_factory=dict)
    others: list[tuple[str, str]] = field(default_factory=list)  # (evaluation id, « Autre » text typed)
    year: bool = False  # a number bounded like a year: written 2025, never « 2 025 »


@dataclass(frozen=True)
class PooledQuestionnaire:
    tool_id: str
    title: str
    respondents: int
    territories: int
    questions: list[PooledQuestion]


@dataclass(frozen=True)
class MaturityComparison:
    tool_id: str
    title: str
    domains: list[tuple[str, str]]  # (domain id, label)
    max_level: float
    levels: dict[str, list[float | None]]  # evaluation id -> level per domain

    def mean(self) -> list[float | None]:
        out = []
        for i in range(len(self.domains)):
            values = [v[i] for v in self.levels.values() if v[i] is not None]
            out.append(sum(values) / len(values) if values else None)
        return out


@dataclass(frozen=True)
class Consolidation:
    territories: list[TerritoryRow]
    scale: list[ScaleLevel]
    questions: list[QuestionDistribution]
    questionnaires: list[PooledQuestionnaire]
    maturity: list[MaturityComparison]
    generated_at: datetime = field(default_factory=datetime.now)
    indicators: list[IndicatorDistribution] = field(default_factory=list)
    councils: list[CouncilGaps] = field(default_factory=list)
    commitments: dict[str, dict[str, int]] = field(default_factory=dict)  # evaluation id -> status -> count
    actions: dict[str, ActionsSummary] = field(default_factory=dict)
    sheets: list[StepSheet] = field(default_factory=list)  # the step_form tools, territory by territory

    def territory_name(self, evaluation_id: str) -> str:
        for t in self.territories:
            if t.evaluation_id == evaluation_id:
                return t.territory or t.title
        return evaluation_id[:8]


def _latest(responses: list, tool_id: str):
    mine = [r for r in responses if r.tool_id == tool_id]
    return max(mine, key=lambda r: r.updated_at) if mine else None


def build_consolidation(
    kit,
    territories: list[TerritoryRow],
    responses_by_eval: dict[str, list],
    commitments: dict[str, dict[str, int]] | None = None,
    actions: dict[str, ActionsSummary] | None = None,
    figures: dict[str, list[ActionFigures]] | None = None,
    kits: dict[str, TerritoryKit] | None = None,
) -> Consolidation:
    """The consolidated view of `territories` (sorted here by name), from the kit bundled with the
    application and each evaluation's form responses (`responses_by_eval[evaluation_id]`);
    `commitments` (status counts) and `actions` come from their own tables; `figures`: each
    territory's programmation, for the indicators computed from it; `kits`: each territory's kit
    tools and scope (a sheet its kit version does not have is said so)."""
    territories = sorted(territories, key=lambda t: (t.territory or t.title).casefold())
    scale: list[ScaleLevel] = []
    questions: list[QuestionDistribution] = []
    indicators: list[IndicatorDistribution] = []
    questionnaires: list[PooledQuestionnaire] = []
    maturity: list[MaturityComparison] = []
    for tool in kit.tools_with_role("referential")[:1]:
        scale = [ScaleLevel(c.value, c.label, c.color) for c in tool.scale]
        questions, indicators = _referential(kit, tool, territories, responses_by_eval, figures or {})
    for tool in kit.tools_with_role("questionnaire"):
        questionnaires.append(_pool(kit, tool, territories, responses_by_eval))
    for tool in kit.tools_with_role("maturity_scale"):
        maturity.append(_maturity(kit, tool, territories, responses_by_eval))
    councils = council_gaps(kit, territories, responses_by_eval)
    return Consolidation(
        territories, scale, questions, questionnaires, maturity, indicators=indicators, councils=councils,
        commitments=dict(commitments or {}), actions=dict(actions or {}),
        sheets=step_sheets(kit, territories, responses_by_eval, kits),
    )


def _referential(kit, tool, territories, responses_by_eval, figures):
    """Per question and per indicator, each territory's appreciation as its own synthesis shows
    it (`core.referentiel.build_matrix`: the question's appreciation when given, else the one
    suggested from its indicators)."""
    matrices = {}
    for t in territories:
        responses = responses_by_eval[t.evaluation_id]
        resp = _latest(responses, tool.id)
        # computed as its own synthesis does: questionnaires, commitments' list, programmation
        values = compute_all(kit, tool, responses, figures.get(t.evaluation_id))
        matrices[t.evaluation_id] = build_matrix(tool, (resp.answers or {}) if resp else {}, values=values)
    pages = {p.id: p.title for p in compile_tool(kit, tool.id).pages}
    questions: list[QuestionDistribution] = []
    indicators: list[IndicatorDistribution] = []
    if not matrices:
        blank = build_matrix(tool, {})
        matrices_rows = blank.questions
    else:
        matrices_rows = next(iter(matrices.values())).questions
    for qi, qrow in enumerate(matrices_rows):
        by_territory, computed = {}, set()
        for eid, m in matrices.items():
            row = m.questions[qi]
            by_territory[eid] = row.appreciation.value if row.appreciation else NOT_FILLED
            if row.computed:
                computed.add(eid)
        questions.append(QuestionDistribution(
            qrow.id, re.sub(r"^\s*\d+\s*[.)]\s*", "", pages.get(qrow.id, qrow.theme)), qrow.label, dict(Counter(by_territory.values())), by_territory,
            qrow.number, frozenset(computed),
        ))
        for ci, c in enumerate(qrow.cells):
            appreciation, value, baseline, source, computed = {}, {}, {}, {}, {}
            for eid, m in matrices.items():
                cell = m.questions[qi].cells[ci]
                appreciation[eid] = cell.appreciation.value if cell.appreciation else NOT_FILLED
                value[eid] = value_with_unit(cell.value, cell.unit) if cell.value else cell.computed_text
                baseline[eid] = cell.baseline
                source[eid] = cell.source_text if value[eid] else ""
                computed[eid] = cell.computed_text
            indicators.append(IndicatorDistribution(
                c.id, qrow.id, c.code, c.label, c.unit, appreciation, value, c.target, baseline, source, computed,
            ))
    return questions, indicators


def _pool(kit, tool, territories, responses_by_eval) -> PooledQuestionnaire:
    """A questionnaire's results pooled and territory by territory (`compute_results`: skip logic,
    identity questions left out). Free texts are not consolidated, except the « Autre » answers
    of choice questions, listed (privacy-filtered)."""
    form = compile_tool(kit, tool.id)
    safe = PrivacyFilter()
    per_eval: dict[str, list[RespondentAnswers]] = {}
    for t in territories:
        rows = [r for r in responses_by_eval[t.evaluation_id] if r.tool_id == tool.id and r.answers]
        if rows:
            per_eval[t.evaluation_id] = [RespondentAnswers(t.evaluation_id, "", dict(r.answers), r.status) for r in rows]
    fields = {f.id: f for page in form.pages for f in page.fields}
    pooled_results = compute_results(form, [r for rows in per_eval.values() for r in rows])
    by_eval = {eid: compute_results(form, rows) for eid, rows in per_eval.items()}
    out = []
    for section in pooled_results.sections:
        for q in section.questions:
            if q.kind not in ("choice", "multiple", "scale", "number"):
                continue
            by_territory, answered, stats = {}, {}, {}
            for eid, res in by_eval.items():
                tq = res.question(q.field_id)
                answered[eid] = tq.answered
                if tq.answered:
                    by_territory[eid] = _option_counts(tq)
                if tq.stats is not None:
                    stats[eid] = tq.stats
            others = [(o.respondent, safe.text(o.text)) for o in q.others]
            out.append(PooledQuestion(
                q.field_id, q.label, q.answered, _option_counts(q), q.number, q.kind, q.unit,
                by_territory, answered, q.stats, stats, others, _is_year(fields.get(q.field_id)),
            ))
    respondents = sum(len(rows) for rows in per_eval.values())
    return PooledQuestionnaire(tool.id, tool.short_title or tool.title, respondents, len(per_eval), out)


def _is_year(f) -> bool:
    return f is not None and f.type == "integer" and looks_like_year_range(f.min, f.max)


def _option_counts(q) -> list[tuple[str, int]]:
    """(label, count) of a choice question's options that were chosen, in the kit's order
    (multiple choice: most ticked first); empty for numbers."""
    if q.kind == "number":
        return []
    return [(o.label, o.count) for o in q.options if o.count]


def _maturity(kit, tool, territories, responses_by_eval) -> MaturityComparison:
    form = compile_tool(kit, tool.id)
    domains = [(p.id, p.title) for p in form.pages]
    max_level = 0.0
    fields = {}
    for p in form.pages:
        for f in p.fields:
            if f.id.endswith(".niveau"):
                fields[p.id] = f
                max_level = max([max_level] + [o.score for o in f.choices if o.score is not None])
    levels: dict[str, list[float | None]] = {}
    for t in territories:
        resp = _latest(responses_by_eval[t.evaluation_id], tool.id)
        if resp is None:
            continue
        row: list[float | None] = []
        for did, _ in domains:
            value = (resp.answers or {}).get(f"{did}.niveau")
            opt = fields[did].option(value) if did in fields else None
            row.append(opt.score if opt is not None and opt.score is not None else None)
        if any(v is not None for v in row):
            levels[t.evaluation_id] = row
    return MaturityComparison(tool.id, tool.short_title or tool.title, domains, max_level or 5.0, levels)
