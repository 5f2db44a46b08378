"""The resource centre's consolidated view of many territories' evaluations.

Read from one database holding every territory's imported bundles (SQLite or PostgreSQL):
- a table of territories with their completion (steps finished out of the steps in scope);
- per evaluative question of the référentiel, the distribution of the appreciations the
  territories gave (and each territory's appreciation);
- questionnaire results pooled across territories (counts per answer of every choice question);
- maturity levels compared (each territory's level per domain, and the mean).

Questions, domains and answer labels come from the kit bundled with the application; a
territory on another kit version contributes wherever its ids match. Plain data and pure
computations: the data is gathered by `desktop_app.services.consolidation` and the files (Excel,
PDF) are written by `desktop_app.exports.consolidation_files`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from desktop_app.kit.forms import compile_tool

NOT_FILLED = "non_renseigne"
CHOICE_TYPES = ("single_choice", "multiple_choice", "yes_no", "scale")


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


@dataclass(frozen=True)
class PooledQuestion:
    question_id: str
    label: str
    answered: int
    counts: list[tuple[str, int]]  # (answer label, respondents), in the kit's order


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

    def territory_name(self, evaluation_id: str) -> str:
        for t in self.territories:
            if t.evaluation_id == evaluation_id:
                return t.territory or t.title
        return evaluation_id[:8]


def _latest(responses: list, tool_id: str):
    mine = [r for r in responses if r.tool_id == tool_id]
    return max(mine, key=lambda r: r.updated_at) if mine else None


def build_consolidation(kit, territories: list[TerritoryRow], responses_by_eval: dict[str, list]) -> Consolidation:
    """The consolidated view of `territories` (sorted here by name), from the kit bundled with the
    application and each evaluation's form responses (`responses_by_eval[evaluation_id]`)."""
    territories = sorted(territories, key=lambda t: (t.territory or t.title).casefold())
    scale: list[ScaleLevel] = []
    questions: list[QuestionDistribution] = []
    questionnaires: list[PooledQuestionnaire] = []
    maturity: list[MaturityComparison] = []
    for tool in kit.tools.values():
        if tool.kind == "referential":
            if not scale:
                scale = [ScaleLevel(c.value, c.label, c.color) for c in tool.scale]
            for q in tool.questions:
                by_territory = {}
                for t in territories:
                    resp = _latest(responses_by_eval[t.evaluation_id], tool.id)
                    value = (resp.answers if resp else {}).get(f"{q.id}.appreciation") or NOT_FILLED
                    by_territory[t.evaluation_id] = value
                counts = Counter(by_territory.values())
                form_title = next((p.title for p in compile_tool(kit, tool.id).pages if p.id == q.id), q.id)
                questions.append(QuestionDistribution(q.id, form_title, q.label, dict(counts), by_territory))
        elif tool.kind == "questionnaire":
            questionnaires.append(_pool(kit, tool, territories, responses_by_eval))
        elif tool.kind == "maturity_scale":
            maturity.append(_maturity(kit, tool, territories, responses_by_eval))
    return Consolidation(territories, scale, questions, questionnaires, maturity)


def _pool(kit, tool, territories, responses_by_eval) -> PooledQuestionnaire:
    form = compile_tool(kit, tool.id)
    responses = [r for t in territories for r in responses_by_eval[t.evaluation_id] if r.tool_id == tool.id]
    contributing = {r.evaluation_id for r in responses if r.answers}
    pooled = []
    for page in form.pages:
        for f in page.fields:
            if f.type not in CHOICE_TYPES:
                continue
            counts: Counter = Counter()
            answered = 0
            for r in responses:
                value = (r.answers or {}).get(f.id)
                if value is None or value == "" or value == []:
                    continue
                answered += 1
                for v in value if isinstance(value, list) else [value]:
                    counts[_answer_label(f, v)] += 1
            if f.type == "yes_no":
                order = ["Oui", "Non"]
            elif f.type == "scale":
                order = sorted(counts, key=lambda x: float(x.replace(",", ".")) if x.replace(",", ".").replace(".", "", 1).isdigit() else 0)
            else:
                order = [o.label for o in f.choices]
            labels = [lbl for lbl in order if lbl in counts] + [lbl for lbl in counts if lbl not in order]
            pooled.append(PooledQuestion(f.id, f.label, answered, [(lbl, counts[lbl]) for lbl in labels]))
    return PooledQuestionnaire(tool.id, tool.short_title or tool.title, len([r for r in responses if r.answers]), len(contributing), pooled)


def _answer_label(f, value) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    opt = f.option(value)
    if opt is not None:
        return opt.label
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


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
