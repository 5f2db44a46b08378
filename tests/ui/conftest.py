"""Fixtures for the UI tests."""

from __future__ import annotations

import pytest


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
