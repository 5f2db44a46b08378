"""Questionnaires › XLSForm: import a KoboToolbox form as a kit tool file with its report, and
export the questionnaire shown as an XLSForm pyxform converts."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox
from pyxform.xls2xform import convert

from desktop_app.ui.views.questionnaires.view import QuestionnairesView
from desktop_app.ui.views.questionnaires.xlsform_actions import XlsFormReportDialog
from tests.xlsform.fixtures import write_form, write_household_form


def _view(qtbot, ctx, services) -> QuestionnairesView:
    view = QuestionnairesView(ctx, services.evaluations.create("CA du Douaisis"))
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitUntil(lambda: view.tool_id() is not None)
    return view


def test_import_writes_the_tool_and_shows_the_report(qtbot, ctx, services, tmp_path, monkeypatch):
    view = _view(qtbot, ctx, services)
    form = write_household_form(tmp_path / "menages.xlsx")
    out = tmp_path / "outils"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(form), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    monkeypatch.setattr(view.xlsform, "choose_destination", lambda _result: "file")
    view.xlsform.import_action.trigger()
    assert (out / "enquetemenages2024.yaml").is_file()
    dialog = view.xlsform.last_dialog
    assert isinstance(dialog, XlsFormReportDialog) and dialog.isVisible()
    report = dialog.text.toPlainText()
    assert "ligne 8 · gps (geopoint)" in report and "NomEnqueteur →" not in report  # ids keep their capitals
    dialog.close()

    # again: the file exists, the user keeps it
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    (out / "enquetemenages2024.yaml").write_text("garder", encoding="utf-8")
    view.xlsform.import_action.trigger()
    assert (out / "enquetemenages2024.yaml").read_text(encoding="utf-8") == "garder"


def test_import_into_the_evaluation_kit_adds_the_questionnaire_to_the_screen(qtbot, ctx, services, tmp_path, monkeypatch):
    """The default choice: a new kit version holding the questionnaire is installed, the
    evaluation moves to it and the questionnaire appears in the selector, ready to be entered."""
    view = _view(qtbot, ctx, services)
    form = write_household_form(tmp_path / "menages.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(form), ""))
    monkeypatch.setattr(view.xlsform, "choose_destination", lambda _result: "kit")
    before = services.evaluations.get(view.evaluation_id).kit_version
    view.xlsform.import_action.trigger()
    qtbot.waitUntil(lambda: view.selector.findData("enquetemenages2024") >= 0)
    assert services.evaluations.get(view.evaluation_id).kit_version != before
    dialog = view.xlsform.last_dialog
    assert "ajouté aux questionnaires de l'évaluation" in dialog.findChild(QLabel).text()
    dialog.close()


def test_import_of_an_unusable_form_says_why(qtbot, ctx, services, tmp_path, monkeypatch):
    view = _view(qtbot, ctx, services)
    form = write_form(tmp_path / "gps.xlsx", [["type", "name", "label"], ["geopoint", "position", "Position"]])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(form), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    view.xlsform.import_action.trigger()
    assert len(warnings) == 1 and "aucune question" in warnings[0]
    assert list(tmp_path.glob("*.yaml")) == []


def test_export_the_questionnaire_shown(qtbot, ctx, services, tmp_path, monkeypatch):
    view = _view(qtbot, ctx, services)
    target = tmp_path / "communes"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    view.xlsform.export_action.trigger()
    written = tmp_path / "communes.xlsx"
    assert written.is_file() and str(written) in shown[0]
    assert f'id="{view.tool_id()}"' in convert(xlsform=str(written)).xform


def test_import_submissions_of_the_questionnaire_shown(qtbot, ctx, services, tmp_path, monkeypatch):
    from openpyxl import Workbook

    view = _view(qtbot, ctx, services)
    view.selector.setCurrentIndex(view.selector.findData("questionnaire-communes"))
    wb = Workbook()
    wb.active.append(["identification/nom_commune", "identification/code_insee", "identification/nb_qpv", "_uuid"])
    wb.active.append(["Douai", "59178", 2, "5b1e7c1e-0f2d-4a8e-9d61-3c0f5b7a2e11"])
    wb.active.append(["Lens", "62498", "beaucoup", "a7d2c9f0-6b3e-4c1d-8e2f-9a0b1c2d3e4f"])
    path = tmp_path / "kobo.xlsx"
    wb.save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    view.xlsform.kobo_action.trigger()
    report = view.xlsform.last_dialog.text.toPlainText()
    assert "2 soumissions — 1 importée(s), 1 refusée(s)" in report
    assert "ligne 3 · " in report and "refusée" in report
    qtbot.waitUntil(lambda: "(1 réponse)" in view.selector.currentText())
