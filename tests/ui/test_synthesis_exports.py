"""The Exports screen: export in the background with a progress bar, cancel an export in
progress (nothing half-written is left), list and open the files produced."""

from __future__ import annotations

from desktop_app.ui.app import build_context
from desktop_app.ui.tasks import TaskRunner
from desktop_app.ui.views.exports.view import ExportsView


def _prepare(services, evaluation_id):
    for org in ("Région", "CAF"):
        services.evaluations.add_row("partner", evaluation_id, {"organisation": org, "contact": "Mme X", "role": "Cheffe"})


def _view(qtbot, ctx, evaluation_id, folder) -> ExportsView:
    view = ExportsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1200, 860)
    view.show()
    qtbot.waitExposed(view)
    view.panel.folder.setText(str(folder))
    return view


def test_export_pdf_and_letters(qtbot, ctx, services, evaluation_id, tmp_path):
    _prepare(services, evaluation_id)
    view = _view(qtbot, ctx, evaluation_id, tmp_path / "exports")
    panel = view.panel
    panel.checks["xlsx"].setChecked(False)
    panel.checks["letters"].setChecked(True)
    panel.single.setChecked(True)
    panel.letters_format.setCurrentIndex(panel.letters_format.findData("pdf"))
    panel.export_button.click()  # the test context runs tasks synchronously
    files = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert len(files) == 2 and files[0].startswith("Courriers aux partenaires") and files[0].endswith(".pdf")
    assert files[1].startswith("Synthèse de l'évaluation — CA du Douaisis")
    assert panel.results.count() == 2 and panel.open_folder.isEnabled()
    assert panel.status.text().startswith("✔ Export terminé : 2 fichier(s)")
    assert "Champs à compléter" in panel.status.text()  # the letter options are not filled in
    assert panel.progress.value() == panel.progress.maximum()
    assert panel.export_button.isEnabled() and not panel.cancel_button.isEnabled() and panel.checks["pdf"].isEnabled()
    assert ctx.settings.get("export/folder") == str(tmp_path / "exports")


def test_cancel_an_export_in_progress(qtbot, services, evaluation_id, tmp_path):
    _prepare(services, evaluation_id)
    ctx = build_context(services, tmp_path / "prefs.ini", tasks=TaskRunner())  # a real worker thread
    folder = tmp_path / "exports"
    view = _view(qtbot, ctx, evaluation_id, folder)
    panel = view.panel
    panel.checks["letters"].setChecked(True)
    reports = []
    original = panel._progress

    def progress(done, total, text):
        reports.append(text)
        original(done, total, text)
        if len(reports) == 2:
            panel.cancel_button.click()  # the user cancels while the PDF is being written

    panel._progress = progress
    panel.export_button.click()
    assert panel.cancel_button.isEnabled() and not panel.export_button.isEnabled()
    qtbot.waitUntil(lambda: panel.handle is None, timeout=60000)
    ctx.tasks.wait()
    assert panel.status.text() == "Export annulé : aucun fichier incomplet n'a été laissé dans le dossier."
    assert not folder.exists() or list(folder.iterdir()) == []
    assert panel.export_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert panel.results.count() == 0


def test_letter_options_are_edited_in_the_exports_step(qtbot, ctx, services, evaluation_id, tmp_path):
    view = _view(qtbot, ctx, evaluation_id, tmp_path)
    assert view.tabs.count() == 2
    editor = view.letter_editor
    assert editor.renderer.form.tool_id == "courrier-partenaires"
    editor.renderer.answerChanged.emit("atelier_lieu", "Hôtel de ville")
    assert services.letters.letter_options(evaluation_id).answers["atelier_lieu"] == "Hôtel de ville"


def test_letters_with_a_past_atelier_ask_for_confirmation(qtbot, ctx, services, evaluation_id, tmp_path):
    import datetime as dt

    _prepare(services, evaluation_id)
    today = dt.date.today()
    options = services.letters.letter_options(evaluation_id)
    services.forms.set_answers(options.id, {"atelier_date": (today - dt.timedelta(days=2)).isoformat(), "atelier_heure": "14:00",
                                            "atelier_lieu": "Hôtel de ville", "date_limite": (today - dt.timedelta(days=9)).isoformat()})
    folder = tmp_path / "exports"
    view = _view(qtbot, ctx, evaluation_id, folder)
    panel = view.panel
    panel.checks["pdf"].setChecked(False)
    panel.checks["xlsx"].setChecked(False)
    panel.checks["letters"].setChecked(True)
    asked = []
    panel.confirm_past_dates = lambda past: asked.append(past) or False  # the user answers « Annuler »
    panel.export_button.click()
    assert len(asked) == 1 and "est déjà passé" in asked[0][0]
    assert "Export non lancé" in panel.status.text() and not folder.exists()

    panel.confirm_past_dates = lambda past: asked.append(past) or True  # « Exporter quand même »
    panel.export_button.click()
    assert len(asked) == 2 and len(list(folder.iterdir())) == 1
    assert "Courriers exportés malgré une date passée" in panel.status.text()
