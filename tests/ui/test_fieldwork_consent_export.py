"""Testimonies recorded through the Terrain view, one with consent and one without, then exported
with the view's own « Exporter vers Excel… » button (synchronous task runner): the workbook holds the
consented testimony under its pseudonym with its words, nothing of the refused one, and no real name."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from desktop_app.ui.views.terrain.view import TESTIMONIES, TerrainView
from tests.ui.form_helpers import click_choice, type_text


def test_consent_decides_what_the_view_exports(qtbot, ctx, services, evaluation_id, tmp_path, monkeypatch):
    view = TerrainView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    view.tabs.setCurrentIndex(TESTIMONIES)
    tab = view.testimonies

    # with consent to its use; a real name slips into the context
    tab.new_record("testimony")
    agreed = tab.current_id
    renderer = tab.sheet.renderer
    assert renderer.answers()["code_pseudonyme"] == "T01"
    type_text(qtbot, renderer, "texte_temoignage", "Les horaires du centre social ne collent pas au travail de nuit.")
    click_choice(qtbot, renderer, "consentement_utilisation", "Oui")
    qtbot.waitUntil(lambda: "Utilisation autorisée" in tab.banner.use.text())
    type_text(qtbot, renderer, "contexte", " Recueilli avec Mme Lefort devant le marche.")
    qtbot.waitUntil(lambda: tab.banner.privacy.isVisible())  # the name is flagged

    # without consent
    tab.new_record("testimony")
    refused = tab.current_id
    assert refused != agreed and tab.sheet.renderer.answers()["code_pseudonyme"] == "T02"
    type_text(qtbot, tab.sheet.renderer, "texte_temoignage", "Je refuse que mes propos soient repris.")
    click_choice(qtbot, tab.sheet.renderer, "consentement_utilisation", "Non")
    qtbot.waitUntil(lambda: "Utilisation refusée" in tab.banner.use.text())
    assert services.terrain.testimony(agreed).usable and not services.terrain.testimony(refused).usable

    # the view's export action: save dialog answered, summary box acknowledged
    out = tmp_path / "terrain.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Classeur Excel (*.xlsx)"))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]) or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: told.append("ERREUR " + a[2]))
    export = next(b for b in view.findChildren(QPushButton) if b.text() == "Exporter vers Excel…")
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    assert out.exists(), told
    assert told and not told[0].startswith("ERREUR")

    book = load_workbook(out)
    rows = list(book["Témoignages"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["T01"]
    assert any("travail de nuit" in str(c) for c in rows[1] if c)
    everything = " ".join(str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "T01" in everything and "travail de nuit" in everything
    assert "T02" not in everything and "Je refuse" not in everything
    assert "Lefort" not in everything
