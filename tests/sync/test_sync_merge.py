"""Several facilitators on one evaluation: updates, conflicts, resolution, convergence."""

from __future__ import annotations

from pathlib import Path

from sync_helpers import dump

from desktop_app.sync import privacy


def exchange(src, dst, tmp_path: Path, eid: str, name: str) -> dict:
    out = tmp_path / f"{name}.evalkit"
    src.sync.export_bundle(eid, out, privacy.COMPLETE)
    return dst.sync.import_bundle(out)


def test_newer_revision_updates_older_and_stale_bundle_is_ignored(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    exchange(machine_a, machine_b, tmp_path, eid, "v1")
    machine_a.evaluations.update_row("commune", ids["commune"], "name", "Douai-Centre")
    res = exchange(machine_a, machine_b, tmp_path, eid, "v2")
    assert res["updated"] == 1 and res["conflicts"] == 0
    assert machine_b.evaluations.rows("commune", eid)[0]["name"] == "Douai-Centre"
    # the first, older bundle imported again does not bring the old name back
    again = machine_b.sync.import_bundle(tmp_path / "v1.evalkit")
    assert again["updated"] == 0 and again["conflicts"] == 0
    assert machine_b.evaluations.rows("commune", eid)[0]["name"] == "Douai-Centre"


def test_edits_of_different_records_merge_both_ways(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    exchange(machine_a, machine_b, tmp_path, eid, "start")
    machine_a.evaluations.update_row("commune", ids["commune"], "insee", "59179")
    machine_b.evaluations.update_row("partner", ids["partner"], "role", "Conseiller")
    machine_b.evaluations.add_row("qpv", eid, {"code": "QN05991M", "name": "Les Hauts"})
    a_to_b = exchange(machine_a, machine_b, tmp_path, eid, "a1")
    b_to_a = exchange(machine_b, machine_a, tmp_path, eid, "b1")
    assert a_to_b["updated"] == 1 and a_to_b["conflicts"] == 0
    assert b_to_a["updated"] == 1 and b_to_a["imported"] == 1 and b_to_a["conflicts"] == 0
    assert dump(machine_a) == dump(machine_b)


def test_conflict_created_and_resolved_then_both_converge(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    exchange(machine_a, machine_b, tmp_path, eid, "start")
    machine_a.evaluations.update_row("partner", ids["partner"], "role", "Conseillère territoriale (A)")
    machine_b.evaluations.update_row("partner", ids["partner"], "role", "Chargé de mission (B)")
    machine_b.evaluations.update_row("commune", ids["commune"], "name", "Douai (B)")

    res = exchange(machine_b, machine_a, tmp_path, eid, "b1")
    assert res["conflicts"] == 1 and res["updated"] == 1
    [conflict] = machine_a.sync.conflicts(eid)
    assert conflict.table == "partners" and conflict.record_id == ids["partner"]
    role = next(f for f in conflict.fields if f.name == "role")
    assert (role.local, role.remote) == ("Conseillère territoriale (A)", "Chargé de mission (B)") and role.differs
    assert not next(f for f in conflict.fields if f.name == "organisation").differs
    # the local version stays until the user chooses; importing again adds no second conflict
    assert machine_a.evaluations.rows("partner", eid)[0]["role"] == "Conseillère territoriale (A)"
    assert machine_a.sync.import_bundle(tmp_path / "b1.evalkit")["conflicts"] == 0
    assert len(machine_a.sync.conflicts(eid)) == 1

    # B receives A's version too: a conflict on B as well
    assert exchange(machine_a, machine_b, tmp_path, eid, "a1")["conflicts"] == 1

    change = machine_a.sync.resolve(conflict.id, "remote")
    assert change.evaluation_id == eid
    assert machine_a.sync.conflicts(eid) == []
    assert machine_a.evaluations.rows("partner", eid)[0]["role"] == "Chargé de mission (B)"

    # the resolution travels to B as a plain update and settles B's own conflict
    res = exchange(machine_a, machine_b, tmp_path, eid, "a2")
    assert res["updated"] == 1 and res["conflicts"] == 0
    assert machine_b.sync.conflicts(eid) == []
    assert exchange(machine_b, machine_a, tmp_path, eid, "b2")["updated"] == 0
    assert dump(machine_a) == dump(machine_b)
    assert machine_b.evaluations.rows("partner", eid)[0]["role"] == "Chargé de mission (B)"


def test_keep_local_resolution_converges(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    exchange(machine_a, machine_b, tmp_path, eid, "start")
    machine_a.forms.set_answer(ids["ref"], "gouvernance.appreciation", "atteint")
    machine_b.forms.set_answer(ids["ref"], "gouvernance.appreciation", "non_atteint")
    exchange(machine_b, machine_a, tmp_path, eid, "b1")
    [c] = machine_a.sync.conflicts(eid)
    machine_a.sync.resolve(c.id, "local")
    exchange(machine_a, machine_b, tmp_path, eid, "a1")
    exchange(machine_b, machine_a, tmp_path, eid, "b2")
    assert machine_b.forms.get(ids["ref"]).answers["gouvernance.appreciation"] == "atteint"
    assert dump(machine_a) == dump(machine_b)


def test_both_resolving_the_same_way_still_converges(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    exchange(machine_a, machine_b, tmp_path, eid, "start")
    machine_a.evaluations.update_row("commune", ids["commune"], "name", "A")
    machine_b.evaluations.update_row("commune", ids["commune"], "name", "B")
    exchange(machine_b, machine_a, tmp_path, eid, "b1")
    exchange(machine_a, machine_b, tmp_path, eid, "a1")
    [ca] = machine_a.sync.conflicts(eid)
    [cb] = machine_b.sync.conflicts(eid)
    machine_a.sync.resolve(ca.id, "remote")  # A takes B's name
    machine_b.sync.resolve(cb.id, "local")  # B keeps its own: the same content
    exchange(machine_a, machine_b, tmp_path, eid, "a2")
    exchange(machine_b, machine_a, tmp_path, eid, "b2")
    assert machine_a.sync.conflicts(eid) == machine_b.sync.conflicts(eid) == []
    assert dump(machine_a) == dump(machine_b)


def test_delete_travels_as_a_tombstone(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    exchange(machine_a, machine_b, tmp_path, eid, "start")
    machine_a.evaluations.delete_row("commune", ids["commune"])
    exchange(machine_a, machine_b, tmp_path, eid, "del")
    assert machine_b.evaluations.rows("commune", eid) == []
