"""The resource centre's consolidation, the parts beyond the référentiel and the questionnaires:
conseils citoyens (the gaps between the law and its application, per obligation and territory),
and the plain shapes of commitments and actions gathered by `desktop_app.services.consolidation`.

Tools are found by role (`council_tool` with a `gap` column). Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.councils import GAP_ORDER, gap_column
from desktop_app.kit.forms import compile_tool


@dataclass(frozen=True)
class ActionsSummary:
    """A territory's actions: how many in its programmation, how many chosen, on which pillars."""

    total: int
    chosen: int
    chosen_by_pillar: dict[str, int] = field(default_factory=dict)  # pillar label ("" unknown) -> chosen actions


@dataclass(frozen=True)
class CouncilGaps:
    """The law-vs-practice grid across territories: per obligation, each territory's gap (the
    largest its councils reported)."""

    tool_id: str
    title: str
    items: list[tuple[str, str, str]]  # (item id, group, label)
    levels: list[tuple[str, str, str | None]]  # (gap value, label, colour), smallest gap first
    by_territory: dict[str, dict[str, str]]  # evaluation id -> item id -> gap value

    def counts(self, item_id: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for gaps in self.by_territory.values():
            value = gaps.get(item_id)
            if value:
                out[value] = out.get(value, 0) + 1
        return out

    def territory_counts(self, evaluation_id: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for value in self.by_territory.get(evaluation_id, {}).values():
            out[value] = out.get(value, 0) + 1
        return out


def _rank(value: str) -> int:
    return GAP_ORDER.index(value) if value in GAP_ORDER else -1


def council_gaps(kit, territories, responses_by_eval) -> list[CouncilGaps]:
    out = []
    for tool in kit.tools_with_role("council_tool"):
        column = gap_column(tool)
        if not column:
            continue
        form = compile_tool(kit, tool.id)
        fields = {f.id: f for p in form.pages for f in p.fields}
        levels: dict[str, tuple[str, str, str | None]] = {}
        for item in tool.items:
            f = fields.get(f"{item.id}.{column}")
            for opt in f.choices if f is not None else []:
                levels.setdefault(opt.value, (opt.value, opt.label, opt.color))
        by_territory: dict[str, dict[str, str]] = {}
        for t in territories:
            worst: dict[str, str] = {}
            for r in responses_by_eval[t.evaluation_id]:
                if r.tool_id != tool.id:
                    continue
                for item in tool.items:
                    value = (r.answers or {}).get(f"{item.id}.{column}")
                    if value in levels and _rank(value) >= _rank(worst.get(item.id, "")):
                        worst[item.id] = value
            if worst:
                by_territory[t.evaluation_id] = worst
        ordered = sorted(levels.values(), key=lambda lv: _rank(lv[0]))
        out.append(CouncilGaps(
            tool.id, tool.short_title or tool.title, [(i.id, i.group or "", i.label) for i in tool.items], ordered, by_territory,
        ))
    return out
