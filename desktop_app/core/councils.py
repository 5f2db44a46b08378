"""Conseils citoyens: the rows of the self-assessment grid and the portrait-robot, and the gaps.

Both tools are checklists: one row per item (`<item>.<column>` answers). The self-assessment
grid qualifies each gap (its column with `role: gap`: aucun / faible / important); the summary counts them per
group so the screens, the PDF and the workbook say the same thing.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop_app.core.answer_text import display_value, option_color
from desktop_app.kit.forms import Form
from desktop_app.kit.schema import Checklist

GAP_ORDER = ("aucun", "faible", "important")
_GAP_WORDS = {
    "aucun": ("sans écart", "sans écart"),
    "faible": ("écart faible", "écarts faibles"),
    "important": ("écart important", "écarts importants"),
}


@dataclass(frozen=True)
class ChecklistCell:
    column: str
    label: str
    text: str
    color: str | None = None


@dataclass(frozen=True)
class ChecklistRow:
    item_id: str
    group: str
    label: str
    reference: str
    cells: tuple[ChecklistCell, ...]

    def cell(self, column: str) -> ChecklistCell | None:
        return next((c for c in self.cells if c.column == column), None)

    @property
    def answered(self) -> bool:
        return any(c.text for c in self.cells)


def gap_words(key: str, n: int, label: str = "") -> str:
    """"3 écarts faibles", "1 écart important", "6 sans écart"."""
    one, many = _GAP_WORDS.get(key, (label.lower() or key, label.lower() or key))
    return f"{n} {one if n <= 1 else many}"


def checklist_rows(tool: Checklist, form: Form, answers: Mapping[str, Any]) -> list[ChecklistRow]:
    """Every item of a checklist with its answers in words (and the colour of a chosen level)."""
    fields = {f.id: f for p in form.pages for f in p.fields}
    rows = []
    for item in tool.items:
        cells = []
        for col in tool.columns:
            f = fields.get(f"{item.id}.{col.id}")
            if f is None:
                continue
            value = answers.get(f.id)
            cells.append(ChecklistCell(col.id, col.label, display_value(f, value), option_color(f, value)))
        rows.append(ChecklistRow(item.id, item.group or "", item.label, item.reference or "", tuple(cells)))
    return rows


@dataclass(frozen=True)
class GapSummary:
    counts: Mapping[str, int]  # gap value -> rows
    labels: Mapping[str, str]  # gap value -> label
    colors: Mapping[str, str]
    unanswered: int
    total: int
    important: tuple[str, ...]  # labels of the rows with an important gap
    by_group: Mapping[str, Mapping[str, int]]

    @property
    def assessed(self) -> int:
        return self.total - self.unanswered

    @property
    def gaps(self) -> int:
        """Rows where practice differs from the rule (small or important gap)."""
        return sum(n for k, n in self.counts.items() if k != "aucun")

    def sentence(self) -> str:
        if not self.assessed:
            return "Grille non commencée."
        parts = []
        for key in GAP_ORDER:
            if key not in self.labels:
                continue
            parts.append(gap_words(key, self.counts.get(key, 0), self.labels[key]))
        examined = "obligation examinée" if self.assessed <= 1 else "obligations examinées"
        return f"{self.assessed} {examined} sur {self.total} : " + ", ".join(parts) + "."


def gap_column(tool) -> str | None:
    """The id of a checklist's gap column (`role: gap`), None when it has none."""
    for col in getattr(tool, "columns", None) or []:
        if col.role == "gap":
            return col.id
    return None


def gap_summary(tool: Checklist, form: Form, answers: Mapping[str, Any]) -> GapSummary:
    fields = {f.id: f for p in form.pages for f in p.fields}
    column = gap_column(tool) or ""
    labels: dict[str, str] = {}
    colors: dict[str, str] = {}
    counts: dict[str, int] = {}
    by_group: dict[str, dict[str, int]] = {}
    important = []
    unanswered = 0
    for item in tool.items:
        f = fields.get(f"{item.id}.{column}")
        if f is None:
            continue
        for opt in f.choices:
            labels.setdefault(opt.value, opt.label)
            if opt.color:
                colors.setdefault(opt.value, opt.color)
            counts.setdefault(opt.value, 0)
        value = answers.get(f.id)
        group = by_group.setdefault(item.group or "", {k: 0 for k in labels})
        if not value:
            unanswered += 1
            continue
        counts[value] = counts.get(value, 0) + 1
        group[value] = group.get(value, 0) + 1
        if value == "important":
            important.append(item.label)
    total = sum(1 for item in tool.items if f"{item.id}.{column}" in fields)
    return GapSummary(counts, labels, colors, unanswered, total, tuple(important), by_group)
