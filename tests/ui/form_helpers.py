"""Acting on a rendered kit form as a user does: click a choice, type into a text field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QPlainTextEdit


def click_choice(qtbot, renderer, field_id: str, text: str) -> None:
    row = renderer.row(field_id)
    # a long option's text is in a wrapping label beside its button, which carries it as its name
    button = next(
        b for b in row.findChildren(QAbstractButton) if (b.text().replace("&", "") or b.accessibleName()) == text
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_text(qtbot, renderer, field_id: str, text: str) -> None:
    edit = renderer.row(field_id).findChild(QPlainTextEdit)
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    renderer.flush()


def show_active(qtbot, view):
    """A screen shown, exposed and active (typing needs focus)."""
    qtbot.addWidget(view)
    view.resize(1300, 850)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return view


def open_questionnaires(qtbot, ctx, evaluation_id: str):
    """The Questionnaires screen of an evaluation, shown, exposed and active."""
    from desktop_app.ui.views.questionnaires.view import QuestionnairesView

    return show_active(qtbot, QuestionnairesView(ctx, evaluation_id))
