"""Deletions, restorations and the emptied Corbeille between two laptops: a deletion travels as a
tombstone, a restoration (a newer revision) brings the record back on the other laptop, and
emptying the Corbeille changes nothing for sync (the tombstones keep travelling)."""

from __future__ import annotations

from sync_helpers import accept

from desktop_app.sync import privacy
from desktop_app.sync.bundle import read_bundle


def _partners(services, eid):
    return [r["organisation"] for r in services.evaluations.rows("partner", eid)]


def test_a_restored_partner_comes_back_on_the_other_laptop(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    machine_a.sync.export_bundle(eid, tmp_path / "1.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "1.evalkit")
    accept(machine_b, machine_a, eid)
    assert _partners(machine_b, eid) == ["CAF du Nord"]

    machine_a.evaluations.delete_row("partner", ids["partner"])
    machine_a.sync.export_bundle(eid, tmp_path / "2.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "2.evalkit")
    assert _partners(machine_b, eid) == []

    machine_a.trash.restore("partner", ids["partner"])
    machine_a.sync.export_bundle(eid, tmp_path / "3.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "3.evalkit")
    assert _partners(machine_b, eid) == ["CAF du Nord"]
    assert machine_b.evaluations.rows("partner", eid)[0]["contact"] == "Karim Haddad"

    machine_a.evaluations.delete_row("partner", ids["partner"])
    assert machine_a.trash.empty(eid) == 1
    machine_a.sync.export_bundle(eid, tmp_path / "4.evalkit", privacy.COMPLETE)
    row = next(r for r in read_bundle(tmp_path / "4.evalkit").records["partners"] if r["id"] == ids["partner"])
    assert row["deleted"] is True
    machine_b.sync.import_bundle(tmp_path / "4.evalkit")
    assert _partners(machine_b, eid) == []


def test_a_sync_import_keeps_the_files_of_the_corbeille(machine_a, machine_b, shared_eval, tmp_path):
    eid, _ = shared_eval
    wid = machine_a.workshops.create_workshop(eid, "guide-partenaires").id
    photo = tmp_path / "paperboard.png"
    photo.write_bytes(b"\x89PNG paperboard " * 30)
    machine_a.attachments.add_file(eid, "workshop", wid, photo)
    digest = machine_a.attachments.list(eid, wid)[0].sha256
    machine_a.sync.export_bundle(eid, tmp_path / "1.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "1.evalkit")
    accept(machine_a, machine_b, eid)
    machine_a.workshops.delete_workshop(wid)
    assert [i.id for i in machine_a.trash.items(eid)] == [wid]
    machine_b.sync.export_bundle(eid, tmp_path / "2.evalkit", privacy.COMPLETE)
    machine_a.sync.import_bundle(tmp_path / "2.evalkit")
    assert machine_a.attachments.has_blob(digest)  # still restorable, photo and all
    machine_a.trash.restore("workshop", wid)
    assert [a.sha256 for a in machine_a.attachments.list(eid, wid)] == [digest]
    # B learns of the deletion: it is not in B's Corbeille (B did not delete it) and B drops the file
    machine_a.workshops.delete_workshop(wid)
    machine_a.sync.export_bundle(eid, tmp_path / "3.evalkit", privacy.COMPLETE)
    accept(machine_b, machine_a, eid)
    machine_b.sync.import_bundle(tmp_path / "3.evalkit")
    assert machine_b.workshops.workshops(eid) == [] and machine_b.trash.items(eid) == []
    assert not machine_b.attachments.has_blob(digest)
