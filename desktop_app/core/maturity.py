"""Maturity scales (anti-discrimination, gender equality): score, profile and recommendations.

A scale has domains; the facilitator picks one level per domain (answer `<domain>.niveau`, the
level's value "0".."5") and justifies it (`<domain>.justification`). From the levels:

- the score: the points of the chosen levels, out of the best level's points × the domains;
- strengths: domains at or above the scale's `strength_threshold`;
- areas for progress: domains at or below `progress_threshold`;
- recommendations: the kit's recommendation of every area for progress (lowest level first),
  then, for the domains in between, the next level's description as the next step.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop_app.kit.schema import MaturityScale


@dataclass(frozen=True)
class LevelInfo:
    number: int
    label: str
    points: float
    color: str | None


@dataclass(frozen=True)
class DomainResult:
    id: str
    label: str
    description: str
    level: LevelInfo | None  # None: not assessed yet
    level_text: str  # what the chosen level means for this domain
    justification: str
    next_level: LevelInfo | None
    next_level_text: str

    @property
    def assessed(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class Finding:
    domain_id: str
    domain: str
    text: str
    level: int | None = None


@dataclass(frozen=True)
class MaturityResult:
    tool_id: str
    title: str
    short_title: str
    levels: tuple[LevelInfo, ...]
    domains: tuple[DomainResult, ...]
    score: float
    max_score: float
    strengths: tuple[Finding, ...]
    progress: tuple[Finding, ...]
    recommendations: tuple[Finding, ...]

    @property
    def assessed(self) -> int:
        return sum(1 for d in self.domains if d.assessed)

    @property
    def total(self) -> int:
        return len(self.domains)

    @property
    def complete(self) -> bool:
        return self.assessed == self.total

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def max_level(self) -> int:
        return max((lv.number for lv in self.levels), default=0)

    @property
    def average_level(self) -> float | None:
        done = [d.level.number for d in self.domains if d.level]
        return sum(done) / len(done) if done else None

    @property
    def overall(self) -> LevelInfo | None:
        """The level closest to the average of the assessed domains (rounded down: the kit asks
        to keep the lower level when in doubt)."""
        avg = self.average_level
        if avg is None:
            return None
        candidates = [lv for lv in self.levels if lv.number <= avg + 1e-9]
        return max(candidates, key=lambda lv: lv.number) if candidates else self.levels[0]

    def profile(self) -> list[float]:
        """Level per domain, 0 when not assessed (for the radar chart)."""
        return [float(d.level.number) if d.level else 0.0 for d in self.domains]


def _number(value: str, index: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return index


def scale_levels(tool: MaturityScale) -> tuple[LevelInfo, ...]:
    out = []
    for i, choice in enumerate(tool.levels):
        n = _number(choice.value, i)
        out.append(LevelInfo(n, choice.label, float(choice.score if choice.score is not None else n), choice.color))
    return tuple(sorted(out, key=lambda lv: lv.number))


def compute_maturity(tool: MaturityScale, answers: Mapping[str, Any]) -> MaturityResult:
    levels = scale_levels(tool)
    by_value = {c.value: _level_of(levels, c.value, i) for i, c in enumerate(tool.levels)}
    domains: list[DomainResult] = []
    for domain in tool.domains:
        texts = {lt.level: lt.description for lt in domain.levels}
        raw = answers.get(f"{domain.id}.niveau")
        level = by_value.get(str(raw)) if raw not in (None, "") else None
        nxt = None
        if level is not None:
            nxt = next((lv for lv in levels if lv.number > level.number), None)
        domains.append(
            DomainResult(
                id=domain.id,
                label=domain.label,
                description=domain.description or "",
                level=level,
                level_text=texts.get(level.number, "") if level else "",
                justification=str(answers.get(f"{domain.id}.justification") or "").strip(),
                next_level=nxt,
                next_level_text=texts.get(nxt.number, "") if nxt else "",
            )
        )
    best = max((lv.points for lv in levels), default=0.0)
    score = sum(d.level.points for d in domains if d.level)
    strengths, progress, recommendations, next_steps = [], [], [], []
    kit_domains = {d.id: d for d in tool.domains}
    for d in domains:
        if d.level is None:
            continue
        kd = kit_domains[d.id]
        n = d.level.number
        if n >= tool.strength_threshold:
            strengths.append(Finding(d.id, d.label, kd.strength, n))
        if n <= tool.progress_threshold:
            progress.append(Finding(d.id, d.label, kd.progress, n))
            recommendations.append(Finding(d.id, d.label, kd.recommendation, n))
        elif d.next_level is not None and d.next_level_text:
            next_steps.append(
                Finding(
                    d.id,
                    d.label,
                    f"Pour atteindre le niveau {d.next_level.number} ({d.next_level.label}) : {d.next_level_text}",
                    n,
                )
            )
    recommendations.sort(key=lambda f: (f.level, _order(tool, f.domain_id)))
    next_steps.sort(key=lambda f: (f.level, _order(tool, f.domain_id)))
    return MaturityResult(
        tool_id=tool.id,
        title=tool.title,
        short_title=tool.short_title or tool.title,
        levels=levels,
        domains=tuple(domains),
        score=score,
        max_score=best * len(domains),
        strengths=tuple(strengths),
        progress=tuple(progress),
        recommendations=tuple(recommendations + next_steps),
    )


def _level_of(levels: tuple[LevelInfo, ...], value: str, index: int) -> LevelInfo:
    n = _number(value, index)
    return next(lv for lv in levels if lv.number == n)


def _order(tool: MaturityScale, domain_id: str) -> int:
    return next(i for i, d in enumerate(tool.domains) if d.id == domain_id)


def format_points(value: float) -> str:
    text = f"{value:g}".replace(".", ",")
    return text
