"""The resource centre's « Territoires » tab: each territory's completion is readable, the
percentage written beside its bar rather than over it."""

from __future__ import annotations

from desktop_app.ui.views.sync.centre import CompletionCell, ConsolidationWindow


def test_completion_percentage_is_beside_the_bar(qtbot, ctx, services, evaluation_id, styled_app):
    services.evaluations.create("CC du Pays de Brume")
    window = ConsolidationWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1360, 1010)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentIndex(0)
    cells = window.tabs.widget(0).findChildren(CompletionCell)
    assert len(cells) == 2
    for cell in cells:
        qtbot.waitUntil(cell.isVisible)
        assert cell.label.text() == "0 %"
        assert not cell.bar.isTextVisible()
        assert not cell.label.geometry().intersects(cell.bar.geometry())
        # the whole percentage fits in the label, and the label in the table cell
        assert cell.label.width() >= cell.label.fontMetrics().horizontalAdvance("100 %")
        assert cell.rect().contains(cell.label.geometry())
