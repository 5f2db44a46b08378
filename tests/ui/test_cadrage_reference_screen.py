"""The Cadrage screen with the official reference: choose the EPCI by typing part of its name,
its communes fill the table (Ctrl+Z takes them back); damaged codes are flagged in place and
repaired with one click on « Corriger »; a kit's QPV list offers its quartiers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.ui.views.cadrage.view import CadrageView
from tests.reference_helpers import kit_with_qpv_list

ERROR_BG = "#fde7e7"


def _view(qtbot, ctx, evaluation_id) -> CadrageView:
    view = CadrageView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1366, 900)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.reference is not None)  # loaded in a task (SyncTaskRunner in tests)
    return view


def _cell_flag(table, row: int, key: str):
    model = table.model
    col = [c.key for c in model.columns].index(key)
    index = model.index(row, col)
    return model.data(index, Qt.ItemDataRole.ToolTipRole), model.data(index, Qt.ItemDataRole.BackgroundRole)


def test_typing_part_of_the_name_and_choosing_fills_the_communes_then_undo(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    search = view.territory.epci_search
    assert search.isEnabled() and search.accessibleName() == "Choisir l'EPCI dans le référentiel"
    seen = []
    ctx.changed.connect(seen.append)
    search.setFocus()
    qtbot.keyClicks(search, "douaisis")
    popup = search.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert search.completer().model().stringList() == ["CA Douaisis Agglo (200044618)"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    communes = view.tables["commune"].model
    qtbot.waitUntil(lambda: communes.rowCount() == 35)
    assert view.territory.territory_name.value() == "CA Douaisis Agglo"
    assert view.territory.siren.value() == "200044618"
    assert view.territory.epci_type.currentData() == "ca"
    assert "35 communes ajoutées" in view.territory.epci_note.text()
    assert view.tabs.tabText(0) == "Communes (35)"
    assert ctx.undo_stack.undoText().startswith("le choix de l'EPCI")
    # the window's side title follows the EPCI's name
    assert any(c.entity == "evaluation" and c.field == "territory_name" for c in seen)

    ctx.undo_stack.undo()
    assert communes.rowCount() == 0 and view.territory.siren.value() == ""
    ctx.undo_stack.redo()
    assert communes.rowCount() == 35 and view.territory.siren.value() == "200044618"


def test_flags_in_place_and_one_click_repairs(qtbot, ctx, services, evaluation_id):
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "siren", "2.00044618E+8")  # a spreadsheet's number
    ev.add_row("commune", evaluation_id, {"name": "L'Abergement-Clémenciat", "insee": "1001"})
    ev.add_row("commune", evaluation_id, {"name": "Nulle-Part", "insee": "59999"})
    view = _view(qtbot, ctx, evaluation_id)
    table = view.tables["commune"]
    tip, background = _cell_flag(table, 1, "insee")
    assert "n'existe pas dans le référentiel officiel" in tip and background.color().name() == ERROR_BG
    assert not any("59999" in b.accessibleName() for b in view.fix_lists["commune"].buttons)  # nothing certain

    # the EPCI's SIREN first: its « Corriger » sits under the territory card
    fixes = view.territory.fixes
    assert fixes.isVisible() and len(fixes.buttons) == 1
    assert fixes.buttons[0].accessibleName() == "Corriger : SIREN 2.00044618E+8 → 200044618 (CA Douaisis Agglo)"
    fixes.buttons[0].click()
    assert view.territory.siren.value() == "200044618" and ev.cadrage(evaluation_id).fields["siren"] == "200044618"
    # now the EPCI is known: the commune of the Ain is not one of its members
    fix_list = view.fix_lists["commune"]
    assert [b.accessibleName() for b in fix_list.buttons] == [
        "Corriger : ligne 1 : 1001 → 01001 (L'Abergement-Clémenciat)"]
    fix_list.buttons[0].click()
    assert table.model.rows[0]["insee"] == "01001"
    tip, _ = _cell_flag(table, 0, "insee")
    assert "n'appartient pas à « CA Douaisis Agglo »" in tip
    assert not fix_list.isVisible()
    ctx.undo_stack.undo()  # the repair is undoable
    assert table.model.rows[0]["insee"] == "1001"
    assert "n'appartient pas" not in view.completion.text()


def test_repair_all_is_one_undo_step(qtbot, ctx, services, evaluation_id):
    ev = services.evaluations
    for name, code in (("L'Abergement-Clémenciat", "1001"), ("Hellemmes-Lille", "59298"), ("", "59178")):
        ev.add_row("commune", evaluation_id, {"name": name, "insee": code})
    view = _view(qtbot, ctx, evaluation_id)
    fix_list = view.fix_lists["commune"]
    assert len(fix_list.buttons) == 3 and fix_list.fix_all.text() == "Tout corriger (3)"
    fix_list.fix_all.click()
    assert [(r["name"], r["insee"]) for r in view.tables["commune"].model.rows] == [
        ("L'Abergement-Clémenciat", "01001"), ("Lille", "59350"), ("Douai", "59178")]
    assert ctx.undo_stack.undoText() == "les 3 corrections"
    ctx.undo_stack.undo()
    assert [r["insee"] for r in view.tables["commune"].model.rows] == ["1001", "59298", "59178"]


def test_a_kit_qpv_list_flags_unknown_codes_and_offers_its_quartiers(qtbot, ctx, services, tmp_path):
    services.kits.install(kit_with_qpv_list(tmp_path / "kit"))
    eid = services.evaluations.create("CA Douaisis Agglo")
    services.evaluations.add_row("commune", eid, {"name": "Douai", "insee": "59178"})
    services.evaluations.add_row("qpv", eid, {"code": "QN05999M", "name": "Quartier imaginaire"})
    view = _view(qtbot, ctx, eid)
    table = view.tables["qpv"]
    tip, background = _cell_flag(table, 0, "code")
    assert "n'est pas dans la liste « QPV de test (Douaisis) »" in tip and background.color().name() == ERROR_BG
    pick = view.qpv_pick
    view.tabs.setCurrentWidget(table)
    assert pick.isVisible() and pick.combo.count() == 3
    assert pick.combo.itemText(1) == "QN05902I — Les Deux Rives (Douai, Sin-le-Noble)"
    pick.combo.setCurrentIndex(1)
    pick.add.click()
    row = table.model.rows[-1]
    assert (row["code"], row["name"], row["communes"]) == ("QN05902I", "Les Deux Rives", "Douai, Sin-le-Noble")
    tip, _ = _cell_flag(table, 1, "communes")
    assert "Sin-le-Noble (59569)" in tip  # not among the Cadrage's communes yet
    pick.add.click()  # the same quartier again: not added twice
    assert table.model.rowCount() == 2


def test_without_a_kit_list_the_pick_is_hidden(qtbot, ctx, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    view.tabs.setCurrentWidget(view.tables["qpv"])
    assert not view.qpv_pick.isVisible()
    assert QApplication.instance() is not None
