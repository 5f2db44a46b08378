"""The Référentiel screen: type an indicator's value and appreciation, see the matrix colour it,
link a piece of evidence to the indicator being edited, open an indicator from the matrix."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from desktop_app.ui.views.referentiel.evidence import EvidenceDialog
from desktop_app.ui.views.referentiel.view import ReferentielView


def _view(qtbot, ctx, evaluation_id) -> ReferentielView:
    view = ReferentielView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1500, 900)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return view


def _cell_color(view, code: str) -> str:
    t = view.matrix.table
    for r in range(t.rowCount()):
        for c in range(t.columnCount()):
            item = t.item(r, c)
            if item is not None and item.text() == code:
                return item.background().color().name()
    raise AssertionError(code)


def test_fill_an_indicator_and_see_the_matrix(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    assert _cell_color(view, "1.1.a") == "#eef1f4"  # not appreciated yet
    renderer = view.editor.renderer
    value = renderer.row("gouv_1_a.valeur")
    value.focus()
    qtbot.keyClicks(QApplication.focusWidget(), "2 par an")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    button = renderer.row("gouv_1_a.appreciation").editor.buttons["atteint"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    answers = services.referentiel.referentiel(evaluation_id).answers
    assert answers["gouv_1_a.valeur"] == "2 par an" and answers["gouv_1_a.appreciation"] == "atteint"
    qtbot.waitUntil(lambda: _cell_color(view, "1.1.a") == "#2e7d32", timeout=2000)
    assert "1 indicateurs renseignés sur 50" in view.matrix.summary.text()
    # the scale is listed one level per line and keeps the stored values
    labels = [b.accessibleName() for b in renderer.row("gouv_1_a.appreciation").editor.buttons.values()]
    assert "Non renseigné (donnée manquante)" in " ".join(labels)


def test_evidence_follows_the_indicator_being_edited(qtbot, ctx, services, evaluation_id, tmp_path, monkeypatch):
    doc = tmp_path / "releve.txt"
    doc.write_text("Relevé de décisions", encoding="utf-8")
    att = services.attachments.add_file(evaluation_id, "referentiel", "", doc, "Relevé de décisions 2025")
    view = _view(qtbot, ctx, evaluation_id)
    assert view.grid.is_open() and view.grid.docked()  # room enough: the panel is beside the grid
    view.editor.renderer.row("gouv_1_b.source").focus()
    qtbot.waitUntil(lambda: view.evidence.current_indicator() == "gouv_1_b", timeout=1000)

    chosen = next(c for c in services.referentiel.evidence_candidates(evaluation_id) if c.target_id == att.id)
    monkeypatch.setattr(EvidenceDialog, "exec", lambda self: True)
    monkeypatch.setattr(EvidenceDialog, "selected", lambda self: [chosen])
    view.evidence.add_button.click()
    assert [e.label for e in services.referentiel.evidence(evaluation_id, "gouv_1_b")] == ["Relevé de décisions 2025"]
    assert view.evidence.links.item(0).text().endswith("Relevé de décisions 2025")
    assert view.toggle.text() == "Preuves liées (1)"

    view.evidence.links.setCurrentRow(0)
    view.evidence.remove_button.click()
    assert services.referentiel.evidence(evaluation_id, "gouv_1_b") == []
    assert view.toggle.text() == "Preuves liées (0)"


def test_matrix_opens_the_indicator_and_the_panel_becomes_a_drawer_when_narrow(qtbot, ctx, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    view.tabs.setCurrentIndex(1)
    view.matrix.indicatorClicked.emit("dc_2_b")
    assert view.tabs.currentIndex() == 0
    assert view.editor.renderer.current_page() == 1  # "2. Droit commun"
    assert view.evidence.current_indicator() == "dc_2_b"

    view.resize(1000, 800)
    qtbot.waitUntil(lambda: not view.grid.docked(), timeout=1000)
    assert not view.grid.is_open() and not view.toggle.isChecked()
    view.toggle.click()
    assert view.grid.is_open() and view.evidence.isVisible()
    assert view.evidence.geometry().right() == view.grid.width() - 1  # drawn over the grid's right edge


def test_matrix_shows_at_once_and_its_chart_after_loading(qtbot, ctx, services, evaluation_id):
    """Coming back to a référentiel under way: the matrix is there at once, the distribution
    chart says it is loading until it is drawn in the background, the grid opens from its tab."""
    from deferred_tasks import DeferredTaskRunner

    ref = services.referentiel.referentiel(evaluation_id)
    services.forms.set_answer(ref.id, "gouv_1_a.valeur", "4 comités")
    services.forms.set_answer(ref.id, "gouv_1_a.appreciation", "atteint")
    ctx.tasks = DeferredTaskRunner()
    view = ReferentielView(ctx, evaluation_id)
    qtbot.addWidget(view)
    assert view.body.currentWidget() is view.loading and view.loading.text() == "Chargement du référentiel…"
    assert ctx.tasks.finish_waiting() == 1
    assert view.body.currentWidget() is view.tabs
    assert view.tabs.currentWidget() is view.matrix
    assert "1 indicateurs renseignés sur 50" in view.matrix.summary.text()
    assert _cell_color(view, "1.1.a") != "#eef1f4"
    assert not view.matrix.chart.has_image()
    assert view.matrix.chart.placeholder() == "Chargement du graphique…"
    ctx.tasks.finish()
    assert view.matrix.chart.has_image() and not view.matrix.chart.placeholder()
    view.tabs.setCurrentIndex(0)
    assert view.editor.renderer.row("gouv_1_a.valeur").value() == "4 comités"
    assert view.evidence.current_indicator() == "gouv_1_a"


def test_computed_value_beside_the_appreciation_and_override_asks_for_a_reason(qtbot, ctx, services, evaluation_id):
    for status in ("realise", "en_cours", "non_engage", "realise"):
        services.commitments.add_commitment(evaluation_id, {"title": "Engagement", "status": status})
    view = _view(qtbot, ctx, evaluation_id)
    renderer = view.editor.renderer
    view.open_indicator("dc_1_b")
    note = renderer.row("dc_1_b._calcul")
    texts = lambda: " ".join(label.text() for label in note.findChildren(QLabel))  # noqa: E731
    assert "Valeur calculée : 75\u00a0% — appréciation suggérée : Atteint" in texts()
    assert "n\u00a0=\u00a04" in texts() and "Suivi des engagements" in texts() and "Cible : 75\u00a0%" in texts()
    assert "motif" not in texts()
    value = renderer.row("dc_1_b.valeur")
    value.focus()
    qtbot.keyClicks(QApplication.focusWidget(), "40 %")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "Écart avec le calcul : indiquez-en le motif" in texts(), timeout=2000)
    reason = renderer.row("dc_1_b.motif_ajustement")
    reason.focus()
    qtbot.keyClicks(QApplication.focusWidget(), "Deux engagements bloques")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "Écart avec le calcul, motif : Deux engagements bloques" in texts(), timeout=2000)
    answers = services.referentiel.referentiel(evaluation_id).answers
    assert answers["dc_1_b.valeur"] == "40 %" and answers["dc_1_b.motif_ajustement"] == "Deux engagements bloques"


def test_a_computed_note_built_after_a_change_shows_the_new_value(qtbot, ctx, services, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    renderer = view.editor.renderer
    assert renderer.built_row("dc_1_b._calcul") is None  # in a section not shown yet
    for status in ("realise", "en_cours", "non_engage", "realise"):
        ctx.apply(lambda status=status: services.commitments.add_commitment(evaluation_id, {"title": "Engagement", "status": status}))
    cell = lambda: next(c for c in view._latest.cells if c.id == "dc_1_b")  # noqa: E731
    qtbot.waitUntil(lambda: cell().computed_text == "75\u00a0%", timeout=3000)  # read again
    view.open_indicator("dc_1_b")  # its section and its rows built now, from the form read at first
    note = renderer.row("dc_1_b._calcul")
    assert "Valeur calculée : 75\u00a0%" in " ".join(label.text() for label in note.findChildren(QLabel))


def test_a_matrix_cell_far_down_opens_its_indicator_in_the_grid(qtbot, ctx, evaluation_id):
    view = _view(qtbot, ctx, evaluation_id)
    renderer = view.editor.renderer
    values = [f.id for f in view.form.pages[0].fields if f.id.endswith(".valeur")]
    indicator = values[-1].rsplit(".", 1)[0]  # the last one of the first question
    view.open_indicator(indicator)  # as a click on its cell of the matrix
    assert view.evidence.current_indicator() == indicator  # the evidence panel follows at once
    qtbot.waitUntil(lambda: renderer.built_row(f"{indicator}.valeur") is not None
                    and renderer.built_row(f"{indicator}.valeur").editor.edit.hasFocus(), timeout=5000)
    edit = renderer.row(f"{indicator}.valeur").editor.edit
    scroll = renderer.scrolls[0]
    top = edit.mapTo(scroll.viewport(), edit.rect().topLeft()).y()
    assert 0 <= top < scroll.viewport().height()  # on screen
