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
