"""Importing a programmation from the Actions view: preview, a mapping correction, the result."""

from __future__ import annotations

import openpyxl
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.ui.views.actions.view import ActionsView


def _workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Prog 2025"
    ws.append(["Programmation 2025 — document de travail"])
    ws.merge_cells("A1:E1")
    ws.append(["Intitulé de l'action", "Qui porte ?", "Pilier", "Montant 2025", "Ville"])
    ws.append(["Atelier vélo", "Vélo Solidaire", "Cadre de vie", "2 500 €", 500])
    ws.append(["Café des parents", "Centre social du Moulin", "Cohésion sociale", "1 200", None])
    ws.append([None, "TOTAL", None, 3700, 500])
    wb.save(path)
    return path


def _view(qtbot, ctx, evaluation_id) -> ActionsView:
    view = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_import_with_a_mapping_correction(qtbot, ctx, services, evaluation_id, tmp_path):
    view = _view(qtbot, ctx, evaluation_id)
    assert view.programmation.stack.currentIndex() == 1  # nothing yet: the import invitation
    path = _workbook(tmp_path / "programmation 2025.xlsx")
    seen = {}

    def confirm(dialog) -> bool:
        seen["header"] = dialog.header_spin.value()
        seen["year"] = dialog.year_spin.value()
        carrier = dialog.target_combo(1)
        seen["before"] = carrier.currentData()
        carrier.setCurrentIndex(carrier.findData("carrier"))  # the user says what "Qui porte ?" is
        funder = dialog.funder_edit(3)
        seen["funder"] = funder.text()
        funder.setText("État")  # "Montant 2025" is the State's amount
        funder.editingFinished.emit()
        seen["summary"] = dialog.summary.text()
        seen["reconciliation"] = dialog.reconciliation.text()
        seen["rows"] = [dialog.rows_table.item(r, 1).text() for r in range(dialog.rows_table.rowCount())]
        seen["porteur"] = dialog.rows_table.item(0, 3).text()
        return True

    with qtbot.waitSignal(ctx.changed, timeout=5000):
        view.import_path(str(path), confirm=confirm)
    assert seen["header"] == 2 and seen["year"] == 2025
    assert seen["before"] == "ignore" and seen["funder"] == "2025"
    assert seen["rows"] == ["importée", "importée", "total"]
    assert seen["porteur"] == "Vélo Solidaire"  # the preview follows the correction
    assert "2 lignes d'actions à importer" in seen["summary"]

    actions = {a.title: a for a in services.actions.list(evaluation_id)}
    assert actions["Atelier vélo"].carrier == "Vélo Solidaire"
    assert actions["Atelier vélo"].amounts_by_funder == {"État": 2500, "Ville": 500}
    assert actions["Café des parents"].years == (2025,)
    # 2 500 + 500 + 1 200; the TOTAL row is recognised and not counted
    assert seen["reconciliation"] == "4\u202f200 € dans le fichier · 4\u202f200 € à importer · 0 € écartés"
    assert view.last_report.imported == 2 and view.last_report.skipped == 0
    assert view.last_report.totals_rows == (5,)
    assert "2 lignes importées" in view.last_message
    result = view.last_result_dialog
    assert result.reconciliation.text() == "4\u202f200 € dans le fichier · 4\u202f200 € importés · 0 € écartés"
    assert result.left_out.rowCount() == 0 and not result.warnings.isVisibleTo(result)
    result.close()
    view.tabs.setCurrentIndex(0)
    assert view.tabs.tabText(0) == "Programmation (2)"
    assert view.programmation.stack.currentIndex() == 0
    assert view.programmation.proxy.rowCount() == 2


def test_cancelling_the_preview_imports_nothing(qtbot, ctx, services, evaluation_id, tmp_path):
    view = _view(qtbot, ctx, evaluation_id)
    view.import_path(str(_workbook(tmp_path / "p.xlsx")), confirm=lambda dialog: False)
    assert services.actions.list(evaluation_id) == []


def test_a_bad_file_shows_a_french_message_and_imports_nothing(qtbot, ctx, services, evaluation_id, tmp_path):
    view = _view(qtbot, ctx, evaluation_id)
    bad = tmp_path / "photo.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    view.import_path(str(bad), confirm=lambda dialog: True)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("« photo.xlsx » n'est pas un tableur" in b.text() for b in boxes)
    assert services.actions.list(evaluation_id) == []
    for b in boxes:
        b.close()


def test_adding_an_action_by_hand(qtbot, ctx, services, evaluation_id):
    from PySide6.QtCore import QTimer

    view = _view(qtbot, ctx, evaluation_id)

    def fill():
        dialog = QApplication.activeModalWidget()
        dialog.title.setText("Permanence juridique")
        dialog.carrier.setText("Maison de l'Égalité")
        dialog.year.setValue(2025)
        dialog.amounts.item(0, 1).setText("4 000")
        dialog._accept()

    QTimer.singleShot(0, fill)
    view.add_action()
    action = services.actions.list(evaluation_id)[0]
    assert (action.title, action.carrier, action.years, action.amounts_by_funder) == (
        "Permanence juridique", "Maison de l'Égalité", (2025,), {"État": 4000})
    assert view.programmation.current_id() == action.id
