"""Results of a questionnaire: counts and percentages, distributions, free-text answers, rate.

`compute_results(form, responses)` takes the compiled form and the respondents' answers and
returns, per section and per question:

* single choice, yes / no: count and percentage of each answer (base: the respondents who
  answered the question), "other" answers listed;
* multiple choice: count of respondents who ticked each choice and their share of the
  respondents who answered (the percentages add up to more than 100 %), most ticked first;
* scale: count per level, median and mean;
* numbers: minimum, median, maximum, mean, total and a distribution in a few classes;
* dates: earliest and latest, and the dates listed;
* free text: the answers listed with who gave them.

Skip logic applies: an answer to a question hidden by the respondent's other answers is ignored,
and `asked` counts the respondents the question applied to. Identification questions (name,
INSEE code, SIRET) are not results and are left out; answers to sensitive questions (personal
data) are counted but not listed.

`response_rate(...)` compares responses with the invited respondents.

Qt-free.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.questionnaire_respondents import Respondent, identity_fields, same_respondent
from desktop_app.core.questionnaire_sheet import question_numbers
from desktop_app.core.validation import compute_visibility, format_date, format_number, is_blank
from desktop_app.kit.forms import Form, FormField


@dataclass(frozen=True)
class RespondentAnswers:
    """One response as the results see it."""

    label: str
    respondent_type: str
    answers: dict[str, Any]
    status: str = "complete"


@dataclass(frozen=True)
class OptionCount:
    value: str
    label: str
    count: int
    percent: float  # 0..100, share of the respondents who answered the question


@dataclass(frozen=True)
class NumberStats:
    count: int
    minimum: float
    median: float
    maximum: float
    mean: float
    total: float


@dataclass(frozen=True)
class TextAnswer:
    respondent: str
    text: str


@dataclass(frozen=True)
class QuestionResult:
    field_id: str
    number: str
    label: str
    type: str
    kind: str  # choice | multiple | scale | number | date | text | group
    asked: int  # respondents the question applied to
    answered: int
    unit: str | None = None
    options: tuple[OptionCount, ...] = ()
    others: tuple[TextAnswer, ...] = ()
    stats: NumberStats | None = None
    distribution: tuple[tuple[str, int], ...] = ()  # numbers: (class label, count)
    texts: tuple[TextAnswer, ...] = ()
    hidden_texts: bool = False  # sensitive answers counted, not listed

    @property
    def has_chart(self) -> bool:
        if self.kind in ("choice", "multiple", "scale"):
            return self.answered > 0
        return self.kind == "number" and bool(self.distribution)

    @property
    def answered_text(self) -> str:
        base = f"{self.answered} réponse{'s' if self.answered > 1 else ''}"
        if self.asked != self.answered:
            return f"{base} sur {self.asked} répondant{'s' if self.asked > 1 else ''} concerné{'s' if self.asked > 1 else ''}"
        return base


@dataclass(frozen=True)
class SectionResult:
    page_id: str
    number: int
    title: str
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class QuestionnaireResults:
    tool_id: str
    title: str
    respondents: int
    complete: int
    sections: tuple[SectionResult, ...] = field(default_factory=tuple)

    def question(self, field_id: str) -> QuestionResult:
        for s in self.sections:
            for q in s.questions:
                if q.field_id == field_id:
                    return q
        raise KeyError(field_id)


# --------------------------------------------------------------------------- computation


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def format_percent(value: float) -> str:
    return f"{format_number(round(value))} %"


def compute_results(form: Form, responses: Sequence[RespondentAnswers]) -> QuestionnaireResults:
    identity = set(identity_fields(form).ids)
    effective = [compute_visibility(form, r.answers) for r in responses]
    numbers = question_numbers(form)
    sections = []
    for s, page in enumerate(form.pages, start=1):
        questions = []
        for f in page.fields:
            if not f.answerable or f.id in identity:
                continue
            asked = [(r, vis.answers.get(f.id)) for r, vis in zip(responses, effective, strict=True) if f.id in vis.fields]
            questions.append(_question(f, numbers.get(f.id, ""), asked))
        if questions:
            sections.append(SectionResult(page.id, s, page.title, tuple(questions)))
    return QuestionnaireResults(
        form.tool_id, form.title, len(responses), sum(1 for r in responses if r.status == "complete"), tuple(sections)
    )


def _question(f: FormField, number: str, asked: list[tuple[RespondentAnswers, Any]]) -> QuestionResult:
    given = [(r, v) for r, v in asked if not is_blank(v)]
    base = dict(field_id=f.id, number=number, label=f.label, type=f.type, asked=len(asked), answered=len(given), unit=f.unit)
    if f.type in ("single_choice", "yes_no"):
        return QuestionResult(kind="choice", **base, **_single(f, given))
    if f.type == "multiple_choice":
        return QuestionResult(kind="multiple", **base, **_multiple(f, given))
    if f.type == "scale":
        return QuestionResult(kind="scale", **base, **_scale(f, given))
    if f.type in ("integer", "decimal"):
        values = [float(v) for _, v in given if isinstance(v, (int, float)) and not isinstance(v, bool)]
        return QuestionResult(kind="number", **base, stats=number_stats(values), distribution=distribution(values, f.type == "integer", f.unit))
    if f.type == "date":
        texts = tuple(TextAnswer(r.label, format_date(str(v))) for r, v in sorted(given, key=lambda rv: str(rv[1])))
        return QuestionResult(kind="date", **base, texts=texts)
    if f.type == "repeat_group":
        items = sum(len(v) for _, v in given if isinstance(v, list))
        texts = (TextAnswer("", f"{items} {(f.item_label or 'élément').lower()}(s) au total"),)
        return QuestionResult(kind="group", **base, texts=texts)
    texts = tuple(TextAnswer(r.label, str(v)) for r, v in given)
    if f.sensitive:
        return QuestionResult(kind="text", **base, hidden_texts=True)
    return QuestionResult(kind="text", **base, texts=texts)


def _option_label(f: FormField, value: Any) -> str:
    if f.type == "yes_no":
        return "Oui" if value else "Non"
    opt = f.option(value)
    return opt.label if opt else str(value)


def _single(f: FormField, given: list[tuple[RespondentAnswers, Any]]) -> dict:
    counts = Counter(v for _, v in given)
    n = len(given)
    if f.type == "yes_no":
        values: list[Any] = [True, False]
    else:
        values = [o.value for o in f.choices]
    options = [OptionCount(str(v), _option_label(f, v), counts.get(v, 0), percent(counts.get(v, 0), n)) for v in values]
    known = set(values)
    others = tuple(TextAnswer(r.label, str(v)) for r, v in given if v not in known)
    if others:
        options.append(OptionCount("*autre", "Autre réponse", len(others), percent(len(others), n)))
    return {"options": tuple(options), "others": others}


def _multiple(f: FormField, given: list[tuple[RespondentAnswers, Any]]) -> dict:
    n = len(given)
    counts: Counter[str] = Counter()
    others: list[TextAnswer] = []
    with_other = 0
    known = {o.value for o in f.choices}
    for r, v in given:
        chosen = v if isinstance(v, list) else [v]
        extra = [c for c in dict.fromkeys(chosen) if c not in known]
        for c in dict.fromkeys(chosen):
            if c in known:
                counts[c] += 1
        others.extend(TextAnswer(r.label, str(c)) for c in extra)
        with_other += bool(extra)
    options = [OptionCount(o.value, o.label, counts.get(o.value, 0), percent(counts.get(o.value, 0), n)) for o in f.choices]
    if others:
        options.append(OptionCount("*autre", "Autre réponse", with_other, percent(with_other, n)))
    options.sort(key=lambda o: (-o.count, o.value == "*autre"))
    return {"options": tuple(options), "others": tuple(others)}


def _scale(f: FormField, given: list[tuple[RespondentAnswers, Any]]) -> dict:
    low = int(f.min) if isinstance(f.min, (int, float)) else 1
    high = int(f.max) if isinstance(f.max, (int, float)) else 5
    values = [int(v) for _, v in given if isinstance(v, (int, float)) and not isinstance(v, bool)]
    counts = Counter(values)
    n = len(values)
    options = []
    for level in range(low, high + 1):
        label = str(level)
        if level == low and f.min_label:
            label = f"{level} – {f.min_label}"
        elif level == high and f.max_label:
            label = f"{level} – {f.max_label}"
        options.append(OptionCount(str(level), label, counts.get(level, 0), percent(counts.get(level, 0), n)))
    return {"options": tuple(options), "stats": number_stats([float(v) for v in values])}


def number_stats(values: Sequence[float]) -> NumberStats | None:
    if not values:
        return None
    return NumberStats(len(values), min(values), statistics.median(values), max(values), statistics.fmean(values), math.fsum(values))


def _nice_step(span: float, classes: int) -> float:
    raw = span / classes
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _skewed(values: Sequence[float]) -> bool:
    """Counts and amounts often have a long tail (many small associations, a few big ones)."""
    low, high = min(values), max(values)
    median = statistics.median(values)
    return low >= 0 and high > 0 and high > 4 * max(median, 1e-9) and len(values) >= 5


def _geometric_bounds(high: float) -> list[float]:
    """0, 1, 2, 5, 10, 20, 50… up to the first bound above `high`."""
    bounds = [0.0]
    magnitude = 1.0
    while bounds[-1] <= high:
        for m in (1, 2, 5):
            bounds.append(m * magnitude)
            if bounds[-1] > high:
                break
        magnitude *= 10
    return bounds


def distribution(values: Sequence[float], integer: bool, unit: str | None = None, classes: int = 5) -> tuple[tuple[str, int], ...]:
    """Counts per value (few distinct integers) or per class of round bounds (1-2-5 classes for
    long-tailed values, so that the many small values are not all in the first class)."""
    if not values:
        return ()
    distinct = sorted(set(values))
    suffix = f" {unit}" if unit else ""
    if integer and len(distinct) <= 8 and distinct[-1] - distinct[0] <= 12:
        counts = Counter(values)
        return tuple((f"{format_number(v)}{suffix}", counts[v]) for v in distinct)
    low, high = min(values), max(values)
    if low == high:
        return ((f"{format_number(low)}{suffix}", len(values)),)
    if _skewed(values):
        bounds = _geometric_bounds(high)
        while len(bounds) > 8:  # at most 7 classes: merge the smallest ones
            bounds.pop(1)
        edges = list(zip(bounds, bounds[1:], strict=False))
    else:
        step = _nice_step(high - low, classes)
        start = math.floor(low / step) * step
        edges = []
        edge = start
        while edge <= high:
            edges.append((edge, edge + step))
            edge += step
    bins: list[tuple[str, int]] = []
    for i, (lower, upper) in enumerate(edges):
        last = i == len(edges) - 1
        count = sum(1 for v in values if lower <= v < upper or (last and v == upper))
        if integer:
            top = math.ceil(upper) - 1
            label = format_number(lower) if top <= lower else f"{format_number(lower)} à {format_number(top)}"
        else:
            label = f"{format_number(lower)} à {format_number(upper)}"
        bins.append((label + suffix, count))
    while bins and bins[-1][1] == 0:
        bins.pop()
    return tuple(bins)


# --------------------------------------------------------------------------- response rate


@dataclass(frozen=True)
class ResponseRate:
    respondent_type: str
    invited: int
    answered: int  # invited respondents with at least one response
    complete: int  # invited respondents with a complete response
    not_invited: int  # responses from respondents who were not on the list
    missing: tuple[str, ...]  # invited respondents who have not answered

    @property
    def rate(self) -> float:
        return percent(self.answered, self.invited)

    @property
    def complete_rate(self) -> float:
        return percent(self.complete, self.invited)


def response_rate(
    respondent_type: str,
    invited: Sequence[Respondent],
    responses: Iterable[tuple[Respondent, str]],
) -> ResponseRate:
    """`responses`: (respondent, status) of every response to the questionnaire."""
    answered: set[int] = set()
    complete: set[int] = set()
    outsiders: list[Respondent] = []
    for respondent, status in responses:
        match = next((i for i, inv in enumerate(invited) if same_respondent(inv, respondent)), None)
        if match is None:
            if not any(same_respondent(o, respondent) for o in outsiders):
                outsiders.append(respondent)
            continue
        answered.add(match)
        if status == "complete":
            complete.add(match)
    missing = tuple(inv.label for i, inv in enumerate(invited) if i not in answered)
    return ResponseRate(respondent_type, len(invited), len(answered), len(complete), len(outsiders), missing)
