"""Recording a workshop through its guide, as a note-taker would: create it, fill in the session's
facts, type notes step by step, mark it complete, close and find everything again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from desktop_app.services.app_services import Services
from desktop_app.ui.app import build_context
from desktop_app.ui.tasks import SyncTaskRunner
from desktop_app.ui.views.ateliers.view import AteliersView


def _view(qtbot, ctx, evaluation_id) -> AteliersView:
    view = AteliersView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return view


def _type_in(qtbot, renderer, field_id: str, text: str) -> None:
    renderer.go_to_page([p.id for p in renderer.form.pages].index(_page_of(renderer, field_id)))
    edit = renderer.row(field_id).findChild(QPlainTextEdit)
    edit.setFocus()
    qtbot.keyClicks(edit, text)


def _page_of(renderer, field_id: str) -> str:
    return next(p.id for p in renderer.form.pages if any(f.id == field_id for f in p.fields))


def test_record_a_workshop_through_the_guide(qtbot, ctx, services, db_path, evaluation_id, tmp_path, complete_dialog):
    view = _view(qtbot, ctx, evaluation_id)
    assert view.stack.currentWidget() is view.empty
    view.new_workshop("guide-partenaires")
    editor = view.editor
    assert view.stack.currentWidget() is editor
    workshop_id = editor.workshop.id
    assert view.tree.current() == ("workshop", workshop_id)

    # the session's facts: date typed the French way, participants counted by profile
    details = editor.details
    editor.tabs.setCurrentWidget(details)
    details.date.edit.setFocus()
    qtbot.keyClicks(details.date.edit, "10/02/2026")
    qtbot.keyClick(details.date.edit, Qt.Key.Key_Tab)
    details.place.edit.setFocus()
    qtbot.keyClicks(details.place.edit, "Salle du conseil")
    qtbot.keyClick(details.place.edit, Qt.Key.Key_Tab)
    details.counts["etat"].setValue(4)
    details.counts["associations"].setValue(7)
    assert details.total.text() == "Total : 11 participants"

    # notes, verbatims, forces / faiblesses / préconisations, step by step of the guide
    editor.tabs.setCurrentIndex(0)
    renderer = editor.notes.renderer
    _type_in(qtbot, renderer, "gouvernance_q1", "Le COPIL se reunit une fois par an.")
    _type_in(qtbot, renderer, "gouvernance_verbatims", '"On se voit beaucoup, on decide peu." (une commune)')
    _type_in(qtbot, renderer, "forces", "Confiance entre techniciens")
    _type_in(qtbot, renderer, "faiblesses", "Engagements non suivis")
    _type_in(qtbot, renderer, "preconisations", "1. Un tableau de suivi relu en COPIL")
    editor.flush()

    w = services.workshops.workshop(workshop_id)
    assert (w.date, w.place, w.participants) == (
        "2026-02-10",
        "Salle du conseil",
        {"etat": 4, "associations": 7},
    )
    answers = services.forms.get(w.response_id).answers
    assert answers["gouvernance_q1"] == "Le COPIL se reunit une fois par an."
    assert answers["forces"] == "Confiance entre techniciens"
    assert answers["preconisations"] == "1. Un tableau de suivi relu en COPIL"
    qtbot.waitUntil(lambda: "Mardi 10 février 2026" in editor.meta.text())
    assert "11 participants" in editor.meta.text()

    # « terminé » with most questions blank: what is missing is listed; going back keeps a draft
    qtbot.mouseClick(editor.complete_button, Qt.MouseButton.LeftButton)
    assert any("sans réponse" in item for item in complete_dialog.seen[-1])
    assert services.forms.get(w.response_id).status == "draft"
    # « Terminer quand même » with a reason: complete, the reason stored and shown
    complete_dialog.reason = "Séance écourtée : deux thèmes seulement"
    qtbot.mouseClick(editor.complete_button, Qt.MouseButton.LeftButton)
    saved = services.forms.get(w.response_id)
    assert saved.status == "complete" and saved.status_comment == "Séance écourtée : deux thèmes seulement"
    qtbot.waitUntil(lambda: editor.complete_button.text() == "Rouvrir la fiche")
    qtbot.waitUntil(lambda: "Séance écourtée" in editor.meta.text())
    view.close()
    services.close()

    reopened = Services.open(db_path)
    ctx2 = build_context(reopened, tmp_path / "prefs2.ini", tasks=SyncTaskRunner())
    view2 = _view(qtbot, ctx2, evaluation_id)
    assert view2.tree.current() == ("workshop", workshop_id)
    assert view2.editor.notes.renderer.answers()["faiblesses"] == "Engagements non suivis"
    assert "fiche terminée" in view2.editor.meta.text()
    reopened.close()


def test_working_group_sessions_are_listed_under_their_theme(
    qtbot, ctx, services, evaluation_id, monkeypatch
):
    from desktop_app.ui.views.ateliers import view as view_module

    class FakeDialog:
        def __init__(self, themes, taken, parent=None):
            assert ("scolarite", "Accompagnement et aide à la scolarité") in themes

        def exec(self):
            return True

        def value(self):
            return "scolarite"

    monkeypatch.setattr(view_module, "NewWorkingGroupDialog", FakeDialog)
    view = _view(qtbot, ctx, evaluation_id)
    view.new_workshop("groupe-travail")
    [group] = services.workshops.working_groups(evaluation_id)
    assert view.editor.workshop.id == group.sessions[0].id
    # only this session's step of the guide is shown
    assert [p.id for p in view.editor.notes.renderer.form.pages] == [
        "_presentation", "session_1", "session_1_demarche", "session_1_etat_lieux", "session_1_pause",
        "session_1_questions", "session_1_organisation",
    ]
    assert view.tree.select("group", group.series_id)
    assert view.stack.currentWidget() is view.group
    assert "Séance 3" in view.group.body.text()


def test_an_immersion_is_added_to_a_working_group_from_its_overview(qtbot, ctx, services, evaluation_id):
    from desktop_app.ui.main_window import MainWindow

    services.workshops.create_working_group(evaluation_id, "aller_vers")
    [group] = services.workshops.working_groups(evaluation_id)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.open_evaluation(evaluation_id, "ateliers")
    ateliers = window.views["ateliers"]
    assert ateliers.tree.select("group", group.series_id)
    qtbot.mouseClick(ateliers.group.add_immersion, Qt.MouseButton.LeftButton)
    terrain = window.views["terrain"]
    assert window.content.currentWidget() is terrain
    [immersion] = services.terrain.immersions(evaluation_id)
    assert immersion.series_id == group.series_id and immersion.theme == "aller_vers"
    assert (
        terrain.tabs.currentWidget() is terrain.immersions and terrain.immersions.current_id == immersion.id
    )
    assert terrain.immersions.group.currentData() == group.series_id
    window.close()


def test_the_list_says_it_loads_then_shows_the_workshops(qtbot, ctx, services, evaluation_id):
    """The workshops are read in the background: the screen says so, then lists them and opens the
    first one; a workshop created meanwhile is selected once the list is read again."""
    from deferred_tasks import DeferredTaskRunner

    workshops_service = services.workshops
    first = workshops_service.create_workshop(evaluation_id, "guide-partenaires").id
    ctx.tasks = DeferredTaskRunner()
    view = AteliersView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.stack.currentWidget() is view.loading and view.loading.isVisible()
    assert view.loading.text() == "Chargement des ateliers…"
    assert view.tree.topLevelItemCount() == 0
    ctx.tasks.finish()
    assert view.stack.currentWidget() is view.editor
    assert view.tree.current() == ("workshop", first)
    assert view.tree.topLevelItem(0).text(0).endswith("(1)")
    view.new_workshop("guide-partenaires")
    assert view.tree.current() == ("workshop", first)  # the new list is being read
    assert view.stack.currentWidget() is view.editor  # the list stays on screen meanwhile
    ctx.tasks.finish()
    second = next(w.id for w in workshops_service.workshops(evaluation_id) if w.id != first)
    assert view.tree.current() == ("workshop", second)
    assert view.editor.workshop.id == second
    assert view.tree.topLevelItem(0).text(0).endswith("(2)")
