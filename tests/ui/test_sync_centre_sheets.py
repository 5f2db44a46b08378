"""The resource centre's « Fiches » tab: the sheets filled once per evaluation, as a user of the
centre sees them — each sheet's « Ce qui ressort », its territories with their state in French,
the annual reports' latest values, and nothing personal (the three territories of
`tests/centre_sheets.py`: filled, not filled, out of scope, on a kit without the sheets)."""

from __future__ import annotations

import pytest
from centre_sheets import PERSONAL, fill_centre
from PySide6.QtCore import Qt

from desktop_app.ui.views.sync.centre import ConsolidationWindow
from desktop_app.ui.views.sync.centre_sheets import SheetsTab


@pytest.fixture
def tab(qtbot, ctx, services, tmp_path, styled_app):
    fill_centre(services, tmp_path)
    window = ConsolidationWindow(ctx)  # computed through the context's (synchronous) task runner
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(titles.index("Fiches"))
    sheets = window.tabs.currentWidget()
    assert isinstance(sheets, SheetsTab)
    return sheets


def _plain(label) -> str:
    """A rich-text label as read on screen."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def _choose(tab: SheetsTab, title: str) -> None:
    i = next(i for i in range(tab.chooser.count()) if tab.chooser.itemText(i).startswith(title))
    tab.chooser.setCurrentIndex(i)


def _table(tab: SheetsTab) -> dict[str, dict[str, str]]:
    """{territory: {column header (on one line): text shown}}"""
    m = tab.view.model()
    headers = [" ".join(m.headerData(c, Qt.Orientation.Horizontal).split()) for c in range(m.columnCount())]
    rows = {}
    for r in range(m.rowCount()):
        cells = [m.index(r, c).data() for c in range(m.columnCount())]
        rows[cells[0]] = dict(zip(headers, cells, strict=True))
    return rows


def _everything_shown(tab: SheetsTab) -> str:
    out = []
    for i in range(tab.chooser.count()):
        tab.chooser.setCurrentIndex(i)
        m = tab.view.model()
        out += [tab.chooser.itemText(i), _plain(tab.summary), tab.note.text()]
        out += [str(m.index(r, c).data(role)) for r in range(m.rowCount()) for c in range(m.columnCount())
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
    return "\n".join(out)


def test_sheets_tab_lists_the_territories_with_their_state_and_latest_figures(tab):
    assert [tab.chooser.itemText(i) for i in range(tab.chooser.count())] == [
        "État des QPV — renseignée par 1 territoire sur 3",
        "Bilans annuels — renseignée par 2 territoires sur 3",
        "Questions LCD et EFH — renseignée par 1 territoire sur 3",
    ]

    _choose(tab, "Bilans annuels")
    assert "Ce qui ressort" in _plain(tab.summary) and "Fiche renseignée par 2 territoires sur 3" in _plain(tab.summary)
    rows = _table(tab)
    assert set(rows) == {"CA du Douaisis", "Métropole Rives-Est", "CC du Pays de Brume"}
    douaisis = rows["CA du Douaisis"]
    assert (douaisis["Fiche"], douaisis["Dernière année"], douaisis["Actions programmées"]) == ("Renseignée", "2022", "52")
    assert douaisis["Dont crédits de l'État (programme 147)"] == "650\u00a0000\u00a0€ (2021)"  # its own latest year
    assert rows["Métropole Rives-Est"]["Dernière année"] == "2023"
    assert rows["CC du Pays de Brume"]["Fiche"] == "Absente du kit 1.0.1"
    assert rows["CC du Pays de Brume"]["Actions programmées"] == "—"
    # the change since the first year, on the value
    m = tab.view.model()
    row = next(r for r in range(m.rowCount()) if m.index(r, 0).data() == "CA du Douaisis")
    col = next(c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal).startswith("Actions"))
    assert m.index(row, col).data(Qt.ItemDataRole.ToolTipRole) == "Actions programmées : 52 en 2022 ; +12\u00a0actions depuis 2019"

    _choose(tab, "État des QPV")
    rows = _table(tab)
    assert rows["Métropole Rives-Est"]["Fiche"] == "Non renseignée"
    assert (rows["CA du Douaisis"]["Fiche"], rows["CA du Douaisis"]["Quartiers"]) == ("Renseignée", "2")
    assert rows["CA du Douaisis"]["Questions renseignées"].endswith("/ 14")
    assert "Métropole Rives-Est n'a pas encore renseigné cette fiche" in _plain(tab.summary)

    _choose(tab, "Questions LCD et EFH")
    rows = _table(tab)
    assert rows["Métropole Rives-Est"]["Fiche"] == "Hors du périmètre de l'évaluation"
    assert rows["CA du Douaisis"]["Questions renseignées"] == "2 / 12"
    assert tab.view.accessibleName() == "Territoires — Questions LCD et EFH"


def test_sheets_table_sorts_numbers_as_numbers_and_leaves_missing_values_last(tab):
    _choose(tab, "Bilans annuels")
    m = tab.view.model()
    col = next(c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal).startswith("Actions"))
    tab.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    assert [m.index(r, col).data() for r in range(m.rowCount())] == ["52", "12", "—"]
    tab.view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    assert [m.index(r, col).data() for r in range(m.rowCount())] == ["12", "52", "—"]
    tab.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by state: filled first
    assert [m.index(r, 1).data() for r in range(m.rowCount())] == ["Renseignée", "Renseignée", "Absente du kit 1.0.1"]


def test_no_personal_answer_on_screen(tab):
    shown = _everything_shown(tab)
    for leak in PERSONAL:
        assert leak not in shown, leak
    for label in ("Contact du ou de la référent", "Situations de familles", "Personne qui a rédigé"):
        assert label not in shown
    assert "Réponse tapée avant" not in shown  # the out-of-scope sheet's old answer


def test_sheets_fit_the_small_laptop_screen(tab, qtbot):
    for i in range(tab.chooser.count()):
        tab.chooser.setCurrentIndex(i)
        qtbot.wait(1)
        view = tab.view
        columns = sum(view.columnWidth(c) for c in range(view.model().columnCount()))
        assert columns <= view.viewport().width(), tab.chooser.itemText(i)
        assert tab.summary.height() >= tab.summary.heightForWidth(tab.summary.width())
