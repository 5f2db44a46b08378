"""Fixtures for the UI tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _drain_task_pool(qapp):
    """After each test, wait for the background tasks it started and hand their results over
    (to owners still alive, or dropped): nothing a test started lands in the next one."""
    from PySide6.QtCore import QThreadPool

    yield
    pool = QThreadPool.globalInstance()
    assert pool.waitForDone(60000), "a background task did not finish within 60 s"
    qapp.processEvents()


@pytest.fixture
def styled_app(qapp):
    """The application's real look (Fusion and the style sheet, whose paddings decide what fits in a
    widget), restored after the test so that the other tests keep the default look."""
    from desktop_app.ui.style import apply_style

    before = (qapp.style().name(), qapp.styleSheet(), qapp.palette(), qapp.font())
    apply_style(qapp)
    yield qapp
    qapp.setStyleSheet(before[1])
    qapp.setStyle(before[0])
    qapp.setPalette(before[2])
    qapp.setFont(before[3])


@pytest.fixture(autouse=True)
def _no_modal_complete_dialog(monkeypatch):
    """A « Fiche incomplète » dialog opened by a test that did not expect it fails the test
    (offscreen, its exec() would wait forever). Tests answer it with `complete_dialog`."""
    from desktop_app.ui.widgets.completion import CompleteDialog

    def unexpected(dialog):
        items = [dialog.items.item(i).text() for i in range(dialog.items.count())]
        raise AssertionError(f"unexpected « Fiche incomplète » dialog: {items}")

    monkeypatch.setattr(CompleteDialog, "exec", unexpected)


@pytest.fixture
def complete_dialog(monkeypatch):
    """Answers the « Fiche incomplète » dialogs: set `.reason` to « Terminer quand même » with
    it (None: « Revenir à la fiche »); `.seen` holds the items listed by each dialog."""
    from desktop_app.ui.widgets.completion import CompleteDialog

    class Answer:
        reason: str | None = None
        seen: list[list[str]] = []

    answer = Answer()
    answer.seen = []

    def exec_(dialog):
        answer.seen.append([dialog.items.item(i).text() for i in range(dialog.items.count())])
        if answer.reason is None:
            dialog.back_button.click()
            return 0
        dialog.reason.setPlainText(answer.reason)
        assert dialog.anyway_button.isEnabled()
        dialog.anyway_button.click()
        return 1

    monkeypatch.setattr(CompleteDialog, "exec", exec_)
    return answer
