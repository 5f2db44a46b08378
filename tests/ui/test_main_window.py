"""The main window: welcome screen, new evaluation, step navigation, save indicator, failures."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.core.steps import STEPS
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.welcome import NewEvaluationDialog


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_first_start_shows_welcome_with_the_three_ways_in(qtbot, ctx):
    window = _window(qtbot, ctx)
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.new_button.text().startswith("Nouvelle évaluation")
    assert "démonstration" in window.welcome.demo_button.text()
    assert window.welcome.empty.isVisible()


def test_new_evaluation_opens_its_cadrage(qtbot, ctx, services, monkeypatch):
    window = _window(qtbot, ctx)

    def fake_exec(dialog: NewEvaluationDialog) -> int:
        dialog.territory.setText("Métropole de test")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(NewEvaluationDialog, "exec", fake_exec)
    window.new_evaluation()
    assert window.pages.currentWidget() is window.workspace
    assert window.side_title.text() == "Métropole de test"
    assert window.content.currentWidget() is window.views["cadrage"]
    assert [e.territory_name for e in services.evaluations.list()] == ["Métropole de test"]


def test_new_evaluation_dialog_requires_a_territory(qtbot):
    dialog = NewEvaluationDialog()
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() == 0
    assert "territoire" in dialog.error.text()


def test_demo_from_welcome_then_keyboard_navigation(qtbot, ctx, services):
    window = _window(qtbot, ctx)
    window.welcome.demo_button.click()
    assert window.pages.currentWidget() is window.workspace
    assert window.steps.currentItem().data(Qt.ItemDataRole.UserRole) == "cadrage"
    # every step is reachable and shows a page (built or "à venir")
    for i, step in enumerate(STEPS, start=1):
        window.show_step(step.id)
        assert window.content.currentWidget() is window.views[step.id]
        assert window.steps.currentRow() == i - 1
    # the demo's frame is filled in, but its fictional codes are unknown to the official
    # reference: once the Cadrage has read it, the navigation says the step is not done
    qtbot.waitUntil(lambda: "codes à vérifier" in window.steps.item(0).toolTip(), timeout=10000)
    assert window.steps.item(0).text().startswith("◐")
    # reopening the demo does not create a second one
    window.show_welcome()
    window.welcome.demo_button.click()
    assert sum(1 for e in services.evaluations.list() if "démonstration" in e.title) == 1


def test_save_indicator_and_a_failed_save_keeps_previous_data(qtbot, ctx, services, evaluation_id, monkeypatch):
    window = _window(qtbot, ctx)
    window.open_evaluation(evaluation_id, "cadrage")
    view = window.views["cadrage"]
    view.territory.siren.set_value("")
    view.territory.siren.edit.setText("200044618")
    view.territory.siren.flush()
    assert window.save_label.text().startswith("✔ Enregistré")
    assert services.evaluations.cadrage(evaluation_id).fields["siren"] == "200044618"

    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(services.evaluations, "update_evaluation", disk_full)
    view.territory.siren.edit.setText("200099919")
    view.territory.siren.flush()
    assert window.save_label.text() == "⚠ Non enregistré"
    assert "disque est plein" in window.statusBar().currentMessage()
    monkeypatch.undo()
    assert services.evaluations.cadrage(evaluation_id).fields["siren"] == "200044618"
    assert QApplication.instance() is not None  # the window is still alive


def test_crash_handler_writes_a_crash_file(tmp_path, monkeypatch, capsys):
    import sys
    import threading

    from desktop_app import paths
    from desktop_app.ui.crash import install_crash_handler

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_crash_handler()
    try:
        raise RuntimeError("boum")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    crashes = list((paths.log_dir() / "plantages").glob("plantage-*.txt"))
    report = crashes[0].read_text(encoding="utf-8") if len(crashes) == 1 else ""
    # where and what kind of error, never its message (it may quote what the user typed)
    assert "RuntimeError (message non enregistré" in report and "RuntimeError: boum" not in report
    assert "Erreur inattendue" in capsys.readouterr().err


def test_qt_standard_texts_are_french(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_app.ui.app import install_french

    install_french(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.Cancel)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Oui", "Annuler"}


def test_hidden_screens_catch_up_when_shown_instead_of_reloading_on_every_save(qtbot, ctx, services, evaluation_id):
    window = _window(qtbot, ctx)
    window.open_evaluation(evaluation_id, "terrain")
    terrain = window.views["terrain"]
    terrain._refresher.flush()
    assert terrain.tabs.tabText(2) == "Suivi des engagements (0)"
    reloads = []
    original = terrain.commitments.reload
    terrain.commitments.reload = lambda: (reloads.append(1), original())[1]

    window.show_step("cadrage")
    for _ in range(3):  # three commitments recorded while Terrain is hidden (e.g. from another screen)
        ctx.apply(lambda: services.commitments.add_commitment(evaluation_id))
    terrain._refresher.flush()
    assert reloads == []  # nothing rebuilt behind the user's back
    assert terrain.tabs.tabText(2) == "Suivi des engagements (0)"

    window.show_step("terrain")  # shown again: it catches up once
    terrain._refresher.flush()
    assert reloads == [1]
    assert terrain.tabs.tabText(2) == "Suivi des engagements (3)"
    assert terrain.commitments.count() == 3

    ctx.apply(lambda: services.commitments.add_commitment(evaluation_id))  # visible: at once
    terrain._refresher.flush()
    assert terrain.tabs.tabText(2) == "Suivi des engagements (4)"


class _HeldTasks:
    """A task runner that keeps tasks until the test runs them (a slow background count)."""

    def __init__(self):
        self.queue = []

    def run(self, fn, on_done=None, on_error=None, on_progress=None, writes=False, owner=None):
        self.queue.append((fn, on_done))

    def finish_one(self):
        fn, on_done = self.queue.pop(0)
        on_done(fn(None))


def test_step_marks_are_recounted_in_the_background_once_per_burst_of_saves(qtbot, ctx, services, evaluation_id):
    window = _window(qtbot, ctx)
    window.open_evaluation(evaluation_id, "cadrage")
    held = _HeldTasks()
    ctx.tasks = held
    window.refresh_states()
    for field, value in (("siren", "200044618"), ("title", "Évaluation 2026")):  # typing goes on meanwhile
        ctx.apply(lambda f=field, v=value: services.evaluations.update_evaluation(evaluation_id, f, v))
    assert len(held.queue) == 1  # one count at a time
    held.finish_one()
    assert len(held.queue) == 1  # ...and exactly one more for what changed during the first
    held.finish_one()
    assert held.queue == []
    from desktop_app.services.progress import step_states
    from desktop_app.ui.main_window import STATE_MARKS

    final = step_states(services, evaluation_id)  # the marks shown are those of the last count
    assert window.steps.item(0).text() == f"{STATE_MARKS[final['cadrage'].state]}  Cadrage"


def test_after_an_answer_only_the_area_reading_answers_is_recounted(qtbot, ctx, services, demo_id, monkeypatch):
    from desktop_app.kit.forms import compile_tool, iter_fields
    from desktop_app.services.progress import step_states

    window = _window(qtbot, ctx)
    window.open_evaluation(demo_id, "cadrage")
    referentiel = services.forms.find(demo_id, tool_id="referentiel")[0]
    kit = services.kits.latest()
    key = next(f.id for f in iter_fields(compile_tool(kit, "referentiel")) if f.type in ("text", "long_text"))
    asked = []
    for name in ("actions", "councils", "maturity", "letters", "referentiel"):
        service = getattr(services, name)
        original = service.step_states
        monkeypatch.setattr(service, "step_states", lambda eid, n=name, f=original: (asked.append(n), f(eid))[1])

    ctx.apply(lambda: services.forms.set_answer(referentiel.id, key, "Saisi dans le référentiel"))
    assert asked == ["referentiel"]  # not the actions, councils, maturity scales or letter
    assert window._states == step_states(services, demo_id)

    asked.clear()
    services.forms.set_status(referentiel.id, "complete", "fini")  # a sheet completed: every count
    ctx.apply(lambda: services.forms.set_status(referentiel.id, "draft"))
    assert sorted(asked) == ["actions", "councils", "letters", "maturity", "referentiel"]
    assert window._states == step_states(services, demo_id)
