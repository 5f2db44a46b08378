"""PySide6 user interface. The only package that imports Qt."""

from PySide6 import QtCore as _QtCore  # noqa: F401  (loads PySide6's import hook, made cheaper below)

from desktop_app.ui import qt_import_check as _qt_import_check

_qt_import_check.install()
