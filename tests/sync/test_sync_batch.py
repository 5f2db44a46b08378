"""Several files in one import: the same outcome as importing them one after the other, the kit
copy they share checked in each, and records of an older bundle lacking a column."""

from __future__ import annotations

import json
import zipfile

import pytest
from sync_helpers import accept, declare, dump, dump_all, open_machine, rebuild

from desktop_app.services.base import ServiceError
from desktop_app.sync import privacy

COUNTS = ("imported", "updated", "unchanged", "conflicts")


def counts(summaries):
    return [{k: s[k] for k in COUNTS} for s in summaries]


def conflicts_seen(services):
    return sorted(
        (c.table, c.record_id, tuple((f.name, f.local, f.remote) for f in c.fields if f.differs))
        for c in services.sync.conflicts()
    )


@pytest.fixture
def two_evaluations(machine_a, shared_eval, tmp_path):
    """Three complete bundles from A: the Douaisis, a second territory, then the Douaisis again
    after a commune was renamed."""
    eid, ids = shared_eval
    other = machine_a.evaluations.create("CC Cœur d'Ostrevent")
    machine_a.evaluations.add_row("commune", other, {"name": "Somain", "insee": "59574"})
    first, second, later = (tmp_path / n for n in ("douaisis-1.evalkit", "ostrevent.evalkit", "douaisis-2.evalkit"))
    machine_a.sync.export_bundle(eid, first, privacy.COMPLETE)
    machine_a.sync.export_bundle(other, second, privacy.COMPLETE)
    machine_a.evaluations.update_row("commune", ids["commune"], "name", "Douai (centre)")
    machine_a.sync.export_bundle(eid, later, privacy.COMPLETE)
    return eid, ids, [first, second, later]


def test_several_files_in_one_import_as_one_after_the_other(machine_a, machine_b, two_evaluations, tmp_path):
    eid, ids, files = two_evaluations
    together = machine_b.sync.import_bundles(files)
    one_by_one = open_machine(tmp_path, "c")
    try:
        separate = [one_by_one.sync.import_bundle(f) for f in files]
        assert counts(together) == counts(separate)
        assert dump(machine_b) == dump(one_by_one)
    finally:
        one_by_one.close()
    # what the centre sees: the renamed commune, both territories, every file in the history
    assert together[0]["imported"] > 0 and together[1]["imported"] > 0
    assert together[2]["imported"] == 0 and together[2]["updated"] == 1 and together[2]["conflicts"] == 0
    assert [r["name"] for r in machine_b.evaluations.rows("commune", eid)] == ["Douai (centre)"]
    assert {e.territory_name for e in machine_b.evaluations.list()} >= {"CA du Douaisis", "CC Cœur d'Ostrevent"}
    assert [h.file_name for h in machine_b.sync.history() if h.direction == "received"].count("douaisis-1.evalkit") == 1
    assert machine_b.sync.peers()[0]["bundles"] == 3
    # and the newer file sent back to A changes nothing there: both sides hold the same
    back = tmp_path / "retour.evalkit"
    machine_b.sync.export_bundle(eid, back, privacy.COMPLETE)
    assert machine_a.sync.import_bundle(back)["updated"] == 0


def test_the_same_file_twice_in_one_import(machine_a, machine_b, shared_eval, tmp_path):
    eid, _ = shared_eval
    out = tmp_path / "x.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    first, again = machine_b.sync.import_bundles([out, out])
    assert first["imported"] > 0
    assert again["imported"] == again["updated"] == again["conflicts"] == 0 and again["unchanged"] == first["imported"]
    assert dump(machine_b) == dump(machine_a)


def test_concurrent_edits_in_one_import_make_the_same_conflict(machine_a, machine_b, shared_eval, tmp_path):
    """B holds the Douaisis; A and C (which got it from B) rename the same commune; B receives
    both files at once: one update, one conflict, exactly as when they come one by one."""
    eid, ids = shared_eval
    base = tmp_path / "base.evalkit"
    machine_a.sync.export_bundle(eid, base, privacy.COMPLETE)
    machine_b.sync.import_bundle(base)
    c = open_machine(tmp_path, "c")
    d = open_machine(tmp_path, "d")
    try:
        for m in (c, d):
            m.sync.import_bundle(base)
        for m in (machine_b, d):  # C is another laptop of the team: accepted on purpose
            accept(m, c, eid)
        machine_a.evaluations.update_row("commune", ids["commune"], "name", "Douai (A)")
        c.evaluations.update_row("commune", ids["commune"], "name", "Douai (C)")
        from_a, from_c = tmp_path / "a.evalkit", tmp_path / "c.evalkit"
        machine_a.sync.export_bundle(eid, from_a, privacy.COMPLETE)
        c.sync.export_bundle(eid, from_c, privacy.COMPLETE)
        together = machine_b.sync.import_bundles([from_a, from_c])
        separate = [d.sync.import_bundle(from_a), d.sync.import_bundle(from_c)]
        assert counts(together) == counts(separate)
        assert together[0]["updated"] == 1 and together[1]["conflicts"] == 1
        assert conflicts_seen(machine_b) == conflicts_seen(d)
        [conflict] = machine_b.sync.conflicts(eid)
        assert {(f.local, f.remote) for f in conflict.fields if f.name == "name"} == {("Douai (A)", "Douai (C)")}
        assert dump(machine_b) == dump(d)
    finally:
        c.close()
        d.close()


def test_a_kit_copy_altered_in_the_second_file_is_refused(machine_b, two_evaluations, tmp_path):
    _, _, (first, second, _) = two_evaluations

    def change(manifest, entries):  # same size, one letter changed, manifest left as it was
        data = entries["kit/snapshot.json"]
        assert b"kit-evaluation-cv" in data
        entries["kit/snapshot.json"] = data.replace(b"kit-evaluation-cv", b"kit-evaluation-cw", 1)

    altered = rebuild(second, tmp_path / "kit-modifie.evalkit", change)
    before = dump_all(machine_b)
    with pytest.raises(ServiceError, match="kit-modifie.evalkit.*empreinte de « kit/snapshot.json »"):
        machine_b.sync.import_bundles([first, altered])
    assert dump_all(machine_b) == before


def test_a_kit_copy_compressed_otherwise_is_accepted(machine_b, two_evaluations, tmp_path):
    _, _, (first, second, _) = two_evaluations
    stored = tmp_path / "sans-compression.evalkit"
    with zipfile.ZipFile(second) as src, zipfile.ZipFile(stored, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), zipfile.ZIP_STORED)
    summaries = machine_b.sync.import_bundles([first, stored])
    assert summaries[1]["imported"] > 0


def test_the_kit_copy_is_read_once_when_the_files_carry_attachments(machine_b, two_evaluations, monkeypatch):
    from desktop_app.sync import bundle as bundle_mod

    _, _, (first, second, third) = two_evaluations
    files = [first, third, second]
    assert all(any(n.startswith("attachments/") for n in zipfile.ZipFile(f).namelist()) for f in (first, third))
    kit_reads = []
    read_entry = bundle_mod._read_entry
    monkeypatch.setattr(
        bundle_mod, "_read_entry", lambda zf, info, *a: kit_reads.append(info.filename) or read_entry(zf, info, *a)
    )
    summaries = machine_b.sync.import_bundles(files)
    assert kit_reads.count("kit/snapshot.json") == 1
    assert summaries[0]["imported"] > 0 and summaries[1]["updated"] == 1 and summaries[2]["imported"] > 0


def test_the_failure_reported_is_the_first_one_in_file_order(machine_b, two_evaluations, tmp_path):
    """A file whose records are not JSON, then one that is truncated: the first one is named,
    whichever is read first, and nothing is written."""
    _, _, (first, second, third) = two_evaluations

    def garble(manifest, entries):
        import hashlib

        name = next(n for n in sorted(entries) if n.startswith("records/"))
        entries[name] = b"{pas du json"
        manifest["files"][name] = {"sha256": hashlib.sha256(entries[name]).hexdigest(), "size": len(entries[name])}

    garbled = rebuild(second, tmp_path / "illisible.evalkit", garble)
    truncated = tmp_path / "tronque.evalkit"
    truncated.write_bytes(third.read_bytes()[:-300])
    before = dump_all(machine_b)
    with pytest.raises(ServiceError, match="illisible.evalkit.*n'est pas un JSON valide"):
        machine_b.sync.import_bundles([first, garbled, truncated])
    with pytest.raises(ServiceError, match="tronque.evalkit"):
        machine_b.sync.import_bundles([first, truncated, garbled])
    assert dump_all(machine_b) == before


def test_records_of_an_older_bundle_without_a_column_get_its_default(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    out = tmp_path / "x.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)

    def change(manifest, entries):  # as written by a version that had no INSEE code yet
        rows = json.loads(entries["records/communes.json"])
        for row in rows:
            del row["insee"]
        data = json.dumps(rows).encode()
        entries["records/communes.json"] = data
        declare(manifest, "records/communes.json", data)

    older = rebuild(out, tmp_path / "ancien.evalkit", change)
    [summary] = machine_b.sync.import_bundles([older])
    assert summary["imported"] == sum(len(v) for v in dump(machine_a).values())
    [commune] = machine_b.evaluations.rows("commune", eid)
    assert commune["name"] == "Douai" and commune["insee"] == ""


def test_the_machines_received_from_are_counted_across_imports(machine_a, machine_b, two_evaluations):
    """The centre's list of machines: one line per machine, its bundles counted over every
    import, its label and last reception kept up to date, the history listing each file."""
    _, _, files = two_evaluations
    machine_b.sync.import_bundles(files[:2])
    first = machine_b.sync.peers()
    assert [(p["device_id"], p["bundles"]) for p in first] == [(machine_a.device_id, 2)]
    assert first[0]["label"] and first[0]["last_received_at"] is not None
    machine_b.sync.import_bundle(files[2])
    again = machine_b.sync.peers()
    assert [(p["device_id"], p["bundles"]) for p in again] == [(machine_a.device_id, 3)]
    assert again[0]["last_received_at"] >= first[0]["last_received_at"]
    received = [h for h in machine_b.sync.history() if h.direction == "received"]
    assert [h.file_name for h in received] == [f.name for f in reversed(files)]  # latest first
    assert all(h.status == "ok" and h.peer_device == machine_a.device_id and h.counts["imported"] >= 0 for h in received)
