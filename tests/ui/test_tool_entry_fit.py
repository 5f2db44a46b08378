"""The entry form of every kit tool on a laptop (1366×768), opened where the user fills it in
(its step, a record of that tool, its tab) and in its preview window: no label or button text
wider than its widget, no input cut by its scroll area, every input named for a screen reader,
a question with its choices seen whole.

One window on a copy of the demo serves every tool (module scope); tools are found from the
kit (`role`, `step`), so a tool added in YAML is checked too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QScrollArea, QWidget

from tests.db_templates import copy_demo, evalkit_home
from tests.ui.test_screen_fit import INPUTS, SIZE, _name_problems, _question_problems, _shown, _text_problems
from tests.ui.tool_screens import open_tool_entry, pump


@pytest.fixture(scope="module")
def tool_window(demo_template, tmp_path_factory, qapp):
    from desktop_app.services.app_services import Services
    from desktop_app.ui.app import _dispose, build_context
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.style import apply_style
    from desktop_app.ui.tasks import SyncTaskRunner

    home = tmp_path_factory.mktemp("tool-entry-fit")
    with evalkit_home(home):
        db = home / "demo.db"
        copy_demo(demo_template, db, home / "pieces-jointes")
        before = (qapp.style().name(), qapp.styleSheet(), qapp.palette(), qapp.font())
        apply_style(qapp)
        services = Services.open(db)
        ctx = build_context(services, home / "prefs.ini", tasks=SyncTaskRunner())
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        window.open_evaluation(demo_template[2], "cadrage")
        pump(qapp)
        try:
            yield window
        finally:
            _dispose(window, ctx.tasks)
            services.close()
            qapp.setStyleSheet(before[1])
            qapp.setStyle(before[0])
            qapp.setPalette(before[2])
            qapp.setFont(before[3])


def _cut_inputs(root: QWidget) -> list[str]:
    """Inputs reaching past the right edge of the scroll area they are in (cut off, no scroll bar)."""
    problems = []
    for area in root.findChildren(QScrollArea):
        if not _shown(area) or area.widget() is None:
            continue
        viewport = area.viewport()
        for widget in area.widget().findChildren(QWidget):
            if not isinstance(widget, INPUTS) or not _shown(widget):
                continue
            right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
            if right > viewport.width() + 1:
                name = widget.accessibleName() or type(widget).__name__
                problems.append(f"« {name} » coupé : bord droit à {right} px, zone de {viewport.width()} px")
    return problems


def _problems(root: QWidget) -> list[str]:
    return _text_problems(root) + _name_problems(root) + _question_problems(root) + _cut_inputs(root)


def test_every_kit_tool_entry_form_fits_a_laptop(tool_window, qapp):
    from desktop_app.ui.views.tool_preview import ToolPreviewWindow

    window = tool_window
    kit = window.ctx.services.kits.get(*_kit_of(window))
    problems: dict[str, list[str]] = {}
    opened = []
    for tool in kit.tools.values():
        screen = open_tool_entry(window, qapp, tool)
        if screen is None:
            problems[tool.id] = ["aucun écran ne montre sa fiche de saisie"]
            continue
        opened.append(tool.id)
        pump(qapp, 4)
        found = _problems(window.views[tool.step])
        if found:
            problems[f"{tool.id} ({screen})"] = found
        preview = ToolPreviewWindow(kit, tool.id)
        preview.resize(*SIZE)
        preview.show()
        pump(qapp, 4)
        found = _problems(preview)
        if found:
            problems[f"{tool.id} (aperçu)"] = found
        preview.close()
        preview.deleteLater()
    assert len(opened) == len(kit.tools) >= 19
    report = "\n".join(f"{name} :\n  " + "\n  ".join(sorted(set(items))) for name, items in problems.items())
    assert not problems, f"À {SIZE[0]}×{SIZE[1]} :\n{report}"


def _kit_of(window) -> tuple[str, str]:
    summary = window.ctx.services.evaluations.get(window.evaluation_id)
    return summary.kit_id, summary.kit_version


def test_a_text_answer_longer_than_its_box_gets_the_whole_row(qtbot):
    """« Centre social de la Gare — accompagnement à la scolarité » was cut at 80 % of the row."""
    from desktop_app.kit.forms import FormField
    from desktop_app.ui.widgets.field_widgets import TextEditor

    editor = TextEditor(FormField(id="structure", type="text", label="Structure visitée"))
    qtbot.addWidget(editor)
    editor.resize(600, 60)
    editor.show()
    editor.set_value("Court")
    qtbot.waitUntil(lambda: editor.edit.width() > 0)
    short = editor.edit.width()
    assert short <= 0.8 * editor.width() + 1
    long_text = "Centre social de la Gare — accompagnement à la scolarité et aide aux devoirs"
    editor.set_value(long_text)
    qtbot.waitUntil(lambda: editor.edit.width() > short)
    assert editor.edit.width() >= editor.width() - 2 and editor.edit.toolTip() == long_text
    editor.set_value("Court")
    qtbot.waitUntil(lambda: editor.edit.width() == short)
