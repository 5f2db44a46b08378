"""Driving the Cadrage step as a facilitator would: type, tab, close, reopen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.services.app_services import Services
from desktop_app.ui.app import build_context
from desktop_app.ui.tasks import SyncTaskRunner
from desktop_app.ui.views.cadrage.view import CadrageView


def _view(qtbot, ctx, evaluation_id) -> CadrageView:
    view = CadrageView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return view


def test_type_tab_close_reopen(qtbot, ctx, services, db_path, evaluation_id, tmp_path):
    view = _view(qtbot, ctx, evaluation_id)
    name = view.territory.territory_name.edit
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Communaute d'agglomeration du Douaisis")
    qtbot.keyClick(name, Qt.Key.Key_Tab)  # leaving the field saves it at once
    assert QApplication.focusWidget() is view.territory.epci_type
    siren = view.territory.siren.edit
    siren.setFocus()
    qtbot.keyClicks(siren, "200 044 618")
    # typing then pausing saves too (debounced), without leaving the field
    with qtbot.waitSignal(ctx.saved, timeout=2000):
        pass
    desc = view.territory.description
    desc.setFocus()
    qtbot.keyClicks(desc, "Evaluer les cooperations (ateliers).")
    view.flush()
    view.close()
    services.close()

    reopened = Services.open(db_path)
    ctx2 = build_context(reopened, tmp_path / "prefs2.ini", tasks=SyncTaskRunner())
    view2 = _view(qtbot, ctx2, evaluation_id)
    assert view2.territory.territory_name.value() == "Communaute d'agglomeration du Douaisis"
    assert view2.territory.siren.value() == "200044618"
    assert view2.territory.description.toPlainText() == "Evaluer les cooperations (ateliers)."
    reopened.close()


def test_invalid_siren_is_flagged_in_place_and_kept(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    siren = view.territory.siren
    siren.edit.setFocus()
    qtbot.keyClicks(siren.edit, "12345")
    assert siren.error.isVisible()
    assert "9 chiffres" in siren.message
    qtbot.keyClick(siren.edit, Qt.Key.Key_Tab)
    assert services.evaluations.cadrage(evaluation_id).fields["siren"] == "12345"
    assert "SIREN" in view.completion.text()
    siren.edit.setFocus()
    siren.edit.clear()
    qtbot.keyClicks(siren.edit, "200044618")
    assert not siren.error.isVisible()


def test_add_communes_and_qpv_with_keyboard_and_flags(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    table = view.tables["qpv"]
    view.tabs.setCurrentWidget(table)
    table.add_button.click()
    assert table.model.rowCount() == 1
    model = table.model
    # type the code in the open editor of the first cell, then Tab to the name
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "QN0590")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert model.rows[0]["code"] == "QN0590"
    assert "Code QPV invalide" in model.problem(0, 0)
    assert table.problems_label.isVisible()
    model.setData(model.index(0, 0), "qn05901m")
    model.setData(model.index(0, 1), "Les Oliviers")
    assert model.problem(0, 0) is None
    rows = services.evaluations.rows("qpv", evaluation_id)
    assert rows[0]["code"] == "QN05901M" and rows[0]["name"] == "Les Oliviers"
    assert view.tabs.tabText(view.tabs.indexOf(table)).endswith("(1)")

    communes = view.tables["commune"]
    communes.add_button.click()
    cm = communes.model
    cm.setData(cm.index(0, 0), "Douai")
    cm.setData(cm.index(0, 1), "591")
    assert "INSEE" in cm.problem(0, 1)
    assert services.evaluations.rows("commune", evaluation_id)[0]["insee"] == "591"


def test_milestone_dates_typed_the_french_way(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    table = view.tables["milestone"]
    table.add_button.click()
    m = table.model
    m.setData(m.index(0, 0), "22/09/2026")
    m.setData(m.index(0, 1), "temps_fort")
    m.setData(m.index(0, 2), "Temps fort de septembre")
    row = services.evaluations.rows("milestone", evaluation_id)[0]
    assert row["date"] == "2026-09-22" and row["kind"] == "temps_fort"
    assert m.data(m.index(0, 0)) == "22/09/2026"
    assert m.data(m.index(0, 1)) == "Temps fort"


def test_scope_unchecking_a_tool_is_saved(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    tree = view.scope.tree
    first_step = tree.topLevelItem(0)
    tool_item = first_step.child(0)
    tool_id = tool_item.data(0, Qt.ItemDataRole.UserRole)
    tool_item.setCheckState(0, Qt.CheckState.Unchecked)
    assert tool_id not in services.evaluations.cadrage(evaluation_id).fields["scope"]


def test_deleting_a_row_asks_then_removes(qtbot, ctx, services, evaluation_id, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    services.evaluations.add_row("partner", evaluation_id, {"organisation": "CAF"})
    view = _view(qtbot, ctx, evaluation_id)
    table = view.tables["partner"]
    table.view.setCurrentIndex(table.model.index(0, 0))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    table.delete_button.click()
    assert table.model.rowCount() == 0
    assert services.evaluations.rows("partner", evaluation_id) == []


def test_scope_tool_opens_a_preview_of_the_tool(qtbot, ctx, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    tree = view.scope.tree
    item = None
    for i in range(tree.topLevelItemCount()):
        parent = tree.topLevelItem(i)
        for j in range(parent.childCount()):
            if parent.child(j).data(0, Qt.ItemDataRole.UserRole) == "maturite-lcd":
                item = parent.child(j)
    tree.itemActivated.emit(item, 0)
    preview = view._previews[-1]
    qtbot.addWidget(preview)
    assert "lutte contre les discriminations" in preview.windowTitle()
    assert preview.renderer.answers() == {}


def test_letter_fields_sender_and_partners(qtbot, ctx, services, evaluation_id):
    """The sender card and the partners' letter columns: typed, saved, the article guessed."""
    view = _view(qtbot, ctx, evaluation_id)
    address = view.sender.edits["sender_address"]
    assert address.edit.accessibleName() == "Adresse postale de la structure"
    assert view.sender.edits["signatory_title"].edit.accessibleName() == "Qualité du signataire"
    address.edit.setFocus()
    qtbot.keyClicks(address.edit, "746 rue Jean-Perrin, 59500 Douai")
    qtbot.keyClick(address.edit, Qt.Key.Key_Tab)  # leaving the field saves it
    assert QApplication.focusWidget() is view.sender.edits["signatory_name"].edit  # the next field, in reading order
    assert services.evaluations.cadrage(evaluation_id).fields["sender_address"] == "746 rue Jean-Perrin, 59500 Douai"

    table = view.tables["partner"]
    view.tabs.setCurrentWidget(table)
    headers = [table.model.headerData(i, Qt.Orientation.Horizontal) for i in range(table.model.columnCount())]
    assert headers == ["Organisation *", "Article", "Civilité", "Personne contact", "Titre (appel)", "Fonction",
                       "Adresse postale", "E-mail"]
    table.add_button.click()
    table.model.setData(table.model.index(0, 0), "Éducation nationale")
    article = table.model.index(0, 1)
    assert table.model.data(article) == "l'"  # guessed, shown at once
    table.model.setData(table.model.index(0, 2), "Madame")
    table.model.setData(table.model.index(0, 6), "3 rue de l'École, 59870 Marchiennes")
    assert table.model.data(article, Qt.ItemDataRole.AccessibleTextRole) == "Article : l'"
    row = services.evaluations.rows("partner", evaluation_id)[0]
    assert (row["article"], row["civility"], row["postal_address"]) == ("l'", "Madame", "3 rue de l'École, 59870 Marchiennes")
