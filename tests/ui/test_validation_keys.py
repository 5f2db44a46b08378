"""Checks a facilitator sees where they type: Cadrage dates against each other, an invalid
INSEE code kept visibly invalid in the new-response dialog, and one Delete key (Suppr)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.ui.views.cadrage.view import CadrageView
from desktop_app.ui.views.questionnaires.dialogs import NewResponseDialog
from desktop_app.ui.views.terrain import testimonies as testimonies_view


def _shown(qtbot, widget, width=1200, height=900):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _type(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_cadrage_flags_an_end_before_the_start_in_place(qtbot, ctx, services, evaluation_id):
    view = _shown(qtbot, CadrageView(ctx, evaluation_id))
    _type(qtbot, view.territory.start_date.edit, "01/03/2026")
    _type(qtbot, view.territory.end_date.edit, "15/01/2026")
    end = view.territory.end_date
    qtbot.waitUntil(lambda: end.error.isVisible())
    assert "avant son début" in end.message and "15/01/2026" in end.message
    assert any("avant son début" in p for p in services.evaluations.cadrage(evaluation_id).completion().problems)
    # nothing typed is refused: the date is stored, and correcting it clears the flag
    assert services.evaluations.cadrage(evaluation_id).fields["end_date"] == "2026-01-15"
    _type(qtbot, view.territory.end_date.edit, "31/12/2030")
    qtbot.waitUntil(lambda: not end.error.isVisible())

    # a milestone outside the period is flagged on its cell
    services.evaluations.add_row("milestone", evaluation_id, {"date": "2025-06-01", "label": "COPIL 0"})
    view.reload()
    table = view.tables["milestone"]
    assert "hors de la période" in table.problems_label.text()
    date_col = [c.key for c in table.spec.columns].index("date")
    assert "hors de la période" in table.model.index(0, date_col).data(Qt.ItemDataRole.ToolTipRole)


def test_cadrage_rows_are_deleted_with_suppr(qtbot, ctx, services, evaluation_id, monkeypatch):
    services.evaluations.add_row("commune", evaluation_id, {"name": "Douai", "insee": "59178"})
    view = _shown(qtbot, CadrageView(ctx, evaluation_id))
    table = view.tables["commune"]
    view.tabs.setCurrentWidget(table)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    table.view.setFocus()
    table.view.setCurrentIndex(table.model.index(0, 0))
    qtbot.keyClick(table.view, Qt.Key.Key_Delete)
    assert asked and "Douai" in asked[0]
    assert services.evaluations.cadrage(evaluation_id).tables["commune"] == []
    assert "Suppr" in table.delete_button.toolTip()


def test_an_invalid_insee_code_stays_visibly_invalid_in_the_new_response_dialog(services, evaluation_id, qtbot):
    services.evaluations.add_row("commune", evaluation_id, {"name": "Roubaix", "insee": "5935"})
    invitees = services.questionnaires.invitees(evaluation_id, "commune")
    dialog = NewResponseDialog("commune", invitees, set())
    qtbot.addWidget(dialog)
    texts = [dialog.combo.itemText(i) for i in range(dialog.combo.count())]
    assert any("Roubaix (5935 : code invalide)" in t for t in texts), texts
    assert not any("05935" in t for t in texts)
    # a response for 59350 counts against that invitee, not « hors liste »
    rid = services.questionnaires.new_response(evaluation_id, "questionnaire-communes", "Roubaix", "59350")
    rows = services.questionnaires.responses(evaluation_id, "questionnaire-communes")
    assert next(r for r in rows if r.id == rid).invited


def test_testimonies_are_deleted_with_suppr(qtbot, ctx, services, evaluation_id, monkeypatch):
    tab = _shown(qtbot, testimonies_view.TestimoniesTab(ctx, evaluation_id))
    tab.new_record("testimony")
    first = tab.current_id
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert asked and "T01" in asked[0]
    assert all(t.id != first for t in services.terrain.testimonies(evaluation_id))
