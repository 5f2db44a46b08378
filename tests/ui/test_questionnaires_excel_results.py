"""The Excel tab (templates, import with its report) and the results tab (rate, tables, charts)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox

from desktop_app.core.questionnaire_respondents import Respondent
from desktop_app.exports.questionnaire_xlsx import write_template
from desktop_app.ui.views.questionnaires.dialogs import TemplateOptionsDialog
from desktop_app.ui.views.questionnaires.import_report import ImportReportDialog
from desktop_app.ui.views.questionnaires.view import QuestionnairesView

COMMUNES = "questionnaire-communes"
GOOD = {
    "nb_qpv": 1, "fonction_repondant": "Maire", "role_pilotage": "Informée : nous sommes tenus au courant des décisions",
    "instances=copil": "X", "satisfaction_pilotage": "Plutôt insatisfait", "ameliorations_pilotage": "Être consultés.",
    "projet_ru": "Non", "connaissance_cc": "De nom seulement", "apports_contrat": "Peu de choses.", "priorites_2030=emploi": "X",
}


@pytest.fixture
def evaluation(services):
    eid = services.evaluations.create("CA du Douaisis")
    services.evaluations.add_row("commune", eid, {"name": "Douai", "insee": "59178"})
    services.evaluations.add_row("commune", eid, {"name": "Sin-le-Noble", "insee": "59569"})
    services.evaluations.add_row("team_member", eid, {"name": "Élodie", "is_pilot": True, "email": "pilote@agglo.example"})
    return eid


def _filled(services, evaluation, tmp_path, name: str, code: str, answers: dict):
    path = write_template(services.questionnaires.template(evaluation, COMMUNES, Respondent("commune", name, code)), tmp_path / f"{name}.xlsx")
    wb = load_workbook(path)
    ws = wb["Questionnaire"]
    keys = {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    for key, value in answers.items():
        ws.cell(keys[key], 4).value = value
    wb.save(path)
    return path


def _view(qtbot, ctx, evaluation) -> QuestionnairesView:
    view = QuestionnairesView(ctx, evaluation)
    qtbot.addWidget(view)
    view.resize(1300, 850)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_import_files_with_a_report_then_choose_to_keep_valid_answers(qtbot, ctx, services, evaluation, tmp_path, monkeypatch):
    good = _filled(services, evaluation, tmp_path, "Douai", "59178", GOOD)
    bad = _filled(services, evaluation, tmp_path, "Sin-le-Noble", "59569", {**GOOD, "nb_qpv": "un ou deux"})
    stray = tmp_path / "courrier.xlsx"
    stray.write_bytes(b"PK\x03\x04 pas vraiment un classeur")
    view = _view(qtbot, ctx, evaluation)
    tab = view.diffusion
    view.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 2 and "0 ont répondu" in tab.rate_label.text()

    reports: list[ImportReportDialog] = []

    def review(dialog: ImportReportDialog) -> int:
        reports.append(dialog)
        assert "3 fichiers lus · 1 prêt à importer" in dialog.summary.text()
        items = {dialog.tree.topLevelItem(i).text(0): dialog.tree.topLevelItem(i) for i in range(3)}
        assert items["Douai.xlsx"].text(2) == "Nouvelle réponse"
        assert items["courrier.xlsx"].text(2) == "Refusé"
        assert "n'est pas un classeur Excel" in items["courrier.xlsx"].child(0).text(0)
        errors = items["Sin-le-Noble.xlsx"]
        assert "1 erreur" in errors.text(2)
        lines = [errors.child(i) for i in range(errors.childCount())]
        assert any("« un ou deux » n'est pas un nombre" in line.text(0) for line in lines)
        lines[-1].setCheckState(0, Qt.CheckState.Checked)  # import its valid answers too
        assert dialog.import_button.text() == "Importer 2 fichiers"
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportReportDialog, "exec", review)
    tab.import_files([str(good), str(bad), str(stray)])
    dialog = reports[0]
    assert "Import terminé : 2 importé(s), 0 mis à jour, 1 refusé(s)." == dialog.summary.text()
    assert "réponses valides seulement" in dialog.tree.topLevelItem(1).text(2)
    rows = {r.label: r for r in services.questionnaires.responses(evaluation, COMMUNES)}
    assert rows["Douai (59178)"].status == "complete" and rows["Sin-le-Noble (59569)"].status == "draft"
    assert "2 ont répondu (100 %)" in tab.rate_label.text()
    assert "Importé" in dialog.report_text()
    # the responses tab and the selector follow
    assert view.responses.model.rowCount() == 2
    assert "(2 réponses)" in view.selector.currentText()


def test_generate_one_file_per_invitee(qtbot, ctx, services, evaluation, tmp_path, monkeypatch):
    view = _view(qtbot, ctx, evaluation)
    tab = view.diffusion
    view.tabs.setCurrentWidget(tab)

    def options(dialog: TemplateOptionsDialog) -> int:
        assert dialog.return_to.text() == "pilote@agglo.example"  # the pilot of the Cadrage
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TemplateOptionsDialog, "exec", options)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "envoi"))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text: told.append(text))
    (tmp_path / "envoi").mkdir()
    qtbot.mouseClick(tab.per_invitee_button, Qt.MouseButton.LeftButton)
    files = sorted(p.name for p in (tmp_path / "envoi").iterdir())
    assert files == ["Questionnaire communes - Douai.xlsx", "Questionnaire communes - Sin-le-Noble.xlsx"]
    assert told and "2 fichier(s) enregistré(s)" in told[0]
    guide = " ".join(str(c.value) for c in load_workbook(tmp_path / "envoi" / files[0])["Mode d'emploi"]["B"] if c.value)
    assert "pilote@agglo.example" in guide


def _scroll_through(qtbot, results) -> None:
    """Scroll the results page to its end until every question card is on it (they are built as
    the page is scrolled towards them)."""
    qtbot.waitUntil(lambda: not results.loading())
    bar = results.scroll.verticalScrollBar()
    while results.pending_cards():
        built = len(results.cards)

        def more(built=built) -> bool:
            bar.setValue(bar.maximum())  # again once the page is laid out (its end known)
            return len(results.cards) > built

        qtbot.waitUntil(more)


def _question_ids(services, evaluation, drafts: bool = True) -> list[str]:
    results = services.questionnaires.results(evaluation, COMMUNES, None, drafts)
    return [q.field_id for section in results.sections for q in section.questions]


def test_results_tab_shows_rate_tables_and_charts(qtbot, ctx, services, evaluation, tmp_path):
    q = services.questionnaires
    q.import_files(evaluation, [_filled(services, evaluation, tmp_path, "Douai", "59178", GOOD)])
    sin = q.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    q.set_answer(sin, "satisfaction_pilotage", "tres_satisfait")
    q.set_answer(sin, "instances", ["copil", "cotech"])
    view = _view(qtbot, ctx, evaluation)
    results = view.results
    assert view.tabs.currentWidget() is results  # responses exist: results first
    rate_text = " ".join(label.text() for label in results.rate_card.findChildren(QLabel))
    assert "100 %" in rate_text and "<b>2</b> sur <b>2</b> communes invitées" in rate_text
    assert not results.kind.isEnabled() and results.kind.currentText() == "Communes"  # one type of respondent
    # the cards come by batches as the page is scrolled: in the end, one per question, in order
    _scroll_through(qtbot, results)
    assert [c.result.field_id for c in results.cards] == _question_ids(services, evaluation)
    assert not any(w.isVisible() and w.text().startswith("Chargement des questions")
                   for w in results.scroll.widget().findChildren(QLabel))
    cards = {c.result.field_id: c for c in results.cards}
    satisfaction = cards["satisfaction_pilotage"]
    assert [(o.count, round(o.percent)) for o in satisfaction.result.options][:3] == [(1, 50), (0, 0), (1, 50)]
    lines = satisfaction.table.text().splitlines()
    assert lines[0].endswith(" : 1 (50 %)") and lines[1].endswith(" : 0 (0 %)") and len(lines) == len(satisfaction.result.options)
    qtbot.waitUntil(lambda: satisfaction.table.height() >= len(lines) * satisfaction.table.fontMetrics().height())
    first = next(c for c in results.cards if c.chart is not None)
    assert not first.chart.pixmap().isNull()  # the first charts are drawn with the page
    results.scroll.ensureWidgetVisible(satisfaction)  # the others when scrolled to
    qtbot.waitUntil(lambda: satisfaction.chart is not None and not satisfaction.chart.pixmap().isNull())
    assert "nom_commune" not in cards  # identification is not a result
    instances = cards["instances"]  # several answers possible: said under the table
    assert any("le total dépasse 100 %" in label.text() for label in instances.findChildren(QLabel))
    # scrolling draws the other charts
    results.scroll.verticalScrollBar().setValue(results.scroll.verticalScrollBar().maximum())
    results.request_visible()
    last = [c for c in results.cards if c.chart is not None][-1]
    assert not last.chart.pixmap().isNull()
    # drafts can be left out
    results.drafts.setChecked(False)
    _scroll_through(qtbot, results)
    cards = {c.result.field_id: c for c in results.cards}
    assert cards["satisfaction_pilotage"].result.answered == 1
    assert [c.result.field_id for c in results.cards] == _question_ids(services, evaluation, drafts=False)
    assert results.jump.count() == len(results.section_labels) > 3


def test_results_cards_come_by_batches_and_jumping_builds_the_section(qtbot, ctx, services, evaluation, tmp_path):
    """A large questionnaire's cards are not all built at once: the first ones with the rate, then the
    others as the page is scrolled towards them (« Chargement des questions… » at its end meanwhile)."""
    from deferred_tasks import DeferredTaskRunner

    q = services.questionnaires
    q.import_files(evaluation, [_filled(services, evaluation, tmp_path, "Douai", "59178", GOOD)])
    ctx.tasks = DeferredTaskRunner()
    view = _view(qtbot, ctx, evaluation)
    results = view.results
    ids = _question_ids(services, evaluation)

    def run_next() -> None:  # one background task (reading the questionnaires, the responses…)
        fn, on_done, _on_error = ctx.tasks.queue.pop(0)
        on_done(fn(None))

    run_next()
    assert results.scroll.widget().text() == "Calcul des résultats…"
    while results.rate_card is None:  # the results arrive: the rate and the first cards are shown at once
        run_next()
    page = results.scroll.widget()
    assert results.rate_card is not None and 0 < len(results.cards) < len(ids)
    progress = [w for w in page.findChildren(QLabel) if w.text().startswith("Chargement des questions")]
    assert len(progress) == 1 and f"sur {len(ids)})" in progress[0].text()
    assert results.jump.count() > 3  # every section can be chosen already
    # jumping to the last section builds it now and scrolls to it
    last = results.jump.count() - 1
    results.jump.setCurrentIndex(last)
    results.jump.activated.emit(last)
    assert len(results.section_labels) == results.jump.count()
    heading = results.section_labels[last]
    assert results.scroll.verticalScrollBar().value() > 0
    top = heading.mapTo(page, heading.rect().topLeft()).y()
    assert results.scroll.verticalScrollBar().value() <= top < results.scroll.verticalScrollBar().value() + results.scroll.viewport().height()
    # the rest comes as the page is scrolled, with the charts of what is on screen
    _scroll_through(qtbot, results)
    assert [c.result.field_id for c in results.cards] == ids
    assert not any(w.isVisible() and w.text().startswith("Chargement des questions") for w in page.findChildren(QLabel))
    ctx.tasks.finish()
    drawn = [c for c in results.cards if c.chart is not None and not c.chart.pixmap().isNull()]
    assert drawn


def test_results_filter_by_type_of_respondent(qtbot, ctx, services, evaluation):
    """The types of respondent present are read with the results: « Tous les répondants » first."""
    q = services.questionnaires
    douai = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    q.set_answer(douai, "satisfaction_pilotage", "tres_satisfait")
    services.forms.create(evaluation, COMMUNES, subject_type="association", label="Centre social Gayant",
                          answers={"satisfaction_pilotage": "plutot_satisfait"})
    view = _view(qtbot, ctx, evaluation)
    results = view.results
    _scroll_through(qtbot, results)
    assert results.kind.isEnabled() and results.kind.currentText() == "Tous les répondants"
    assert [results.kind.itemText(i) for i in range(results.kind.count())][1:] == ["Associations", "Communes"]

    def satisfaction():
        return next(c for c in results.cards if c.result.field_id == "satisfaction_pilotage").result

    assert satisfaction().answered == 2
    results.kind.setCurrentIndex(results.kind.findText("Communes"))
    _scroll_through(qtbot, results)
    assert results.kind.currentText() == "Communes" and satisfaction().answered == 1
    assert "1 réponse prise en compte" in " ".join(label.text() for label in results.rate_card.findChildren(QLabel))
