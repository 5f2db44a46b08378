"""A long section (a big grid) as a facilitator meets it: its first screenful at once, every other
field there a moment later, each one editable and saved, Tab going down the page in order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

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


def test_a_long_section_shows_its_top_at_once_and_every_field_soon_after(qtbot, form):
    answers = {"g1_valeur": "Trois comités", "g12_appreciation": "non", "g12_commentaire": "À revoir", "synthese": "Bien"}
    r = make(qtbot, form, answers)
    assert r.built_row("g1_valeur") is not None  # the top of the page, without waiting
    assert len(ids(form, 0)) > FIRST_ROWS
    qtbot.waitUntil(r.is_fully_built, timeout=5000)
    for field_id in ids(form, 0):
        row = r.row(field_id)
        assert row.isVisible() == (not field_id.endswith("_commentaire") or field_id == "g12_commentaire"), field_id
    assert r.row("g1_valeur").editor.edit.text() == "Trois comités"
    assert r.row("g12_appreciation").editor.buttons["non"].isChecked()
    assert r.row("g12_commentaire").editor.edit.toPlainText() == "À revoir"
    assert r.answers() == answers


def test_a_field_far_down_is_there_when_asked_for_and_saves_as_typed(qtbot, form):
    r = make(qtbot, form)
    changes = []
    r.answerChanged.connect(lambda key, value: changes.append((key, value)))
    edit = r.row("g11_valeur").editor.edit  # built at once when asked for
    qtbot.waitUntil(r.is_fully_built, timeout=5000)
    assert edit.isVisible()
    edit.setFocus()
    qtbot.keyClicks(edit, "Deux")
    r.flush()
    assert changes == [("g11_valeur", "Deux")]
    qtbot.mouseClick(r.row("g11_appreciation").editor.buttons["non"], Qt.MouseButton.LeftButton)
    assert r.row("g11_commentaire").isVisible()  # skip logic on a row built later


def test_tab_goes_down_the_whole_long_section_in_order(qtbot, form):
    r = make(qtbot, form, {"g3_appreciation": "non"})
    qtbot.waitUntil(r.is_fully_built, timeout=5000)
    texts = [w for w in focusable_in_order(r._views[0]) if isinstance(w, (QLineEdit, QPlainTextEdit)) and w.isVisible()]
    texts[0].setFocus()
    seen = [texts[0]]
    for _ in range(6 * len(texts)):
        if seen[-1] is texts[-1]:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if isinstance(focused, (QLineEdit, QPlainTextEdit)) and focused is not seen[-1]:
            seen.append(focused)
    assert seen == texts  # every text field of the page, top to bottom, the comment shown included


def test_check_complete_reaches_a_required_field_not_built_yet(qtbot, form):
    r = make(qtbot, form)
    messages = r.check_complete()
    assert any("Synthèse" in m for m in messages)
    row = r.row("synthese")
    assert row.error_label.isVisible() and row.error_label.text() == "Cette question est obligatoire."


def test_read_only_reaches_rows_built_later(qtbot, form):
    r = make(qtbot, form, {"g12_valeur": "x"})
    r.set_read_only(True)
    qtbot.waitUntil(r.is_fully_built, timeout=5000)
    assert r.row("g12_valeur").editor.edit.isReadOnly()
    assert not r.row("g12_appreciation").editor.buttons["atteint"].isEnabled()


def test_scroll_mode_builds_every_section_and_goes_to_the_last(qtbot, form):
    r = make(qtbot, form, {"d12_valeur": "Fin"}, mode="scroll")
    r.go_to_page(1)  # the sections above are complete: the scroll position is right
    assert r.row("synthese").isVisible()
    qtbot.waitUntil(r.is_fully_built, timeout=5000)
    assert r.row("d12_valeur").editor.edit.text() == "Fin" and r.row("d12_valeur").isVisible()


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
    qtbot.waitUntil(r.is_fully_built, timeout=10_000)
    page = form.pages[0]
    assert all(r.built_row(f.id) is not None and r.row(f.id).isVisible() for f in page.fields)
    changes = []
    r.answerChanged.connect(lambda key, value: changes.append((key, value)))
    last = [f for f in page.fields if f.id.endswith(".appreciation")][-1]
    value, button = next(iter(r.row(last.id).editor.buttons.items()))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    assert changes == [(last.id, value)]
