"""Tabs for the kit tools with the role `step_form`: a form filled once per evaluation, shown in
its step's screen as a tab named by the tool's `tab_title` (Terrain: the state of the QPV, the
annual reports' figures; Maturité: the evaluative questions of the transversal axes).

The kit says which tools these are and in which step (`step:`); a step screen adds one tab per
such tool of its step in the evaluation's scope (`step_form_tools`). The form is the one form
renderer (`ResponseEditor`), built when the tab is first shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.ui.context import AppContext

STEP_FORM_ROLE = "step_form"


def step_form_tools(ctx: AppContext, evaluation_id: str, step_id: str) -> list[tuple[str, str]]:
    """(tool id, tab title) of the evaluation's kit tools shown as a tab of this step, in scope."""
    summary = ctx.services.evaluations.get(evaluation_id)
    kit = ctx.services.kits.get(summary.kit_id, summary.kit_version)
    scope = set(ctx.services.evaluations.scope(evaluation_id))
    return [
        (t.id, t.tab_title or t.short_title or t.title)
        for t in kit.tools_with_role(STEP_FORM_ROLE)
        if t.step == step_id and (not scope or t.id in scope)
    ]


class StepFormTab(QWidget):
    """One `step_form` tool of the evaluation: its response edited in place."""

    def __init__(self, ctx: AppContext, evaluation_id: str, tool_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.tool_id = tool_id
        self.editor = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.ensure_built()
        super().showEvent(event)

    def ensure_built(self) -> None:
        if self.editor is not None:
            return
        from desktop_app.kit.forms import compile_tool
        from desktop_app.ui.views.referentiel.response_editor import ResponseEditor

        services = self.ctx.services
        summary = services.evaluations.get(self.evaluation_id)
        kit = services.kits.get(summary.kit_id, summary.kit_version)
        tool = kit.tool(self.tool_id)
        response = services.forms.get_or_create(
            self.evaluation_id, self.tool_id, "evaluation", "", tool.short_title or tool.title
        )
        self.editor = ResponseEditor(self.ctx, response, compile_tool(kit, self.tool_id), parent=self)
        self.layout().addWidget(self.editor)
        self.editor.show()

    def flush(self) -> None:
        if self.editor is not None:
            self.editor.flush()
