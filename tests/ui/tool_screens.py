"""Opening the entry form of any kit tool in the screen where it is filled in, as a user would:
its step, the record of that tool (a workshop of that guide, a response to that questionnaire),
then the tab (nested tabs included) that shows it. Found from the tool's `role` and `step`, never
from its id, so that tools added to the kit in YAML are covered too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QApplication, QTabWidget, QWidget


def pump(app: QApplication, rounds: int = 4) -> None:
    for _ in range(rounds):
        app.processEvents()


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and not widget.visibleRegion().isEmpty()


def _visible_tabs(root: QWidget) -> list[QTabWidget]:
    return [t for t in root.findChildren(QTabWidget) if t.isVisible()]


def _walk_tabs(root: QWidget, app: QApplication, depth: int = 0) -> Iterator[None]:
    """Show each tab of each visible tab widget under `root`, nested tabs too (yield after each)."""
    yield
    if depth > 2:
        return
    for tabs in _visible_tabs(root):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            if not tabs.isTabEnabled(index):
                continue
            tabs.setCurrentIndex(index)
            pump(app, 2)
            yield from _walk_tabs(tabs.widget(index), app, depth + 1)


def shows_tool(tool) -> Callable[[QWidget], bool]:
    """A test: the screen shows the entry form of this tool (a form renderer of it, or for the
    tools entered in a table of their own, the widget of that table)."""
    from desktop_app.ui.widgets.form_renderer import FormRenderer

    def found(root: QWidget) -> bool:
        if any(_shown(r) and r.form.tool_id == tool.id for r in root.findChildren(FormRenderer)):
            return True
        if tool.role == "action_questions":
            from desktop_app.ui.views.actions.questions_page import QuestionsPage

            return any(_shown(w) for w in root.findChildren(QuestionsPage))
        if tool.role == "action_scoring":
            from desktop_app.ui.views.actions.grid_tab import GridTab

            return any(_shown(w) for w in root.findChildren(GridTab))
        return False

    return found


def _select_record(window, app: QApplication, tool) -> None:
    """Show a record of this tool where the step lists several tools' records (one is made
    if the database has none: a tool just added to the kit)."""
    services, eid = window.ctx.services, window.evaluation_id
    view = window.views[tool.step]
    if tool.role in ("workshop_guide", "working_group"):
        workshop = next((w for w in services.workshops.workshops(eid) if w.tool_id == tool.id), None)
        if workshop is None and tool.role == "workshop_guide":
            services.workshops.create_workshop(eid, tool.id)
            workshop = next((w for w in services.workshops.workshops(eid) if w.tool_id == tool.id), None)
        if workshop is not None:
            view.select_workshop(workshop.id)
    elif tool.role == "questionnaire":
        if not services.questionnaires.responses(eid, tool.id):
            services.questionnaires.new_response(eid, tool.id, "Répondant de test")
        index = view.selector.findData(tool.id)
        if index >= 0:
            view.selector.setCurrentIndex(index)
        pump(app)
        view.tabs.setCurrentWidget(view.responses)
        view.responses.reload()
        pump(app)
        if view.responses.table.model() is not None and view.responses.table.model().rowCount():
            view.responses.table.selectRow(0)
    pump(app, 4)


def open_tool_entry(window, app: QApplication, tool) -> str | None:
    """Show the entry form of `tool` in the main window (an evaluation open); its screen's name
    (« Ateliers › Déroulé et notes »), or None if no screen shows it."""
    window.show_step(tool.step)
    pump(app)
    _select_record(window, app, tool)
    view = window.views[tool.step]
    test = shows_tool(tool)
    for _ in _walk_tabs(view, app):
        if test(view):
            names = [t.tabText(t.currentIndex()) for t in _visible_tabs(view)]
            return " › ".join([tool.step, *names])
    return None
