"""Planning a chosen action: pick evaluative questions, fill the method plan in place, add one's
own question, see the calendar's remarks, complete the sheet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop_app.ui.views.actions.view import CHOSEN, ActionsView


@pytest.fixture
def chosen(services, evaluation_id, tmp_path):
    path = tmp_path / "prog.csv"
    path.write_text("Intitulé;Porteur;Montant État\nMédiation sociale;Citéo Médiation;60000\nAtelier vélo;Vélo Solidaire;3000\n",
                    encoding="utf-8")
    services.actions.import_file(evaluation_id, path)
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "start_date", "2026-01-05")
    ev.update_evaluation(evaluation_id, "end_date", "2026-12-18")
    ev.add_row("milestone", evaluation_id, {"date": "2026-12-08", "kind": "copil", "label": "COPIL de restitution"})
    action = next(a for a in services.actions.list(evaluation_id) if a.title == "Médiation sociale")
    services.actions.set_chosen(action.id, True)
    return action.id


@pytest.fixture
def panel(qtbot, ctx, evaluation_id, chosen):
    view = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 850)
    view.show()
    qtbot.waitExposed(view)
    view.tabs.setCurrentIndex(CHOSEN)
    panel = view.chosen_tab.panel
    assert panel.action_id == chosen
    return panel


def test_pick_questions_and_fill_the_plan(qtbot, panel, services, chosen):
    assert panel.title.text() == "Médiation sociale"
    assert panel.meta.text().startswith("Citéo Médiation") and "rang 1 · score" in panel.meta.text()
    assert panel.questions.count.text().startswith("Aucune question retenue")
    panel.questions.boxes["pert_1"].click()
    panel.questions.boxes["eff_2"].click()
    plan = services.actions.plan(chosen)
    assert plan.refs == {"pert_1", "eff_2"}
    assert panel.questions.headers["pertinence"].text() == "Pertinence  (1 retenue)"
    assert panel.tabs.tabText(1) == "Plan d'évaluation (2)"

    # fill the indicators of the first question by typing in the plan table
    panel.tabs.setCurrentIndex(1)
    table = panel.plan_page.table
    index = table.model().index(0, 2)
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.findChild(QLineEdit)
    qtbot.keyClicks(editor, "Part des besoins couverts (%)")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits the editor on the next event loop turn
    qtbot.waitUntil(lambda: services.actions.plan(chosen).rows[0].get("indicators") == "Part des besoins couverts (%)")
    assert table.model().index(0, 2).data() == "Part des besoins couverts (%)"
    # methods and dates go through the same model the delegates use
    model = panel.plan_page.model
    assert model.setData(model.index(0, 4), ["entretiens", "questionnaire"])
    assert model.setData(model.index(0, 6), "2026-03-02")
    assert model.setData(model.index(0, 7), "2026-12-15")
    assert model.index(0, 4).data() == "Entretiens, Questionnaire"
    assert model.index(0, 7).data() == "15/12/2026"

    # the calendar says the collection ends after the restitution COPIL
    panel.tabs.setCurrentIndex(2)
    text = panel.calendar.warnings.text()
    assert "la collecte se termine après « COPIL de restitution » du 08/12/2026" in text
    assert "1. 08/12/2026 — COPIL de restitution" in text
    assert not panel.calendar.chart.pixmap().isNull()


def test_own_question_and_removal(qtbot, panel, services, chosen):
    q = panel.questions
    q.own_criterion.setCurrentIndex(q.own_criterion.findData("couverture"))
    qtbot.keyClicks(q.own_text, "Les habitants des Tilleuls connaissent-ils le service ?")  # QTest types ASCII only
    qtbot.keyClick(q.own_text, Qt.Key.Key_Return)
    rows = services.actions.plan(chosen).rows
    assert [(r["question"], r["axe"]) for r in rows] == [("Les habitants des Tilleuls connaissent-ils le service ?", "couverture")]
    assert q.own_text.text() == ""
    assert q.headers["_own"].text() == "Vos questions (1)"
    # unticking an own question without method removes it at once
    uid = rows[0]["uid"]
    q.own_boxes[uid].click()
    assert services.actions.plan(chosen).rows == ()


def test_sheet_answers_and_completion(qtbot, panel, services, chosen, complete_dialog):
    panel.tabs.setCurrentIndex(3)
    renderer = panel.renderer
    assert renderer is not None
    assert renderer.answers()["action_intitule"] == "Médiation sociale"
    renderer.answerChanged.emit("restitution_decision", "Extension au Quartier de la Gare")
    assert services.actions.plan(chosen).answers["restitution_decision"] == "Extension au Quartier de la Gare"
    # validating a plan without any question: the common « Fiche incomplète » rule
    panel.complete.click()
    assert "Aucune question évaluative n'est retenue pour cette action." in complete_dialog.seen[-1]
    assert not panel.complete.isChecked() and services.actions.plan(chosen).status == "draft"  # « Revenir »
    complete_dialog.reason = "Plan présenté au porteur, questions à choisir au prochain COPIL"
    panel.complete.click()
    assert services.actions.plan(chosen).status == "complete" and panel.complete.isChecked()
    assert panel.note_label.isVisible() and "prochain COPIL" in panel.note_label.text()
    panel.complete.click()  # back to draft: nothing to ask
    assert services.actions.plan(chosen).status == "draft" and not panel.note_label.isVisible()


def test_a_date_to_correct_in_another_actions_plan_is_listed_when_closing(qtbot, ctx, services, evaluation_id, chosen):
    from desktop_app.ui.widgets.completion import fields_to_fix

    other = next(a for a in services.actions.list(evaluation_id) if a.title == "Atelier vélo")
    services.actions.set_chosen(other.id, True)
    services.actions.add_question(other.id, "Les jeunes réparent-ils leur vélo seuls ?", "efficacite")
    plan = services.actions.plan(other.id)
    uid = plan.rows[0]["uid"]
    services.forms.set_draft(plan.response_id, f"@{uid}.start", "31/02/2026")  # typed, kept « à corriger »
    view = ActionsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 850)
    view.show()
    view.tabs.setCurrentIndex(CHOSEN)
    tab = view.chosen_tab
    tab.select(chosen)  # the other action is not the one shown
    assert tab.panel.action_id == chosen
    found = fields_to_fix(view)
    lines = [line for _w, _k, line in found]
    assert any("Atelier vélo" in line and "31/02/2026" in line and "Début" in line for line in lines), lines
    widget, key, _line = next(item for item in found if "Atelier vélo" in item[2])
    widget.go_to_field(key)  # « Aller au champ »
    assert tab.panel.action_id == other.id and tab.panel.tabs.currentWidget() is tab.panel.plan_page
    assert tab.panel.plan_page.table.currentIndex().data() == "31/02/2026"
