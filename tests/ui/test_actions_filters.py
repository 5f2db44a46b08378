"""The actions' carrier filter: a contrat de ville has hundreds of carriers, so the filter is
found by typing part of its name, in any case; a text matching none changes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.services.actions import FilterOptions
from desktop_app.ui.views.actions.widgets import FilterBar

CARRIERS = ("Centre social Jean Jaurès", "Centre social du Faubourg", "Mission locale du Douaisis", "Ville de Douai")


def bar(qtbot) -> FilterBar:
    widget = FilterBar(with_year=True)
    qtbot.addWidget(widget)
    widget.set_options(FilterOptions(pillars=("Cohésion sociale",), carriers=CARRIERS, qpv=(), years=(2024, 2025)))
    widget.show()
    return widget


def test_part_of_a_name_in_any_case_offers_the_matching_carriers(qtbot):
    filters = bar(qtbot)
    completer = filters.carrier.completer()
    completer.setCompletionPrefix("SOCIAL")
    matches = [completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())]
    assert matches == ["Centre social Jean Jaurès", "Centre social du Faubourg"]
    completer.setCompletionPrefix("douai")
    assert completer.completionCount() == 2  # "Mission locale du Douaisis", "Ville de Douai"


def test_typed_name_filters_and_unknown_text_changes_nothing(qtbot):
    filters = bar(qtbot)
    line = filters.carrier.lineEdit()
    # all carriers: the field is empty and its grey hint says so (no clear button to click)
    assert line.text() == "" and line.placeholderText() == "Tous les porteurs" and not filters.active

    changes = []
    filters.changed.connect(lambda: changes.append(filters.describe()))
    line.setFocus()
    line.setText("mission locale du douaisis")
    line.editingFinished.emit()
    assert filters.carrier.currentData() == "Mission locale du Douaisis"
    assert line.text() == "Mission locale du Douaisis"
    assert filters.active and changes == ["Mission locale du Douaisis"]

    line.setText("Association inconnue")
    line.editingFinished.emit()  # nothing matches: the filter stays as it was
    assert filters.carrier.currentData() == "Mission locale du Douaisis"
    assert line.text() == "Mission locale du Douaisis" and len(changes) == 1

    line.clear()
    line.editingFinished.emit()  # emptied: every carrier again
    assert filters.carrier.currentIndex() == 0 and not filters.active
    assert changes[-1] == "" and line.text() == ""


def test_clearing_the_filters_empties_the_typed_carrier(qtbot):
    filters = bar(qtbot)
    filters.carrier.setCurrentIndex(filters.carrier.findData("Ville de Douai"))
    assert filters.active and filters.clear_button.isVisible()
    qtbot.mouseClick(filters.clear_button, Qt.MouseButton.LeftButton)
    assert filters.carrier.currentIndex() == 0 and not filters.active
    assert filters.carrier.lineEdit().text() == ""


def test_new_options_keep_the_chosen_carrier(qtbot):
    filters = bar(qtbot)
    filters.carrier.setCurrentIndex(filters.carrier.findData("Ville de Douai"))
    filters.set_options(FilterOptions(pillars=(), carriers=("Ville de Douai", "Autre"), qpv=(), years=()))
    assert filters.carrier.currentData() == "Ville de Douai"
    assert filters.carrier.lineEdit().text() == "Ville de Douai"
    assert filters.carrier.lineEdit().cursorPosition() == 0  # a long name is shown from its start
