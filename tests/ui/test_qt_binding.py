"""The Qt binding installed must not corrupt the interpreter during a long working session."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_do_not_take_references_from_none(qapp):
    # PySide6 6.12.0 returns None from void methods without adding a reference. On Python 3.11
    # (None is not immortal there) every setText, update, repaint… takes one reference from None,
    # and after a few hours of typing and repainting the application aborts with
    # "Fatal Python error: none_dealloc". pyproject.toml keeps that release out.
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Atelier partenaires")
        label.update()
    assert sys.getrefcount(None) >= before - 20
