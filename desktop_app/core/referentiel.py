"""The référentiel évaluatif as a matrix: questions × sub-questions × indicators, appreciated.

Answer keys follow `desktop_app.kit.forms`: `<indicator>.valeur`, `.source`, `.preuves`,
`.appreciation`, `.commentaire`, and `<question>.appreciation` / `.commentaire` for the overall
appreciation of an evaluative question. When that overall appreciation is not given, the matrix
suggests one from the indicators (the rounded mean of their scores) and says it is computed.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.kit.schema import Referential

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

    @property
    def filled(self) -> bool:
        return bool(self.value or (self.appreciation and self.appreciation.value != NOT_FILLED))


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


def build_matrix(
    tool: Referential,
    answers: Mapping[str, Any],
    theme_labels: Mapping[str, str] | None = None,
    evidence_counts: Mapping[str, int] | None = None,
) -> Matrix:
    scale = scale_of(tool)
    by_value = {lv.value: lv for lv in scale}
    evidence_counts = evidence_counts or {}
    questions = []
    for qn, q in enumerate(tool.questions, start=1):
        subs = []
        for sn, sq in enumerate(q.sub_questions, start=1):
            cells = []
            for i, ind in enumerate(sq.indicators):
                appreciation = by_value.get(_text(answers, f"{ind.id}.appreciation"))
                cells.append(
                    IndicatorCell(
                        id=ind.id,
                        code=f"{qn}.{sn}.{chr(ord('a') + i)}",
                        label=ind.label,
                        unit=ind.unit or "",
                        kit_source=ind.source,
                        value=_text(answers, f"{ind.id}.valeur"),
                        source=_text(answers, f"{ind.id}.source"),
                        proofs=_text(answers, f"{ind.id}.preuves"),
                        appreciation=appreciation,
                        comment=_text(answers, f"{ind.id}.commentaire"),
                        evidence=evidence_counts.get(ind.id, 0),
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
