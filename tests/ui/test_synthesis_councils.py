"""The Conseils citoyens screen: one council per QPV of the Cadrage, begun on demand, its gaps
summed up as the self-assessment grid is filled."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.ui.views.conseils_citoyens.view import CouncilPage, CouncilsView


def test_begin_and_fill_a_council(qtbot, ctx, services, evaluation_id):
    for code, name in (("QN05901M", "Les Épis"), ("QN05902I", "Faubourg")):
        services.evaluations.add_row("qpv", evaluation_id, {"code": code, "name": name})
    view = CouncilsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1200, 860)
    view.show()
    qtbot.waitExposed(view)
    assert view.picker.count() == 2 and "à évaluer" in view.picker.itemText(0)
    assert view.stack.currentWidget() is view.start_page
    view.picker.setCurrentIndex(1)
    assert "Faubourg" in view.start_title.text()
    view.start_button.click()
    page = view.stack.currentWidget()
    assert isinstance(page, CouncilPage) and page.council.name == "Faubourg"
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "La loi et son application", "Portrait-robot", "Questions évaluatives",
    ]
    qpv_id = view.current_qpv()
    stored = [r for r in services.forms.find(evaluation_id, subject_type="qpv")]
    assert {r.subject_id for r in stored} == {qpv_id} and len(stored) == 3

    auto = page.editors["cc-autoevaluation"]
    button = auto.renderer.row("parite.ecart").editor.buttons["important"]
    auto.renderer.go_to_page(0)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    qtbot.waitUntil(lambda: "1 écart important" in page.summary.text(), timeout=2000)
    assert "parité" in page.summary.toolTip()
    assert services.councils.council(evaluation_id, qpv_id).gaps.counts["important"] == 1
    # the first QPV is still to be assessed
    view.picker.setCurrentIndex(0)
    assert view.stack.currentWidget() is view.start_page


def test_no_qpv_yet(qtbot, ctx, evaluation_id):
    view = CouncilsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    assert not view.picker.isEnabled() and not view.start_button.isVisibleTo(view)
    assert "Cadrage" in view.start_text.text()


def test_councils_load_in_the_background_behind_a_loading_note(qtbot, ctx, services, evaluation_id):
    from deferred_tasks import DeferredTaskRunner

    services.evaluations.add_row("qpv", evaluation_id, {"code": "QN05901M", "name": "Les Épis"})
    ctx.tasks = DeferredTaskRunner()
    view = CouncilsView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.show()
    assert view.overview.text() == "Chargement des conseils citoyens…" and not view.picker.isEnabled()
    assert not view.start_button.isVisible()
    ctx.tasks.finish()
    assert view.picker.count() == 1 and view.picker.isEnabled() and view.start_button.isVisible()
    assert "Les Épis" in view.start_title.text() and view.start_text.isVisible()
