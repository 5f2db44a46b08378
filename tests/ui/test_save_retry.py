"""A save the database refuses because it is locked (another program, an import) is not lost: the
field says it is not stored, leaving it again (Tab, same text) tries again, the window retries
by itself after a while, and closing tries once more (issue 15, section 1)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.ui import context
from desktop_app.ui.views.referentiel.view import ReferentielView

FIELD = "gouv_1_a.valeur"  # a one-line text answer of the référentiel


@pytest.fixture
def locked(db_path):
    """Holds the database's write lock (as another program would) until `.release()`."""

    class Lock:
        def __init__(self) -> None:
            self.conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            self.conn.execute("BEGIN IMMEDIATE")

        def release(self) -> None:
            if self.conn is not None:
                self.conn.execute("COMMIT")
                self.conn.close()
                self.conn = None

    lock = Lock()
    yield lock
    lock.release()


@pytest.fixture
def view(qtbot, ctx, evaluation_id, monkeypatch):
    monkeypatch.setattr(context, "QUICK_WAIT_MS", 50)  # a refused save fails quickly here
    view = ReferentielView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return view


def stored(services, evaluation_id) -> dict:
    return services.referentiel.referentiel(evaluation_id).answers


def type_and_tab(qtbot, row, text: str | None = None) -> None:
    row.focus()
    qtbot.waitUntil(lambda: row.editor.focus_target().hasFocus(), timeout=1000)
    if text is not None:
        qtbot.keyClicks(QApplication.focusWidget(), text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_pressing_tab_again_with_the_same_text_saves_it(qtbot, ctx, services, evaluation_id, view, locked, monkeypatch):
    monkeypatch.setattr(context, "RETRY_DELAYS_MS", (60_000,))  # only the user's retries here
    row = view.editor.renderer.row(FIELD)
    with qtbot.waitSignal(ctx.saveFailed, timeout=2000):
        type_and_tab(qtbot, row, "2 par an")
    assert row.is_unsaved() and row.unsaved_label.isVisible()
    assert "occupée" in row.unsaved_label.text() and "conservée" in row.unsaved_label.text()
    assert FIELD not in stored(services, evaluation_id)
    assert ctx.pending_count() == 1

    # still locked: leaving the field again with the same text is another attempt
    with qtbot.waitSignal(ctx.saveFailed, timeout=2000):
        type_and_tab(qtbot, row)
    assert row.is_unsaved() and row.editor.edit.text() == "2 par an"

    locked.release()
    with qtbot.waitSignal(ctx.unsavedChanged, timeout=2000) as blocker:
        type_and_tab(qtbot, row)
    assert blocker.args[1] == ""
    assert not row.is_unsaved() and not row.unsaved_label.isVisible()
    assert stored(services, evaluation_id)[FIELD] == "2 par an"
    assert ctx.pending_count() == 0


def test_a_refused_save_is_retried_automatically(qtbot, ctx, services, evaluation_id, view, locked, monkeypatch):
    monkeypatch.setattr(context, "RETRY_DELAYS_MS", (100, 200))
    row = view.editor.renderer.row(FIELD)
    type_and_tab(qtbot, row, "3 par an")
    assert row.is_unsaved()
    with qtbot.waitSignal(ctx.saveFailed, timeout=2000):  # retried by itself, still locked
        pass
    assert row.is_unsaved() and ctx.pending_count() == 1
    assert FIELD not in stored(services, evaluation_id)

    locked.release()
    qtbot.waitUntil(lambda: not row.is_unsaved(), timeout=3000)  # no user action
    assert not row.unsaved_label.isVisible()
    assert stored(services, evaluation_id)[FIELD] == "3 par an"


def test_closing_tries_the_pending_saves_again(qtbot, ctx, services, evaluation_id, view, locked, monkeypatch):
    monkeypatch.setattr(context, "RETRY_DELAYS_MS", (60_000,))
    row = view.editor.renderer.row(FIELD)
    type_and_tab(qtbot, row, "4 par an")
    assert row.is_unsaved()
    locked.release()
    assert ctx.flush_pending()  # what the main window does before it closes
    assert stored(services, evaluation_id)[FIELD] == "4 par an"
    assert not row.is_unsaved()


def test_a_cadrage_line_refused_stays_unsaved_then_saves_on_tab(qtbot, ctx, services, evaluation_id, locked, monkeypatch):
    from desktop_app.ui.views.cadrage.view import CadrageView

    monkeypatch.setattr(context, "QUICK_WAIT_MS", 50)
    monkeypatch.setattr(context, "RETRY_DELAYS_MS", (60_000,))
    view = CadrageView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    line = view.territory.title
    line.edit.setFocus()
    qtbot.keyClicks(line.edit, "Évaluation finale")
    with qtbot.waitSignal(ctx.saveFailed, timeout=2000):
        qtbot.keyClick(line.edit, Qt.Key.Key_Tab)
    assert line.is_unsaved() and line.unsaved.isVisible() and "conservée" in line.unsaved.text()

    locked.release()
    line.edit.setFocus()
    with qtbot.waitSignal(ctx.unsavedChanged, timeout=2000):
        qtbot.keyClick(line.edit, Qt.Key.Key_Tab)  # the same text
    assert not line.is_unsaved() and not line.unsaved.isVisible()
    assert services.evaluations.get(evaluation_id).title == "Évaluation finale"


def test_closing_the_window_with_a_save_still_refused_asks_first(qtbot, ctx, services, evaluation_id, locked, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.ui.main_window import MainWindow

    monkeypatch.setattr(context, "QUICK_WAIT_MS", 50)
    monkeypatch.setattr(context, "RETRY_DELAYS_MS", (60_000,))
    monkeypatch.setattr("desktop_app.store.db.BUSY_TIMEOUT_MS", 50)  # the last try before closing waits this long
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_evaluation(evaluation_id, "cadrage")
    line = window.views["cadrage"].territory.title
    line.edit.setText("Évaluation finale")
    line.flush()
    assert line.is_unsaved() and window.save_label.text() == "⚠ Non enregistré"

    asked: list[str] = []

    def answer(button_text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, lambda: answer("Annuler"))
    assert not window.close()  # still locked: the user is asked, and stays
    assert window.isVisible() and "Une modification n'a pas pu être enregistrée" in asked[0]

    locked.release()
    assert window.close()  # tried again before closing: stored, nothing asked
    assert len(asked) == 1
    assert services.evaluations.get(evaluation_id).title == "Évaluation finale"
