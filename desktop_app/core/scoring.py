"""The weighted grid used to choose the actions structurantes (kit tool 4), as pure computations.

Each action is scored 1 to 3 per criterion; the criteria the programmation data can answer are
pre-filled (weight in the budget, number of funders, recurrence, beneficiaries living in a QPV),
and a score typed by the team always beats the pre-filled one. The total is the sum of scores
times weights; the ranking gives equal totals the same rank ("1, 2, 2, 4").

Thresholds follow the level descriptions of `forms/choix-actions.yaml`.
Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.programmation import normalize

BUDGET_LOW, BUDGET_HIGH = 0.02, 0.05  # share of the programmation's credits
RECURRENCE_MID, RECURRENCE_HIGH = 3, 6  # years funded
BENEFICIARIES_MID, BENEFICIARIES_HIGH = 50, 200
QPV_SHARE_MIN = 0.5
TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Level:
    value: int
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    description: str
    default_weight: float
    auto: str | None
    levels: tuple[Level, ...]
    short_label: str = ""  # a column header (kit YAML `short_label`)

    def level(self, value: int | None) -> Level | None:
        for lvl in self.levels:
            if lvl.value == value:
                return lvl
        return None

    @property
    def max_level(self) -> int:
        return max(lvl.value for lvl in self.levels)


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """What the programmation says about one action (all its years together)."""

    budget: float  # credits granted (or requested when nothing is granted) over the imported years
    funders: int  # distinct funders with a non-zero amount
    years_funded: int  # distinct years with a funding, or since `first_year`
    multi_year: bool | None  # under a multi-year agreement (CPO)
    beneficiaries: int | None  # latest known count
    qpv_share: float | None  # 0..1, latest known


@dataclass(frozen=True, slots=True)
class Prefill:
    value: int
    note: str  # French: what the value is based on


def _pct(share: float) -> str:
    return f"{share * 100:.1f}".replace(".", ",") + " %"


def prefill(auto: str | None, facts: ActionFacts, programme_total: float) -> Prefill | None:
    """The level the data gives for a criterion marked `auto`, or None when the data is missing."""
    if auto == "budget_share":
        if facts.budget <= 0 or programme_total <= 0:
            return None
        share = facts.budget / programme_total
        value = 1 if share < BUDGET_LOW else 2 if share <= BUDGET_HIGH else 3
        return Prefill(value, f"{_pct(share)} des crédits de la programmation")
    if auto == "funders":
        if facts.funders <= 0:
            return None
        value = min(facts.funders, 3)
        return Prefill(value, f"{facts.funders} financeur{'s' if facts.funders > 1 else ''}")
    if auto == "recurrence":
        if facts.years_funded <= 0 and not facts.multi_year:
            return None
        years = facts.years_funded
        value = 1 if years < RECURRENCE_MID else 2 if years < RECURRENCE_HIGH else 3
        note = f"financée {years} année{'s' if years > 1 else ''}"
        if facts.multi_year:
            value, note = 3, note + ", convention pluriannuelle (CPO)"
        return Prefill(value, note)
    if auto == "beneficiaries":
        if facts.beneficiaries is None:
            return None
        n = facts.beneficiaries
        if facts.qpv_share is None:
            return Prefill(1, f"{n} bénéficiaires, part habitant un QPV inconnue")
        note = f"{n} bénéficiaires, dont {_pct(facts.qpv_share)} en QPV"
        if n < BENEFICIARIES_MID or facts.qpv_share < QPV_SHARE_MIN:
            return Prefill(1, note)
        return Prefill(2 if n <= BENEFICIARIES_HIGH else 3, note)
    return None


@dataclass(frozen=True, slots=True)
class Score:
    """The score of one action on one criterion: typed by the team, else pre-filled."""

    manual: int | None
    prefilled: Prefill | None

    @property
    def value(self) -> int | None:
        if self.manual is not None:
            return self.manual
        return self.prefilled.value if self.prefilled else None

    @property
    def is_prefilled(self) -> bool:
        return self.manual is None and self.prefilled is not None


def weighted_total(values: Mapping[str, int | None], weights: Mapping[str, float]) -> float:
    """Sum of score x weight; an unscored criterion counts 0."""
    return round(sum((values.get(c) or 0) * w for c, w in weights.items()), 6)


def max_total(criteria: Sequence[Criterion], weights: Mapping[str, float]) -> float:
    return round(sum(c.max_level * weights.get(c.id, c.default_weight) for c in criteria), 6)


@dataclass(frozen=True, slots=True)
class Rank:
    rank: int
    tied: bool

    @property
    def label(self) -> str:
        return f"{self.rank} ex æquo" if self.tied else str(self.rank)


def ranking(totals: Mapping[str, float]) -> dict[str, Rank]:
    """Competition ranking: equal totals share a rank and the next rank is skipped (1, 2, 2, 4)."""
    ordered = sorted(((round(t / TOLERANCE) * TOLERANCE, k) for k, t in totals.items()), reverse=True)
    out: dict[str, Rank] = {}
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1][0] == ordered[i][0]:
            j += 1
        for _total, key in ordered[i:j + 1]:
            out[key] = Rank(i + 1, j > i)
        i = j + 1
    return out


def shortlist_message(count: int, low: int, high: int) -> tuple[str, str]:
    """("ok" | "low" | "high", French sentence) about the number of chosen actions."""
    if count < low:
        missing = low - count
        return "low", (f"{count} action{'s' if count > 1 else ''} retenue{'s' if count > 1 else ''} : "
                       f"retenez-en encore au moins {missing} (de {low} à {high} conseillées).")
    if count > high:
        return "high", (f"{count} actions retenues : c'est plus que les {high} conseillées ; "
                        "l'évaluation risque d'être trop lourde.")
    return "ok", f"{count} actions retenues (de {low} à {high} conseillées)."


# --------------------------------------------------------------------------- filters

def qpv_matches(action_qpv: str, wanted: Iterable[str]) -> bool:
    """True when an action's quartiers text names one of `wanted` (codes or names, any case)."""
    text = f" {normalize(action_qpv)} "
    return any(w and f" {normalize(w)} " in text for w in wanted)


def qpv_label(text: str, names: Mapping[str, str]) -> str:
    """Quartiers as people name them: known QPV codes replaced by the Cadrage's names."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    return ", ".join(names.get(p.upper(), p) for p in parts)


def matches(
    pillar: str, qpv: str, carrier: str, title: str,
    want_pillar: str = "", want_qpv: Sequence[str] = (), want_carrier: str = "", search: str = "",
) -> bool:
    """The filters of the programmation and grid tables (empty filter = everything)."""
    if want_pillar and normalize(pillar) != normalize(want_pillar):
        return False
    if want_qpv and not qpv_matches(qpv, want_qpv):
        return False
    if want_carrier and normalize(carrier) != normalize(want_carrier):
        return False
    if search:
        hay = normalize(f"{title} {carrier} {pillar} {qpv}")
        return all(word in hay for word in normalize(search).split())
    return True
