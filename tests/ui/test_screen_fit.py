"""Every screen on a laptop (1366×768): texts fit their widgets, forms fit their scroll areas,
every input has a name a screen reader can say; plus the keyboard and help-box details that go
with them (Ctrl+N, folded help remembered, splitter sizes remembered, Qt's dialogs in French).

The demo is opened once in one window and every step, and every tab of every step, is shown in
turn; the problems found are listed together, screen by screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from desktop_app.core.steps import STEPS
from desktop_app.ui.app import _dispose
from desktop_app.ui.main_window import MainWindow

SIZE = (1366, 768)
SMALL = (1280, 720)  # a 1600×900 laptop at 125 % scaling
INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QCheckBox, QRadioButton, QAbstractItemView)


def _pump(app, rounds: int = 4) -> None:
    for _ in range(rounds):
        app.processEvents()


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and not widget.visibleRegion().isEmpty()


def _plain(text: str) -> str:
    """A widget text as drawn: mnemonics ("&Ouvrir", "&&") resolved."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _text_problems(root: QWidget) -> list[str]:
    problems = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if (
            not _shown(label)
            or not text
            or label.wordWrap()
            or label.property("elided")  # shortened on purpose, the whole text in its tooltip
            or ("<" in text and ">" in text and label.textFormat() != Qt.TextFormat.PlainText)
            or label.textFormat() == Qt.TextFormat.RichText
        ):
            continue
        metrics = label.fontMetrics()
        need = max(metrics.horizontalAdvance(_plain(line)) for line in text.split("\n"))
        room = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
        if need > room + 1:
            problems.append(f"libellé « {text} » : {need} px pour {room} px")
    for button in root.findChildren(QPushButton):
        if not _shown(button) or not button.text():
            continue
        need = button.sizeHint().width()
        if need > button.width() + 1:
            problems.append(f"bouton « {_plain(button.text())} » : {need} px pour {button.width()} px")
    for header in root.findChildren(QHeaderView):
        model = header.model()
        if not _shown(header) or header.orientation() != Qt.Orientation.Horizontal or model is None:
            continue
        for section in range(header.count()):
            if header.isSectionHidden(section) or header.sectionResizeMode(section) != QHeaderView.ResizeMode.Interactive:
                continue
            if getattr(header, "is_rotated", lambda _section: False)(section):
                continue  # drawn upwards: its height is what counts
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            if not text or header.sectionSize(section) == 0:
                continue
            font = header.font()
            font.setBold(True)  # the style sheet's header weight
            metrics = QFontMetrics(font)
            need = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 10  # its padding
            if need > header.sectionSize(section):
                problems.append(f"en-tête « {text} » : {need} px pour {header.sectionSize(section)} px")
    for bar in root.findChildren(QTabBar):
        if not _shown(bar):
            continue
        for index in range(bar.count()):
            rect, need = bar.tabRect(index), bar.tabSizeHint(index).width()
            if rect.width() + 1 < need or rect.right() > bar.width():
                problems.append(f"onglet « {_plain(bar.tabText(index))} » : raccourci ou masqué ({rect.width()} px pour {need} px)")
    for area in root.findChildren(QScrollArea):
        content = area.widget()
        if (
            _shown(area)
            and content is not None
            and area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            and content.width() > area.viewport().width() + 1
        ):
            problems.append(
                f"zone défilante {area.objectName() or type(content).__name__} : contenu de {content.width()} px "
                f"coupé à {area.viewport().width()} px"
            )
    return problems


def _question_problems(root: QWidget) -> list[str]:
    """A question with its choices fits the entry form's scroll area: it can be seen whole."""
    from desktop_app.ui.widgets.field_row import FieldRow
    from desktop_app.ui.widgets.form_renderer import FormRenderer

    problems = []
    for renderer in root.findChildren(FormRenderer):
        if not _shown(renderer) or renderer.mode != "pages":
            continue
        page = renderer.current_page()
        scroll = renderer.scrolls[page]
        for field_id, row in renderer._views[page].rows.items():
            if isinstance(row, FieldRow) and row.isVisible() and row.height() > scroll.viewport().height():
                problems.append(
                    f"question « {row.field.label} » ({field_id}) : {row.height()} px de haut, "
                    f"{scroll.viewport().height()} px visibles"
                )
    return problems


def _accessible_name(widget: QWidget) -> str:
    """The name a screen reader says: the accessible name, else the text of the label whose
    buddy the widget is, else the widget's own text (Qt's accessibility interface decides)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) if interface is not None else "").strip()


def _name_problems(root: QWidget) -> list[str]:
    problems = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not _shown(widget):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isEnabled():
            continue
        parent = widget.parentWidget()
        if isinstance(widget, QLineEdit) and isinstance(parent, (QComboBox, QAbstractSpinBox)):
            continue  # the editor inside a combo box or a spin box: named through its owner
        if _accessible_name(widget):
            continue
        hint = getattr(widget, "placeholderText", lambda: "")()
        problems.append(f"{type(widget).__name__} sans nom accessible{f' (« {hint} »)' if hint else ''}")
    return problems


def _screens(window: MainWindow, app):
    """(name, widget) for the welcome screen, each step and each tab of each step, shown in turn."""
    for step in STEPS:
        window.show_step(step.id)
        _pump(app)
        view = window.views[step.id]
        yield step.label, view
        for tabs in view.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            start = tabs.currentIndex()
            for index in range(tabs.count()):
                if index == start or not tabs.isTabEnabled(index):
                    continue
                tabs.setCurrentIndex(index)
                _pump(app)
                yield f"{step.label} › {tabs.tabText(index)}", view
            tabs.setCurrentIndex(start)
    window.show_welcome()
    _pump(app)
    yield "Accueil", window.welcome


@pytest.fixture(params=[SIZE])
def laptop_window(request, qtbot, styled_app, ctx, demo_id):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*request.param)
    window.show()
    qtbot.waitExposed(window)
    window.open_evaluation(demo_id, "cadrage")
    _pump(styled_app)
    yield window
    _dispose(window, ctx.tasks)  # deleted now: the style restored after the test re-styles every live widget


@pytest.mark.parametrize("laptop_window", [SIZE, SMALL], indirect=True, ids=["1366x768", "1280x720"])
def test_every_screen_fits_a_laptop_and_names_its_inputs(laptop_window, styled_app):
    window = laptop_window
    size = (window.width(), window.height())
    assert size in (SIZE, SMALL)
    problems: dict[str, list[str]] = {}
    seen = 0
    for name, view in _screens(window, styled_app):
        seen += 1
        found = _text_problems(view) + _name_problems(view) + _question_problems(view)
        if found:
            problems.setdefault(name, []).extend(found)
    assert seen >= len(STEPS) + 9  # the steps, and their tabs
    # no screen holds the window wider than the laptop's screen (the content would be cut off)
    assert window.minimumSizeHint().width() <= size[0], window.minimumSizeHint().width()
    assert window.width() == size[0]
    report = "\n".join(f"{name} :\n  " + "\n  ".join(sorted(set(items))) for name, items in problems.items())
    assert not problems, f"À {size[0]}×{size[1]} :\n{report}"


def test_questionnaire_entry_wraps_its_choices_in_a_narrow_column(laptop_window, styled_app):
    """Questionnaires › Réponses › a response › Suivante: the long choices wrap, nothing is cut."""
    window = laptop_window
    window.show_step("questionnaires")
    _pump(styled_app)
    view = window.views["questionnaires"]
    view.tabs.setCurrentWidget(view.responses)
    _pump(styled_app)
    view.responses.table.selectRow(0)
    _pump(styled_app)
    renderer = view.responses.renderer
    renderer.next_page()
    _pump(styled_app)
    scroll = renderer.scrolls[renderer.current_page()]
    assert scroll.viewport().width() < 600  # a narrow column indeed
    assert scroll.widget().width() <= scroll.viewport().width()
    assert not _text_problems(renderer)


def test_ctrl_n_has_one_owner_on_the_welcome_screen(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    new = QKeySequence(QKeySequence.StandardKey.New)
    owners = [a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.shortcut() == new]
    owners += [b for b in window.findChildren(QAbstractButton) if b.shortcut() == new]
    assert len(owners) == 1, owners
    assert "Ctrl+N" in window.welcome.new_button.toolTip()


def test_help_box_folds_when_typing_starts_and_stays_folded(qtbot, ctx):
    from desktop_app.kit.forms import compile_tool
    from desktop_app.ui.widgets.form_renderer import FormRenderer

    kit = ctx.services.kits.bundled()
    form = compile_tool(kit, "questionnaire-communes")
    first = FormRenderer(form, {})
    qtbot.addWidget(first)
    first.show()
    assert first.about_box.is_expanded()  # nothing typed yet: the help is open
    text_row = next(
        first.row(f.id) for p in form.pages for f in p.fields if f.type == "text" and not f.show_if
    )
    qtbot.keyClicks(text_row.editor.focus_target(), "Bonjour")
    assert not first.about_box.is_expanded()
    second = FormRenderer(form, {})  # the next response of the same questionnaire
    qtbot.addWidget(second)
    assert not second.about_box.is_expanded()
    second.about_box.button.click()  # opened again by the user: remembered too
    third = FormRenderer(form, {})
    qtbot.addWidget(third)
    assert third.about_box.is_expanded()


def test_splitters_remember_their_sizes(qtbot, ctx, demo_id, styled_app):
    windows = []

    def open_window():
        window = MainWindow(ctx)
        windows.append(window)
        window.resize(*SIZE)
        window.show()
        window.open_evaluation(demo_id, "maturite")
        _pump(styled_app)
        return window

    window = open_window()
    splitter = window.views["maturite"].findChild(QTabWidget).currentWidget()
    sizes = splitter.sizes()
    splitter.moveSplitter(sizes[0] - 150, 1)
    moved = splitter.sizes()
    assert moved[0] < sizes[0] - 100
    window.close()
    again = open_window().views["maturite"].findChild(QTabWidget).currentWidget()
    assert abs(again.sizes()[0] - moved[0]) <= 2
    for opened in windows:
        _dispose(opened, ctx.tasks)


def test_qt_dialogs_speak_french_and_keep_their_own_colours(styled_app):
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.ui.app import install_french
    from desktop_app.ui.style import SIDEBAR

    install_french(styled_app)
    # texts the catalogue does not know stay as they are (never emptied)
    assert QApplication.translate("FormRenderer", "Suivante →") == "Suivante →"
    assert QApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    dialog = QFileDialog(None, "Choisir", "", "Classeurs (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    texts = [_plain(label.text()) for label in dialog.findChildren(QLabel)]
    assert any(t.startswith("Voir dans") for t in texts), texts
    assert any(t.startswith("Fichiers de type") for t in texts), texts
    assert not any("Look in" in t or "Files of" in t for t in texts)
    side = dialog.findChild(QWidget, "sidebar")
    dialog.show()
    QApplication.processEvents()
    image = side.grab().toImage()
    assert image.pixelColor(image.width() - 4, image.height() - 4).name() != SIDEBAR
    dialog.close()


@pytest.mark.parametrize(
    ("step", "panel"),
    [("cadrage", "CadrageView"), ("maturite", "ResultPanel"), ("exports", "ExportPanel")],
)
def test_a_panel_that_takes_the_focus_shows_it(laptop_window, styled_app, step, panel):
    """Tab stops on the Cadrage page, the maturity result and the export panel (scrolled with
    the arrow keys): a focus ring shows where the keyboard is."""
    from PySide6.QtWidgets import QScrollArea

    window = laptop_window
    window.show_step(step)
    _pump(styled_app)
    view = window.views[step]
    area = next(w for w in [view, *view.findChildren(QScrollArea)] if type(w).__name__ == panel and _shown(w))
    assert area.focusPolicy() & Qt.FocusPolicy.TabFocus
    window.activateWindow()
    window.setFocus()
    _pump(styled_app)
    before = area.grab().toImage()
    area.setFocus(Qt.FocusReason.TabFocusReason)
    _pump(styled_app)
    assert area.hasFocus()
    assert area.grab().toImage() != before, f"{panel} : le focus ne se voit pas"


def test_spin_boxes_show_their_arrows(qtbot, styled_app):
    """Once the style sheet draws a spin box's frame, Qt draws no arrows: ours must be there."""
    from PySide6.QtWidgets import QSpinBox

    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.resize(90, 30)
    spin.show()
    qtbot.waitExposed(spin)
    image = spin.grab().toImage()
    buttons = [
        image.pixelColor(x, y).lightness()
        for x in range(image.width() - 18, image.width())
        for y in range(image.height())
    ]
    assert sum(1 for v in buttons if v < 110) >= 6  # the two dark triangles
