"""Nothing typed is lost: invalid text is kept « à corriger », survives closing and reopening,
is listed before « Marquer comme complète » and when the window closes, and never counts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.services.app_services import Services
from desktop_app.ui.app import build_context
from desktop_app.ui.tasks import SyncTaskRunner
from desktop_app.ui.views.questionnaires.view import QuestionnairesView
from desktop_app.ui.widgets.completion import confirm_close
from tests.ui.form_helpers import open_questionnaires

COMMUNES = "questionnaire-communes"
TYPED = "environ un et demi"


@pytest.fixture
def evaluation(services):
    eid = services.evaluations.create("CA du Douaisis")
    services.evaluations.add_row("commune", eid, {"name": "Sin-le-Noble", "insee": "59569"})
    return eid


def _view(qtbot, ctx, evaluation) -> QuestionnairesView:
    return open_questionnaires(qtbot, ctx, evaluation)


def _type(qtbot, renderer, field_id: str, text: str) -> None:
    target = renderer.row(field_id).editor.focus_target()
    renderer.go_to_field(field_id)
    target.setFocus()
    target.selectAll()
    qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Tab)


def test_invalid_text_in_a_decimal_field_survives_closing_and_never_counts(
    qtbot, ctx, services, evaluation, db_path, tmp_path, complete_dialog
):
    rid = services.questionnaires.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    services.forms.set_answer(rid, "nom_commune", "Sin-le-Noble")
    view = _view(qtbot, ctx, evaluation)
    tab = view.responses
    view.tabs.setCurrentWidget(tab)
    tab.select(rid)
    renderer = tab.renderer
    _type(qtbot, renderer, "credits_specifiques", "12 500")
    _type(qtbot, renderer, "credits_specifiques", TYPED)
    row = renderer.row("credits_specifiques")
    assert row.error_label.isVisible() and "nombre" in row.error_label.text()
    assert row.draft_label.isVisible() and row.draft_label.text().startswith("À corriger")
    assert "12\u00a0500" in row.draft_label.text()  # the answer still stored is said
    stored = services.forms.get(rid)
    assert stored.drafts == {"credits_specifiques": TYPED}
    assert stored.answers["credits_specifiques"] == 12500  # the draft never replaces an answer

    # its section is marked, and it is listed before « Marquer comme complète »
    index = next(i for i, p in enumerate(renderer.form.pages) if any(f.id == "credits_specifiques" for f in p.fields))
    assert renderer.page_list.item(index).text().endswith("à corriger")
    qtbot.mouseClick(tab.complete_button, Qt.MouseButton.LeftButton)
    assert any(TYPED in item and "à corriger" in item for item in complete_dialog.seen[-1])
    assert services.forms.get(rid).status == "draft"

    # closing says so and offers to go to the field
    clicked = []

    def stay(box: QMessageBox):
        clicked.append(box.text())
        return next(b for b in box.buttons() if b.text() == "Aller au champ")

    assert not confirm_close(view, {"questionnaires": view}, lambda _step: None, exec_box=stay)
    assert "Un champ est à corriger" in clicked[0] and TYPED in clicked[0]
    view.close()
    services.close()

    # reopened: the text is there, « à corriger »; results do not count it
    reopened = Services.open(db_path)
    try:
        ctx2 = build_context(reopened, tmp_path / "prefs2.ini", tasks=SyncTaskRunner())
        view2 = _view(qtbot, ctx2, evaluation)
        view2.tabs.setCurrentWidget(view2.responses)
        view2.responses.select(rid)
        row2 = view2.responses.renderer.row("credits_specifiques")
        view2.responses.renderer.go_to_field("credits_specifiques")
        assert row2.editor.edit.text() == TYPED
        assert row2.draft_label.isVisible() and row2.error_label.isVisible()
        results = reopened.questionnaires.results(evaluation, COMMUNES)
        texts = repr(results)
        assert TYPED not in texts

        # corrected: the draft goes, the new answer counts
        _type(qtbot, view2.responses.renderer, "credits_specifiques", "1 500,50")
        saved = reopened.forms.get(rid)
        assert saved.drafts == {} and saved.answers["credits_specifiques"] == 1500.5
        assert not row2.draft_label.isVisible()
        view2.close()
    finally:
        reopened.close()


def test_drafts_service_keeps_one_key_and_a_valid_answer_clears_it(services, evaluation):
    rid = services.questionnaires.new_response(evaluation, COMMUNES, "Sin-le-Noble", "59569")
    services.forms.set_draft(rid, "credits_specifiques", TYPED)
    services.forms.set_draft(rid, "nb_qpv", "deux ou trois")
    services.forms.set_answer(rid, "nb_qpv", 2)  # a valid answer replaces that draft only
    data = services.forms.get(rid)
    assert data.drafts == {"credits_specifiques": TYPED} and data.answers.get("nb_qpv") == 2
    assert "credits_specifiques" not in data.answers
    assert any("à corriger" in p for p in services.questionnaires.problems(rid))
    services.questionnaires.set_answer(rid, "credits_specifiques", 1500.5)  # its own save path too
    assert services.forms.get(rid).drafts == {}
    services.forms.set_draft(rid, "credits_specifiques", TYPED)
    services.forms.set_draft(rid, "credits_specifiques", None)
    assert services.forms.get(rid).drafts == {}
