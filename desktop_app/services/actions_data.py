"""Plain data of the actions step, as the services hand it to the UI, the CLI and the exports:
an action with its yearly fundings, the weighted grid, the filter choices. Frozen dataclasses,
never ORM objects (an action's derived figures are computed once, on first use).

Slotted: the Actions screen holds 3,000 actions, 5,600 fundings and 18,000 scores at once, and an
instance dictionary each was a third of that memory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.scoring import ActionFacts, Criterion, Rank, Score


class memo_property:
    """`functools.cached_property` for a slotted dataclass: the value is kept in its `_memo`."""

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        try:
            return obj._memo[self.name]
        except KeyError:
            value = obj._memo[self.name] = self.fn(obj)
            return value


@dataclass(frozen=True, slots=True)
class FundingData:
    id: str
    action_id: str
    year: int | None
    file_number: str
    qpv: str
    amounts: dict[str, float]
    requested: dict[str, float]
    total_cost: float | None
    beneficiaries: int | None
    beneficiaries_qpv_share: float | None
    source_file: str
    source_sheet: str
    source_row: int | None

    @property
    def budget(self) -> float:
        """Credits granted, else requested, else the action's total cost."""
        if any(self.amounts.values()):
            return sum(self.amounts.values())
        if any(self.requested.values()):
            return sum(self.requested.values())
        return self.total_cost or 0.0


@dataclass(frozen=True, slots=True)
class ActionData:
    id: str
    evaluation_id: str
    title: str
    carrier: str
    siret: str
    pillar: str
    qpv: str
    description: str
    notes: str
    series_key: str
    first_year: int | None
    multi_year: bool | None
    chosen: bool
    source: str
    fundings: tuple[FundingData, ...] = ()
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @memo_property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({f.year for f in self.fundings if f.year is not None}))

    @property
    def years_label(self) -> str:
        return ", ".join(str(y) for y in self.years)

    @memo_property
    def years_funded(self) -> int:
        years = self.years
        count = len(years)
        if self.first_year and years:
            count = max(count, years[-1] - self.first_year + 1)
        elif self.first_year:
            count = max(count, 1)
        return count

    @memo_property
    def latest(self) -> FundingData | None:
        return max(self.fundings, key=lambda f: (f.year or 0, f.source_row or 0), default=None)

    @memo_property
    def budget(self) -> float:
        return round(sum(f.budget for f in self.fundings), 2)

    @memo_property
    def amounts_by_funder(self) -> dict[str, float]:
        """Granted amounts per funder over every year (requested ones where nothing is granted)."""
        out: dict[str, float] = {}
        for f in self.fundings:
            source = f.amounts if any(f.amounts.values()) else f.requested
            for funder, value in source.items():
                if value:
                    out[funder] = round(out.get(funder, 0.0) + value, 2)
        return out

    @memo_property
    def funders(self) -> tuple[str, ...]:
        return tuple(sorted(self.amounts_by_funder))

    @property
    def file_numbers(self) -> str:
        return ", ".join(f.file_number for f in sorted(self.fundings, key=lambda f: f.year or 0) if f.file_number)

    @memo_property
    def beneficiaries(self) -> int | None:
        for f in sorted(self.fundings, key=lambda f: f.year or 0, reverse=True):
            if f.beneficiaries is not None:
                return f.beneficiaries
        return None

    @memo_property
    def qpv_share(self) -> float | None:
        for f in sorted(self.fundings, key=lambda f: f.year or 0, reverse=True):
            if f.beneficiaries_qpv_share is not None:
                return f.beneficiaries_qpv_share
        return None

    def facts(self) -> ActionFacts:
        return ActionFacts(
            self.budget, len(self.funders), self.years_funded, self.multi_year, self.beneficiaries, self.qpv_share
        )


@dataclass(frozen=True, slots=True)
class GridRow:
    action: ActionData
    scores: dict[str, Score]
    total: float
    rank: Rank
    scored: int  # criteria with a value


@dataclass(frozen=True)
class GridData:
    criteria: tuple[Criterion, ...]
    weights: dict[str, float]
    rows: tuple[GridRow, ...]  # by rank, then title
    max_total: float
    programme_total: float
    shortlist_min: int
    shortlist_max: int
    custom_weights: bool = False
    _by_id: dict[str, GridRow] = field(default_factory=dict, compare=False, repr=False)

    def row(self, action_id: str) -> GridRow:
        return self.rows_by_id()[action_id]

    def rows_by_id(self) -> dict[str, GridRow]:
        if not self._by_id:
            self._by_id.update({r.action.id: r for r in self.rows})
        return self._by_id

    @property
    def chosen(self) -> tuple[GridRow, ...]:
        return tuple(r for r in self.rows if r.action.chosen)


@dataclass(frozen=True)
class FilterOptions:
    pillars: tuple[str, ...]
    carriers: tuple[str, ...]
    qpv: tuple[tuple[str, tuple[str, ...]], ...]  # (label, names/codes that match it)
    years: tuple[int, ...]
