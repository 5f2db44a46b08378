"""The sync folder: two laptops exchanging through a shared folder, and the command line."""

from __future__ import annotations

import json

import pytest
from sync_helpers import dump, dump_all

from desktop_app.cli import main
from desktop_app.services.base import ServiceError


def test_two_laptops_converge_through_a_folder(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    folder = tmp_path / "cle-usb"
    folder.mkdir()
    machine_a.sync.set_folder(folder)
    assert machine_a.sync.folder() == folder

    first = machine_a.sync.sync_folder()
    assert [s["evaluation_id"] for s in first.sent] == [eid] and first.received == []
    report_b = machine_b.sync.sync_folder(folder)
    assert report_b.received[0]["imported"] > 0 and len(report_b.sent) == 1

    # both work on their own, on different and on the same records
    machine_a.evaluations.update_row("commune", ids["commune"], "insee", "59179")
    machine_b.evaluations.add_row("milestone", eid, {"date": "2026-05-04", "label": "COPIL B"})
    machine_a.evaluations.update_row("partner", ids["partner"], "role", "rôle A")
    machine_b.evaluations.update_row("partner", ids["partner"], "role", "rôle B")

    rb = machine_b.sync.sync_folder(folder)  # A's file there is still the old state
    assert rb.conflicts == 0 and rb.received == [] and len(rb.sent) == 1
    ra = machine_a.sync.sync_folder(folder)
    assert ra.conflicts == 1 and ra.received[0]["updated"] == 0 and ra.received[0]["imported"] == 1
    [c] = machine_a.sync.conflicts(eid)
    machine_a.sync.resolve(c.id, "local")
    machine_a.sync.sync_folder(folder)
    machine_b.sync.sync_folder(folder)
    machine_a.sync.sync_folder(folder)
    machine_b.sync.sync_folder(folder)
    assert machine_a.sync.conflicts() == machine_b.sync.conflicts() == []
    assert dump(machine_a) == dump(machine_b)
    assert machine_b.evaluations.rows("partner", eid)[0]["role"] == "rôle A"

    # nothing new: nothing sent, nothing imported again
    quiet = machine_b.sync.sync_folder(folder)
    assert quiet.sent == [] and quiet.received == []
    history = machine_b.sync.history()
    assert {h.direction for h in history} == {"sent", "received"}
    assert all(h.status == "ok" for h in history)
    assert machine_b.sync.peers()[0]["device_id"] == machine_a.device_id
    # exactly one file per laptop in the folder, no temporary file left
    assert len(list(folder.iterdir())) == 2


def test_a_bad_file_in_the_folder_is_reported_and_skipped(machine_a, machine_b, shared_eval, tmp_path):
    eid, _ = shared_eval
    folder = tmp_path / "partage"
    folder.mkdir()
    machine_a.sync.sync_folder(folder)
    [good] = list(folder.iterdir())
    (folder / "copie (1).evalkit").write_bytes(good.read_bytes()[:500])  # a half-synced copy
    report = machine_b.sync.sync_folder(folder)
    assert len(report.received) == 1 and len(report.errors) == 1
    assert "incomplet" in report.errors[0]["message"]
    assert any(h.status == "error" for h in machine_b.sync.history())


def test_missing_folder_is_a_french_error(machine_a, tmp_path):
    with pytest.raises(ServiceError, match="introuvable"):
        machine_a.sync.sync_folder(tmp_path / "absent")
    with pytest.raises(ServiceError, match="Choisissez"):
        machine_a.sync.sync_folder()


def test_cli_export_import_sync(machine_a, shared_eval, tmp_path, capsys):
    eid, _ = shared_eval
    db_a = machine_a.store.path or machine_a.store.url  # a file, or the PostgreSQL URL
    out = tmp_path / "cli.evalkit"
    assert main(["export", "bundle", "--db", str(db_a), "--out", str(out), "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["ok"] and exported["privacy"] == "pseudonymised" and exported["evaluation_id"] == eid

    db_b = tmp_path / "b-cli.db"
    assert main(["import", "bundle", str(out), "--db", str(db_b), "--json"]) == 0
    [first] = json.loads(capsys.readouterr().out)["files"]
    assert first["imported"] > 0 and first["conflicts"] == 0
    assert main(["import", "bundle", str(out), "--db", str(db_b)]) == 0
    assert "0 importé(s), 0 mis à jour" in capsys.readouterr().out

    bad = tmp_path / "bad.evalkit"
    bad.write_bytes(out.read_bytes()[:-200])
    from sync_helpers import open_machine

    before_services = open_machine(tmp_path, "b-cli")
    before = dump_all(before_services)
    before_services.close()
    assert main(["import", "bundle", str(bad), "--db", str(db_b), "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "Traceback" not in err and "bad.evalkit" in err
    after_services = open_machine(tmp_path, "b-cli")
    assert dump_all(after_services) == before
    after_services.close()

    folder = tmp_path / "dossier"
    folder.mkdir()
    assert main(["sync", "--db", str(db_a), "--folder", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and len(report["sent"]) == 1
