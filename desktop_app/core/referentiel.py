"""The référentiel évaluatif as a matrix: questions × sub-questions × indicators, appreciated.

Answer keys follow `desktop_app.kit.forms`: `<indicator>.valeur`, `.valeur_reference`, `.source`,
`.preuves`, `.appreciation`, `.motif_ajustement`, `.commentaire`, and `<question>.appreciation` / `.commentaire` for the overall
appreciation of an evaluative question. When that overall appreciation is not given, the matrix
suggests one from the indicators (the rounded mean of their scores) and says it is computed.

Each indicator also carries what the kit says of it (target, baseline, direction) and, when the
kit says how, its value computed from the evaluation's data (`core.indicators`), with the
appreciation that value suggests. The value shown is the one typed when there is one (an
override, whose reason is `.motif_ajustement`), else the computed one.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.french import value_with_unit
from desktop_app.core.indicators import ComputedValue, parse_number, suggest_level
from desktop_app.kit.schema import DIRECTION_LABELS, Indicator, Referential

NOT_FILLED = "non_renseigne"
GREY = "#bdbdbd"

# Kinds of records that can back up an indicator, as shown to the user.
EVIDENCE_KINDS = {
    "atelier": "Atelier",
    "terrain": "Terrain",
    "questionnaire": "Questionnaire",
    "resultats": "Résultats de questionnaire",
    "actions": "Action structurante",
    "document": "Document",
    "autre": "Autre",
}


@dataclass(frozen=True)
class ScaleLevel:
    value: str
    label: str
    score: float | None
    color: str


@dataclass(frozen=True)
class IndicatorCell:
    id: str
    code: str  # short display code: "1.1.a"
    label: str
    unit: str
    kit_source: str  # the source the kit suggests
    value: str
    source: str  # the source actually used
    proofs: str
    appreciation: ScaleLevel | None
    comment: str
    evidence: int = 0  # evidence records linked in the app
    target: str = ""  # the kit's target, in words
    baseline: str = ""  # the baseline: the value typed for the territory and/or the kit's definition
    direction: str = ""  # higher | lower | none | ""
    rubric: Mapping[str, str] = field(default_factory=dict)  # scale value -> what it means
    computed: ComputedValue | None = None  # the value from the evaluation's data
    suggested: ScaleLevel | None = None  # the appreciation the value (typed or computed) suggests
    override_reason: str = ""  # why the value or appreciation departs from the computation

    @property
    def filled(self) -> bool:
        """The team typed a value or gave an appreciation (a value computed alone is not the
        team's work yet: the side navigation, which computes nothing, counts the same)."""
        return bool(self.value or (self.appreciation and self.appreciation.value != NOT_FILLED))

    @property
    def computed_text(self) -> str:
        """« 62,5 % » (the computed value with its unit), "" when nothing is computed."""
        if self.computed is None or self.computed.value is None:
            return ""
        return self.computed.text(self.unit)

    @property
    def shown_value(self) -> str:
        """The value retained: the one typed, else the computed one."""
        return self.value or self.computed_text

    @property
    def value_origin(self) -> str:
        """"saisie", "calculée" or "" (no value)."""
        return "saisie" if self.value else ("calculée" if self.computed_text else "")

    @property
    def overridden(self) -> bool:
        """A value typed that differs from the computed one, or an appreciation other than the one
        suggested from a computed value: the reason (`override_reason`) is expected."""
        if not self.computed_text:
            return False
        if self.value:
            typed = parse_number(self.value)
            if typed is None or self.computed.value is None or abs(typed - self.computed.value) > 0.05:
                return True
        judged = self.appreciation and self.appreciation.value != NOT_FILLED
        return bool(judged and self.suggested and self.appreciation.value != self.suggested.value)

    @property
    def source_text(self) -> str:
        """Where the value comes from: the source typed, else the computation's, else the kit's
        suggestion."""
        if self.source:
            return self.source
        if self.computed_text and not self.value:
            return f"Calcul : {self.computed.source} ({self.computed.detail()})"
        return f"Suggérée : {self.kit_source}"

    @property
    def direction_text(self) -> str:
        return DIRECTION_LABELS.get(self.direction, "")

    def value_text(self) -> str:
        """The value retained, and how, for the deliverables: « 52,9 % (calculée, n = 17,
        05/12/2026) », « 40 % (saisie ; calcul : 52,9 %) », with the appreciation it suggests."""
        value = value_with_unit(self.value, self.unit) if self.value else self.computed_text
        if not value:
            return "—"
        if self.computed is not None and self.computed_text:
            latest = f", {self.computed.latest.strftime('%d/%m/%Y')}" if self.computed.latest else ""
            how = f"calculée, n = {self.computed.n}{latest}" if not self.value else f"saisie ; calcul : {self.computed_text}"
            value += f" ({how})"
        if self.suggested is not None:
            value += f"\nAppréciation suggérée : {self.suggested.label.lower()}"
        return value

    def goal_text(self) -> str:
        """« Cible : … » and « Référence : … » (one per line), "" when the kit gives neither."""
        parts = [f"Cible : {self.target}"] if self.target else []
        parts += [f"Référence : {self.baseline}"] if self.baseline else []
        if self.rubric and not parts:
            level = self.appreciation
            meaning = self.rubric.get(level.value) if level else None
            parts.append(f"Grille du kit — {level.label} : {meaning}" if meaning else "Qualitatif : selon la grille d'appréciation du kit")
        return "\n".join(parts)


@dataclass(frozen=True)
class SubQuestionRow:
    id: str
    code: str  # "1.1"
    label: str
    cells: tuple[IndicatorCell, ...]


@dataclass(frozen=True)
class QuestionRow:
    id: str
    number: int
    theme: str
    label: str
    sub_questions: tuple[SubQuestionRow, ...]
    appreciation: ScaleLevel | None
    computed: bool  # True when the appreciation was suggested from the indicators
    comment: str
    counts: Mapping[str, int] = field(default_factory=dict)  # scale value -> indicators

    @property
    def cells(self) -> list[IndicatorCell]:
        return [c for sq in self.sub_questions for c in sq.cells]


@dataclass(frozen=True)
class Matrix:
    title: str
    scale: tuple[ScaleLevel, ...]
    questions: tuple[QuestionRow, ...]

    @property
    def cells(self) -> list[IndicatorCell]:
        return [c for q in self.questions for c in q.cells]

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def filled(self) -> int:
        return sum(1 for c in self.cells if c.filled)

    @property
    def appreciated(self) -> int:
        return sum(1 for c in self.cells if c.appreciation and c.appreciation.value != NOT_FILLED)

    def counts(self) -> dict[str, int]:
        out = {lv.value: 0 for lv in self.scale}
        for c in self.cells:
            key = c.appreciation.value if c.appreciation else NOT_FILLED
            out[key] = out.get(key, 0) + 1
        return out

    def level(self, value: str) -> ScaleLevel | None:
        return next((lv for lv in self.scale if lv.value == value), None)


def scale_of(tool: Referential) -> tuple[ScaleLevel, ...]:
    return tuple(ScaleLevel(c.value, c.label, c.score, c.color or GREY) for c in tool.scale)


def _text(answers: Mapping[str, Any], key: str) -> str:
    value = answers.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def suggest(scale: tuple[ScaleLevel, ...], cells: list[IndicatorCell]) -> ScaleLevel | None:
    """The scale level nearest to the mean score of the appreciated indicators."""
    scores = [c.appreciation.score for c in cells if c.appreciation and c.appreciation.score is not None]
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    scored = [lv for lv in scale if lv.score is not None]
    return min(scored, key=lambda lv: (abs(lv.score - mean), -lv.score))


def _cell_extras(ind: Indicator, answers: Mapping[str, Any], computed: ComputedValue | None, scale: tuple[ScaleLevel, ...], value: str) -> dict:
    """Target, baseline, direction, rubric, computed value and suggestion of one indicator."""
    typed_baseline = _text(answers, f"{ind.id}.valeur_reference")
    base_value = parse_number(typed_baseline) if typed_baseline else None
    baseline = ""
    if ind.baseline is not None:
        definition = ind.baseline.describe(ind.unit)
        baseline = f"{typed_baseline} — {definition}" if typed_baseline else definition
    scored = [lv.value for lv in sorted((lv for lv in scale if lv.score is not None), key=lambda lv: -lv.score)]
    number = parse_number(value) if value else (computed.value if computed is not None else None)
    suggestion = suggest_level(ind, number, scored, base_value)
    by_value = {lv.value: lv for lv in scale}
    return {
        "target": ind.target.describe(ind.unit) if ind.target is not None else "",
        "baseline": baseline,
        "direction": ind.direction or "",
        "rubric": dict(ind.rubric or {}),
        "computed": computed,
        "suggested": by_value.get(suggestion) if suggestion else None,
        "override_reason": _text(answers, f"{ind.id}.motif_ajustement"),
    }


def build_matrix(
    tool: Referential,
    answers: Mapping[str, Any],
    theme_labels: Mapping[str, str] | None = None,
    evidence_counts: Mapping[str, int] | None = None,
    values: Mapping[str, ComputedValue] | None = None,
) -> Matrix:
    """The matrix of the référentiel's answers; `values`: the values computed from the
    evaluation's data (`core.indicators.compute_all`), by indicator id."""
    scale = scale_of(tool)
    by_value = {lv.value: lv for lv in scale}
    evidence_counts = evidence_counts or {}
    values = values or {}
    questions = []
    for qn, q in enumerate(tool.questions, start=1):
        subs = []
        for sn, sq in enumerate(q.sub_questions, start=1):
            cells = []
            for i, ind in enumerate(sq.indicators):
                appreciation = by_value.get(_text(answers, f"{ind.id}.appreciation"))
                value = _text(answers, f"{ind.id}.valeur")
                cells.append(
                    IndicatorCell(
                        id=ind.id,
                        code=f"{qn}.{sn}.{chr(ord('a') + i)}",
                        label=ind.label,
                        unit=ind.unit or "",
                        kit_source=ind.source,
                        value=value,
                        source=_text(answers, f"{ind.id}.source"),
                        proofs=_text(answers, f"{ind.id}.preuves"),
                        appreciation=appreciation,
                        comment=_text(answers, f"{ind.id}.commentaire"),
                        evidence=evidence_counts.get(ind.id, 0),
                        **_cell_extras(ind, answers, values.get(ind.id), scale, value),
                    )
                )
            subs.append(SubQuestionRow(sq.id, f"{qn}.{sn}", sq.label, tuple(cells)))
        all_cells = [c for s in subs for c in s.cells]
        given = by_value.get(_text(answers, f"{q.id}.appreciation"))
        computed = given is None
        overall = given if given is not None else suggest(scale, all_cells)
        counts: dict[str, int] = {lv.value: 0 for lv in scale}
        for c in all_cells:
            key = c.appreciation.value if c.appreciation else NOT_FILLED
            counts[key] = counts.get(key, 0) + 1
        questions.append(
            QuestionRow(
                id=q.id,
                number=qn,
                theme=(theme_labels or {}).get(q.theme, q.theme.replace("_", " ").capitalize()),
                label=q.label,
                sub_questions=tuple(subs),
                appreciation=overall,
                computed=computed and overall is not None,
                comment=_text(answers, f"{q.id}.commentaire"),
                counts=counts,
            )
        )
    return Matrix(tool.title, scale, tuple(questions))
