"""The resource centre's consolidated view, gathered from one database holding every territory's
imported bundles: each evaluation's completion (its steps), form responses, commitments (counts by state),
actions (chosen, by pillar) and the tools of its kit version (the sheets an earlier kit did not have), handed to
`desktop_app.core.consolidation` (the computation); `desktop_app.exports.consolidation_files`
writes the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.core.consolidation import Consolidation, TerritoryRow, build_consolidation
from desktop_app.core.consolidation_parts import ActionsSummary
from desktop_app.core.consolidation_sheets import TerritoryKit
from desktop_app.core.errors import ServiceError
from desktop_app.core.indicators import ActionFigures
from desktop_app.core.privacy_filter import PrivacyFilter
from desktop_app.services.progress import step_states

if TYPE_CHECKING:
    from desktop_app.services.app_services import Services


def consolidate(services: Services) -> Consolidation:
    """Compute the consolidated view of every evaluation in the database."""
    safe = PrivacyFilter()  # what a territory typed in its titles: no e-mail or phone number
    territories: list[TerritoryRow] = []
    responses_by_eval: dict[str, list] = {}
    commitments: dict[str, dict[str, int]] = {}
    actions: dict[str, ActionsSummary] = {}
    figures: dict[str, list[ActionFigures]] = {}
    kits: dict[str, TerritoryKit] = {}
    kit_tools: dict[tuple[str, str], frozenset[str] | None] = {}  # read once per kit version
    for ev in services.evaluations.list():
        try:
            states = step_states(services, ev.id, reference=True)  # a territory's unknown codes say so
        except ServiceError:
            states = {}
        in_scope = {k: s.state for k, s in states.items() if s.state != "hors_perimetre"}
        done = sum(1 for s in in_scope.values() if s == "termine")
        territories.append(
            TerritoryRow(
                ev.id, safe.text(ev.territory_name), safe.text(ev.title), ev.generation, ev.kit_version, ev.updated_at,
                done, len(in_scope), in_scope, _testimonies(services, ev.id),
            )
        )
        responses_by_eval[ev.id] = services.forms.find(ev.id)
        kits[ev.id] = _territory_kit(services, ev, kit_tools)
        counts = _commitments(services, ev.id)
        if counts:
            commitments[ev.id] = counts
        listed = _listed_actions(services, ev.id)
        summary = _actions(listed, safe)
        if summary is not None:
            actions[ev.id] = summary
        # the programmation figures the référentiel's indicators may compute from
        figures[ev.id] = [
            ActionFigures(a.budget, len(a.funders), a.multi_year, a.years_funded, a.beneficiaries, a.qpv_share) for a in listed
        ]
    return build_consolidation(_newest_kit(services), territories, responses_by_eval, commitments, actions, figures, kits)


def _territory_kit(services: Services, ev, cache: dict[tuple[str, str], frozenset[str] | None]) -> TerritoryKit:
    """The tools of the evaluation's kit version (None when that version is not on this
    computer) and the evaluation's scope."""
    key = (ev.kit_id, ev.kit_version)
    if key not in cache:
        try:
            cache[key] = frozenset(services.kits.get(*key).tools)
        except ServiceError:
            cache[key] = None
    try:
        scope = frozenset(services.evaluations.scope(ev.id))
    except ServiceError:
        scope = None
    return TerritoryKit(ev.kit_version, cache[key], scope)


def _commitments(services: Any, evaluation_id: str) -> dict[str, int]:
    """{status ("" when not yet given): commitments} of an evaluation (empty without any)."""
    try:
        summary = services.commitments.commitment_summary(evaluation_id)
    except ServiceError:
        return {}
    return {k: v for k, v in summary.counts.items() if v} if summary.total else {}


def _listed_actions(services: Any, evaluation_id: str) -> list:
    """The territory's programmation (`ActionData`), empty when it cannot be read."""
    try:
        return services.actions.list(evaluation_id)
    except ServiceError:
        return []


def _actions(listed: list, safe: PrivacyFilter) -> ActionsSummary | None:
    """How many actions the territory listed, how many it chose, on which pillars (None without any)."""
    if not listed:
        return None
    by_pillar: dict[str, int] = {}
    chosen = [a for a in listed if a.chosen]
    for a in chosen:
        pillar = safe.text((a.pillar or "").strip())
        by_pillar[pillar] = by_pillar.get(pillar, 0) + 1
    return ActionsSummary(len(listed), len(chosen), by_pillar)


def _newest_kit(services: Services):
    """The kit the view is built on: the newest version the evaluations use (a version published
    since the application was shipped has the tools added in YAML), else the bundled one."""
    bundled = services.kits.bundled()
    best, best_key = bundled, _version_key(bundled.version)
    for ev in services.evaluations.list():
        if ev.kit_id != bundled.id or _version_key(ev.kit_version) <= best_key:
            continue
        try:
            best, best_key = services.kits.get(ev.kit_id, ev.kit_version), _version_key(ev.kit_version)
        except ServiceError:
            continue  # that version's files are not on this computer
    return best


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in str(version).split("."))
    except ValueError:
        return ()


def _testimonies(services: Any, evaluation_id: str) -> int:
    """Testimonies of an evaluation usable with the person's consent (0 when its kit has no testimony sheet)."""
    try:
        return sum(1 for t in services.terrain.testimonies(evaluation_id) if t.consent_use)
    except ServiceError:
        return 0
