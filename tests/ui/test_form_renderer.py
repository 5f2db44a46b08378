"""The form renderer as a facilitator uses it: type, pick, skip, check, close and reopen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QRadioButton

from desktop_app.kit.forms import compile_tool
from desktop_app.ui.widgets.choice_widgets import (
    ComboChoiceEditor,
    MultipleChoiceEditor,
    ScaleEditor,
    SingleChoiceEditor,
    YesNoEditor,
)
from desktop_app.ui.widgets.form_renderer import FormRenderer
from tests.kit_builders import build_kit, tool_yaml

PURPOSE = "Recueillir le regard des communes sur le pilotage du contrat de ville."
HOW_TO = "Remplissez avec le chef de projet de la commune."

QUESTIONNAIRE = tool_yaml(
    "questionnaire",
    "questionnaire",
    "Questionnaire aux communes",
    "questionnaires",
    """
sections:
  - id: identite
    title: "Votre commune"
    questions:
      - {id: commune, type: text, label: "Nom de la commune", required: true}
      - {id: nb_qpv, type: integer, label: "Nombre de QPV", min: 0, max: 50}
      - {id: budget, type: decimal, label: "Crédits mobilisés", unit: "€"}
      - {id: signature, type: date, label: "Date de signature"}
      - {id: a_cc, type: yes_no, label: "Un conseil citoyen existe-t-il ?"}
      - {id: nb_membres, type: integer, label: "Nombre de membres", show_if: "a_cc == true"}
  - id: avis
    title: "Votre avis"
    questions:
      - {id: satisfaction, type: single_choice, label: "Satisfaction", choice_list: satisfaction}
      - {id: role, type: single_choice, label: "Rôle", allow_other: true,
         choices: [{value: pilote, label: "Pilote"}, {value: associee, label: "Associée"}]}
      - {id: instances, type: multiple_choice, label: "Instances", allow_other: true,
         choices: [{value: copil, label: "COPIL"}, {value: cotech, label: "COTECH"}]}
      - {id: clarte, type: scale, label: "Clarté des rôles", min: 1, max: 5,
         min_label: "Pas clairs", max_label: "Très clairs"}
      - {id: departement, type: single_choice, label: "Département",
         choices: [{value: "59", label: "Nord"}, {value: "62", label: "Pas-de-Calais"},
                   {value: "02", label: "Aisne"}, {value: "60", label: "Oise"}, {value: "80", label: "Somme"},
                   {value: "75", label: "Paris"}, {value: "69", label: "Rhône"}, {value: "13", label: "Bouches-du-Rhône"},
                   {value: "33", label: "Gironde"}]}
      - {id: temoignage, type: long_text, label: "Un exemple de coopération", sensitive: true}
  - id: partenaires
    title: "Partenaires"
    show_if: "nb_qpv > 0"
    questions:
      - id: structures
        type: repeat_group
        label: "Structures partenaires"
        item_label: "Structure"
        questions:
          - {id: nom_structure, type: text, label: "Nom de la structure", required: true}
          - {id: salaries, type: integer, label: "Salariés"}
""",
    purpose=PURPOSE,
    how_to=HOW_TO,
)

ALL_TYPES = {
    "commune": "Roubaix",
    "nb_qpv": 3,
    "budget": 12500.5,
    "signature": "2024-03-15",
    "a_cc": True,
    "nb_membres": 12,
    "satisfaction": "plutot_satisfait",
    "role": "Co-animatrice",  # free text in « Autre »
    "instances": ["copil", "Revue de projet"],
    "clarte": 4,
    "departement": "62",
    "temoignage": "Une habitante a proposé un forum.\nDeuxième ligne.",
    "structures": [
        {"nom_structure": "Centre social", "salaries": 12},
        {"nom_structure": "Régie de quartier"},
    ],
}


@pytest.fixture(scope="module")
def kit():
    """The shared test kit (one tool of every kind) with this file's questionnaire."""
    return build_kit(questionnaire=QUESTIONNAIRE)


@pytest.fixture
def form(kit):
    return compile_tool(kit, "questionnaire")


def make(qtbot, form, answers=None, mode="pages", show=True) -> FormRenderer:
    renderer = FormRenderer(form, answers, mode=mode)
    qtbot.addWidget(renderer)
    renderer.resize(1200, 800)
    if show:
        renderer.show()
        qtbot.waitExposed(renderer)
        renderer.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is renderer)
    return renderer


def record(renderer) -> list[tuple[str, object]]:
    changes: list[tuple[str, object]] = []
    renderer.answerChanged.connect(lambda fid, value: changes.append((fid, value)))
    return changes


def line_edit(renderer, field_id) -> QLineEdit:
    return renderer.row(field_id).editor.edit


# ----------------------------------------------------------------------------- typing


def test_typing_emits_the_coerced_value_once_after_a_pause(qtbot, form):
    r = make(qtbot, form)
    changes = record(r)
    edit = line_edit(r, "budget")
    edit.setFocus()
    with qtbot.waitSignal(r.answerChanged, timeout=3000) as blocker:
        qtbot.keyClicks(edit, "1 234,5")
    assert blocker.args == ["budget", 1234.5]
    qtbot.wait(600)
    assert changes == [("budget", 1234.5)]  # one emission for the whole number, not one per key
    assert r.answers()["budget"] == 1234.5


def test_leaving_a_field_commits_at_once(qtbot, form):
    r = make(qtbot, form)
    changes = record(r)
    edit = line_edit(r, "budget")
    edit.setFocus()
    qtbot.keyClicks(edit, "12 500,50")  # (QTest cannot type « € »: see core tests)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert changes == [("budget", 12500.5)]
    assert QApplication.focusWidget() is line_edit(r, "signature")  # Tab follows the form


def test_date_typed_the_french_way_is_stored_iso_and_tidied(qtbot, form):
    r = make(qtbot, form)
    changes = record(r)
    edit = line_edit(r, "signature")
    edit.setFocus()
    qtbot.keyClicks(edit, "5/3/24")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert changes == [("signature", "2024-03-05")]
    assert edit.text() == "05/03/2024"


def test_empty_number_stays_empty_not_zero(qtbot, form):
    r = make(qtbot, form, {"budget": 10})
    edit = line_edit(r, "budget")
    assert line_edit(r, "nb_qpv").text() == ""
    assert "nb_qpv" not in r.answers()
    changes = record(r)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert changes == [("budget", None)]
    assert "budget" not in r.answers() and edit.text() == ""


def test_invalid_number_shows_a_french_message_and_is_not_saved(qtbot, form):
    r = make(qtbot, form)
    changes = record(r)
    row = r.row("nb_qpv")
    row.editor.edit.setFocus()
    qtbot.keyClicks(row.editor.edit, "12,5")
    qtbot.keyClick(row.editor.edit, Qt.Key.Key_Tab)
    assert changes == []
    assert row.error_label.isVisible()
    assert row.error_label.text() == "« 12,5 » n'est pas un nombre entier"
    row.editor.edit.setFocus()
    row.editor.edit.selectAll()
    qtbot.keyClicks(row.editor.edit, "80")
    qtbot.keyClick(row.editor.edit, Qt.Key.Key_Tab)
    assert row.error_label.text() == "La valeur doit être entre 0 et 50"
    row.editor.edit.setFocus()
    row.editor.edit.selectAll()
    qtbot.keyClicks(row.editor.edit, "2")
    qtbot.keyClick(row.editor.edit, Qt.Key.Key_Tab)
    assert not row.error_label.isVisible() and changes == [("nb_qpv", 2)]


def test_flush_commits_pending_typing_before_close(qtbot, form):
    r = make(qtbot, form)
    changes = record(r)
    edit = line_edit(r, "commune")
    edit.setFocus()
    qtbot.keyClicks(edit, "Tourcoing")
    assert changes == []  # still within the pause
    r.flush()
    assert changes == [("commune", "Tourcoing")]
    r.flush()
    assert len(changes) == 1


# ----------------------------------------------------------------------------- skip logic


def test_skip_logic_hides_and_shows_a_question_as_the_answer_changes(qtbot, form):
    r = make(qtbot, form)
    yes_no: YesNoEditor = r.row("a_cc").editor
    members = r.row("nb_membres")
    assert not members.isVisible()
    qtbot.mouseClick(yes_no.buttons["oui"], Qt.MouseButton.LeftButton)
    assert members.isVisible()
    assert r.answers()["a_cc"] is True
    members.editor.edit.setFocus()
    qtbot.keyClicks(members.editor.edit, "8")
    qtbot.keyClick(members.editor.edit, Qt.Key.Key_Tab)
    qtbot.mouseClick(yes_no.buttons["non"], Qt.MouseButton.LeftButton)
    assert not members.isVisible()
    # the hidden answer is kept (it comes back) but not counted
    assert r.answers()["nb_membres"] == 8
    answered, total = r.completion().answered, r.completion().total
    qtbot.mouseClick(yes_no.buttons["oui"], Qt.MouseButton.LeftButton)
    assert members.isVisible() and members.editor.edit.text() == "8"
    assert (r.completion().answered, r.completion().total) == (answered + 1, total + 1)


def test_a_whole_section_hides_and_shows(qtbot, form):
    r = make(qtbot, form)
    index = [p.id for p in form.pages].index("partenaires")
    assert r.page_list.item(index).isHidden()
    edit = line_edit(r, "nb_qpv")
    edit.setFocus()
    qtbot.keyClicks(edit, "2")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not r.page_list.item(index).isHidden()
    assert "partenaires" in r.visible_page_ids()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "0")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert r.page_list.item(index).isHidden()


# ----------------------------------------------------------------------------- required


def test_check_complete_lists_missing_required_in_french_and_goes_there(qtbot, form):
    r = make(qtbot, form, {"nb_qpv": 1, "structures": [{"salaries": 3}]})
    r.go_to_page(1)
    messages = r.check_complete()
    assert messages == [
        "Votre commune : la question « Nom de la commune » est obligatoire",
        "Partenaires : « Nom de la structure » (Structure 1) est obligatoire",
    ]
    assert r.current_page() == 0
    row = r.row("commune")
    assert row.error_label.isVisible() and row.error_label.text() == "Cette question est obligatoire."
    assert QApplication.focusWidget() is row.editor.edit
    qtbot.keyClicks(row.editor.edit, "Roubaix")
    qtbot.keyClick(row.editor.edit, Qt.Key.Key_Tab)
    assert not row.error_label.isVisible()
    assert r.check_complete() == ["Partenaires : « Nom de la structure » (Structure 1) est obligatoire"]


# ----------------------------------------------------------------------------- values


def test_set_answers_then_answers_round_trips_every_type_without_signals(qtbot, form):
    r = make(qtbot, form)
    changes = record(r)
    completions = []
    r.completionChanged.connect(lambda a, t: completions.append((a, t)))
    r.set_answers(ALL_TYPES)
    assert r.answers() == ALL_TYPES
    assert changes == [] and completions == []
    # and the widgets show them
    assert line_edit(r, "budget").text() == "12\u00a0500,5"
    assert line_edit(r, "signature").text() == "15/03/2024"
    role: SingleChoiceEditor = r.row("role").editor
    assert role.other_button.isChecked() and role.other_edit.text() == "Co-animatrice"
    instances: MultipleChoiceEditor = r.row("instances").editor
    assert instances.buttons["copil"].isChecked() and not instances.buttons["cotech"].isChecked()
    assert instances.other_edit.text() == "Revue de projet"
    scale: ScaleEditor = r.row("clarte").editor
    assert scale.buttons["4"].isChecked()
    combo: ComboChoiceEditor = r.row("departement").editor
    assert combo.combo.currentText() == "Pas-de-Calais"
    assert r.row("temoignage").editor.edit.toPlainText() == ALL_TYPES["temoignage"]
    assert [item.values() for item in r.row("structures").editor.items] == ALL_TYPES["structures"]
    assert r.completion_label.text() == "13 / 13 réponses"


def test_values_survive_close_and_reopen(qtbot, form):
    store: dict = {}
    r = make(qtbot, form)
    r.answerChanged.connect(
        lambda fid, value: store.__setitem__(fid, value) if value is not None else store.pop(fid, None)
    )
    qtbot.keyClicks(line_edit(r, "commune"), "Roubaix")
    qtbot.keyClicks(line_edit(r, "nb_qpv"), "3")
    qtbot.mouseClick(r.row("a_cc").editor.buttons["oui"], Qt.MouseButton.LeftButton)
    r.next_page()
    qtbot.mouseClick(r.row("satisfaction").editor.buttons["insatisfait"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(r.row("instances").editor.buttons["cotech"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(r.row("clarte").editor.buttons["2"], Qt.MouseButton.LeftButton)
    text = r.row("temoignage").editor.edit
    text.setFocus()
    qtbot.keyClicks(text, "Forum emploi")
    r.next_page()
    group = r.row("structures").editor
    qtbot.mouseClick(group.add_button, Qt.MouseButton.LeftButton)
    name = group.items[0].rows[0].editor.edit
    assert QApplication.focusWidget() is name  # « Ajouter » focuses the new item
    qtbot.keyClicks(name, "Centre social")
    r.flush()  # what the owner calls on close
    r.close()
    assert store == {
        "commune": "Roubaix",
        "nb_qpv": 3,
        "a_cc": True,
        "satisfaction": "insatisfait",
        "instances": ["cotech"],
        "clarte": 2,
        "temoignage": "Forum emploi",
        "structures": [{"nom_structure": "Centre social"}],
    }
    again = make(qtbot, form, dict(store))
    assert again.answers() == store
    assert line_edit(again, "commune").text() == "Roubaix"
    assert again.row("satisfaction").editor.buttons["insatisfait"].isChecked()
    assert again.row("structures").editor.items[0].rows[0].editor.edit.text() == "Centre social"


def test_unknown_answers_are_kept_untouched(qtbot, form):
    r = make(qtbot, form, {"commune": "Lens", "ancienne_question": "gardée"}, show=False)
    assert r.answers() == {"commune": "Lens", "ancienne_question": "gardée"}


def test_repeat_group_add_and_remove(qtbot, form):
    r = make(qtbot, form, {"nb_qpv": 1, "structures": [{"nom_structure": "A"}, {"nom_structure": "B"}]})
    r.go_to_page(2)
    changes = record(r)
    group = r.row("structures").editor
    qtbot.mouseClick(group.items[0].remove_button, Qt.MouseButton.LeftButton)
    assert changes == [("structures", [{"nom_structure": "B"}])]
    assert group.items[0].title.text() == "Structure 1"
    qtbot.mouseClick(group.items[0].remove_button, Qt.MouseButton.LeftButton)
    assert changes[-1] == ("structures", None) and "structures" not in r.answers()
    assert group.empty_label.isVisible()


# ----------------------------------------------------------------------------- privacy


def test_sensitive_field_shows_rgpd_notice_and_live_warnings(qtbot, form):
    r = make(qtbot, form)
    r.go_to_page(1)
    row = r.row("temoignage")
    notice = row.findChild(type(row.label), "privacyNotice")
    assert notice is not None and "utilisez un pseudonyme" in notice.text()
    assert not row.privacy_label.isVisible()
    edit: QPlainTextEdit = row.editor.edit
    edit.setFocus()
    with qtbot.waitSignal(r.answerChanged, timeout=3000):
        qtbot.keyClicks(edit, "Appeler Marie Dupont au 06 12 34 56 78")
    assert row.privacy_label.isVisible()
    warnings = row.privacy_warnings()
    assert any("téléphone" in w for w in warnings) and any("Marie Dupont" in w for w in warnings)
    edit.selectAll()
    with qtbot.waitSignal(r.answerChanged, timeout=3000):
        qtbot.keyClicks(edit, "Une habitante")
    assert not row.privacy_label.isVisible()


# ----------------------------------------------------------------------------- keyboard, mouse


def test_ctrl_page_down_and_up_change_section(qtbot, form):
    r = make(qtbot, form)
    edit = line_edit(r, "commune")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert r.current_page() == 1 and r.stack.currentIndex() == 1
    qtbot.keyClick(r, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert r.current_page() == 1  # the last section is hidden by the skip logic
    qtbot.keyClick(r, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert r.current_page() == 0
    assert r.position_label.text() == "Section 1 sur 2"


def test_radio_buttons_work_with_the_arrow_keys(qtbot, form):
    r = make(qtbot, form)
    r.go_to_page(1)
    editor: SingleChoiceEditor = r.row("satisfaction").editor
    changes = record(r)
    first = editor.buttons["tres_satisfait"]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert changes == [("satisfaction", "tres_satisfait")]
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert editor.buttons["plutot_satisfait"].isChecked()
    assert changes[-1] == ("satisfaction", "plutot_satisfait")
    qtbot.mouseClick(editor.clear_button, Qt.MouseButton.LeftButton)
    assert changes[-1] == ("satisfaction", None)
    assert not any(b.isChecked() for b in editor.buttons.values())


def test_tab_order_follows_the_form(qtbot, form):
    r = make(qtbot, form)
    edit = line_edit(r, "commune")
    edit.setFocus()
    order = []
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order[0] is line_edit(r, "nb_qpv")
    assert order[1] is line_edit(r, "budget")
    assert order[2] is line_edit(r, "signature")
    assert order[3] is r.row("signature").editor.button
    assert isinstance(order[4], QRadioButton) and order[4] is r.row("a_cc").editor.buttons["oui"]


def test_combo_box_leaves_the_mouse_wheel_to_the_page(qtbot, form):
    r = make(qtbot, form)
    r.go_to_page(1)
    combo = r.row("departement").editor.combo
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    line_edit(r, "commune").setFocus()
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(combo.mapToGlobal(QPoint(5, 5))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(combo, event)
    assert combo.currentIndex() == 0 and not event.isAccepted()


def test_read_only_blocks_editing(qtbot, form):
    r = make(qtbot, form, {"commune": "Lens", "nb_qpv": 1, "structures": [{"nom_structure": "A"}]})
    r.set_read_only(True)
    assert line_edit(r, "commune").isReadOnly()
    assert not r.row("a_cc").editor.buttons["oui"].isEnabled()
    assert not r.row("structures").editor.add_button.isVisibleTo(r)
    r.set_read_only(False)
    assert not line_edit(r, "commune").isReadOnly()


def test_completion_label_and_signal(qtbot, form):
    r = make(qtbot, form)
    assert r.completion_label.text() == "0 / 11 réponses"
    with qtbot.waitSignal(r.completionChanged, timeout=3000) as blocker:
        qtbot.mouseClick(r.row("a_cc").editor.buttons["oui"], Qt.MouseButton.LeftButton)
    assert blocker.args == [1, 12]  # the answer, and the question it reveals
    assert r.completion_label.text() == "1 / 12 réponses"


# ----------------------------------------------------------------------------- every kind, both modes


@pytest.mark.parametrize("mode", ["pages", "scroll"])
@pytest.mark.parametrize(
    "tool_id", ["questionnaire", "guide", "courrier", "referentiel", "grille", "maturite", "cotation"]
)
def test_every_kind_renders_and_edits(qtbot, kit, tool_id, mode):
    form = compile_tool(kit, tool_id)
    r = make(qtbot, form, mode=mode, show=False)
    r.show()
    changes = record(r)
    answerable = [
        f for p in form.pages for f in p.fields if f.answerable and not f.show_if and f.type != "repeat_group"
    ]
    target = answerable[-1]
    row = r.row(target.id)
    editor = row.editor
    if hasattr(editor, "buttons") and editor.buttons:
        first_value, button = next(iter(editor.buttons.items()))
        button.click()
        expected = {"yes_no": True, "scale": int(first_value)}.get(target.type, first_value)
    elif hasattr(editor, "edit"):
        editor.edit.setFocus()
        qtbot.keyClicks(editor.edit, "01/02/2026" if target.type == "date" else "1")
        r.flush()
        expected = {"integer": 1, "decimal": 1.0, "date": "2026-02-01"}.get(target.type, "1")
    else:
        raise AssertionError(f"no simple editor for {target.type}")
    assert changes == [(target.id, expected)]
    assert r.completion().answered == 1


def test_scroll_mode_sections_collapse_and_navigate(qtbot, form):
    r = make(qtbot, form, mode="scroll")
    assert r.completion_label.text() == "0 / 11 réponses"
    qtbot.keyClick(line_edit(r, "commune"), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert r.current_page() == 1
    members = r.row("nb_membres")
    assert not members.isVisible()
    qtbot.mouseClick(r.row("a_cc").editor.buttons["oui"], Qt.MouseButton.LeftButton)
    assert members.isVisible()


# ----------------------------------------------------------------------------- sections built when first shown


def test_a_section_is_built_when_first_shown_and_shows_the_saved_answers(qtbot, form):
    r = make(qtbot, form, ALL_TYPES)
    assert r.is_page_built(0) and not r.is_page_built(1) and not r.is_page_built(2)
    assert r.completion_label.text() == "13 / 13 réponses"  # counted on the answers, not the widgets
    qtbot.mouseClick(r.next_button, Qt.MouseButton.LeftButton)
    assert r.is_page_built(1) and r.stack.currentWidget().isVisible()
    assert r.row("satisfaction").editor.buttons["plutot_satisfait"].isVisible()
    assert r.row("satisfaction").editor.buttons["plutot_satisfait"].isChecked()
    assert r.row("departement").editor.combo.currentText() == "Pas-de-Calais"
    r.go_to_page(2)
    assert [item.values() for item in r.row("structures").editor.items] == ALL_TYPES["structures"]
    assert r.answers() == ALL_TYPES


def test_ctrl_page_down_puts_the_focus_in_a_section_built_on_the_way(qtbot, form):
    r = make(qtbot, form, {"nb_qpv": 2})
    edit = line_edit(r, "commune")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert r.current_page() == 1
    first = r.row("satisfaction").editor.buttons["tres_satisfait"]
    assert QApplication.focusWidget() is first and first.isVisible()
    qtbot.keyClick(first, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert r.current_page() == 2 and r.is_page_built(2)
    assert r.row("structures").editor.add_button.isVisible()
    assert r.position_label.text() == "Section 3 sur 3"


def test_read_only_and_checks_reach_a_section_built_later(qtbot, form):
    r = make(qtbot, form, {"commune": "Lens", "clarte": 9})  # out of the scale: kept, not valid
    assert not r.is_page_built(1)
    messages = r.check_complete()
    assert len(messages) == 1 and messages[0].startswith("Votre avis : « Clarté des rôles » : ")
    assert r.current_page() == 1 and r.is_page_built(1)  # brought into view
    row = r.row("clarte")
    assert row.error_label.isVisible() and row.error_label.text()
    r.go_to_page(0)
    r.set_read_only(True)
    r2 = make(qtbot, form, {"commune": "Lens"})
    r2.set_read_only(True)
    r2.go_to_page(1)
    assert not r2.row("satisfaction").editor.buttons["tres_satisfait"].isEnabled()
    assert line_edit(r2, "commune").isReadOnly()


def test_hidden_questions_stay_hidden_in_a_section_built_later(qtbot, form):
    r = make(qtbot, form, {"a_cc": False})
    assert not r.row("nb_membres").isVisible()  # built with its section
    r2 = make(qtbot, form, {"a_cc": True, "nb_membres": 4, "satisfaction": "tres_satisfait"})
    r2.go_to_page(1)
    r2.go_to_page(0)
    assert r2.row("nb_membres").isVisible() and line_edit(r2, "nb_membres").text() == "4"
