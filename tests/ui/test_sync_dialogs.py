"""Sync GUI: the Synchronisation menu, the conflict dialog, the export dialog and the centre window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.services.app_services import Services
from desktop_app.sync import privacy


@pytest.fixture
def other(tmp_path):
    s = Services.open(tmp_path / "autre.db", attachments_dir=tmp_path / "autre-pj")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _no_modal_boxes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"warning shown: {a[2] if len(a) > 2 else a}"))


def make_conflict(services, other, evaluation_id, tmp_path) -> str:
    row = services.evaluations.add_row("partner", evaluation_id, {"organisation": "CAF", "role": "Conseiller"}).id
    services.sync.export_bundle(evaluation_id, tmp_path / "1.evalkit", privacy.COMPLETE)
    other.sync.import_bundle(tmp_path / "1.evalkit")
    services.evaluations.update_row("partner", row, "role", "Rôle sur mon poste")
    other.evaluations.update_row("partner", row, "role", "Rôle sur l'autre poste")
    other.sync.export_bundle(evaluation_id, tmp_path / "2.evalkit", privacy.COMPLETE)
    assert services.sync.import_bundle(tmp_path / "2.evalkit")["conflicts"] == 1
    return row


def test_menu_entries(qtbot, ctx):
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    texts = [a.text().replace("&", "") for a in window.sync_menu.actions() if a.text()]
    assert texts == [
        "Synchroniser…", "Exporter les résultats…", "Importer des résultats…", "Conflits…", "Postes et clés…", "Centre de ressources…",
    ]


def test_conflict_dialog_shows_both_versions_and_resolves(qtbot, ctx, services, other, evaluation_id, tmp_path):
    from desktop_app.ui.views.sync.conflicts import ConflictsDialog

    row = make_conflict(services, other, evaluation_id, tmp_path)
    dialog = ConflictsDialog(ctx, evaluation_id)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "Partenaire : CAF" in dialog.list.item(0).text()
    cells = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(dialog.table.rowCount())]
    assert cells == [["Rôle", "Rôle sur mon poste", "Rôle sur l'autre poste"]]  # only what differs
    dialog.show_all.setChecked(True)
    assert dialog.table.rowCount() > 1
    with qtbot.waitSignal(ctx.changed):
        dialog.take_remote.click()
    assert dialog.resolved == {evaluation_id}
    assert dialog.list.count() == 0 and dialog.empty.isVisibleTo(dialog)
    assert services.evaluations.rows("partner", evaluation_id)[0]["role"] == "Rôle sur l'autre poste"
    assert services.sync.conflicts() == [] and row


def test_export_dialog_says_what_is_included_and_exports(qtbot, ctx, services, evaluation_id, tmp_path):
    from desktop_app.ui.views.sync.dialogs import ExportBundleDialog

    dialog = ExportBundleDialog(ctx, evaluation_id)
    qtbot.addWidget(dialog)
    assert dialog.level() == privacy.PSEUDONYMISED
    assert dialog.description.text() == privacy.describe(privacy.PSEUDONYMISED)
    dialog.complete.setChecked(True)
    assert dialog.description.text() == privacy.describe(privacy.COMPLETE)
    dialog.pseudo.setChecked(True)
    dialog.out.setText(str(tmp_path / "sortie.evalkit"))
    dialog.export_button.click()
    assert (tmp_path / "sortie.evalkit").is_file()
    assert dialog.result_info.privacy == privacy.PSEUDONYMISED


def test_sync_dialog_synchronises_with_a_folder(qtbot, ctx, services, other, evaluation_id, tmp_path):
    from desktop_app.ui.views.sync.dialogs import SyncDialog

    folder = tmp_path / "partage"
    folder.mkdir()
    other_eval = other.evaluations.create("Métropole voisine")
    other.sync.sync_folder(folder)
    dialog = SyncDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.sync_button.click()
    assert services.sync.folder() == folder
    # the other laptop's evaluation came in; this laptop now shares both evaluations
    assert "1 fichier(s) reçu(s), 2 fichier(s) envoyé(s)" in dialog.status.text()
    assert dialog.history.rowCount() == 3
    assert {e.id for e in services.evaluations.list()} == {evaluation_id, other_eval}


def test_centre_window_consolidates(qtbot, ctx, services, other, evaluation_id, tmp_path):
    from desktop_app.ui.views.sync.centre import ConsolidationWindow

    eid = other.evaluations.create("CC du Pays de Brume")
    other.forms.create(eid, "referentiel", answers={"gouvernance.appreciation": "atteint"})
    other.sync.export_bundle(eid, tmp_path / "brume.evalkit")
    services.sync.import_bundle(tmp_path / "brume.evalkit")
    window = ConsolidationWindow(ctx)
    qtbot.addWidget(window)
    assert window.rendered is not None
    assert "2 territoire(s)" in window.summary.text()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Territoires", "Référentiel", "Questionnaires", "Maturité", "Fiches"]
    gov = next(q for q in window.rendered.data.questions if q.question_id == "gouvernance")
    assert gov.counts == {"atteint": 1, "non_renseigne": 1}


def test_keys_dialog_shows_fingerprints_renames_accepts_and_removes(qtbot, ctx, services, other, evaluation_id, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from desktop_app.ui.views.sync.dialogs import SyncDialog
    from desktop_app.ui.views.sync.keys import KeysDialog, TrustDialog

    services.sync.export_bundle(evaluation_id, tmp_path / "1.evalkit", privacy.COMPLETE)
    other.sync.import_bundle(tmp_path / "1.evalkit")
    other.sync.export_bundle(evaluation_id, tmp_path / "2.evalkit", privacy.COMPLETE)
    services.sync.import_bundle(tmp_path / "2.evalkit")  # the other laptop's key, pinned on first sight
    mine, theirs = services.sync.own_key(), other.sync.own_key()

    sync_dialog = SyncDialog(ctx)
    qtbot.addWidget(sync_dialog)
    assert mine.fingerprint in sync_dialog.identity.text() and mine.label in sync_dialog.identity.text()

    dialog = KeysDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.fingerprint.text() == mine.fingerprint
    cells = [[dialog.table.item(0, c).text() for c in range(4)]]
    assert cells == [["CA du Douaisis", theirs.label, theirs.fingerprint, "premier fichier reçu"]]

    dialog.label_edit.setText("Portable du chef de projet")
    dialog.rename()
    assert services.sync.device_label() == "Portable du chef de projet"

    # a new laptop, accepted on purpose from the fingerprint read over the phone
    third = Services.open(tmp_path / "third.db", attachments_dir=tmp_path / "third-pj")
    try:
        new_fp = third.sync.own_key().fingerprint
    finally:
        third.close()

    def fill(self):
        self.key.setText(new_fp.lower())
        self.replace.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TrustDialog, "exec", fill)
    dialog.add_key()
    assert [k.fingerprint for k in services.sync.trusted_keys(evaluation_id)] == [new_fp]
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == new_fp

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.table.selectRow(0)
    dialog.remove_key()
    assert services.sync.trusted_keys() == [] and dialog.empty.isVisibleTo(dialog)


def test_import_refused_for_an_unknown_laptop_offers_to_accept_it(qtbot, ctx, services, other, evaluation_id, tmp_path, monkeypatch):
    """A file of a known evaluation from a laptop whose key is not accepted: the refusal says
    so and offers to accept that laptop, after its fingerprint was checked; then it imports."""
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.views.sync import import_files, keys

    services.sync.export_bundle(evaluation_id, tmp_path / "1.evalkit", privacy.COMPLETE)
    other.sync.import_bundle(tmp_path / "1.evalkit")
    other.sync.export_bundle(evaluation_id, tmp_path / "2.evalkit", privacy.COMPLETE)
    services.sync.import_bundle(tmp_path / "2.evalkit")  # `other` pinned
    third = Services.open(tmp_path / "third.db", attachments_dir=tmp_path / "third-pj")
    try:
        third.sync.import_bundle(tmp_path / "1.evalkit")
        third.evaluations.add_row("commune", evaluation_id, {"name": "Arleux"})
        third.sync.export_bundle(evaluation_id, tmp_path / "3.evalkit", privacy.COMPLETE)
        third_fp = third.sync.own_key().fingerprint
    finally:
        third.close()
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    shown = []

    def click(box):  # the user reads the box and clicks its first (accepting) button
        shown.append(box.text())
        return box.buttons()[0] if len(shown) < 3 else None

    monkeypatch.setattr(keys, "ask", click)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)  # the import summary
    import_files(window, [str(tmp_path / "3.evalkit")])
    assert third_fp in shown[0] and other.sync.own_key().fingerprint in shown[0]
    assert third_fp in shown[1] and "Vérifiez" in shown[1]
    assert third_fp in {k.fingerprint for k in services.sync.trusted_keys(evaluation_id)}
    assert "Arleux" in {r["name"] for r in services.evaluations.rows("commune", evaluation_id)}


def test_export_dialog_encrypts_for_the_centre_once_its_key_is_registered(qtbot, ctx, services, other, evaluation_id, tmp_path):
    from desktop_app.ui.views.sync.dialogs import ExportBundleDialog

    dialog = ExportBundleDialog(ctx, evaluation_id)
    qtbot.addWidget(dialog)
    assert not dialog.encrypt.isEnabled()  # no centre key registered yet
    services.sync.set_centre_key(other.sync.export_centre_key(tmp_path / "centre.pem"))
    dialog = ExportBundleDialog(ctx, evaluation_id)
    qtbot.addWidget(dialog)
    assert dialog.encrypt.isEnabled() and other.sync.own_centre_key() in dialog.encrypt.toolTip()
    dialog.encrypt.setChecked(True)
    dialog.out.setText(str(tmp_path / "chiffre.evalkit"))
    dialog.export_button.click()
    assert (tmp_path / "chiffre.evalkit").read_bytes().startswith(b"EVALKIT-ENVELOPPE\n")
    assert other.sync.import_bundle(tmp_path / "chiffre.evalkit")["imported"] > 0
