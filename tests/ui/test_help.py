"""The offline user guide: a page per step, F1 on each screen opens its page, the shortcuts page
lists the shortcuts the window really has, every link resolves, and the « Outils du kit » page
carries each kit tool's « À quoi sert cet outil » text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget

from desktop_app.core.steps import STEPS
from desktop_app.ui.app import _dispose
from desktop_app.ui.help import TOOLS, HelpDialog, help_dir, tools_page
from desktop_app.ui.main_window import MainWindow

# How a key is written in the guide (a French keyboard), from Qt's portable text.
FRENCH_KEYS = {"Shift": "Maj", "Del": "Suppr", "Return": "Entrée", "PgDown": "Page suivante",
               "PgUp": "Page précédente", "Esc": "Échap"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.anchors: set[str] = set()
        self.cells: list[tuple[str, str]] = []  # (class, text) of table cells
        self._cell: list[str] | None = None
        self._class = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "a" and attrs.get("name"):
            self.anchors.add(attrs["name"])
        if tag == "td":
            self._cell, self._class = [], attrs.get("class", "")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append((self._class, "".join(self._cell).strip()))
            self._cell = None


def _parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def _french(sequence: QKeySequence) -> str:
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    return "+".join(FRENCH_KEYS.get(part, part) for part in text.split("+"))


def _documented_keys(system: bool = True) -> set[str]:
    """The keys of the shortcuts page; `system=False` leaves out the system's own (Quitter),
    which Qt gives or not depending on the platform."""
    page = _parse((help_dir() / "raccourcis-clavier.html").read_text(encoding="utf-8"))
    keys = set()
    for css, text in page.cells:
        classes = css.split()
        if "keys" in classes and (system or "system" not in classes):
            keys.update(k.strip() for k in text.split(","))
    return keys


@pytest.fixture
def window(qtbot, styled_app, ctx, demo_id):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.open_evaluation(demo_id, "cadrage")
    yield window
    _dispose(window, ctx.tasks)


def test_every_step_and_the_welcome_screen_have_a_page():
    for name in ["index", "accueil", "synchronisation", "raccourcis-clavier", *(s.id for s in STEPS)]:
        page = help_dir() / f"{name}.html"
        assert page.is_file(), name
        text = page.read_text(encoding="utf-8")
        assert "<h1>" in text and len(re.sub(r"<[^>]+>", "", text)) > 300, name


def test_links_between_pages_resolve(ctx):
    kit = ctx.services.kits.bundled()
    pages = {p.name: p.read_text(encoding="utf-8") for p in help_dir().glob("*.html")}
    pages[TOOLS] = tools_page(kit)
    anchors = {name: _parse(text).anchors for name, text in pages.items()}
    broken = []
    for name, text in pages.items():
        for href in _parse(text).hrefs:
            target, _, anchor = href.partition("#")
            target = target or name
            if target not in pages or (anchor and anchor not in anchors[target]):
                broken.append(f"{name} → {href}")
    assert not broken
    index_links = set(_parse(pages["index.html"]).hrefs)
    assert {f"{s.id}.html" for s in STEPS} | {TOOLS, "raccourcis-clavier.html", "synchronisation.html"} <= index_links


def test_f1_on_each_screen_opens_its_page(window, qtbot):
    assert window.screen_help_action.shortcut() == QKeySequence("F1")
    window.show_welcome()
    window.screen_help_action.trigger()
    assert window.help_dialog.current_page() == "accueil.html"
    assert window.help_dialog.browser.documentTitle() == "Accueil"
    window.help_dialog.close()
    window.open_evaluation(window.evaluation_id, "cadrage")
    for step in STEPS:
        window.show_step(step.id)
        window.activateWindow()
        qtbot.keyClick(window.views[step.id], Qt.Key.Key_F1)
        dialog = window.help_dialog
        assert dialog.isVisible()
        assert dialog.current_page() == f"{step.id}.html"
        title = dialog.browser.documentTitle()
        assert title and (title in step.label or step.label in title), (step.id, title)
        dialog.close()
    window.guide_action.trigger()
    assert window.help_dialog.current_page() == "index.html"


def test_the_shortcuts_page_lists_the_real_shortcuts(window, ctx):
    from desktop_app.ui.views.tool_preview import ToolPreviewWindow

    kit = ctx.services.kits.bundled()
    documented = _documented_keys()
    menus = {_french(seq) for action in window.findChildren(QAction) for seq in action.shortcuts() if not seq.isEmpty()}
    assert len(menus) >= 15
    assert menus <= documented, sorted(menus - documented)
    for step in STEPS:  # the shortcuts of each screen (tables, fiche pages, mode atelier)
        window.show_step(step.id)
        for tabs in window.views[step.id].findChildren(QTabWidget):  # tabs built when first shown
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
    screens = {_french(s.key()) for s in window.findChildren(QShortcut) if not s.key().isEmpty()}
    assert {"Suppr", "Ctrl+Entrée", "F5"} <= screens
    assert screens <= documented, sorted(screens - documented)
    preview = ToolPreviewWindow(kit, next(iter(kit.tools)))  # an « Aperçu » window of a kit tool
    preview.deleteLater()
    screens |= {_french(s.key()) for s in preview.findChildren(QShortcut)}
    real = menus | screens
    assert _documented_keys(system=False) <= real, sorted(_documented_keys(system=False) - real)


def test_tools_page_carries_each_tools_purpose(ctx, qtbot):
    kit = ctx.services.kits.bundled()
    dialog = HelpDialog(kit, "index.html")
    qtbot.addWidget(dialog)
    dialog.browser.setSource(dialog.browser.source().resolved(TOOLS))  # the index's link
    assert dialog.current_page() == TOOLS
    shown = " ".join(dialog.browser.toPlainText().split())
    for tool in kit.tools.values():
        assert tool.title in shown
        assert " ".join(tool.purpose.split())[:120] in shown, tool.title
