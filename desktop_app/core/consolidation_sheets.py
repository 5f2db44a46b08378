"""The resource centre's consolidation of the sheets filled once per evaluation: the kit's tools
with the role `step_form` (the state of the priority neighbourhoods, the annual reports' figures,
the evaluative questions of the transversal axes…), territory by territory.

For each such tool of the consolidation's kit, each territory's sheet is in one of four states:
filled, not filled (« non renseignée »), out of the evaluation's scope, or absent from the kit
version the territory works with (an earlier kit, said with its number). A filled sheet gives its
answers as the consolidation may show them: only the questions the kit lets leave the territory
(never a `personal` or `sensitive` one), the free texts through the one privacy filter
(`core.privacy_filter`: e-mails, phones and people's names removed), choices as their labels,
numbers as numbers, years as whole numbers, dates as dates. The sheet's repeat group (one QPV,
one year) gives one item per repetition, the questions asked once repeated on each; another
repeat group is given as one text, an item a line.

A repeat group ordered by a year (the annual reports: the question the référentiel's
`latest` / `change` indicators order it by, else its first required year) is also read as a
series, as `core.indicators` reads it: per territory and per figure, the latest year's value and
that year, and the change since the first year (a year given twice keeps the later-saved row).

Everything is computed from the kit and the responses already loaded: each tool is compiled
once, whatever the number of territories. Plain data, Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.core.answer_text import display_value
from desktop_app.core.french import looks_like_year_range
from desktop_app.core.indicators import compute_indicator
from desktop_app.core.privacy_filter import PrivacyFilter, tool_rules
from desktop_app.core.validation import is_blank
from desktop_app.kit.forms import FormField, compile_tool
from desktop_app.kit.schema import SERIES_STATISTICS, Indicator, IndicatorCompute

FILLED = "renseignee"
NOT_FILLED = "non_renseigne"
OUT_OF_SCOPE = "hors_perimetre"
NOT_IN_KIT = "absente_du_kit"

# what the synthesis files an answer under, for the team's own analysis: quoted as excerpts
# (the words of people — verbatims, testimonies — follow the consent rules and are never quoted)
EXCERPT_KINDS = ("enseignement", "preconisation", "force", "faiblesse")


def state_label(state: str, kit_version: str = "") -> str:
    """A territory's sheet state in French (« Non renseignée », « Absente du kit 1.0.1 »…)."""
    if state == NOT_IN_KIT:
        return f"Absente du kit {kit_version}" if kit_version else "Absente du kit du territoire"
    return {FILLED: "Renseignée", NOT_FILLED: "Non renseignée", OUT_OF_SCOPE: "Hors du périmètre de l'évaluation"}.get(state, state)


@dataclass(frozen=True)
class SheetField:
    """A question of a step_form sheet as the consolidation shows it."""

    key: str  # its id (a repeat group's sub-question: its id inside the item)
    label: str
    kind: str  # choice | multiple | yes_no | number | year | date | text | long_text
    unit: str | None = None
    options: tuple[str, ...] = ()  # choice labels, in the kit's order
    excerpt: bool = False  # the kit files it as the team's analysis: quoted in the PDF
    in_group: bool = False  # asked once per item of the sheet's repeat group
    identifies: bool = False  # names the item (a QPV's code): shown with its excerpts
    section: str = ""  # the title of the kit's section holding it


@dataclass(frozen=True)
class TerritorySheet:
    """One territory's sheet: its state, and its items (a single one for a sheet without a
    repeat group), each {question key: value as shown}."""

    state: str
    kit_version: str = ""
    items: tuple[Mapping[str, Any], ...] = ()

    @property
    def label(self) -> str:
        return state_label(self.state, self.kit_version)


@dataclass(frozen=True)
class SeriesValue:
    """A figure of a territory's annual series."""

    latest: float
    year: str  # the year of the latest value
    first_year: str
    change: float | None  # latest − first; None with a single year
    years: int  # years with a value


@dataclass(frozen=True)
class SheetSeries:
    """The series of a sheet whose repeat group is ordered by a year: territory × figure."""

    by: SheetField  # the question holding each row's year
    figures: tuple[SheetField, ...]
    values: dict[str, dict[str, SeriesValue]]  # evaluation id -> figure key -> its latest value

    def latest_year(self, evaluation_id: str) -> str:
        """The most recent year the territory gives a figure for ("" when none)."""
        years = [v.year for v in self.values.get(evaluation_id, {}).values()]
        return max(years, key=_year_key, default="")

    def filled(self, key: str) -> int:
        """Territories giving a value of this figure."""
        return sum(1 for per in self.values.values() if key in per)


@dataclass(frozen=True)
class StepSheet:
    """One step_form tool across the territories."""

    tool_id: str
    title: str
    fields: tuple[SheetField, ...]  # top-level questions, then the repeat group's, in the kit's order
    territories: dict[str, TerritorySheet]  # every territory of the consolidation
    item_label: str = ""  # the repeat group's item (« Quartier », « Année »), "" without one
    group_label: str = ""
    series: SheetSeries | None = None

    def filled(self) -> list[str]:
        return [eid for eid, s in self.territories.items() if s.state == FILLED]

    def field(self, key: str) -> SheetField:
        return next(f for f in self.fields if f.key == key)

    def _items(self, key: str, sheet: TerritorySheet) -> tuple[Mapping[str, Any], ...]:
        """The items holding the question's answers: every item for a repeat group's question,
        the first for a question asked once (repeated on each item)."""
        return sheet.items if self.field(key).in_group else sheet.items[:1]

    def answered(self, key: str) -> int:
        """Territories that answered the question (in at least one item)."""
        return sum(1 for s in self.territories.values() if any(not is_blank(i.get(key)) for i in s.items))

    def items_answered(self, key: str) -> int:
        """Items answering the question (territories for a question asked once)."""
        return sum(1 for s in self.territories.values() for i in self._items(key, s) if not is_blank(i.get(key)))

    def distribution(self, key: str) -> list[tuple[str, int, int]]:
        """(answer label, items, territories) of a choice question, in the kit's order (answers
        outside the kit's choices last); items = territories for a question asked once."""
        f = self.field(key)
        items: dict[str, int] = {}
        territories: dict[str, set[str]] = {}
        for eid, s in self.territories.items():
            for item in self._items(key, s):
                value = item.get(key)
                chosen = value if isinstance(value, list) else [] if is_blank(value) else [value]
                for label in chosen:
                    items[label] = items.get(label, 0) + 1
                    territories.setdefault(label, set()).add(eid)
        order = [o for o in f.options if o in items] + [lbl for lbl in items if lbl not in f.options]
        return [(lbl, items[lbl], len(territories[lbl])) for lbl in order]

    def numbers(self, key: str) -> list[float]:
        return [float(i[key]) for s in self.territories.values() for i in self._items(key, s)
                if isinstance(i.get(key), (int, float)) and not isinstance(i.get(key), bool)]


@dataclass(frozen=True)
class TerritoryKit:
    """What a territory's evaluation holds of its kit: the tools of its version and its scope
    (None when unknown: its kit version is not on this computer)."""

    version: str
    tools: frozenset[str] | None = None
    scope: frozenset[str] | None = None


def step_sheets(kit, territories: Iterable, responses_by_eval: Mapping[str, list],
                kits: Mapping[str, TerritoryKit] | None = None) -> list[StepSheet]:
    """Every step_form tool of `kit` that at least one territory's kit has, across `territories`
    (`TerritoryRow`s, in the order given); `kits[evaluation_id]`: each territory's kit tools and
    scope (a territory missing from it is taken as having every tool in scope)."""
    territories = list(territories)
    kits = kits or {}
    safe = PrivacyFilter()
    out = []
    for tool in kit.tools_with_role("step_form"):
        known = [kits.get(t.evaluation_id) for t in territories]
        if territories and not any(k is None or k.tools is None or tool.id in k.tools for k in known):
            continue  # no territory works with a kit that has this sheet
        out.append(_sheet(kit, tool, territories, responses_by_eval, kits, safe))
    return out


def _shareable(f: FormField) -> bool:
    return f.answerable and not (f.personal or f.sensitive)


def _kind(f: FormField) -> str:
    if f.type == "single_choice":
        return "choice"
    if f.type == "multiple_choice":
        return "multiple"
    if f.type in ("integer", "decimal", "scale"):
        return "year" if _is_year(f) else "number"
    if f.type in ("yes_no", "date", "long_text"):
        return f.type
    return "text"


def _is_year(f: FormField) -> bool:
    bound = [b if isinstance(b, (int, float)) and not isinstance(b, bool) else None for b in (f.min, f.max)]
    return f.type == "integer" and not f.unit and looks_like_year_range(*bound)


def _sheet_field(f: FormField, in_group: bool, section: str, identifies: bool = False) -> SheetField:
    return SheetField(
        f.id, f.label, _kind(f), f.unit, tuple(o.label for o in f.choices), f.type == "long_text" and f.excerpt in EXCERPT_KINDS,
        in_group, identifies, section,
    )


def _sheet(kit, tool, territories, responses_by_eval, kits, safe: PrivacyFilter) -> StepSheet:
    form = compile_tool(kit, tool.id)
    top = [f for page in form.pages for f in page.fields]
    sections = {f.id: page.title for page in form.pages for f in page.fields}
    rules = tool_rules(top)
    group = next((f for f in top if _shareable(f) and f.type == "repeat_group" and any(_shareable(c) for c in f.children)), None)
    flat = [f for f in top if _shareable(f) and f is not group]  # another repeat group: its items as one text
    children = [c for c in group.children if _shareable(c) and c.type != "repeat_group"] if group is not None else []
    name_key = next((c.id for c in children if c.type == "text" and c.required), None)
    fields = [_sheet_field(f, False, sections[f.id]) for f in flat]
    fields += [_sheet_field(c, True, sections[group.id], c.id == name_key) for c in children]
    by_field = {f.id: f for f in flat} | {c.id: c for c in children}
    year = _series_key(kit, tool, group, children) if group is not None else None
    shown: dict[str, TerritorySheet] = {}
    for t in territories:
        tk = kits.get(t.evaluation_id)
        version = tk.version if tk is not None else getattr(t, "kit_version", "")
        if tk is not None and tk.tools is not None and tool.id not in tk.tools:
            shown[t.evaluation_id] = TerritorySheet(NOT_IN_KIT, version)
            continue
        if tk is not None and tk.scope is not None and tool.id not in tk.scope:
            shown[t.evaluation_id] = TerritorySheet(OUT_OF_SCOPE, version)
            continue
        mine = [r for r in responses_by_eval.get(t.evaluation_id, []) if r.tool_id == tool.id and r.answers]
        # the one privacy filter: `personal` answers dropped, e-mails and phones removed, and
        # people's names guessed in free texts (long texts, `sensitive` answers)
        answers = safe.answers(rules, max(mine, key=lambda r: r.updated_at).answers) if mine else {}
        common = {f.id: v for f in flat if (v := _shown(f, answers.get(f.id))) is not None}
        items: list[dict[str, Any]] = []
        if group is not None:
            for raw in answers.get(group.id) or []:
                if not isinstance(raw, Mapping):
                    continue
                item = {c.id: v for c in children if (v := _shown(c, raw.get(c.id))) is not None}
                if item:
                    items.append(common | item)
        if not items and common:
            items.append(common)
        if year is not None:  # the annual rows in the order of their years
            items.sort(key=lambda i, k=year.id: _order(i.get(k)))
        shown[t.evaluation_id] = TerritorySheet(FILLED if items else NOT_FILLED, version, tuple(items))
    series = None
    if year is not None:
        series = _series(tool, year, by_field, fields, territories, responses_by_eval, shown, kit)
    return StepSheet(
        tool.id, tool.short_title or tool.title, tuple(fields), shown,
        (group.item_label or "Élément") if group is not None else "", group.label if group is not None else "", series,
    )


def _order(value: Any) -> tuple[int, float, str]:
    """Rows by year (numbers first, in order; then dates or texts; blanks last)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value)) if value is not None else (2, 0.0, "")


def _shown(f: FormField, value: Any) -> Any:
    """An answer, already through the privacy filter, as the consolidation shows it: None when
    blank; choice labels (« Autre : » and the text typed); numbers; dates; a repeat group (other
    than the sheet's own) as one text, an item a line."""
    if is_blank(value):
        return None
    if f.type == "repeat_group":
        lines = []
        for item in value if isinstance(value, list) else []:
            if isinstance(item, Mapping):
                parts = [display_value(c, item.get(c.id)) for c in f.children if _shareable(c) and c.type != "repeat_group"]
                lines.append(" — ".join(p for p in parts if p))
        return "\n".join(line for line in lines if line) or None
    kind = _kind(f)
    if kind == "yes_no" or isinstance(value, bool):
        return "Oui" if value else "Non"
    if kind in ("choice", "multiple"):
        values = value if isinstance(value, (list, tuple)) else [value]
        labels = []
        for v in values:
            opt = f.option(v)
            labels.append(opt.label if opt is not None else f"Autre : {v}")
        return labels if kind == "multiple" else labels[0]
    if kind in ("number", "year"):
        if isinstance(value, (int, float)):
            return int(value) if kind == "year" or (f.type == "integer" and float(value).is_integer()) else float(value)
        return str(value)  # a number typed as text: shown as typed
    if kind == "date":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return str(value).strip() or None


def _series_key(kit, tool, group: FormField, children: list[FormField]) -> FormField | None:
    """The question ordering the group's rows by year: the one the référentiel's series
    indicators (`latest` / `change`) order this tool by, else the group's first required year."""
    ids = {c.id: c for c in children}
    for ref in kit.tools_with_role("referential"):
        for q in ref.questions:
            for sq in q.sub_questions:
                for ind in sq.indicators:
                    c = ind.compute
                    while c is not None:
                        if c.statistic in SERIES_STATISTICS and c.tool == tool.id and c.by in ids and c.question in ids:
                            return ids[c.by]
                        c = c.fallback
    return next((c for c in children if c.required and _is_year(c)), None)


def _series(tool, key: FormField, by_field, fields, territories, responses_by_eval, shown, kit) -> SheetSeries | None:
    figures = [f for f in fields if f.in_group and f.kind == "number" and f.key != key.id]
    if not figures:
        return None
    # read as the référentiel reads a series (`core.indicators`, statistic `latest` by the year)
    computes = {
        f.key: Indicator(id="serie", label=f.label, source=tool.title,
                         compute=IndicatorCompute(tool=tool.id, question=f.key, statistic="latest", by=key.id))
        for f in figures
    }
    values: dict[str, dict[str, SeriesValue]] = {}
    for t in territories:
        if shown[t.evaluation_id].state != FILLED:
            continue
        mine = [r for r in responses_by_eval.get(t.evaluation_id, []) if r.tool_id == tool.id and r.answers]
        per: dict[str, SeriesValue] = {}
        for fkey, ind in computes.items():
            got = compute_indicator(kit, ind, mine)
            if got is None or not got.series:
                continue
            points = got.series
            change = points[-1][1] - points[0][1] if len(points) >= 2 else None
            per[fkey] = SeriesValue(_number(by_field[fkey], points[-1][1]), points[-1][0], points[0][0],
                                    None if change is None else _number(by_field[fkey], change), len(points))
        if per:
            values[t.evaluation_id] = per
    return SheetSeries(next(f for f in fields if f.key == key.id), tuple(figures), values)


def _number(f: FormField, value: float) -> float:
    return int(value) if f.type == "integer" and float(value).is_integer() else round(float(value), 6)


def year_number(year: str) -> int | None:
    """A series' year label as a number (« 2022 » -> 2022), None when the rows are ordered by
    something else (a date)."""
    return int(year) if year.isdigit() else None


def _year_key(year: str) -> tuple[float, str]:
    number = year_number(year)
    return (float(number) if number is not None else 0.0, year)

