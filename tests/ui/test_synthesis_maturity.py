"""The Maturité screen as a facilitator uses it: pick levels, read the score, profile and
recommendations as they change, mark the scale complete, find it again after reopening."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.services.app_services import Services
from desktop_app.ui.app import build_context
from desktop_app.ui.tasks import SyncTaskRunner
from desktop_app.ui.views.maturite.view import MaturityView


def _view(qtbot, ctx, evaluation_id) -> MaturityView:
    view = MaturityView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1280, 860)
    view.show()
    qtbot.waitExposed(view)
    return view


def _pick(qtbot, tab, domain: str, level: str) -> None:
    row = tab.editor.renderer.row(f"{domain}.niveau")
    tab.editor.renderer.go_to_page([p.id for p in tab.editor.renderer.form.pages].index(domain))
    button = row.editor.buttons[level]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())


def test_levels_update_score_and_findings(qtbot, ctx, services, evaluation_id, db_path, tmp_path, complete_dialog):
    view = _view(qtbot, ctx, evaluation_id)
    assert list(view.scales) == ["maturite-lcd", "maturite-efh"]
    tab = view.scales["maturite-lcd"]
    assert tab.result.score.text() == "0 / 35 points"
    assert not tab.result.chart.isVisible()

    _pick(qtbot, tab, "engagement_politique", "4")
    _pick(qtbot, tab, "observation", "0")
    qtbot.waitUntil(lambda: tab.result.score.text() == "4 / 35 points", timeout=2000)
    html = tab.result.findings.text()
    assert "Engagement politique" in html.split("Axes de progrès")[0]  # a strength
    assert "Lancer un diagnostic territorial" in html  # the kit's recommendation for observation
    assert "Domaines à évaluer" in html and tab.result.chart.isVisible() and tab.result.chart.has_image()

    # the answers are saved as they are given, and the scale can be marked complete
    saved = services.maturity.maturity_response(evaluation_id, "maturite-lcd")
    assert saved.answers == {"engagement_politique.niveau": "4", "observation.niveau": "0"}
    # « Fiche complète » with 2 of 7 domains: the missing ones are listed, the box stays unticked
    tab.editor.complete.click()
    assert complete_dialog.seen and not tab.editor.complete.isChecked()
    assert services.maturity.maturity_response(evaluation_id, "maturite-lcd").status == "draft"
    complete_dialog.reason = "Les autres domaines seront vus au COPIL de juin"
    tab.editor.complete.click()
    saved = services.maturity.maturity_response(evaluation_id, "maturite-lcd")
    assert saved.status == "complete" and saved.status_comment.startswith("Les autres domaines")
    assert "Terminée avec des manques : Les autres domaines" in tab.editor.note_label.text()

    # the other scale is independent
    efh = view.scales["maturite-efh"]
    view.tabs.setCurrentWidget(efh)
    _pick(qtbot, efh, "acces_droits", "5")
    qtbot.waitUntil(lambda: efh.result.score.text() == "5 / 35 points", timeout=2000)
    view.flush()
    view.close()
    services.close()

    reopened = Services.open(db_path)
    view2 = _view(qtbot, build_context(reopened, tmp_path / "p2.ini", tasks=SyncTaskRunner()), evaluation_id)
    tab2 = view2.scales["maturite-lcd"]
    assert tab2.result.score.text() == "4 / 35 points" and tab2.editor.complete.isChecked()
    assert tab2.editor.renderer.row("engagement_politique.niveau").editor.buttons["4"].isChecked()
    reopened.close()


def test_out_of_scope_scales_are_not_shown(qtbot, ctx, services, evaluation_id):
    scope = [t for t in services.maturity.scope(evaluation_id) if t != "maturite-efh"]
    services.evaluations.update_evaluation(evaluation_id, "scope", scope)
    view = _view(qtbot, ctx, evaluation_id)
    assert list(view.scales) == ["maturite-lcd"]


def test_radar_says_it_is_loading_until_drawn(qtbot, ctx, services, evaluation_id):
    """The scale's result is read in the background (« Calcul du résultat… » meanwhile), then
    shown; its radar, drawn in the background too, is announced until it is there."""
    from deferred_tasks import DeferredTaskRunner

    response = services.maturity.maturity_response(evaluation_id, "maturite-lcd")
    services.forms.set_answer(response.id, "engagement_politique.niveau", "4")
    ctx.tasks = DeferredTaskRunner()
    view = _view(qtbot, ctx, evaluation_id)
    tab = view.scales["maturite-lcd"]
    assert tab.result.detail.text() == "Calcul du résultat…"
    ctx.tasks.finish_waiting()
    assert tab.result.score.text() == "4 / 35 points"
    assert tab.result.chart.placeholder() == "Chargement du graphique…" and not tab.result.chart.has_image()
    ctx.tasks.finish()
    assert tab.result.chart.has_image() and not tab.result.chart.placeholder()
    # the other scale's form comes when its tab is shown
    efh = view.scales["maturite-efh"]
    view.tabs.setCurrentWidget(efh)
    assert efh.editor.isVisible() and efh.editor.renderer.row("acces_droits.niveau") is not None
