"""The selection grid as a project team uses it: score from the keyboard, see the rank and ties,
filter, change a weight, choose the short list, see the chart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.ui.views.actions.models import GridModel
from desktop_app.ui.views.actions.view import GRID, ActionsView

ROWS = [
    # title, carrier, pillar, QPV, État, Ville
    ("Médiation sociale", "Citéo", "Cadre de vie", "QN05991M", 60000, 20000),
    ("Atelier vélo", "Vélo Solidaire", "Cadre de vie", "QN05992I", 3000, None),
    ("Café des parents", "Centre social", "Cohésion sociale", "QN05991M", 3000, None),
    ("Aide aux devoirs", "Centre social", "Cohésion sociale", "QN05992I", 1500, 500),
]


@pytest.fixture
def view(qtbot, ctx, services, evaluation_id, tmp_path):
    path = tmp_path / "prog.csv"
    lines = ["Intitulé;Porteur;Pilier;QPV;Montant État;Montant Ville"]
    lines += [";".join("" if v is None else str(v) for v in row) for row in ROWS]
    path.write_text("\n".join(lines), encoding="utf-8")
    services.actions.import_file(evaluation_id, path)
    services.evaluations.add_row("qpv", evaluation_id, {"code": "QN05991M", "name": "Les Hauts-Champs"})
    v = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(v)
    v.resize(1300, 850)
    v.show()
    qtbot.waitExposed(v)
    return v


def cell(view, title: str, column: int):
    tab = view.grid_tab
    source = tab.model
    row = next(i for i, r in enumerate(source.rows) if r.action.title == title)
    return tab.proxy.mapFromSource(source.index(row, column))


def crit_col(view, criterion_id: str) -> int:
    return GridModel.FIXED + [c.id for c in view.grid_tab.grid.criteria].index(criterion_id)


def test_the_grid_opens_first_with_prefilled_scores_and_the_ranking(view):
    assert view.tabs.currentIndex() == GRID
    tab = view.grid_tab
    assert tab.proxy.rowCount() == 4
    # the biggest budget is first; its budget criterion is pre-filled (shown in italic grey)
    first = tab.proxy.index(0, GridModel.TITLE)
    assert first.data() == "Médiation sociale"
    budget = cell(view, "Médiation sociale", crit_col(view, "poids_budgetaire"))
    assert budget.data() == "3" and budget.data(Qt.ItemDataRole.FontRole).italic()
    assert "Pré-rempli à partir de la programmation" in budget.data(Qt.ItemDataRole.ToolTipRole)
    # two actions with the same data tie
    ranks = {tab.proxy.index(r, GridModel.TITLE).data(): tab.proxy.index(r, GridModel.RANK).data() for r in range(4)}
    assert ranks["Atelier vélo"] == ranks["Café des parents"] and ranks["Atelier vélo"].endswith("ex æquo")
    tab.flush_chart()
    assert not tab.chart.pixmap().isNull()


def test_scoring_from_the_keyboard(qtbot, view, services, evaluation_id):
    tab = view.grid_tab
    table = tab.table
    col = crit_col(view, "partenariat")
    table.setFocus()
    table.setCurrentIndex(cell(view, "Atelier vélo", col))
    qtbot.keyClick(table, Qt.Key.Key_3)
    action_id = next(a.id for a in services.actions.list(evaluation_id) if a.title == "Atelier vélo")
    grid = services.actions.grid(evaluation_id)
    assert grid.row(action_id).scores["partenariat"].manual == 3
    # the cursor moved on to the next criterion of the same action, which stayed in place
    assert table.currentIndex().column() == col + 1
    assert tab.proxy.index(table.currentIndex().row(), GridModel.TITLE).data() == "Atelier vélo"
    # the tie is broken in the rank column at once
    rank = cell(view, "Atelier vélo", GridModel.RANK).data()
    assert rank == str(grid.row(action_id).rank.rank) and "ex æquo" not in rank
    # a team score overrides the pre-filled one, and Delete brings it back
    budget = crit_col(view, "poids_budgetaire")
    prefilled = cell(view, "Atelier vélo", budget).data()
    table.setCurrentIndex(cell(view, "Atelier vélo", budget))
    qtbot.keyClick(table, Qt.Key.Key_2 if prefilled != "2" else Qt.Key.Key_3)
    assert cell(view, "Atelier vélo", budget).data(Qt.ItemDataRole.FontRole) is None  # no longer italic
    table.setCurrentIndex(cell(view, "Atelier vélo", budget))
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert cell(view, "Atelier vélo", budget).data() == prefilled
    # "Reclasser" puts the rows in rank order
    tab.rerank_button.click()
    ranks = [int(tab.proxy.index(r, GridModel.RANK).data().split()[0]) for r in range(tab.proxy.rowCount())]
    assert ranks == sorted(ranks)


def test_choosing_the_short_list(qtbot, view, services, evaluation_id):
    tab = view.grid_tab
    index = cell(view, "Aide aux devoirs", GridModel.CHOSEN)
    tab.table.setFocus()
    tab.table.setCurrentIndex(index)
    qtbot.keyClick(tab.table, Qt.Key.Key_Space)
    assert [r.action.title for r in services.actions.grid(evaluation_id).chosen] == ["Aide aux devoirs"]
    assert "retenez-en encore au moins 2" in tab.shortlist.text()
    assert view.tabs.tabText(2) == "Actions retenues (1)"
    ok = tab.proxy.setData(cell(view, "Médiation sociale", GridModel.CHOSEN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert ok
    tab.proxy.setData(cell(view, "Atelier vélo", GridModel.CHOSEN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert tab.shortlist.text() == "3 actions retenues (de 3 à 6 conseillées)."
    view.tabs.setCurrentIndex(2)
    titles = [view.chosen_tab.selector.itemText(i).split(" — ")[0] for i in range(view.chosen_tab.selector.count())]
    assert sorted(titles) == ["Aide aux devoirs", "Atelier vélo", "Médiation sociale"]


def test_filters_by_pillar_quartier_and_search(view):
    tab = view.grid_tab
    bar = tab.filters
    bar.pillar.setCurrentIndex(bar.pillar.findData("Cohésion sociale"))
    assert tab.proxy.rowCount() == 2
    bar.qpv.setCurrentIndex(bar.qpv.findData("Les Hauts-Champs (QN05991M)"))
    assert [tab.proxy.index(r, GridModel.TITLE).data() for r in range(tab.proxy.rowCount())] == ["Café des parents"]
    tab.flush_chart()
    assert bar.clear_button.isVisible()
    bar.clear()
    bar.search.setText("velo")
    assert tab.proxy.rowCount() == 1
    bar.clear()
    assert tab.proxy.rowCount() == 4


def test_sorting_by_a_column_keeps_the_filter_and_the_selected_cell(qtbot, view):
    tab = view.grid_tab

    def titles():
        return [tab.proxy.index(r, GridModel.TITLE).data() for r in range(tab.proxy.rowCount())]

    ranked = titles()
    header = tab.table.horizontalHeader()
    selected = cell(view, "Café des parents", GridModel.TITLE)
    tab.table.setCurrentIndex(selected)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(GridModel.TITLE) + 5, 5))  # the « Action » header
    assert titles() == sorted(ranked, key=str.lower)
    assert tab.table.currentIndex().data() == "Café des parents"  # the cell followed its row
    tab.table.sortByColumn(GridModel.TITLE, Qt.SortOrder.DescendingOrder)
    assert titles() == sorted(ranked, key=str.lower, reverse=True)
    tab.filters.pillar.setCurrentIndex(tab.filters.pillar.findData("Cohésion sociale"))
    assert titles() == ["Café des parents", "Aide aux devoirs"]  # filtered, still sorted
    tab.table.sortByColumn(GridModel.TITLE, Qt.SortOrder.AscendingOrder)
    assert titles() == ["Aide aux devoirs", "Café des parents"]  # sorted while filtered
    tab.filters.clear()
    tab.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert titles() == ranked  # back to the ranking


def test_the_programmation_sorts_by_amount(qtbot, view):
    from desktop_app.ui.views.actions.models import ProgrammationModel

    view.tabs.setCurrentIndex(0)
    tab = view.programmation
    budget = [k for k, _, _ in ProgrammationModel.COLUMNS].index("budget")
    tab.table.sortByColumn(budget, Qt.SortOrder.DescendingOrder)
    title = ProgrammationModel.TITLE
    shown = [tab.proxy.index(r, title).data() for r in range(tab.proxy.rowCount())]
    assert shown == ["Médiation sociale", "Atelier vélo", "Café des parents", "Aide aux devoirs"]


def test_changing_a_weight(qtbot, view, services, evaluation_id):
    tab = view.grid_tab
    before = tab.grid.max_total

    def set_weight():
        dialog = QApplication.activeModalWidget()
        dialog.spins["innovation"].setValue(3)
        dialog.accept()

    QTimer.singleShot(0, set_weight)
    tab.edit_weights()
    assert services.actions.weights(evaluation_id)["innovation"] == 3
    assert tab.grid.max_total == before + 3 * 2  # innovation went from 1 to 3
    header = tab.model.headerData(crit_col(view, "innovation"), Qt.Orientation.Horizontal)
    assert header.endswith("× 3")
    assert "poids modifiés" in tab.legend.text()


def test_double_click_on_a_chosen_action_opens_its_plan(qtbot, view, services, evaluation_id):
    action_id = next(a.id for a in services.actions.list(evaluation_id) if a.title == "Atelier vélo")
    view.grid_tab.table.doubleClicked.emit(cell(view, "Atelier vélo", GridModel.TITLE))
    assert view.tabs.currentIndex() == GRID  # not chosen: nothing to open
    view.grid_tab.proxy.setData(cell(view, "Atelier vélo", GridModel.CHOSEN), Qt.CheckState.Checked.value,
                                Qt.ItemDataRole.CheckStateRole)
    view.grid_tab.table.doubleClicked.emit(cell(view, "Atelier vélo", GridModel.TITLE))
    assert view.tabs.currentIndex() == 2
    assert view.chosen_tab.panel.action_id == action_id


def test_the_screen_says_it_loads_then_shows_the_grid(qtbot, ctx, services, evaluation_id, tmp_path):
    """The actions and their grid are read in the background: the screen says so, then shows them;
    a score saved meanwhile still ends in the grid shown."""
    from deferred_tasks import DeferredTaskRunner

    path = tmp_path / "prog.csv"
    lines = ["Intitulé;Porteur;Pilier;QPV;Montant État;Montant Ville"]
    lines += [";".join("" if v is None else str(v) for v in row) for row in ROWS]
    path.write_text("\n".join(lines), encoding="utf-8")
    services.actions.import_file(evaluation_id, path)
    ctx.tasks = DeferredTaskRunner()
    v = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    assert v.tabs.currentIndex() == GRID
    assert v.loading.isVisible() and v.loading.text() == "Chargement des actions…"
    assert v.grid_tab.proxy.rowCount() == 0
    ctx.tasks.finish()  # the load, then the ranking chart it asks for
    assert not v.loading.isVisible()
    assert v.grid_tab.proxy.rowCount() == 4
    assert v.tabs.tabText(0) == "Programmation (4)"
    action = next(r.action for r in v.grid_tab.model.rows if r.action.title == "Atelier vélo")
    ctx.apply(lambda: services.actions.set_score(action.id, "poids_budgetaire", 3))
    assert not v.loading.isVisible()  # a save does not blank the screen
    ctx.tasks.finish()
    assert cell(v, "Atelier vélo", crit_col(v, "poids_budgetaire")).data() == "3"


def test_a_score_out_of_the_scale_says_why(qtbot, view, services, evaluation_id):
    tab = view.grid_tab
    table = tab.table
    col = crit_col(view, "partenariat")
    table.setFocus()
    table.setCurrentIndex(cell(view, "Atelier vélo", col))
    qtbot.keyClick(table, Qt.Key.Key_5)
    assert tab.key_message.isVisible()
    assert tab.key_message.text().startswith("« 5 » n'est pas une note de") and "1, 2 ou 3" in tab.key_message.text()
    action_id = next(a.id for a in services.actions.list(evaluation_id) if a.title == "Atelier vélo")
    assert services.actions.grid(evaluation_id).row(action_id).scores["partenariat"].manual is None
    assert table.currentIndex().column() == col  # the cursor stays on the cell to correct
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert not tab.key_message.isVisible()
    assert services.actions.grid(evaluation_id).row(action_id).scores["partenariat"].manual == 2
