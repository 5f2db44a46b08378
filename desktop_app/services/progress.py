"""Completion state of every step of an evaluation, for the side navigation.

`step_states` counts them all (≈ 50 ms at scale 100); `states_after` recounts, after a few saves,
only what those saves can move (an answer typed in a référentiel, maturity, letter or action
plan sheet: that area's state; an answer in any other sheet: nothing, the counts by status do not
move), and everything for any other change."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop_app.core.french import plural
from desktop_app.core.steps import STEPS, StepState
from desktop_app.services.app_services import Services
from desktop_app.services.base import ServiceError
from desktop_app.store.models import FormResponse


def step_states(services: Services, evaluation_id: str, reference: bool | None = None) -> dict[str, StepState]:
    """`reference`: check a complete Cadrage's codes against the official reference (True), or
    only when it is already in memory (None: the screens load it in the background and recount
    then; reading it costs ≈ 0.1 s, which the window's start does not pay)."""
    cadrage = services.evaluations.cadrage(evaluation_id)
    comp = cadrage.completion()
    states = {"cadrage": _cadrage_state(services, evaluation_id, cadrage, comp, reference)}
    kit = services.kits.get(cadrage.fields["kit_id"], cadrage.fields["kit_version"])
    scope = set(cadrage.fields.get("scope") or [])
    responses = _statuses(services, evaluation_id)
    for step in STEPS:
        if step.id in states:
            continue
        tools = [t.id for t in kit.tools_for_step(step.id)]
        in_scope = [t for t in tools if t in scope]
        if tools and not in_scope:
            states[step.id] = StepState(step.id, "hors_perimetre")
            continue
        mine = {key: n for key, n in responses.items() if key[0] in in_scope}
        total = sum(mine.values())
        done = sum(n for (_, status), n in mine.items() if status == "complete")
        if not mine:
            states[step.id] = StepState(step.id, "a_faire")
        elif done == total and {tool_id for tool_id, _ in mine} >= set(in_scope):
            states[step.id] = StepState(step.id, "termine", f"{total} fiche(s)")
        else:
            states[step.id] = StepState(step.id, "en_cours", f"{done}/{total} fiche(s) complète(s)")
    states.update(_area_states(services, evaluation_id, states))
    return states


def _cadrage_state(services: Services, evaluation_id: str, cadrage, comp, reference: bool | None) -> StepState:
    """Every element filled is not « terminé » while a code is unknown to the official
    reference (a commune, an EPCI's SIREN, a QPV of the kit's list): « en cours », codes to check."""
    if comp.state == "termine" and reference is not False:
        from desktop_app.core.reference import reference_loaded

        if reference or reference_loaded():
            try:
                flagged = len(services.evaluations.reference_checks(evaluation_id, cadrage).messages())
            except ServiceError:  # the reference cannot be read: the screen says so
                flagged = 0
            if flagged:
                return StepState("cadrage", "en_cours", f"{plural(flagged, 'code')} à vérifier")
    return StepState("cadrage", comp.state, f"{comp.done}/{comp.total}")


# Steps whose state a feature area works out itself (see `_area_states`), by step id.
AREA_SERVICES = {
    "actions": "actions",
    "referentiel": "referentiel",
    "conseils-citoyens": "councils",
    "maturite": "maturity",
    "exports": "letters",
}
# A form response's change naming one of these (or none) is not a single answer: count again.
NOT_AN_ANSWER = (None, "status", "label")


def states_after(
    services: Services, evaluation_id: str, changes: list, previous: dict[str, StepState] | None
) -> dict[str, StepState]:
    """The step states once `changes` (Change values) are saved, from the `previous` states:
    answers typed in existing sheets only move the state of an area that reads answers; any other
    change (a sheet created, deleted or completed, the Cadrage, actions…), or None among them,
    counts everything."""
    answers = [
        c for c in changes if c is not None and c.entity == "form_response" and c.field not in NOT_AN_ANSWER
    ]
    if previous is None or not changes or len(answers) != len(changes):
        return step_states(services, evaluation_id)
    ids = sorted({c.id for c in answers})
    with services.forms.read() as s:
        tool_ids = set(s.scalars(select(FormResponse.tool_id).where(FormResponse.id.in_(ids))))
    summary = services.evaluations.get(evaluation_id)
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    steps = set()
    for tool_id in tool_ids:
        try:
            steps.add(kit.tool(tool_id).step)
        except KeyError:  # a tool this kit does not have: count everything
            return step_states(services, evaluation_id)
    states = dict(previous)
    for step_id in sorted(steps & set(AREA_SERVICES)):
        if states.get(step_id) is not None and states[step_id].state == "hors_perimetre":
            continue
        states.update(getattr(services, AREA_SERVICES[step_id]).step_states(evaluation_id))
    return states


def _area_states(
    services: Services, evaluation_id: str, states: dict[str, StepState]
) -> dict[str, StepState]:
    """Feature areas whose step is not only a set of kit sheets say themselves where it stands
    (`step_states(evaluation_id) -> {step id: StepState}`): the actions, the référentiel, the
    conseils citoyens, the maturity scales and the letter (exports step)."""
    out: dict[str, StepState] = {}
    for name in AREA_SERVICES.values():
        for step_id, state in getattr(services, name).step_states(evaluation_id).items():
            if states.get(step_id) is None or states[step_id].state != "hors_perimetre":
                out[step_id] = state
    return out


def _statuses(services: Services, evaluation_id: str) -> dict[tuple[str, str], int]:
    """{(tool id, status): count} of the evaluation's form responses, without their answers: this
    runs after every save, and reading thousands of answer sets each time froze large evaluations."""
    stmt = (
        select(FormResponse.tool_id, FormResponse.status, func.count())
        .where(FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False))
        .group_by(FormResponse.tool_id, FormResponse.status)
    )
    with services.forms.read() as s:
        return {(tool_id, status): n for tool_id, status, n in s.execute(stmt)}
