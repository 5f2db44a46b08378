"""Gathers the plain data the PDF summary and the filled-grids workbook are written from
(`exports.report_data.ReportData`): the exporters format it and never read the services.
"""

from __future__ import annotations

from desktop_app.exports.report_data import ReportData


def gather(services, evaluation_id: str, pdf: bool = True) -> ReportData:
    """Read the evaluation once; `pdf=False` skips what only the PDF shows (fieldwork,
    questionnaires, commitments, the actions' plans)."""
    summary = services.evaluations.get(evaluation_id)
    cadrage = services.evaluations.cadrage(evaluation_id)
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    scope = set(cadrage.fields.get("scope") or [])
    responses = services.forms.find(evaluation_id)
    data = ReportData(evaluation_id, summary, cadrage, kit, responses)
    ref = kit.tool_id_for_role("referential")
    if ref is not None and ref in scope:
        data.matrix = services.referentiel.matrix(evaluation_id)
        data.evidence = services.referentiel.evidence(evaluation_id)
        data.referentiel_targets = services.referentiel.referentiel_targets(evaluation_id) if data.evidence else {}
    council_tools = [t for t in kit.tools.values() if t.role == "council_tool"]
    if any(t.id in scope for t in council_tools) or any(t.kind == "checklist" and t.id in scope for t in kit.tools.values()):
        data.councils = services.councils.councils(evaluation_id)
        if pdf:
            for c in data.councils:
                if not c.started:
                    continue
                for t in council_tools:
                    if t.kind == "checklist" and c.responses.get(t.id):
                        data.council_rows[(c.qpv_id, t.id)] = services.councils.council_rows(evaluation_id, c.qpv_id, t.id)
    if pdf:
        for t in kit.tools.values():
            if t.role == "maturity_scale" and t.id in scope:
                data.maturity[t.id] = services.maturity.maturity(evaluation_id, t.id)
    actions = services.actions
    actions_chapter = any(t.id in scope for t in kit.tools_in_report_section("actions"))
    grid_tool = kit.tool_for_role("action_scoring")  # a kit without the grid has no actions to rank
    if grid_tool is not None and (grid_tool.id in scope or actions_chapter):
        data.action_grid = actions.grid(evaluation_id)
    if pdf:
        chosen = [r for r in data.action_grid.rows if r.action.chosen] if data.action_grid is not None else []
        if chosen and actions_chapter:
            data.plan_choices = actions.plan_choices(evaluation_id)
            data.action_plans = {r.action.id: actions.existing_plan(r.action.id) for r in chosen}
        data.excerpts, data.hidden_excerpts = services.terrain.excerpts(evaluation_id)
        data.workshops = services.workshops.workshops(evaluation_id)
        q = services.questionnaires
        with_responses = {r.tool_id for r in responses}
        for t in kit.tools.values():
            if t.role == "questionnaire" and t.id in scope and t.id in with_responses:
                data.questionnaire_results[t.id] = q.results(evaluation_id, t.id)
                try:
                    data.questionnaire_rates[t.id] = q.rate(evaluation_id, t.id)
                except Exception:  # noqa: BLE001 - the rate is a bonus; the results stand without it
                    data.questionnaire_rates[t.id] = None
        data.commitments = list(services.commitments.commitments(evaluation_id))
        if data.commitments:
            data.commitment_summary = services.commitments.commitment_summary(evaluation_id).text()
    return data
