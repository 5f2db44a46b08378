"""Édition › Annuler / Rétablir and the Corbeille, driven as a user would: delete an action and
press Ctrl+Z, take back a grid score or an import, restore a testimony and a partner from the
Corbeille, empty it (the deletions still travel in a bundle), re-import a deleted action."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.store.models_actions import Action
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.trash import TrashDialog
from desktop_app.ui.views.actions.view import ActionsView

ROWS = [("Médiation sociale", "Citéo", 60000), ("Atelier vélo", "Vélo Solidaire", 3000)]


def _programmation(tmp_path, rows=ROWS):
    path = tmp_path / "prog.csv"
    lines = ["N° dossier;Intitulé;Porteur;Montant État"]
    lines += [f"D{i};{t};{c};{m}" for i, (t, c, m) in enumerate(rows, start=1)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot, ctx, services, evaluation_id, tmp_path):
    services.actions.import_file(evaluation_id, _programmation(tmp_path))
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.open_evaluation(evaluation_id, "actions")
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def _action(services, eid, title):
    return next(a for a in services.actions.list(eid) if a.title == title)


def _answer_delete(monkeypatch):
    """The delete confirmation answered « Supprimer »."""
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    monkeypatch.setattr(QMessageBox, "clickedButton",
                        lambda self: next(b for b in self.buttons() if b.text() == "Supprimer"))


def test_delete_an_action_then_ctrl_z_restores_it_and_ctrl_y_redoes(qtbot, window, services, evaluation_id,
                                                                   monkeypatch):
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "Annuler"
    velo = _action(services, evaluation_id, "Atelier vélo")
    _answer_delete(monkeypatch)
    window.views["actions"].delete_action(velo.id)
    assert [a.title for a in services.actions.list(evaluation_id)] == ["Médiation sociale"]
    assert window.undo_action.text() == "Annuler la suppression de l'action « Atelier vélo »"
    with services.store.sessions() as s:
        deleted_revision = s.get(Action, velo.id).revision

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with services.store.sessions() as s:
        rec = s.get(Action, velo.id)
        assert not rec.deleted and rec.revision == deleted_revision + 1  # the restoration travels
    assert _action(services, evaluation_id, "Atelier vélo").amounts_by_funder == velo.amounts_by_funder
    assert window.redo_action.text() == "Rétablir la suppression de l'action « Atelier vélo »"
    assert window.views["actions"].tabs.tabText(0) == "Programmation (2)"  # the screen shows it again

    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert [a.title for a in services.actions.list(evaluation_id)] == ["Médiation sociale"]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [a.title for a in services.actions.list(evaluation_id)] == ["Médiation sociale"]  # nothing left to redo
    window.undo_action.trigger()
    assert len(services.actions.list(evaluation_id)) == 2
    shown = []
    monkeypatch.setattr(TrashDialog, "exec", lambda self: shown.append(self.table.rowCount()) or 0)
    window.trash_action.trigger()  # Édition › Corbeille…: the action came back, nothing in it
    assert shown == [0]


def test_a_grid_score_and_a_retained_action_are_undone(qtbot, window, services, evaluation_id):
    tab = window.views["actions"].grid_tab
    velo = _action(services, evaluation_id, "Atelier vélo")
    crit = next(c for c in services.actions.criteria(evaluation_id) if c.id == "partenariat")
    assert tab._set_score(velo.id, crit.id, 3)
    assert services.actions.manual_score(velo.id, crit.id) == 3
    assert window.undo_action.text() == f"Annuler la note « {crit.label} » de « Atelier vélo »"
    assert tab._set_score(velo.id, crit.id, 1)
    window.undo_action.trigger()
    assert services.actions.manual_score(velo.id, crit.id) == 3
    window.undo_action.trigger()
    assert services.actions.manual_score(velo.id, crit.id) is None  # back to the pre-filled value
    assert tab._set_chosen(velo.id, True)
    assert _action(services, evaluation_id, "Atelier vélo").chosen
    window.undo_action.trigger()
    assert not _action(services, evaluation_id, "Atelier vélo").chosen


def test_an_import_is_undone_and_reimport_can_bring_back_a_deleted_action(qtbot, ctx, services, evaluation_id,
                                                                          tmp_path):
    view = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.show()
    path = _programmation(tmp_path)
    with qtbot.waitSignal(ctx.changed, timeout=5000):
        view.import_path(str(path), confirm=lambda dialog: True)
    assert len(services.actions.list(evaluation_id)) == 2
    assert ctx.undo_stack.undoText() == "l'import de « prog.csv »"
    ctx.undo_stack.undo()
    assert services.actions.list(evaluation_id) == []
    ctx.undo_stack.redo()
    assert len(services.actions.list(evaluation_id)) == 2

    velo = _action(services, evaluation_id, "Atelier vélo")
    services.actions.delete_action(velo.id)
    seen = {}

    def refuse(dialog) -> bool:  # the default: the deleted action's row stays left out
        seen["box"] = dialog.restore_deleted.isVisibleTo(dialog), dialog.restore_deleted.text()
        return True

    with qtbot.waitSignal(ctx.changed, timeout=5000):
        view.import_path(str(path), confirm=refuse)
    assert seen["box"] == (True, "Réimporter aussi les actions supprimées dans l'application (1)")
    assert [o.reason for o in view.last_report.left_out] == ["action supprimée dans l'application : non réimportée"]
    assert view.last_report.amount_left_out == 3000
    view.last_result_dialog.close()

    def restore(dialog) -> bool:
        dialog.restore_deleted.setChecked(True)
        return True

    with qtbot.waitSignal(ctx.changed, timeout=5000):
        view.import_path(str(path), confirm=restore)
    view.last_result_dialog.close()
    assert view.last_report.left_out == () and view.last_report.restored == 1
    assert _action(services, evaluation_id, "Atelier vélo").id == velo.id
    ctx.undo_stack.undo()  # the import that brought it back, undone: deleted again
    assert [a.title for a in services.actions.list(evaluation_id)] == ["Médiation sociale"]


def test_corbeille_lists_restores_and_empties(qtbot, ctx, services, evaluation_id, tmp_path):
    from desktop_app.sync import privacy
    from desktop_app.sync.bundle import read_bundle
    tid = services.terrain.create_testimony(evaluation_id, today=date(2026, 5, 1)).id
    pid = services.evaluations.add_row("partner", evaluation_id, {"organisation": "Région Hauts-de-France"}).id
    ctx.apply(lambda: services.terrain.delete_testimony(tid))
    ctx.apply(lambda: services.evaluations.delete_row("partner", pid))
    dialog = TrashDialog(ctx, evaluation_id)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text()) for r in range(dialog.table.rowCount())}
    assert rows == {("Témoignage", "T01"), ("Partenaire", "Région Hauts-de-France")}
    assert not dialog.restore_button.isEnabled()
    dialog.select("testimony", tid)
    assert [i.id for i in dialog.selected()] == [tid], dialog.status.text()
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    assert [t.id for t in services.terrain.testimonies(evaluation_id)] == [tid]
    assert dialog.status.text() == "1 élément restauré."
    dialog.select("partner", pid)
    dialog.restore_button.click()
    assert [r["id"] for r in services.evaluations.rows("partner", evaluation_id)] == [pid]
    assert dialog.table.rowCount() == 0 and not dialog.empty_button.isEnabled()

    ctx.apply(lambda: services.terrain.delete_testimony(tid))
    ctx.apply(lambda: services.evaluations.delete_row("partner", pid))
    dialog.refresh()
    assert dialog.table.rowCount() == 2
    with pytest.MonkeyPatch.context() as mp:  # « Vider la corbeille… » asks first; cancelled: nothing emptied
        asked = []
        mp.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)
        dialog.empty_button.click()
        assert "ne pourront plus être restaurés" in asked[0] and dialog.table.rowCount() == 2
        mp.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
        dialog.empty_button.click()
    assert dialog.table.rowCount() == 0 and "vide" in dialog.intro.text()
    assert TrashDialog(ctx, evaluation_id).table.rowCount() == 0
    # the deletions still travel: the bundle carries both tombstones
    services.sync.export_bundle(evaluation_id, tmp_path / "b.evalkit", privacy.COMPLETE)
    bundle = read_bundle(tmp_path / "b.evalkit")
    assert [r["deleted"] for r in bundle.records["fieldwork_testimonies"] if r["id"] == tid] == [True]
    assert [r["deleted"] for r in bundle.records["partners"] if r["id"] == pid] == [True]


def test_cadrage_row_deleted_then_undone_from_the_edition_menu(qtbot, ctx, services, evaluation_id, monkeypatch):
    from desktop_app.ui.views.cadrage.view import CadrageView

    services.evaluations.add_row("partner", evaluation_id, {"organisation": "CAF du Nord"})
    view = CadrageView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.show()
    table = view.tables["partner"]
    table.view.setCurrentIndex(table.model.index(0, 0))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    table.delete_button.click()
    assert table.model.rowCount() == 0
    assert ctx.undo_stack.undoText() == "la suppression du partenaire « CAF du Nord »"
    ctx.undo_stack.undo()
    assert [r["organisation"] for r in services.evaluations.rows("partner", evaluation_id)] == ["CAF du Nord"]
    qtbot.waitUntil(lambda: table.model.rowCount() == 1)


def test_right_to_erasure_erases_for_good_outside_the_corbeille(qtbot, ctx, services, evaluation_id, tmp_path,
                                                                monkeypatch):
    from desktop_app.ui.views.terrain.testimonies import TestimoniesTab
    tid = services.terrain.create_testimony(evaluation_id, today=date(2026, 5, 1)).id
    audio = tmp_path / "voix.m4a"
    audio.write_bytes(b"fake audio")
    services.attachments.add_file(evaluation_id, "testimony", tid, audio)
    digest = services.attachments.list(evaluation_id, tid)[0].sha256
    tab = TestimoniesTab(ctx, evaluation_id)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.table.model().rowCount() == 1)
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.current_id == tid)
    asked = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)
    tab.erase_button.click()
    assert "Rien ne pourra être récupéré" in asked[0] and services.terrain.testimonies(evaluation_id)  # cancelled: kept
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.erase_button.click()
    assert services.terrain.testimonies(evaluation_id) == []
    assert services.trash.items(evaluation_id) == []  # not in the Corbeille: erased
    assert not services.attachments.has_blob(digest)
    assert not ctx.undo_stack.canUndo()


def test_a_commitment_status_change_is_undone(qtbot, ctx, services, evaluation_id, monkeypatch):
    from desktop_app.ui.views.terrain.view import TerrainView

    view = TerrainView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.show()
    tab = view.commitments
    view.tabs.setCurrentWidget(tab)
    tab.add_commitment()
    proxy = tab.proxy
    assert proxy.setData(proxy.index(0, 3), "en_cours")
    assert proxy.setData(proxy.index(0, 3), "realise")
    assert ctx.undo_stack.undoText() == "le statut de l'engagement n° 1"
    ctx.undo_stack.undo()
    assert [c.status for c in services.commitments.commitments(evaluation_id)] == ["en_cours"]
    ctx.undo_stack.undo()
    assert [c.status for c in services.commitments.commitments(evaluation_id)] == [""]
    ctx.undo_stack.redo()
    assert [c.status for c in services.commitments.commitments(evaluation_id)] == ["en_cours"]
