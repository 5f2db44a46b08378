"""The Terrain › Synthèse filter row: at the window sizes users have (1360×860 by default, 1280×800 on
small laptops), with the application's style sheet, every filter shows its whole text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox

from desktop_app.ui.main_window import MainWindow


def _shown_width(combo: QComboBox) -> int:
    """Width of the text area of the closed combo, as the style lays it out."""
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    rect = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return rect.width()


def _fits(combo: QComboBox) -> bool:
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= _shown_width(combo)


@pytest.mark.parametrize("size", [(1360, 860), (1280, 800)])
def test_filters_show_their_whole_text(qtbot, ctx, services, demo_id, styled_app, size):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.open_evaluation(demo_id, "terrain")
    view = window.views["terrain"]
    view.tabs.setCurrentWidget(view.synthesis)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    syn = view.synthesis
    combos = [syn.kind, syn.theme, syn.group, syn.qpv, syn.category]
    assert [c.currentText() for c in combos] == ["Tous", "Tous", "Tous", "Tous", "Toutes"]
    assert window.width() == size[0]  # the filter row does not force a wider window
    for combo in combos:
        QApplication.processEvents()
        assert _fits(combo), f"{combo.accessibleName()} : « {combo.currentText()} » est coupé"

    # one filter in use at a time, with its longest value: still readable, the others keep « Tous »
    for combo in combos:
        longest = max(range(1, combo.count()), key=lambda i: len(combo.itemText(i)))
        combo.setCurrentIndex(longest)
        QApplication.processEvents()
        for other in combos:
            assert _fits(other), f"{other.accessibleName()} : « {other.currentText()} » est coupé"
        assert combo.toolTip() == combo.currentText()
        combo.setCurrentIndex(0)
