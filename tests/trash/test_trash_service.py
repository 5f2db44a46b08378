"""The Corbeille and the services' restore methods: what a deletion sends to the Corbeille comes
back whole with a new revision (so sync carries it), emptying hides it but keeps the tombstone,
and an import can be undone or bring back an action deleted by mistake."""

from __future__ import annotations

from datetime import date

from desktop_app.store.models_actions import Action, ActionFunding
from tests.actions.messy_files import messy_workbook


def revision(services, model, rid):
    with services.store.sessions() as s:
        rec = s.get(model, rid)
        return rec.revision, rec.deleted


def test_deleted_action_comes_back_with_its_fundings_and_scores(services, evaluation_id, tmp_path):
    services.actions.import_file(evaluation_id, messy_workbook(tmp_path / "prog.xlsx"))
    action = next(a for a in services.actions.list(evaluation_id) if a.title == "Médiation santé")
    crit = services.actions.criteria(evaluation_id)[0]
    services.actions.set_score(action.id, crit.id, crit.levels[0].value)
    services.actions.delete_action(action.id)
    rev_deleted, _ = revision(services, Action, action.id)
    assert action.title not in {a.title for a in services.actions.list(evaluation_id)}
    items = services.trash.items(evaluation_id)
    assert [(i.kind, i.title) for i in items] == [("Action", "Médiation santé")]

    services.trash.restore("action", action.id)
    assert revision(services, Action, action.id) == (rev_deleted + 1, False)
    back = next(a for a in services.actions.list(evaluation_id) if a.id == action.id)
    assert back.amounts_by_funder == action.amounts_by_funder
    assert services.actions.manual_score(action.id, crit.id) == crit.levels[0].value
    assert services.trash.items(evaluation_id) == []


def test_trash_restores_a_testimony_and_a_partner_and_emptying_erases(services, evaluation_id, tmp_path):
    tid = services.terrain.create_testimony(evaluation_id, today=date(2026, 5, 1)).id
    services.forms.set_answers(services.terrain.testimony(tid).response_id, {"recit": "Le centre social nous a aidés."})
    audio = tmp_path / "voix.m4a"
    audio.write_bytes(b"fake audio")
    services.attachments.add_file(evaluation_id, "testimony", tid, audio)
    digest = services.attachments.list(evaluation_id, tid)[0].sha256
    pid = services.evaluations.add_row("partner", evaluation_id, {"organisation": "Région Hauts-de-France"}).id
    services.terrain.delete_testimony(tid)
    services.evaluations.delete_row("partner", pid)
    assert services.attachments.has_blob(digest)  # kept while it can be restored
    assert {(i.kind, i.title) for i in services.trash.items(evaluation_id)} == {
        ("Témoignage", "T01"), ("Partenaire", "Région Hauts-de-France")}

    services.trash.restore("testimony", tid)
    services.trash.restore("partner", pid)
    assert services.terrain.testimony(tid).pseudonym == "T01"
    assert services.forms.get(services.terrain.testimony(tid).response_id).answers == {"recit": "Le centre social nous a aidés."}
    assert [a.sha256 for a in services.attachments.list(evaluation_id, tid)] == [digest]
    assert [r["organisation"] for r in services.evaluations.rows("partner", evaluation_id)] == ["Région Hauts-de-France"]

    services.terrain.delete_testimony(tid)
    services.evaluations.delete_row("partner", pid)
    assert services.trash.empty(evaluation_id) == 2
    assert services.trash.items(evaluation_id) == []
    assert not services.attachments.has_blob(digest)
    from desktop_app.store.models_fieldwork import Testimony

    with services.store.sessions() as s:
        assert s.get(Testimony, tid).deleted and s.get(Testimony, tid).pseudonym == ""


def test_undone_import_removes_what_it_added_and_can_be_imported_again(services, evaluation_id, tmp_path):
    path = messy_workbook(tmp_path / "prog.xlsx")
    report = services.actions.import_file(evaluation_id, path)
    assert len(report.added_action_ids) == 5
    services.actions.undo_import(evaluation_id, report)
    assert services.actions.list(evaluation_id) == []
    assert services.trash.items(evaluation_id) == []  # an undone import is not a deletion
    services.actions.redo_import(evaluation_id, report)
    assert len(services.actions.list(evaluation_id)) == 5
    services.actions.undo_import(evaluation_id, report)
    again = services.actions.import_file(evaluation_id, path)
    assert (again.new_actions, again.skipped) == (5, 0)


def test_reimport_brings_back_a_deleted_action_only_when_asked(services, evaluation_id, tmp_path):
    path = messy_workbook(tmp_path / "prog.xlsx")
    services.actions.import_file(evaluation_id, path)
    action = next(a for a in services.actions.list(evaluation_id) if a.title == "Accompagnement à la scolarité")
    services.actions.delete_action(action.id)
    assert len(services.actions.deleted_natural_keys(evaluation_id)) == 2  # its 2023 and 2024 rows
    refused = services.actions.import_file(evaluation_id, path)
    assert [o.reason for o in refused.left_out] == ["action supprimée dans l'application : non réimportée"] * 2
    assert refused.amount_left_out == 12500 + 8000 + 5000 + 11000 + 5000 and refused.deleted_rows == 2
    rev, _ = revision(services, Action, action.id)
    report = services.actions.import_file(evaluation_id, path, restore_deleted=True)
    assert report.restored == 2 and report.left_out == () and report.restored_action_ids == (action.id,)
    assert revision(services, Action, action.id) == (rev + 1, False)
    back = next(a for a in services.actions.list(evaluation_id) if a.id == action.id)
    assert back.years == (2023, 2024)
    with services.store.sessions() as s:
        assert all(not f.deleted for f in s.query(ActionFunding).filter_by(action_id=action.id))


def test_cli_reimports_a_deleted_action_with_restore_deleted(services, evaluation_id, db_path, tmp_path, capsys):
    from desktop_app.cli import main

    path = messy_workbook(tmp_path / "prog.xlsx")
    services.actions.import_file(evaluation_id, path)
    action = next(a for a in services.actions.list(evaluation_id) if a.title == "Médiation santé")
    services.actions.delete_action(action.id)
    services.close()
    assert main(["import", "actions", str(path), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "ligne 9 : action supprimée dans l'application : non réimportée" in out
    assert "(--restore-deleted pour les réimporter)" in out
    assert main(["import", "actions", str(path), "--db", str(db_path), "--restore-deleted"]) == 0
    out = capsys.readouterr().out
    assert "2 ligne(s) d'actions supprimées dans l'application réimportée(s)." in out, out
    from desktop_app.services.app_services import Services

    reopened = Services.open(db_path)
    try:
        assert action.id in {a.id for a in reopened.actions.list(evaluation_id)}
    finally:
        reopened.close()


def test_an_emptied_record_cannot_be_restored(services, evaluation_id):
    import pytest

    from desktop_app.services.base import ServiceError

    pid = services.evaluations.add_row("partner", evaluation_id, {"organisation": "CAF du Nord"}).id
    services.evaluations.delete_row("partner", pid)
    services.trash.empty(evaluation_id)
    with pytest.raises(ServiceError, match="vidée : il ne peut plus être restauré"):
        services.trash.restore("partner", pid)
    assert services.evaluations.rows("partner", evaluation_id) == []


def test_every_kind_of_deletion_is_listed_and_restored(services, evaluation_id):
    services.workshops.create_working_group(evaluation_id, "scolarite")
    sessions = [w.id for w in services.workshops.workshops(evaluation_id)]
    assert len(sessions) == 3
    wid = services.workshops.create_workshop(evaluation_id, "guide-partenaires", title="Atelier partenaires").id
    iid = services.terrain.create_immersion(evaluation_id).id
    cid = services.commitments.add_commitment(evaluation_id, {"number": "12", "title": "Rénover l'école"}).id
    rid = services.questionnaires.new_response(evaluation_id, "questionnaire-communes", "Douai", "59178")
    services.workshops.delete_workshop(wid)
    services.workshops.delete_working_group(services.workshops.workshop(sessions[0]).series_id)
    services.terrain.delete_immersion(iid)
    services.commitments.delete_commitment(cid)
    services.questionnaires.delete_response(rid)
    items = services.trash.items(evaluation_id)
    kinds = sorted(i.kind for i in items)
    assert kinds.count("Atelier") == 1 + len(sessions)
    assert {"Immersion", "Engagement", "Réponse"} <= set(kinds) and len(kinds) == 4 + len(sessions)
    assert ("Engagement", "12 Rénover l'école") in {(i.kind, i.title) for i in items}
    assert ("Réponse", "Douai (59178)") in {(i.kind, i.title) for i in items}
    for item in items:
        services.trash.restore(item.entity, item.id)
    assert services.trash.items(evaluation_id) == []
    assert {w.id for w in services.workshops.workshops(evaluation_id)} == {wid, *sessions}
    assert [i.id for i in services.terrain.immersions(evaluation_id)] == [iid]
    assert [c.id for c in services.commitments.commitments(evaluation_id)] == [cid]
    assert services.forms.get(rid).label == "Douai (59178)"
