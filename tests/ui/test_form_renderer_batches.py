"""A long section (a big grid) as a facilitator meets it: its first screens at once, the fields
below built as the scroll (or Tab) comes near them, each one editable and saved, Tab going down the
page in order, the scroll bar showing the whole section from the start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QAbstractSlider, QApplication, QLineEdit, QPlainTextEdit

from desktop_app.kit.forms import compile_tool
from desktop_app.ui.widgets.field_widgets import DateEditor
from desktop_app.ui.widgets.form_renderer import FIRST_ROWS, FormRenderer
from desktop_app.ui.widgets.form_style import focusable_in_order
from tests.kit_builders import build_kit, tool_yaml

INDICATORS = 12  # four fields each: far more than a screenful


def _questions(prefix: str, count: int) -> str:
    lines = []
    for n in range(1, count + 1):
        i = f"{prefix}{n}"
        lines += [
            f'      - {{id: {i}_valeur, type: text, label: "Valeur de l\'indicateur {n}"}}',
            f'      - {{id: {i}_nombre, type: integer, label: "Nombre {n}", min: 0, max: 100}}',
            f'      - {{id: {i}_appreciation, type: single_choice, label: "Appréciation {n}", '
            f'choices: [{{value: atteint, label: "Atteint"}}, {{value: non, label: "Non atteint"}}]}}',
            f'      - {{id: {i}_commentaire, type: long_text, label: "Commentaire {n}", '
            f'show_if: "{i}_appreciation == \'non\'"}}',
        ]
    return "\n".join(lines)


GRID = tool_yaml(
    "questionnaire",
    "questionnaire",
    "Grille longue",
    "questionnaires",
    f"""
sections:
  - id: gouvernance
    title: "Gouvernance"
    questions:
      - {{id: date_revue, type: date, label: "Date de la revue & du bilan"}}
{_questions("g", INDICATORS)}
      - {{id: synthese, type: long_text, label: "Synthèse", required: true}}
  - id: droit_commun
    title: "Droit commun"
    questions:
{_questions("d", INDICATORS)}
""",
)


@pytest.fixture(scope="module")
def form():
    return compile_tool(build_kit(questionnaire=GRID), "questionnaire")


def make(qtbot, form, answers=None, mode="pages") -> FormRenderer:
    renderer = FormRenderer(form, answers, mode=mode)
    qtbot.addWidget(renderer)
    renderer.resize(1200, 800)
    renderer.show()
    qtbot.waitExposed(renderer)
    return renderer


def ids(form, page: int) -> list[str]:
    return [f.id for f in form.pages[page].fields]


def built(r: FormRenderer, form, page: int = 0) -> list[str]:
    return [i for i in ids(form, page) if r.built_row(i) is not None]


def settle(qtbot, r: FormRenderer) -> None:
    """Let the renderer build what it builds by itself (it stops once the screens below are there)."""
    qtbot.waitUntil(lambda: not r.is_building(), timeout=5000)


def scroll_to_end(qtbot, r: FormRenderer, page: int = 0) -> None:
    """The scroll bar dragged to its very end, as a user would, until the section is all there."""
    bar = r.scrolls[page].verticalScrollBar() if r.mode == "pages" else r.scroll.verticalScrollBar()
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    qtbot.waitUntil(r.is_fully_built, timeout=5000)
    settle(qtbot, r)


def on_screen(r: FormRenderer, widget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def test_a_long_section_builds_its_first_screens_then_the_rest_as_it_is_scrolled(qtbot, form):
    answers = {"g1_valeur": "Trois comités", "g12_appreciation": "non", "g12_commentaire": "À revoir", "synthese": "Bien"}
    r = make(qtbot, form, answers)
    assert r.built_row("g1_valeur") is not None  # the top of the page, without waiting
    assert len(ids(form, 0)) > FIRST_ROWS
    settle(qtbot, r)
    first = built(r, form)
    assert FIRST_ROWS <= len(first) < 0.75 * len(ids(form, 0))  # the first screens, not the whole grid
    screen = r.scrolls[0].viewport()
    last_built = r.row(first[-1])
    assert last_built.mapTo(screen, last_built.rect().topLeft()).y() > screen.height()  # more than a screen
    scroll_to_end(qtbot, r)
    for field_id in ids(form, 0):
        row = r.built_row(field_id)
        assert row.isVisible() == (not field_id.endswith("_commentaire") or field_id == "g12_commentaire"), field_id
    assert on_screen(r, r.row("synthese"))
    assert r.row("g1_valeur").editor.edit.text() == "Trois comités"
    assert r.row("g12_appreciation").editor.buttons["non"].isChecked()
    assert r.row("g12_commentaire").editor.edit.toPlainText() == "À revoir"
    assert r.answers() == answers
    edit = r.row("synthese").editor.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, " dans l'ensemble")
    assert r.answers()["synthese"] == "Bien dans l'ensemble"


def test_the_scroll_bar_shows_the_whole_section_before_it_is_built(qtbot, form):
    r = make(qtbot, form)
    settle(qtbot, r)
    bar = r.scrolls[0].verticalScrollBar()
    before = bar.maximum()
    assert not r.is_fully_built()
    scroll_to_end(qtbot, r)
    assert bar.value() == bar.maximum()  # still at the very end once everything is there
    assert abs(before - bar.maximum()) <= 0.35 * bar.maximum(), (before, bar.maximum())


def test_a_field_far_down_is_there_when_asked_for_and_saves_as_typed(qtbot, form):
    r = make(qtbot, form)
    settle(qtbot, r)
    assert r.built_row("g11_valeur") is None
    changes = []
    r.answerChanged.connect(lambda key, value: changes.append((key, value)))
    r.go_to_field("g11_valeur")  # built at once when asked for, and scrolled to
    edit = r.row("g11_valeur").editor.edit
    assert on_screen(r, edit) and edit.hasFocus()
    settle(qtbot, r)
    assert on_screen(r, edit)  # still there once the rows around it are built
    edit.setFocus()
    qtbot.keyClicks(edit, "Deux")
    r.flush()
    assert changes == [("g11_valeur", "Deux")]
    qtbot.mouseClick(r.row("g11_appreciation").editor.buttons["non"], Qt.MouseButton.LeftButton)
    settle(qtbot, r)
    assert r.row("g11_commentaire").isVisible()  # skip logic on a row built later


def test_tab_goes_down_the_whole_long_section_in_order(qtbot, form):
    r = make(qtbot, form, {"g3_appreciation": "non", "g9_appreciation": "non"})
    settle(qtbot, r)
    assert not r.is_fully_built()
    start = next(w for w in focusable_in_order(r._views[0]) if isinstance(w, (QLineEdit, QPlainTextEdit)))
    start.setFocus()
    seen = [start]
    for _ in range(8 * len(ids(form, 0))):  # Tab only: no event loop pass, rows built just in time
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if not r._views[0].isAncestorOf(focused):
            break  # out of the section: the navigation buttons
        if isinstance(focused, (QLineEdit, QPlainTextEdit)) and focused is not seen[-1]:
            seen.append(focused)
    assert r.is_fully_built()  # Tab went down the whole section
    texts = [w for w in focusable_in_order(r._views[0]) if isinstance(w, (QLineEdit, QPlainTextEdit)) and w.isVisible()]
    assert seen == texts  # every text field of the page, top to bottom, the comments shown included
    assert r.row("g9_commentaire").editor.edit in seen and seen[-1] is r.row("synthese").editor.edit


def test_check_complete_reaches_a_required_field_not_built_yet(qtbot, form):
    r = make(qtbot, form)
    messages = r.check_complete()
    assert any("Synthèse" in m for m in messages)
    row = r.row("synthese")
    assert row.error_label.isVisible() and row.error_label.text() == "Cette question est obligatoire."


def test_read_only_reaches_rows_built_later(qtbot, form):
    r = make(qtbot, form, {"g12_valeur": "x"})
    settle(qtbot, r)
    r.set_read_only(True)
    assert r.built_row("g12_valeur") is None
    scroll_to_end(qtbot, r)
    assert r.row("g12_valeur").editor.edit.isReadOnly()
    assert not r.row("g12_appreciation").editor.buttons["atteint"].isEnabled()


def test_build_all_builds_every_row_of_the_sections_shown_at_once(qtbot, form):
    r = make(qtbot, form, {"g12_valeur": "x"})
    settle(qtbot, r)
    assert not r.is_fully_built()
    r.build_all()
    assert r.is_fully_built() and built(r, form) == ids(form, 0)
    assert r.built_row("d1_valeur") is None  # a section never shown stays unbuilt
    assert r.built_row("g12_valeur").editor.edit.text() == "x"


def test_scroll_mode_builds_sections_as_they_come_into_view_and_goes_to_the_last(qtbot, form):
    r = make(qtbot, form, {"d12_valeur": "Fin"}, mode="scroll")
    settle(qtbot, r)
    assert r.built_row("synthese") is None and r.built_row("d1_valeur") is None  # far below
    r.go_to_page(1)  # the sections above are complete: the scroll position is right
    assert r.row("synthese").isVisible()
    settle(qtbot, r)
    assert on_screen(r, r.row("d1_valeur"))
    scroll_to_end(qtbot, r)
    assert r.row("d12_valeur").editor.edit.text() == "Fin" and on_screen(r, r.row("d12_valeur"))


def test_an_ampersand_in_a_label_is_shown_as_is(qtbot, form):
    r = make(qtbot, form)
    label = r.row("date_revue").label
    assert label.text().replace("&&", "&") == "Date de la revue & du bilan"
    assert label.buddy() is r.row("date_revue").editor.edit


def test_the_calendar_opens_and_picks_a_date(qtbot, form):
    r = make(qtbot, form)
    editor = r.row("date_revue").editor
    assert isinstance(editor, DateEditor)
    shown = []

    def look_and_close():
        shown.append(editor.menu.isVisible() and editor.calendar.isVisible())
        editor.calendar.clicked.emit(QDate(2026, 3, 15))

    QTimer.singleShot(200, look_and_close)
    qtbot.mouseClick(editor.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert shown == [True]
    assert r.answers()["date_revue"] == "2026-03-15"


def test_the_real_referentiel_grid_fills_in_and_saves_its_last_indicator(qtbot, services, evaluation_id):
    form = services.referentiel.form(evaluation_id, "referentiel")
    r = make(qtbot, form)
    settle(qtbot, r)
    page = form.pages[0]
    assert len(built(r, form)) < len(page.fields) / 2  # the first screens only
    scroll_to_end(qtbot, r)
    assert all(r.built_row(f.id) is not None and r.row(f.id).isVisible() for f in page.fields)
    changes = []
    r.answerChanged.connect(lambda key, value: changes.append((key, value)))
    last = [f for f in page.fields if f.id.endswith(".appreciation")][-1]
    assert on_screen(r, r.row(last.id))
    value, button = next(iter(r.row(last.id).editor.buttons.items()))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    assert changes == [(last.id, value)]


def test_a_taller_window_builds_the_rows_coming_into_view(qtbot, form):
    r = make(qtbot, form, {"synthese": "Bien"})
    settle(qtbot, r)
    before = built(r, form)
    r.resize(1200, 2400)
    settle(qtbot, r)
    after = built(r, form)
    assert len(after) > len(before)
    last = r.row(after[-1])
    screen = r.scrolls[0].viewport()
    assert r.is_fully_built() or last.mapTo(screen, last.rect().topLeft()).y() > screen.height()


def test_the_real_referentiel_grid_goes_to_an_indicator_far_down_and_stays_there(qtbot, services, evaluation_id):
    form = services.referentiel.form(evaluation_id, "referentiel")
    r = make(qtbot, form)
    settle(qtbot, r)
    target = [f.id for f in form.pages[0].fields if f.id.endswith(".valeur")][-2]
    assert r.built_row(target) is None
    r.go_to_field(target)  # as the matrix's cell or the check of a complete sheet do
    edit = r.row(target).editor.edit
    assert on_screen(r, edit) and edit.hasFocus()
    settle(qtbot, r)
    assert on_screen(r, edit)  # the rows built around it did not push it off the screen


def test_the_rows_on_the_way_to_a_field_far_down_come_a_batch_per_pass(qtbot, form):
    r = make(qtbot, form)
    settle(qtbot, r)
    target = "synthese"
    assert r.built_row(target) is None
    shown = []
    r.when_built(["g12_valeur"], lambda: shown.append("older"))  # replaced by the next jump
    r.when_built([target], lambda: shown.append(target))
    assert r.built_row(target) is None and shown == []  # not all at once: the window answers meanwhile
    qtbot.waitUntil(lambda: shown == [target], timeout=5000)
    assert r.built_row(target) is not None
    r.when_built([target], lambda: shown.append("again"))  # built already: at once
    assert shown == [target, "again"]
