"""Tab follows the reading order on the Cadrage screen: the sections top to bottom; in a section
laid out in two columns, the left column down, then the right one, then what spans the whole
width below them (« Objet de l'évaluation »); then the tabs and their table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QTabWidget, QWidget

from tests.ui.test_screen_fit import _pump, _shown, laptop_window  # noqa: F401 - the fixture


def _section(widget: QWidget, root: QWidget) -> QWidget:
    """The card (or the tabs) the widget belongs to: a unit of reading order."""
    parent = widget
    while parent is not None and parent is not root:
        if (isinstance(parent, QFrame) and parent.objectName() == "card") or isinstance(parent, QTabWidget):
            return parent
        parent = parent.parentWidget()
    return widget


def _focus_chain(view, page: QWidget) -> list[QWidget]:
    """The inputs Tab reaches on the page, in the order Tab reaches them."""
    chain, widget = [], view.nextInFocusChain()
    for _ in range(2000):
        if widget is view:
            break
        if (
            page.isAncestorOf(widget)
            and _shown(widget)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(widget, QTabWidget)  # hands the focus to its tab bar
        ):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def _reading_order(widgets: list[QWidget], page: QWidget) -> list[QWidget]:
    def top_left(w):
        p = w.mapTo(page, w.rect().topLeft())
        return p.x(), p.y()

    def key(w):
        section = _section(w, page)
        s_x, s_y = top_left(section)
        x, y = top_left(w)
        wide = w.width() > section.width() / 2
        wide_above = sum(
            1 for o in widgets
            if o is not w and _section(o, page) is section and o.width() > section.width() / 2 and top_left(o)[1] < y
        )
        column = 2 if wide else (0 if x - s_x < section.width() / 2 else 1)
        return (s_y, wide_above, column, y, x)

    return sorted(widgets, key=key)


def test_tab_follows_the_reading_order_on_cadrage(laptop_window, styled_app):  # noqa: F811
    window = laptop_window
    window.show_step("cadrage")
    _pump(styled_app)
    view = window.views["cadrage"]
    page = view.widget()
    chain = _focus_chain(view, page)
    names = [w.accessibleName() or type(w).__name__ for w in chain]
    assert len(chain) >= 13, names  # 7 + objet + 4 sender fields + the tabs and their table
    expected = [w.accessibleName() or type(w).__name__ for w in _reading_order(chain, page)]
    assert names == expected
    assert names[:10] == [
        "Titre de l'évaluation", "Choisir l'EPCI dans le référentiel", "Remplir l'EPCI et ses communes",
        "Nom de l'EPCI (obligatoire)", "Type", "SIREN de l'EPCI (obligatoire)",
        "Contrat (obligatoire)", "Début du contrat", "Fin du contrat", "Objet de l'évaluation",
    ]
