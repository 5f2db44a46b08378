"""The Terrain step with many records: the testimonies table shows every sheet, sorts on its
columns (codes in natural order, dates by date), filters, follows the keyboard; the overview line
names a few working-group themes then « et N autres »."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.ui.views.terrain import testimonies as testimonies_view
from desktop_app.ui.views.terrain.view import TerrainView, coverage_text


def _codes(tab) -> list[str]:
    model = tab.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_testimonies_table_shows_sorts_and_filters_every_sheet(qtbot, ctx, services, evaluation_id):
    terrain_service = services.terrain
    ids = {}
    for code, consent, keep in (
        ("T10", True, "2031-01-31"),
        ("T2", False, "2027-06-30"),
        ("T1", None, "2028-03-15"),
    ):
        ids[code] = terrain_service.create_testimony(
            evaluation_id,
            answers={"code_pseudonyme": code, "consentement_utilisation": consent, "date_conservation": keep},
        ).id
    for _ in range(9):
        terrain_service.create_testimony(evaluation_id)  # T11 to T19, given automatically
    terrain_service.create_testimony(evaluation_id, "contribution")
    tab = testimonies_view.TestimoniesTab(ctx, evaluation_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 850)
    tab.show()
    qtbot.waitExposed(tab)

    # every sheet is in the table, the first one's sheet is shown
    assert tab.table.model().rowCount() == 13 and len(tab.rows) == 13
    assert tab.current_id == tab.shown[0].id and tab.sheet.renderer is not None
    assert "C01" in _codes(tab)

    # sorting by code is natural (T2 before T10); by retention date, by date and not by its text
    tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _codes(tab)[:4] == ["C01", "T1", "T2", "T10"]
    tab.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    shown_dates = [tab.table.model().index(r, 4).data() for r in range(3)]
    assert shown_dates[:2] == ["30/06/2027", "15/03/2028"]
    assert tab.table.model().index(0, 0).data() == "T2"
    tab.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # « ✔ Oui » first
    assert tab.table.model().index(0, 2).data() == "✔ Oui" and tab.table.model().index(0, 0).data() == "T10"

    # clicking a row shows its sheet; the arrow keys move through the table
    tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    rect = tab.table.visualRect(tab.table.model().index(2, 0))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.current_id == ids["T2"] and tab.sheet.record_id == ids["T2"]
    assert "T2" in tab.title.text()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    assert tab.current_id == ids["T10"] and tab.sheet.record_id == ids["T10"]

    # filters and search
    tab.filter.setCurrentIndex(tab.filter.findData("contribution"))
    assert _codes(tab) == ["C01"] and tab.title.text() == "Contribution C01"
    tab.filter.setCurrentIndex(tab.filter.findData("no_consent"))
    assert "T2" in _codes(tab) and "T10" not in _codes(tab)
    tab.filter.setCurrentIndex(0)
    tab.search.setText("t1")
    assert set(_codes(tab)) == {"T1"} | {f"T{n}" for n in range(10, 20)}
    tab.search.setText("personne")
    assert _codes(tab) == [] and tab.right.currentWidget() is tab.empty
    assert tab.empty.text() == "Aucune fiche ne correspond à ce filtre."
    tab.search.clear()
    assert tab.table.model().rowCount() == 13 and tab.right.currentWidget() is tab.editor
    QApplication.processEvents()


def test_overview_names_a_few_themes_then_the_number_of_others(qtbot, ctx, services, evaluation_id):
    workshops_service = services.workshops
    terrain_service = services.terrain
    themes = [
        "soutien_associations",
        "scolarite",
        "aller_vers",
        "emploi_insertion",
        "acces_droits",
        "participation",
    ]
    for theme in themes:
        workshops_service.create_working_group(evaluation_id, theme)
    for _ in range(2):
        terrain_service.create_immersion(evaluation_id, answers={"theme": "scolarite"})
    view = TerrainView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    text = view.overview.text()
    assert "2 immersions" in text and "5 thèmes à compléter" in text
    assert text.count("/2") == 3 and "et 3 autres" in text
    assert "Accompagnement et aide à la scolarité 2/2" not in text  # themes still short come first
    tip = view.overview.toolTip()
    assert tip.count("0/2") == 5 and "scolarité" not in tip


def test_coverage_text_lists_every_theme_when_there_are_few():
    text, tip = coverage_text([("Santé", 2, 2), ("Emploi", 1, 2)])
    assert text == "objectif deux par thème : Emploi 1/2, Santé 2/2" and not tip
    text, _tip = coverage_text([(f"Thème {i}", 2, 2) for i in range(4)])
    assert text.startswith("✔ ") and "autre" not in text and text.count("2/2") == 4
    text, tip = coverage_text([(f"Thème {i}", 2, 2) for i in range(100)])
    assert text == "✔ objectif deux par thème : Thème 0 2/2, Thème 1 2/2, Thème 2 2/2 et 97 autres"
    assert not tip


def test_immersions_are_shown_even_when_the_commitments_cannot_be_read(
    qtbot, ctx, services, evaluation_id, monkeypatch
):
    """The immersions are read after the other lists: a failed read of those does not hold them up."""
    from deferred_tasks import DeferredTaskRunner

    immersion = services.terrain.create_immersion(evaluation_id).id

    def broken(*_a, **_k):
        raise RuntimeError("base illisible")

    monkeypatch.setattr(services.commitments, "commitments", broken)
    ctx.tasks = DeferredTaskRunner()
    view = TerrainView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    assert view.immersions.empty.text() == "Chargement des immersions…"
    ctx.tasks.finish()
    assert view.immersions.current_id == immersion and view.immersions.sheet.renderer is not None
    assert "Lecture des engagements impossible" in view.commitments.count_label.text()
