"""Completion state of every step of an evaluation, for the side navigation."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop_app.core.steps import STEPS, StepState
from desktop_app.services.app_services import Services
from desktop_app.store.models import FormResponse


def step_states(services: Services, evaluation_id: str) -> dict[str, StepState]:
    cadrage = services.evaluations.cadrage(evaluation_id)
    comp = cadrage.completion()
    states = {"cadrage": StepState("cadrage", comp.state, f"{comp.done}/{comp.total}")}
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


def _area_states(services: Services, evaluation_id: str, states: dict[str, StepState]) -> dict[str, StepState]:
    """Feature areas whose step is not only a set of kit sheets say themselves where it stands
    (`step_states(evaluation_id) -> {step id: StepState}`): the actions, the référentiel, the
    conseils citoyens, the maturity scales and the letter (exports step)."""
    out: dict[str, StepState] = {}
    for service in (services.actions, services.referentiel, services.councils, services.maturity, services.letters):
        for step_id, state in service.step_states(evaluation_id).items():
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
