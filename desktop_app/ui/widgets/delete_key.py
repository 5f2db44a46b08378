"""One Delete convention for every list of records: Suppr deletes the selected row.

Programmation, the Cadrage tables and the testimonies all use `bind_delete_key(table, delete)`:
Suppr while the table has the focus (not while a cell is being edited: the editor keeps its
keys) runs the screen's usual delete path, with its confirmation. `DELETE_HELP` is the line the
screens' help and tooltips show.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

DELETE_KEY = "Delete"  # shown « Suppr » on a French keyboard
DELETE_HELP = "Suppr : supprimer la ligne sélectionnée (après confirmation)."


def bind_delete_key(table: QWidget, delete: Callable[[], object]) -> QShortcut:
    """Suppr on `table` (while it has the focus) calls `delete`."""
    return QShortcut(QKeySequence(DELETE_KEY), table, delete, context=Qt.ShortcutContext.WidgetShortcut)
