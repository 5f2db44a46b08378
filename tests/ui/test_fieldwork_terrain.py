"""The Terrain step's commitments tracker (typed, imported, summarised) and its synthesis search."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.ui.views.terrain.view import TerrainView


def _view(qtbot, ctx, evaluation_id) -> TerrainView:
    view = TerrainView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_commitments_typed_and_imported(qtbot, ctx, services, evaluation_id, tmp_path, monkeypatch):
    view = _view(qtbot, ctx, evaluation_id)
    tab = view.commitments
    view.tabs.setCurrentWidget(tab)
    tab.add_commitment()
    model, proxy = tab.model, tab.proxy
    assert model.rowCount() == 1 and model.rows[0].number == "1"
    # type the title in place, set the status
    assert proxy.setData(proxy.index(0, 1), "Créer un comité des financeurs")
    assert proxy.setData(proxy.index(0, 3), "en_cours")
    assert proxy.setData(proxy.index(0, 4), "bientôt")  # not a date: kept « à corriger », not saved
    assert proxy.index(0, 4).data() == "bientôt" and "À corriger" in proxy.index(0, 4).data(Qt.ItemDataRole.ToolTipRole)
    [c] = services.commitments.commitments(evaluation_id)
    assert (c.title, c.status, c.due_date) == ("Créer un comité des financeurs", "en_cours", "")
    assert proxy.setData(proxy.index(0, 4), "")  # cleared: the draft goes
    assert not tab.fields_to_correct()
    assert tab.summary.text().startswith("1 engagement : 1 en cours.")

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    good = tmp_path / "liste.csv"
    good.write_text(
        "N°;Intitulé;Pilote;Statut\n1;Créer un comité des financeurs;Préfecture;Réalisé\n2;Former les "
        "conseillers citoyens;Agglomération;Non engagé\n",
        encoding="utf-8",
    )
    tab.import_file(good)
    assert shown[-1] == "« liste.csv » : 1 engagement ajouté, 1 mis à jour."
    assert model.rowCount() == 2
    assert tab.strip.summary.count("realise") == 1 and tab.strip.summary.count("non_engage") == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("Intitulé;Statut\nX;Peut-être\n", encoding="utf-8")
    tab.import_file(bad)
    assert "Aucun engagement n'a été importé" in shown[-1] and model.rowCount() == 2

    # filters
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("non_engage"))
    assert proxy.rowCount() == 1
    tab.status_filter.setCurrentIndex(0)
    tab.search.setText("comite")
    assert proxy.rowCount() == 1 and tab.count_label.text() == "1 affiché(s) sur 2"
    qtbot.waitUntil(lambda: view.tabs.tabText(2) == "Suivi des engagements (2)")


def test_synthesis_search_and_filters(qtbot, ctx, services, evaluation_id):
    workshops_service = services.workshops
    terrain_service = services.terrain
    wid = workshops_service.create_workshop(evaluation_id, "guide-associations").id
    services.forms.set_answers(
        workshops_service.workshop(wid).response_id,
        {
            "vie_associative_q2": "Les délais de paiement pèsent sur la trésorerie.",
            "forces": "Un tissu associatif engagé",
        },
    )
    tid = terrain_service.create_testimony(evaluation_id).id
    terrain_service.set_testimony_answer(tid, "texte_temoignage", "Le paiement arrive en juillet.")
    terrain_service.set_testimony_answer(tid, "consentement_utilisation", True)
    hidden = terrain_service.create_testimony(evaluation_id).id
    terrain_service.set_testimony_answer(hidden, "texte_temoignage", "Propos sans accord")
    view = _view(qtbot, ctx, evaluation_id)
    view.tabs.setCurrentWidget(view.synthesis)
    syn = view.synthesis
    assert syn.model.rowCount() == 3
    assert syn.hidden.text() == "1 témoignage ou contribution sans accord d'utilisation n'est pas repris ici."
    syn.search.setText("PAIEMENT")
    assert syn.model.rowCount() == 2
    assert "#ffe58a" in syn.detail.toHtml()  # the searched word is highlighted
    syn.kind.setCurrentIndex(syn.kind.findData("testimony"))
    assert [e.record_id for e in syn.model.rows] == [tid]
    # « Ouvrir la fiche » goes to the testimony
    qtbot.mouseClick(syn.open_button, Qt.MouseButton.LeftButton)
    assert view.tabs.currentWidget() is view.testimonies and view.testimonies.current_id == tid
    view.tabs.setCurrentWidget(syn)
    syn.reset_filters()
    syn.category.setCurrentIndex(syn.category.findData("force"))
    assert [e.text for e in syn.model.rows] == ["Un tissu associatif engagé"]


def test_the_tabs_say_they_load_then_show_their_lists(qtbot, ctx, services, evaluation_id):
    """Immersions, testimonies and commitments are read in the background: the screen says so,
    then shows each list, its first sheet, the overview and the counts in the tab titles."""
    from deferred_tasks import DeferredTaskRunner

    terrain_service = services.terrain
    immersion = terrain_service.create_immersion(evaluation_id).id
    terrain_service.create_testimony(evaluation_id, "testimony")
    ctx.tasks = DeferredTaskRunner()
    view = _view(qtbot, ctx, evaluation_id)
    assert view.overview.text() == "Chargement du terrain…"
    assert view.immersions.empty.isVisible() and view.immersions.empty.text() == "Chargement des immersions…"
    assert view.immersions.tree.topLevelItemCount() == 0
    assert view.testimonies.empty.text() == "Chargement des fiches…"
    assert view.commitments.count_label.text() == "Chargement des engagements…"
    ctx.tasks.finish()
    assert view.immersions.editor.isVisible() and view.immersions.current_id == immersion
    assert view.immersions.sheet.renderer is not None and view.immersions.sheet.renderer.isVisible()
    assert view.tabs.tabText(0) == "Immersions (1)"
    assert view.tabs.tabText(1) == "Témoignages et contributions (1)"
    assert "1 immersion" in view.overview.text() and "1 témoignage" in view.overview.text()
    assert view.testimonies.sheet.renderer is None  # its sheet is built when its tab is shown
    view.tabs.setCurrentWidget(view.testimonies)
    assert view.testimonies.table.model().rowCount() == 1 and view.testimonies.editor.isVisible()
    assert view.testimonies.sheet.renderer.isVisible()
    assert view.testimonies.sheet.renderer.answers()["code_pseudonyme"] == "T01"
    view.tabs.setCurrentWidget(view.commitments)
    assert view.commitments.count_label.text() == "0 engagement"
    # the synthesis reads every excerpt in the background too (0.5 s at 9,000 of them)
    view.tabs.setCurrentWidget(view.synthesis)
    assert view.synthesis.count.text() == "Chargement de la synthèse…" and view.synthesis.model.rowCount() == 0
    ctx.tasks.finish()
    assert view.synthesis.count.text() == "0 extrait"
