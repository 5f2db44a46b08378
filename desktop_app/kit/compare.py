"""What changes between two versions of a kit: tools and questions added, removed or reworded.

Answers are stored by question id (a generated field's key starts with the id of what it belongs
to: `<indicator>.valeur`, `<item>.<column>`, `<domain>.niveau`), so a question that keeps its id
keeps its answers, reworded or not. This module lists, per tool, the questions of each version
(questions of sections and repeat groups, evaluative questions, sub-questions and indicators of
a référentiel, rows of a checklist, domains of a maturity scale, criteria of a grid) and compares
them by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.kit.loader import Kit, iter_questions


@dataclass(frozen=True)
class Reworded:
    id: str
    old: str
    new: str


@dataclass(frozen=True)
class ToolChanges:
    tool_id: str
    title: str
    added: tuple[tuple[str, str], ...] = ()  # (question id, label)
    removed: tuple[tuple[str, str], ...] = ()
    reworded: tuple[Reworded, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.reworded)


@dataclass(frozen=True)
class KitChanges:
    kit_id: str
    old_version: str
    new_version: str
    tools_added: tuple[tuple[str, str], ...] = ()  # (tool id, title)
    tools_removed: tuple[tuple[str, str], ...] = ()
    tools: tuple[ToolChanges, ...] = field(default=())  # tools in both versions whose questions changed

    def counts(self) -> dict[str, int]:
        return {
            "tools_added": len(self.tools_added),
            "tools_removed": len(self.tools_removed),
            "added": sum(len(t.added) for t in self.tools),
            "removed": sum(len(t.removed) for t in self.tools),
            "reworded": sum(len(t.reworded) for t in self.tools),
        }

    def as_dict(self) -> dict:
        return {
            "kit": self.kit_id,
            "from": self.old_version,
            "to": self.new_version,
            "tools_added": [{"id": i, "title": t} for i, t in self.tools_added],
            "tools_removed": [{"id": i, "title": t} for i, t in self.tools_removed],
            "tools": [
                {
                    "id": t.tool_id,
                    "title": t.title,
                    "added": [{"id": i, "label": label} for i, label in t.added],
                    "removed": [{"id": i, "label": label} for i, label in t.removed],
                    "reworded": [{"id": r.id, "old": r.old, "new": r.new} for r in t.reworded],
                }
                for t in self.tools
            ],
        }


def tool_questions(tool) -> dict[str, str]:
    """{question id: label} of a tool, in the tool's order (ids are unique within a tool)."""
    out: dict[str, str] = {}
    for _, q in iter_questions(list(getattr(tool, "sections", None) or [])):
        if q.type != "note":
            out.setdefault(q.id, q.label)
    for q in getattr(tool, "questions", None) or []:  # référentiel
        out.setdefault(q.id, q.label)
        for sq in q.sub_questions:
            out.setdefault(sq.id, sq.label)
            for ind in sq.indicators:
                out.setdefault(ind.id, ind.label)
    for attr in ("items", "domains", "criteria"):  # checklist, maturity scale, scoring grid
        for row in getattr(tool, attr, None) or []:
            out.setdefault(row.id, row.label)
    return out


def compare(old: Kit, new: Kit) -> KitChanges:
    tools: list[ToolChanges] = []
    for tool_id, new_tool in new.tools.items():
        old_tool = old.tools.get(tool_id)
        if old_tool is None:
            continue
        before, after = tool_questions(old_tool), tool_questions(new_tool)
        change = ToolChanges(
            tool_id,
            new_tool.title,
            added=tuple((i, label) for i, label in after.items() if i not in before),
            removed=tuple((i, label) for i, label in before.items() if i not in after),
            reworded=tuple(Reworded(i, before[i], label) for i, label in after.items() if i in before and before[i] != label),
        )
        if not change.empty:
            tools.append(change)
    return KitChanges(
        new.id,
        old.version,
        new.version,
        tools_added=tuple((i, t.title) for i, t in new.tools.items() if i not in old.tools),
        tools_removed=tuple((i, t.title) for i, t in old.tools.items() if i not in new.tools),
        tools=tuple(tools),
    )


def upgrade_notes(target: Kit, from_version: str) -> list:
    """The migration notes of `target` that apply to an evaluation on `from_version`: those
    written from that version or a later one, older than the target."""
    start = version_key(from_version)
    return [n for n in target.manifest.upgrades
            if start <= version_key(n.from_version) < version_key(target.version)]


def _map_value(value, table: dict):
    if isinstance(value, list):
        return [table.get(str(v), v) if not isinstance(v, dict) else v for v in value]
    if isinstance(value, bool) or value is None:
        return value
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return table.get(text, value)


def migrate_answers(notes: list, tool_id: str, answers: dict) -> tuple[dict, int]:
    """A response's answers under the notes: questions renamed (keys `q` and `q.…`), values
    replaced (in repeat-group items too). Returns (new answers, number of answers changed)."""
    out = dict(answers or {})
    changed = 0
    for note in notes:
        renamed = note.renamed.get(tool_id, {})
        if renamed:
            moved = {}
            for key, value in out.items():
                head, dot, rest = key.partition(".")
                if head in renamed:
                    moved[renamed[head] + dot + rest] = value
                    changed += 1
                else:
                    moved[key] = value
            out = moved
        for question, table in note.values.get(tool_id, {}).items():
            for key, value in list(out.items()):
                if key == question:
                    new = _map_value(value, table)
                    if new != value:
                        out[key] = new
                        changed += 1
                elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    items = [dict(v, **{question: _map_value(v[question], table)}) if question in v else v for v in value]
                    if items != value:
                        out[key] = items
                        changed += 1
    return out, changed


def question_of(answer_key: str) -> str:
    """The question id an answer key belongs to (`ind_1.valeur` -> `ind_1`)."""
    return answer_key.split(".", 1)[0]


def version_key(version: str) -> tuple[int, ...]:
    """A kit version ("1.2" / "1.2.3", checked by the schema) as a comparable tuple."""
    try:
        parts = [int(p) for p in version.split(".")]
    except ValueError:
        return (0,)
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)
