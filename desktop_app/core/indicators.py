"""The référentiel's indicators computed from the evaluation's own data, as the kit declares it.

An indicator's `compute:` block (`kit.schema.IndicatorCompute`) names a question of a kit tool
(a questionnaire: one observation per response; the commitments tracker: one per row of its
list) or a figure of the programmation (one observation per action), and a statistic:

- `share`: % of the observations meeting the condition (`at_least`, `at_most`, `values`) among
  those answered — « part des communes qui jugent … (4 ou 5 sur 5) »;
- `count`: how many meet it (every answered one when there is no condition);
- `mean`, `median`, `sum`: of the numbers answered (a choice mapped to a number by `scores`),
  those meeting the condition when there is one;
- `budget_share`: % of the programmation's budget held by the actions meeting the condition.

When the computation has no observation and the kit gives a `fallback`, the fallback is used
(and said). Skip logic applies as in the questionnaire results: an answer to a question hidden by
the respondent's other answers is not counted. Drafts count, as in the results screen.

`suggest_level` proposes an appreciation from a value, the target, the baseline and the
direction. Qt-free, pure functions on plain data (`ResponseLike`, `ActionFigures`).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from desktop_app.core.french import format_year, unit_agreeing
from desktop_app.core.validation import compute_visibility, is_blank
from desktop_app.kit import expressions
from desktop_app.kit.forms import compile_tool
from desktop_app.kit.loader import Kit, iter_questions
from desktop_app.kit.schema import DIRECTION_LABELS, Indicator, IndicatorCompute, IndicatorValue, Referential  # noqa: F401 (re-exported)

NBSP = "\u00a0"
PROGRAMMATION_LABELS = {
    "budget": "budget de l'action",
    "funders": "nombre de financeurs",
    "multi_year": "convention pluriannuelle (CPO)",
    "years_funded": "années de financement",
    "beneficiaries": "bénéficiaires",
    "qpv_share": "part des bénéficiaires habitant un QPV",
}
STATISTIC_LABELS = {
    "share": "part",
    "count": "nombre",
    "mean": "moyenne",
    "median": "médiane",
    "sum": "total",
    "budget_share": "part du budget",
    "latest": "dernière valeur",
    "change": "évolution de la première à la dernière valeur",
}


class ResponseLike(Protocol):
    tool_id: str
    answers: Mapping[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class ActionFigures:
    """One action of the programmation, as an indicator can use it."""

    budget: float = 0.0
    funders: int = 0
    multi_year: bool | None = None
    years_funded: int = 0
    beneficiaries: int | None = None
    qpv_share: float | None = None

    def get(self, key: str) -> Any:
        return getattr(self, key)


@dataclass(frozen=True)
class ComputedValue:
    """An indicator's value computed from the data: its number, the observations counted (n),
    the date of the latest answer counted, and where it comes from (French)."""

    indicator_id: str
    value: float | None  # None: nothing to compute from (n == 0)
    n: int
    latest: date | None
    source: str  # « Questionnaire communes › « La répartition des rôles … » : part des réponses ≥ 4 »
    percent: bool  # the value is a percentage
    fallback: bool = False  # the kit's fallback computation gave it
    series: tuple[tuple[str, float], ...] = ()  # `latest` / `change`: (year, value), in order

    def text(self, unit: str | None = None) -> str:
        """The value as shown: « 62,5 % », « 128 jours », « — » when there is none."""
        if self.value is None:
            return "—"
        shown = format_number(self.value)
        if self.percent:
            return f"{shown}{NBSP}%"
        return f"{shown}{NBSP}{unit_agreeing(self.value, unit)}" if unit and unit not in ("oui / non",) else shown

    def detail(self) -> str:
        """« n = 12 · dernière réponse le 03/05/2026 »; a series: « 2022 : 55 · 2023 : 58 · … »."""
        parts = [f"n{NBSP}={NBSP}{self.n}"]
        if self.series:
            shown = self.series[-6:]
            parts.append(("… " if len(self.series) > 6 else "") + " · ".join(f"{k}{NBSP}: {format_number(v)}" for k, v in shown))
        if self.latest is not None:
            parts.append(f"dernière donnée le {self.latest.strftime('%d/%m/%Y')}")
        return " · ".join(parts)


def format_number(value: float) -> str:
    """French: one decimal at most, comma, narrow spaces between thousands (1 234,5)."""
    rounded = round(value, 1)
    text = f"{rounded:,.1f}" if not float(rounded).is_integer() else f"{int(rounded):,}"
    return text.replace(",", "\u202f").replace(".", ",")


def parse_number(text: Any) -> float | None:
    """A value typed in the référentiel (« 62 », « 62,5 % », « 1 200 », « 92 jours en moyenne »)
    as a number, else None (« Oui », « 3 sur 5 » is not read as 3)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    match = _LEADING_NUMBER.match(str(text or "").strip())
    if match is None:
        return None
    raw = re.sub(r"[\s\u202f\u00a0]", "", match.group(1)).replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


# a number at the start of a text typed: « 62 », « 62,5 % », « 1 200 € », « 48 % réalisés »
_LEADING_NUMBER = re.compile(r"^(-?\d{1,3}(?:[ \u202f\u00a0]\d{3})+(?:[.,]\d+)?|-?\d+(?:[.,]\d+)?)(?![\d.,]|\s*[/-]\s*\d)")


def value_label(v: IndicatorValue | None, unit: str | None = None) -> str:
    """A target or baseline in words: « 80 % (trois sur quatre) », « Début du contrat »."""
    return v.describe(unit) if v is not None else ""


# --------------------------------------------------------------------------- computing


def _condition_text(c: IndicatorCompute, labels: Mapping[str, str]) -> str:
    parts = []
    if c.at_least is not None:
        parts.append(f"≥{NBSP}{format_number(c.at_least)}")
    if c.at_most is not None:
        parts.append(f"≤{NBSP}{format_number(c.at_most)}")
    if c.values is not None:
        parts.append(" ou ".join("oui" if v is True else "non" if v is False else f"« {labels.get(v, v)} »" for v in c.values))
    return " et ".join(parts)


def _source_text(kit: Kit, c: IndicatorCompute) -> str:
    what = STATISTIC_LABELS[c.statistic]
    labels: dict[str, str] = {}
    if c.programmation is not None:
        head = f"Programmation › {PROGRAMMATION_LABELS[c.programmation]}"
    else:
        tool = kit.tools.get(c.tool or "")
        name = (tool.short_title or tool.title) if tool is not None else c.tool
        question = next((q for _p, q in iter_questions(getattr(tool, "sections", None) or []) if q.id == c.question), None)
        if question is not None:
            listed = question.choices or []
            if question.choice_list and tool is not None:
                found = kit.choice_list(tool, question.choice_list)
                listed = found.choices if found else []
            labels = {ch.value: ch.label for ch in listed}
        head = f"{name} › « {question.label if question else c.question} »"
    if c.by and c.programmation is None:
        tool = kit.tools.get(c.tool or "")
        order = next((q for _p, q in iter_questions(getattr(tool, "sections", None) or []) if q.id == c.by), None)
        what += f" (par « {order.label if order else c.by} »)"
    cond = _condition_text(c, labels)
    return f"{head} : {what}" + (f" des réponses {cond}" if cond and c.programmation is None else f" ({cond})" if cond else "") + (f" — {c.note}" if c.note else "")


def _numeric(c: IndicatorCompute, value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if c.scores and isinstance(value, str):
        return c.scores.get(value)
    return None


def _meets(c: IndicatorCompute, value: Any) -> bool:
    if c.values is not None:
        wanted = list(c.values)
        if isinstance(value, list):
            if not any(v in wanted for v in value):
                return False
        elif isinstance(value, bool):
            if not any(v is value for v in wanted):
                return False
        elif value not in wanted:
            return False
    if c.at_least is not None or c.at_most is not None:
        num = _numeric(c, value)
        if num is None:
            return False
        if c.at_least is not None and num < c.at_least:
            return False
        if c.at_most is not None and num > c.at_most:
            return False
    return True


def _needs_number(c: IndicatorCompute) -> bool:
    return c.statistic in ("mean", "median", "sum") or c.at_least is not None or c.at_most is not None


def _statistic(c: IndicatorCompute, observed: Sequence[Any], weights: Sequence[float] | None = None) -> tuple[float | None, int]:
    """(value, n) of the answered observations."""
    if _needs_number(c):
        observed = [v for v in observed if _numeric(c, v) is not None]
    n = len(observed)
    if c.statistic == "budget_share":
        weights = weights or [0.0] * n
        total = sum(weights)
        part = sum(w for v, w in zip(observed, weights, strict=False) if _meets(c, v))
        return (100.0 * part / total if total else None), n
    if not n:
        return None, 0
    conditional = c.at_least is not None or c.at_most is not None or c.values is not None
    if c.statistic == "share":
        return 100.0 * sum(1 for v in observed if _meets(c, v)) / n, n
    if c.statistic == "count":
        return float(sum(1 for v in observed if _meets(c, v)) if conditional else n), n
    numbers = [_numeric(c, v) for v in observed if not conditional or _meets(c, v)]
    numbers = [x for x in numbers if x is not None]
    if not numbers:
        return None, n
    if c.statistic == "mean":
        return statistics.fmean(numbers), n
    if c.statistic == "median":
        return float(statistics.median(numbers)), n
    return float(sum(numbers)), n


class _Tangled(Exception):
    """Show-if conditions that depend on each other in a loop (or too deep): the full fixed point."""


class _Visibility:
    """Skip logic of a questionnaire's responses: the answer to a question counts only when the
    question is shown. Decided for that question alone, following only the conditions it
    depends on (the same answer as `compute_visibility`'s fixed point over the whole form,
    which is used instead when the conditions depend on each other in a loop)."""

    DEPTH = 6

    def __init__(self, kit: Kit):
        self.kit = kit
        self._forms: dict[str, Any] = {}
        self._index: dict[str, dict[str, Any]] = {}
        self._seen: dict[tuple[int, str], Any] = {}

    def _form(self, tool_id: str):
        form = self._forms.get(tool_id)
        if form is None:
            form = self._forms[tool_id] = compile_tool(self.kit, tool_id)
            self._index[tool_id] = {f.id: (p, f) for p in form.pages for f in p.fields}
        return form

    def answer(self, response: ResponseLike, question: str) -> Any:
        form = self._form(response.tool_id)
        answers = response.answers or {}
        try:
            return self._lazy(self._index[response.tool_id], answers, question)
        except _Tangled:
            pass
        key = (id(response), response.tool_id)
        vis = self._seen.get(key)
        if vis is None:
            vis = self._seen[key] = compute_visibility(form, dict(answers))
        return vis.answers.get(question) if question in vis.fields else None

    def _lazy(self, index: dict[str, Any], answers: Mapping[str, Any], question: str) -> Any:
        if question not in index:
            return None
        memo: dict[str, bool | None] = {}

        def shown(condition: str | None, depth: int) -> bool:
            if not condition:
                return True
            try:
                expr = expressions.parse(condition)
            except expressions.ExpressionError:
                return True
            if expressions.SELF in expr.names:
                raise _Tangled
            env = {
                n: answers[n] for n in expr.names
                if n in answers and (n not in index or visible(n, depth + 1))
            }
            try:
                return expr.evaluate(env)
            except expressions.ExpressionError:
                return True

        def visible(field_id: str, depth: int) -> bool:
            if field_id in memo:
                if memo[field_id] is None:  # asked again while being decided: a loop
                    raise _Tangled
                return bool(memo[field_id])
            if depth > self.DEPTH:
                raise _Tangled
            memo[field_id] = None
            page, f = index[field_id]
            memo[field_id] = result = shown(page.show_if, depth) and shown(f.show_if, depth)
            return result

        return answers.get(question) if visible(question, 0) else None


def _group_of(kit: Kit, tool_id: str, question: str) -> str | None:
    """The repeat group holding `question` in the tool, None for a top-level question."""
    tool = kit.tools.get(tool_id)
    for _p, q in iter_questions(getattr(tool, "sections", None) or []):
        if q.type == "repeat_group" and any(ch.id == question for ch in q.questions or []):
            return q.id
    return None


def _observe_responses(kit: Kit, c: IndicatorCompute, responses: Iterable[ResponseLike], vis: _Visibility):
    group = _group_of(kit, c.tool or "", c.question or "")
    observed: list[Any] = []
    latest: datetime | None = None
    for r in responses:
        if r.tool_id != c.tool:
            continue
        if group is not None:
            rows = (r.answers or {}).get(group) or []
            values = [row.get(c.question) for row in rows if isinstance(row, Mapping)]
        else:
            values = [vis.answer(r, c.question or "")]
        values = [v for v in values if not is_blank(v)]
        if values:
            observed += values
            if r.updated_at is not None and (latest is None or r.updated_at > latest):
                latest = r.updated_at
    return observed, latest


def _compute_one(kit: Kit, c: IndicatorCompute, responses: Sequence[ResponseLike], actions: Sequence[ActionFigures] | None, vis: _Visibility):
    if c.programmation is not None:
        if actions is None:
            return None
        observed = [a.get(c.programmation) for a in actions]
        weights = [a.budget for a in actions]
        pairs = [(v, w) for v, w in zip(observed, weights, strict=True) if v is not None]
        value, n = _statistic(c, [v for v, _ in pairs], [w for _, w in pairs])
        return value, n, None, ()
    if c.statistic in ("latest", "change"):
        return _series_value(kit, c, responses)
    observed, latest = _observe_responses(kit, c, responses, vis)
    value, n = _statistic(c, observed)
    return value, n, (latest.date() if isinstance(latest, datetime) else latest), ()


def _order_key(value: Any) -> tuple[float, str] | None:
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, (int, float)):
        return (float(value), format_year(value) if float(value).is_integer() else format_number(value))
    return (0.0, str(value))  # a date (ISO text sorts as it reads)


def _series_value(kit: Kit, c: IndicatorCompute, responses: Sequence[ResponseLike]):
    """`latest` / `change` over the rows of a repeat group ordered by `c.by` (a year): the last
    row's value, or the last minus the first. A year given twice keeps the later-saved row."""
    group = _group_of(kit, c.tool or "", c.question or "")
    points: dict[tuple[float, str], float] = {}
    latest: datetime | None = None
    for r in sorted((r for r in responses if r.tool_id == c.tool), key=lambda r: r.updated_at or datetime.min):
        rows = (r.answers or {}).get(group) or [] if group else [r.answers or {}]
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            key, number = _order_key(row.get(c.by)), _numeric(c, row.get(c.question))
            if key is None or number is None:
                continue
            points[key] = number
            if r.updated_at is not None and (latest is None or r.updated_at > latest):
                latest = r.updated_at
    series = tuple((label, points[(k, label)]) for k, label in sorted(points))
    if not series:
        return None, 0, None, ()
    value = series[-1][1] if c.statistic == "latest" else series[-1][1] - series[0][1]
    if c.statistic == "change" and len(series) < 2:
        value = None  # one year: no change to speak of yet
    return value, len(series), (latest.date() if isinstance(latest, datetime) else latest), series


def compute_indicator(
    kit: Kit,
    indicator: Indicator,
    responses: Sequence[ResponseLike],
    actions: Sequence[ActionFigures] | None = None,
    _vis: _Visibility | None = None,
) -> ComputedValue | None:
    """The indicator's value from the data, None when the kit says nothing of how to compute it
    (or it needs the programmation and `actions` is None)."""
    vis = _vis or _Visibility(kit)
    c, used_fallback = indicator.compute, False
    first: ComputedValue | None = None
    while c is not None:
        got = _compute_one(kit, c, responses, actions, vis)
        if got is not None:
            value, n, latest, series = got
            result = ComputedValue(indicator.id, value, n, latest, _source_text(kit, c), c.statistic in ("share", "budget_share"),
                                   used_fallback, series)
            if first is None:
                first = result
            if value is not None:
                return result
        c, used_fallback = c.fallback, True
    return first


def compute_all(
    kit: Kit, tool: Referential, responses: Sequence[ResponseLike], actions: Sequence[ActionFigures] | None = None
) -> dict[str, ComputedValue]:
    """{indicator id: computed value} for every indicator of the référentiel that declares how."""
    vis = _Visibility(kit)
    out: dict[str, ComputedValue] = {}
    for q in tool.questions:
        for sq in q.sub_questions:
            for ind in sq.indicators:
                if ind.compute is None:
                    continue
                got = compute_indicator(kit, ind, responses, actions, vis)
                if got is not None:
                    out[ind.id] = got
    return out


def _computes(tool: Referential) -> Iterable[IndicatorCompute]:
    for q in tool.questions:
        for sq in q.sub_questions:
            for ind in sq.indicators:
                c = ind.compute
                while c is not None:
                    yield c
                    c = c.fallback


def answer_keys(kit: Kit, tool: Referential, tool_id: str) -> set[str]:
    """The answers of `tool_id`'s responses the indicators can read: the questions they compute
    from (their repeat group for a question inside one) and every answer a page's or a
    question's skip logic reads. The values computed from responses holding only these answers
    are those computed from the whole responses (a scale's 1,600 responses are read lighter)."""
    keys: set[str] = set()
    for c in _computes(tool):
        if c.tool == tool_id and c.question:
            keys.add(c.question)
            group = _group_of(kit, tool_id, c.question)
            if group is not None:
                keys.add(group)
    form = compile_tool(kit, tool_id)
    for page in form.pages:
        for item in (page, *page.fields):
            if not item.show_if:
                continue
            try:
                keys |= expressions.parse(item.show_if).names
            except expressions.ExpressionError:
                continue  # shown whatever the answers (`is_visible`)
    return keys


def source_tools(tool: Referential) -> set[str]:
    """The kit tools whose answers the référentiel's indicators compute from."""
    return {c.tool for c in _computes(tool) if c.tool}


def needs_programmation(tool: Referential) -> bool:
    """True when an indicator computes from the programmation (the actions are then read)."""
    return any(c.programmation is not None for c in _computes(tool))


# --------------------------------------------------------------------------- appreciation


def progress(value: float, target: float, direction: str, baseline: float | None = None) -> float | None:
    """How far the value went towards the target (1 = reached): from the baseline when it is
    known and differs from the target, else as a ratio to the target."""
    if baseline is not None and baseline != target:
        return (value - baseline) / (target - baseline)
    if direction == "higher":
        return value / target if target > 0 else (1.0 if value >= target else 0.0)
    if direction == "lower":
        if value <= target:
            return 1.0
        return target / value if value > 0 else 0.0
    return None


def suggest_level(
    indicator: Indicator, value: float | None, scored_levels: Sequence[str], baseline: float | None = None
) -> str | None:
    """The appreciation the value suggests (a scale value), None without a numeric target or a
    direction. `scored_levels`: the scale's scored values, best first (atteint, plutôt atteint…).
    With four levels: reached (≥ 100 % of the way) → the best; ≥ 75 % → the second; ≥ 50 % →
    the third; below → the last."""
    target = indicator.target.value if indicator.target is not None else None
    if value is None or target is None or indicator.direction not in ("higher", "lower") or len(scored_levels) < 2:
        return None
    if baseline is None and indicator.baseline is not None:
        baseline = indicator.baseline.value
    p = progress(value, target, indicator.direction, baseline)
    if p is None:
        return None
    k = len(scored_levels)
    bounds = [1.0] + ([1.0 - i * 0.5 / (k - 2) for i in range(1, k - 1)] if k > 2 else [])
    for level, bound in zip(scored_levels, bounds, strict=False):
        if p >= bound - 1e-9:
            return level
    return scored_levels[-1]


SUGGESTION_RULE = (
    "Appréciation suggérée : « atteint » quand la cible est atteinte, « plutôt atteint » aux trois "
    "quarts du chemin depuis la valeur de référence (ou de la cible quand la référence manque), "
    "« plutôt pas atteint » à mi-chemin, « non atteint » en deçà."
)
