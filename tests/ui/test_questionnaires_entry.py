"""Entering a questionnaire response in the app, as a facilitator does on the phone with a commune."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from desktop_app.ui.views.questionnaires.dialogs import KeepDialog, NewResponseDialog
from desktop_app.ui.views.questionnaires.view import QuestionnairesView
from tests.ui.form_helpers import open_questionnaires

COMMUNES = "questionnaire-communes"


@pytest.fixture
def evaluation(services):
    eid = services.evaluations.create("CA du Douaisis")
    services.evaluations.add_row("commune", eid, {"name": "Douai", "insee": "59178"})
    services.evaluations.add_row("commune", eid, {"name": "Sin-le-Noble", "insee": "59569"})
    return eid


def _view(qtbot, ctx, evaluation) -> QuestionnairesView:
    return open_questionnaires(qtbot, ctx, evaluation)


def _type(qtbot, renderer, field_id: str, text: str) -> None:
    target = renderer.row(field_id).editor.focus_target()
    renderer._reveal(field_id)
    target.setFocus()
    qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Tab)  # leaving the field saves it


def test_enter_a_response_for_an_invited_commune(qtbot, ctx, services, evaluation, monkeypatch, complete_dialog):
    view = _view(qtbot, ctx, evaluation)
    tab = view.responses
    assert view.tabs.currentWidget() is tab  # no response yet: the list comes first
    assert tab.empty.isVisible()

    def choose_sin_le_noble(dialog: NewResponseDialog) -> int:
        assert dialog.combo.count() == 2 and dialog.invited.isChecked()
        dialog.combo.setCurrentIndex(dialog.combo.findText("Sin-le-Noble (59569)"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewResponseDialog, "exec", choose_sin_le_noble)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    [row] = services.questionnaires.responses(evaluation, COMMUNES)
    assert row.label == "Sin-le-Noble (59569)" and row.status == "draft"
    renderer = tab.renderer
    assert renderer is not None and tab.response_id == row.id
    assert renderer.row("nom_commune").value() == "Sin-le-Noble"
    assert tab.who.text() == "Sin-le-Noble (59569)"

    _type(qtbot, renderer, "nb_qpv", "2")
    _type(qtbot, renderer, "credits_specifiques", "12 500,50 euros")
    _type(qtbot, renderer, "apports_contrat", "Un poste d'adulte-relais.")
    answers = services.forms.get(row.id).answers
    assert answers["nb_qpv"] == 2 and answers["credits_specifiques"] == 12500.5
    assert answers["apports_contrat"] == "Un poste d'adulte-relais."

    # marking it complete too early: it stays a draft, the missing questions are named
    qtbot.mouseClick(tab.complete_button, Qt.MouseButton.LeftButton)
    assert any("Fonction de la personne" in item for item in complete_dialog.seen[-1])
    assert services.forms.get(row.id).status == "draft"
    seen = len(complete_dialog.seen)

    for field_id, value in {"fonction_repondant": "maire", "role_pilotage": "associee",
                            "satisfaction_pilotage": "plutot_satisfait", "projet_ru": "aucun",
                            "connaissance_cc": "de_nom"}.items():
        renderer._reveal(field_id)
        button = renderer.row(field_id).editor.buttons[value]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    qtbot.mouseClick(tab.complete_button, Qt.MouseButton.LeftButton)
    assert len(complete_dialog.seen) == seen  # nothing missing: no dialog
    assert services.forms.get(row.id).status == "complete"
    assert "Complète" in tab.status.text() and tab.draft_button.isVisible()
    assert tab.model.rows[0].status == "complete"

    # the same commune again: the facilitator is told and opens the existing response
    def again(dialog: NewResponseDialog) -> int:
        assert "a déjà répondu" in dialog.combo.itemText(dialog.combo.findData(next(
            i.id for i in services.questionnaires.invitees(evaluation, "commune") if i.name == "Sin-le-Noble")))
        dialog.other.setChecked(True)
        dialog.name.setText("SIN-LE-NOBLE")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewResponseDialog, "exec", again)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: box.buttons()[0].click() or 0)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert len(services.questionnaires.responses(evaluation, COMMUNES)) == 1
    assert tab.response_id == row.id


def test_answers_typed_are_saved_when_switching_response(qtbot, ctx, services, evaluation):
    q = services.questionnaires
    douai = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    sin = q.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    view = _view(qtbot, ctx, evaluation)
    tab = view.responses
    view.tabs.setCurrentWidget(tab)
    tab.select(douai)
    target = tab.renderer.row("limites_contrat").editor.focus_target()
    tab.renderer._reveal("limites_contrat")
    target.setFocus()
    qtbot.keyClicks(target, "Des credits saupoudres.")
    tab.select(sin)  # no Tab, no pause: switching commits what was typed
    assert services.forms.get(douai).answers["limites_contrat"] == "Des credits saupoudres."
    assert tab.who.text() == "Sin-le-Noble (59569)"
    # correcting the identity in the form renames the respondent in the list
    tab.renderer._reveal("nom_commune")
    name = tab.renderer.row("nom_commune").editor.focus_target()
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Sin le Noble")
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    assert "Sin le Noble (59569)" in [r.label for r in tab.model.rows]
    assert QApplication.activeWindow() is not None


def test_duplicate_banner_and_keeping_one_response(qtbot, ctx, services, evaluation, monkeypatch):
    q = services.questionnaires
    first = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    second = q.new_response(evaluation, COMMUNES, "Douai", "", allow_duplicate=True)
    q.set_answer(second, "nb_qpv", 3)
    view = _view(qtbot, ctx, evaluation)
    tab = view.responses
    view.tabs.setCurrentWidget(tab)
    assert tab.banner.isVisible() and "1 répondant a répondu plusieurs fois : Douai (59178)" in tab.banner_label.text()
    assert all(r.duplicate for r in tab.model.rows)

    def keep_second(dialog: KeepDialog) -> int:
        assert len(dialog.buttons.buttons()) == 2
        next(b for b in dialog.buttons.buttons() if b.property("response_id") == second).setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(KeepDialog, "exec", keep_second)
    qtbot.mouseClick(tab.keep_button, Qt.MouseButton.LeftButton)
    assert [r.id for r in q.responses(evaluation, COMMUNES)] == [second]
    assert not tab.banner.isVisible()
    assert tab.response_id == second
    assert services.forms.find(evaluation, COMMUNES)[0].id == second
    assert first not in [r.id for r in tab.model.rows]


def test_the_screen_says_it_loads_then_shows_responses_and_results(qtbot, ctx, services, evaluation):
    """Responses, invitees and results are read in the background: each tab says so, then shows
    them (the invitees once their tab is shown)."""
    from deferred_tasks import DeferredTaskRunner

    first = services.questionnaires.new_response(evaluation, COMMUNES, "Douai", "59178")
    services.questionnaires.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    ctx.tasks = DeferredTaskRunner()
    view = _view(qtbot, ctx, evaluation)
    # first the questionnaires of the kit and their counts
    assert view.message.isVisible() and view.message.text() == "Chargement des questionnaires…"
    assert not view.tabs.isVisible() and not view.selector.isEnabled()
    fn, on_done, _on_error = ctx.tasks.queue.pop(0)
    on_done(fn(None))
    assert not view.message.isVisible() and view.selector.isEnabled()
    assert "(2 réponses)" in view.selector.currentText()
    assert view.tabs.currentWidget() is view.results  # responses exist: the results come first
    loading = view.results.scroll.widget()
    assert isinstance(loading, QLabel) and loading.text() == "Calcul des résultats…" and loading.isVisible()
    assert view.responses.count.text() == "Chargement des réponses…"
    assert view.responses.model.rowCount() == 0
    assert view.diffusion.rate_label.text() == "Chargement des invités…"
    ctx.tasks.finish()
    assert view.results.rate_card is not None and view.results.rate_card.isVisible()
    view.tabs.setCurrentWidget(view.responses)
    assert view.responses.model.rowCount() == 2
    assert view.responses.count.text().startswith("2 réponses")
    assert view.responses.response_id == first  # the first row is opened
    assert view.responses.renderer.row("nom_commune").value() == "Douai"
    # the invitees (a tab not shown first) are read when their tab is first shown
    view.tabs.setCurrentWidget(view.diffusion)
    assert view.diffusion.rate_label.text() == "Chargement des invités…"
    ctx.tasks.finish()
    assert view.diffusion.model.rowCount() == 2
    assert "2 ont répondu" in view.diffusion.rate_label.text()


def test_responses_listed_by_respondent_and_sorted_from_the_header(qtbot, ctx, services, evaluation):
    """The list is in the respondents' order, the header's click reverses it, a response added
    later takes its place in the order shown, and the filter keeps working on it."""
    services.questionnaires.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    services.questionnaires.new_response(evaluation, COMMUNES, "Douai", "59178")
    view = _view(qtbot, ctx, evaluation)
    tab = view.responses
    names = lambda: [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())]  # noqa: E731
    assert [n.split()[0] for n in names()] == ["Douai", "Sin-le-Noble"]
    header = tab.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(0) + 5, 5))
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert [n.split()[0] for n in names()] == ["Sin-le-Noble", "Douai"]
    services.questionnaires.new_response(evaluation, COMMUNES, "Arleux", "59023", allow_duplicate=True)
    tab.reload()
    assert [n.split()[0] for n in names()] == ["Sin-le-Noble", "Douai", "Arleux"]
    tab.filter.setText("dou")
    assert [n.split()[0] for n in names()] == ["Douai"]


def test_invitees_added_while_their_tab_is_hidden_are_there_when_it_is_shown(qtbot, ctx, services, evaluation):
    services.questionnaires.new_response(evaluation, COMMUNES, "Douai", "59178")
    view = _view(qtbot, ctx, evaluation)
    view.tabs.setCurrentWidget(view.diffusion)
    assert view.diffusion.model.rowCount() == 2
    view.tabs.setCurrentWidget(view.results)
    ctx.apply(lambda: services.questionnaires.add_invitee(evaluation, "commune", "Arleux", "59023"))
    view.tabs.setCurrentWidget(view.diffusion)
    assert view.diffusion.model.rowCount() == 3
