"""Recording testimonies with and without consent: the pseudonym is given, consent is asked with
two separate choices, a name typed in the text is flagged, a recording needs consent, and only the
testimonies whose author agreed end up in the Excel export."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.ui.views.terrain import shared
from desktop_app.ui.views.terrain import testimonies as testimonies_view
from tests.ui.form_helpers import click_choice, type_text


def _tab(qtbot, ctx, evaluation_id):
    tab = testimonies_view.TestimoniesTab(ctx, evaluation_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 850)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _cell(tab, row: int, column: int) -> str:
    """The text the table shows in a cell."""
    table = tab.table
    return table.model().index(row, column).data()


def test_testimony_with_and_without_consent(qtbot, ctx, services, evaluation_id, tmp_path, monkeypatch, complete_dialog):
    terrain_service = services.terrain
    tab = _tab(qtbot, ctx, evaluation_id)
    assert tab.right.currentWidget() is tab.empty

    # a testimony whose author agrees to its use, not to the broadcast of their voice
    tab.new_record("testimony")
    first = tab.current_id
    renderer = tab.sheet.renderer
    assert renderer.answers()["code_pseudonyme"] == "T01"  # a code, never a name
    assert "Accord d'utilisation à recueillir" in tab.banner.use.text()
    click_choice(qtbot, renderer, "profil", "Habitant·e")
    type_text(qtbot, renderer, "texte_temoignage", "Le bus passe une fois par mois, c'est trop peu.")
    click_choice(qtbot, renderer, "consentement_utilisation", "Oui")
    click_choice(qtbot, renderer, "consentement_diffusion", "Non")
    qtbot.waitUntil(lambda: "Utilisation autorisée" in tab.banner.use.text())
    assert "Pas de diffusion" in tab.banner.cast.text()
    t = terrain_service.testimony(first)
    assert (t.consent_use, t.consent_broadcast, t.profile) == (True, False, "habitant")
    assert _cell(tab, 0, 2) == "✔ Oui" and _cell(tab, 0, 3) == "✖ Non"

    # a name slips into the text: flagged, but the words are saved
    type_text(qtbot, renderer, "contexte", " Recueilli avec Mme Lefort au centre social.")
    qtbot.waitUntil(lambda: tab.banner.privacy.isVisible())
    assert "Lefort" in tab.banner.privacy.text()
    assert _cell(tab, 0, 5) == "⚠"
    assert "Mme Lefort" in services.forms.get(t.response_id).answers["contexte"]

    # a second testimony, whose author refuses its use
    tab.new_record("testimony")
    second = tab.current_id
    assert second != first and tab.sheet.renderer.answers()["code_pseudonyme"] == "T02"
    type_text(qtbot, tab.sheet.renderer, "texte_temoignage", "Je ne veux pas que ce soit repris.")
    click_choice(qtbot, tab.sheet.renderer, "consentement_utilisation", "Non")
    qtbot.waitUntil(lambda: "Utilisation refusée" in tab.banner.use.text())
    assert not terrain_service.testimony(second).usable

    # recording without consent: the facilitator is asked, and can decline
    audio = tmp_path / "T02.wav"
    audio.write_bytes(b"RIFF....WAVEfmt ")
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    tab.audio.add_files([audio])
    assert asked and "accord" in asked[0] and tab.audio.count() == 0
    tab.select(first)
    tab.audio.add_files([audio])  # consent given: no question
    assert len(asked) == 1 and tab.audio.count() == 1

    # the filter shows the sheets without consent
    tab.filter.setCurrentIndex(tab.filter.findData("no_consent"))
    assert [x.id for x in tab.shown] == [second]
    tab.filter.setCurrentIndex(0)

    # the Excel export keeps only the testimony with consent, under its code
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    out = tmp_path / "terrain.xlsx"
    shared.export_to(tab, ctx, evaluation_id, out)
    rows = list(load_workbook(out)["Témoignages"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["T01"]
    every_cell = " ".join(str(c) for r in rows for c in r if c)
    assert "Je ne veux pas" not in every_cell and "Lefort" not in every_cell

    # marking the first sheet complete checks its required answers first
    tab.select(first)
    qtbot.mouseClick(tab.complete, Qt.MouseButton.LeftButton)
    assert any("Support" in item for item in complete_dialog.seen[-1])
    assert services.forms.get(terrain_service.testimony(first).response_id).status == "draft"
    click_choice(qtbot, tab.sheet.renderer, "support", "Écrit (notes ou texte remis par la personne)")
    complete_dialog.reason = "La personne n'a pas souhaité en dire plus"
    qtbot.mouseClick(tab.complete, Qt.MouseButton.LeftButton)
    assert not any("Support" in item for item in complete_dialog.seen[-1])
    saved = services.forms.get(terrain_service.testimony(first).response_id)
    assert saved.status == "complete" and saved.status_comment == "La personne n'a pas souhaité en dire plus"
    assert tab.complete.text() == "Rouvrir la fiche"
    assert "Terminée avec des manques" in tab.sheet.note_label.text()
