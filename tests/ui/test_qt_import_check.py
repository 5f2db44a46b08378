"""PySide6 asks every module imported after it whether it uses PySide: our cheaper test
(`ui/qt_import_check.py`) must give PySide6's own answer."""

from __future__ import annotations

import sys

from desktop_app.ui import qt_import_check


def test_the_cheaper_test_is_installed_and_answers_as_pyside_does():
    assert qt_import_check.install()
    ours = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    theirs = ours.original
    import json  # standard library
    import sqlite3  # a package with a compiled part

    import desktop_app.services.forms as service  # no Qt
    import desktop_app.ui.main_window as window  # Qt

    modules = [service, window, json, sqlite3, sys, sys.modules["_sqlite3"]]
    assert [ours(m) for m in modules] == [theirs(m) for m in modules]
    assert ours(window) and not ours(service)
