"""The import dialog tells the reconciliation before and after: amounts in the file, imported,
left out; it lists the rows left out with their amounts, shows the warnings, and preselects the
real "Pilier / axe" column under a merged group header."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from desktop_app.ui.views.actions.view import ActionsView

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "actions"))
from public_files import grouped_headers_workbook  # noqa: E402


def _with_left_out_rows(path: Path) -> Path:
    """The grouped-headers programmation (41 000 €) with a duplicate of row 8 (23 000 €) and an
    amount without title nor carrier (2 000 €) after the total."""
    grouped_headers_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.append(["24-003", "Réussite éducative", "Cohésion sociale", "CCAS", 15000, 8000])
    ws.append([None, None, None, None, 2000, None])
    wb.save(path)
    return path


def test_preview_and_result_show_the_reconciliation(qtbot, ctx, services, evaluation_id, tmp_path):
    view = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    path = _with_left_out_rows(tmp_path / "programmation 2024.xlsx")
    seen = {}

    def confirm(dialog) -> bool:
        pillar = dialog.target_combo(2)
        seen["pillar"] = pillar.currentData()
        seen["header"] = dialog.header_spin.value()
        seen["reconciliation"] = dialog.reconciliation.text()
        seen["warnings"] = dialog.warnings.text() if dialog.warnings.isVisibleTo(dialog) else ""
        table = dialog.left_out_table
        seen["left_out"] = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
        seen["tab"] = dialog.lower_tabs.tabText(1)
        seen["statuses"] = [dialog.rows_table.item(r, 1).text() for r in range(dialog.rows_table.rowCount())]
        return True

    with qtbot.waitSignal(ctx.changed, timeout=5000):
        view.import_path(str(path), confirm=confirm)
    assert seen["pillar"] == "pillar" and seen["header"] == 3
    assert seen["reconciliation"] == "66\u202f000 € dans le fichier · 41\u202f000 € à importer · 25\u202f000 € écartés"
    assert seen["left_out"] == [("10", "23\u202f000 €"), ("11", "2\u202f000 €")]
    assert seen["tab"] == "Lignes écartées (2)"
    assert "sont écartés" in seen["warnings"] and "37,9 %" in seen["warnings"]
    assert seen["statuses"] == ["intertitre", "importée", "importée", "intertitre", "importée", "total",
                                "écartée", "écartée"]

    result = view.last_result_dialog
    assert result.reconciliation.text() == "66\u202f000 € dans le fichier · 41\u202f000 € importés · 25\u202f000 € écartés"
    assert result.left_out.rowCount() == 2 and result.left_out.item(0, 2).text().startswith("doublon de la ligne 8")
    assert result.warnings.isVisibleTo(result) and "37,9 %" in result.warnings.text()
    result.close()
    pillars = {a.title: a.pillar for a in services.actions.list(evaluation_id)}
    assert pillars == {"Coup de pouce emploi": "Emploi et développement économique",
                       "Permanence Mission locale": "Emploi et développement économique",
                       "Réussite éducative": "Cohésion sociale"}


def test_a_header_the_app_does_not_recognise_can_be_pointed_at(qtbot, ctx, services, evaluation_id, tmp_path):
    view = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    path = tmp_path / "liste.csv"
    path.write_text("Qui;Quoi;Combien\nAsso du Moulin;Atelier couture;1 000\n", encoding="utf-8")
    seen = {}

    def confirm(dialog) -> bool:
        seen["before"] = dialog.import_button.isEnabled()
        assert dialog.header_spin.value() == 1
        dialog.enabled.setChecked(True)  # the user says the sheet has its header on line 1…
        dialog.target_combo(0).setCurrentIndex(dialog.target_combo(0).findData("carrier"))  # …and what it holds
        dialog.target_combo(1).setCurrentIndex(dialog.target_combo(1).findData("title"))
        dialog.target_combo(2).setCurrentIndex(dialog.target_combo(2).findData("amount"))
        seen["reconciliation"] = dialog.reconciliation.text()
        return True

    with qtbot.waitSignal(ctx.changed, timeout=5000):
        view.import_path(str(path), confirm=confirm)
    assert seen["before"] is False
    assert seen["reconciliation"] == "1\u202f000 € dans le fichier · 1\u202f000 € à importer · 0 € écartés"
    assert [(a.title, a.carrier, a.budget) for a in services.actions.list(evaluation_id)] == [
        ("Atelier couture", "Asso du Moulin", 1000)]
    view.last_result_dialog.close()
