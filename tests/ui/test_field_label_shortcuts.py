"""Field labels are tied to their editor (for screen readers) but take no keyboard shortcut.
Required questions once made every label grab Alt+N ("&nbsp;" before the red star is read by Qt
as a mnemonic, `QLabel` grabbing `QKeySequence.mnemonic(text)` once it has a buddy): a button's or
a menu's Alt+N became ambiguous on any form with a required question."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.kit.forms import FormField
from desktop_app.ui.widgets.field_row import build_row

LABELS = ["Nom de la structure", "Emploi & insertion", "Jeunes <26 ans", "Quartiers > 2", "R&D", "Pourquoi ?"]


@pytest.fixture
def form(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    qtbot.addWidget(window)

    def rows(*fields):
        built = [build_row(f, parent=window) for f in fields]
        for row in built:
            layout.addWidget(row)
        window.show()
        return built

    yield rows
    window.close()


@pytest.mark.parametrize("required", [True, False])
def test_no_field_label_takes_a_keyboard_shortcut(form, required):
    rows = form(*(FormField(f"q{n}", "text", label, required=required) for n, label in enumerate(LABELS)))
    for row in rows:
        assert row.label.buddy() is row.editor.focus_target()
        assert QKeySequence.mnemonic(row.label.text()).isEmpty(), row.label.text()


def test_required_labels_show_their_text_and_star(form):
    rows = form(*(FormField(f"q{n}", "text", label, required=True) for n, label in enumerate(LABELS[:3])))
    plain, amp, brackets = rows
    assert plain.label.textFormat() == Qt.TextFormat.RichText  # the red star
    assert plain.label.text().startswith("Nom de la structure<span") and "\u00a0*</span>" in plain.label.text()
    assert amp.label.textFormat() == Qt.TextFormat.PlainText
    assert amp.label.text() == "Emploi && insertion\u00a0*"  # shown « Emploi & insertion * »
    assert brackets.label.text() == "Jeunes <26 ans\u00a0*"
    assert all(r.label.toolTip() == "Réponse obligatoire" for r in rows)
