"""Completion state of every step of an evaluation, for the side navigation."""

from __future__ import annotations

from desktop_app.core.steps import STEPS, StepState
from desktop_app.services.app_services import Services


def step_states(services: Services, evaluation_id: str) -> dict[str, StepState]:
    cadrage = services.evaluations.cadrage(evaluation_id)
    comp = cadrage.completion()
    states = {"cadrage": StepState("cadrage", comp.state, f"{comp.done}/{comp.total}")}
    kit = services.kits.get(cadrage.fields["kit_id"], cadrage.fields["kit_version"])
    scope = set(cadrage.fields.get("scope") or [])
    responses = services.forms.find(evaluation_id)
    for step in STEPS:
        if step.id in states:
            continue
        tools = [t.id for t in kit.tools_for_step(step.id)]
        in_scope = [t for t in tools if t in scope]
        if tools and not in_scope:
            states[step.id] = StepState(step.id, "hors_perimetre")
            continue
        mine = [r for r in responses if r.tool_id in in_scope]
        if not mine:
            states[step.id] = StepState(step.id, "a_faire")
        elif all(r.status == "complete" for r in mine) and {r.tool_id for r in mine} >= set(in_scope):
            states[step.id] = StepState(step.id, "termine", f"{len(mine)} fiche(s)")
        else:
            done = sum(1 for r in mine if r.status == "complete")
            states[step.id] = StepState(step.id, "en_cours", f"{done}/{len(mine)} fiche(s) complète(s)")
    return states
