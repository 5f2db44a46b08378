"""Result bundles: round trip, idempotence, pseudonymisation, manifest."""

from __future__ import annotations

import json
import zipfile

import pytest
from sync_helpers import dump

from desktop_app.sync import privacy
from desktop_app.sync.bundle import FORMAT_VERSION, read_bundle


def test_round_trip_complete_copies_every_record_and_attachment(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    out = tmp_path / "douaisis.evalkit"
    res = machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    assert res.counts["evaluations"] == 1 and res.counts["attachments"] == 2 and res.attachments == 2

    [summary] = machine_b.sync.import_bundles([out])
    assert summary["imported"] == sum(res.counts.values())
    assert summary["updated"] == summary["unchanged"] == summary["conflicts"] == 0
    assert dump(machine_a) == dump(machine_b)
    # attachments arrived in B's own store, byte for byte
    assert machine_b.attachments.path_of(ids["photo"]).read_bytes() == machine_a.attachments.path_of(ids["photo"]).read_bytes()
    # the evaluation opens on B with its dates and its kit
    summary_b = machine_b.evaluations.get(eid)
    assert summary_b.territory_name == "CA du Douaisis"
    assert machine_b.evaluations.cadrage(eid).fields["start_date"] == "2026-01-05"
    assert machine_b.forms.get(ids["ref"]).answers == {"gouvernance.appreciation": "plutot_atteint"}


def test_manifest_lists_versions_checksums_and_counts(machine_a, shared_eval, tmp_path):
    eid, _ = shared_eval
    out = tmp_path / "x.evalkit"
    machine_a.sync.export_bundle(eid, out)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["app_version"] and manifest["kit"]["version"] == "1.1.0"
    assert manifest["device"]["id"] == machine_a.device_id
    assert manifest["evaluation"]["id"] == eid and manifest["exported_at"].endswith("Z")
    assert names == set(manifest["files"]) | {"manifest.json", "signature.json"}
    for entry in manifest["files"].values():
        assert len(entry["sha256"]) == 64 and entry["size"] >= 0
    assert manifest["counts"]["partners"] == 1


def test_import_twice_changes_nothing(machine_a, machine_b, shared_eval, tmp_path):
    eid, _ = shared_eval
    out = tmp_path / "x.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    machine_b.sync.import_bundle(out)
    before = dump(machine_b)
    again = machine_b.sync.import_bundle(out)
    assert again["imported"] == again["updated"] == again["conflicts"] == 0
    assert again["unchanged"] == sum(len(v) for v in before.values())
    assert dump(machine_b) == before
    # and the sender importing its own bundle back changes nothing either
    back = machine_a.sync.import_bundle(out)
    assert back["unchanged"] == again["unchanged"] and back["updated"] == 0


def test_pseudonymised_by_default(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    out = tmp_path / "centre.evalkit"
    res = machine_a.sync.export_bundle(eid, out)  # default level
    assert res.privacy == privacy.PSEUDONYMISED
    bundle = read_bundle(out)
    text = out.read_bytes()
    partner = bundle.records["partners"][0]
    assert partner["contact"].startswith("Contact ") and partner["email"] == ""
    assert bundle.records["team_members"][0]["name"].startswith("Membre ")
    assert b"Karim Haddad" not in text and b"k.haddad" not in text
    # the testimony without consent and its audio travel as deletions only: no answer, no file
    responses = {r["id"]: r for r in bundle.records["form_responses"]}
    assert not responses[ids["ok_testimony"]]["deleted"]
    assert responses[ids["no_testimony"]]["deleted"] and responses[ids["no_testimony"]]["answers"] == {}
    audio = next(r for r in bundle.records["attachments"] if r["id"] == ids["audio"])
    assert audio["deleted"] and audio["filename"] == ""
    assert len(bundle.attachments) == 1
    assert res.excluded == {"form_responses": 1, "attachments": 1}
    assert "Propos sans accord" not in text.decode("latin-1") and b"private voice" not in text
    # the pseudonym is stable from one export to the next
    machine_a.sync.export_bundle(eid, tmp_path / "again.evalkit")
    assert read_bundle(tmp_path / "again.evalkit").records["partners"][0]["contact"] == partner["contact"]
    # the receiving machine gets the pseudonyms
    machine_b.sync.import_bundle(out)
    assert machine_b.evaluations.rows("partner", eid)[0]["contact"] == partner["contact"]


def test_pseudonymised_bundle_never_overwrites_real_names(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    machine_a.sync.export_bundle(eid, tmp_path / "full.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "full.evalkit")
    machine_a.evaluations.update_row("partner", ids["partner"], "role", "Conseiller territorial")
    machine_a.sync.export_bundle(eid, tmp_path / "pseudo.evalkit")
    res = machine_b.sync.import_bundle(tmp_path / "pseudo.evalkit")
    assert res["updated"] == 1 and res["conflicts"] == 0
    row = machine_b.evaluations.rows("partner", eid)[0]
    assert row["role"] == "Conseiller territorial"
    assert row["contact"] == "Karim Haddad" and row["email"] == "k.haddad@caf.example"


def test_privacy_rules_default_to_included_and_clear_contact_columns():
    rows = {
        "evaluations": [{"id": "e"}],
        "some_new_table": [{"id": "n1", "evaluation_id": "e", "label": "garde", "phone": "06 12 34 56 78", "contact_email": "x@y.fr"}],
        "fieldwork_testimonies": [
            {"id": "t1", "consent_use": True, "pseudonym": "T1"},
            {"id": "t2", "consent_use": None, "pseudonym": "T2"},
        ],
        "attachments": [{"id": "a1", "owner_id": "t2"}, {"id": "a2", "owner_id": "t1"}],
    }
    out = privacy.apply(rows, privacy.PSEUDONYMISED)
    new = out.rows["some_new_table"][0]
    assert new["label"] == "garde" and new["phone"] == "" and new["contact_email"] == ""
    # without consent: a tombstone (one revision up), and so are its attachments
    assert [(t["id"], bool(t.get("deleted"))) for t in out.rows["fieldwork_testimonies"]] == [("t1", False), ("t2", True)]
    assert out.rows["fieldwork_testimonies"][1]["pseudonym"] == ""
    assert [(a["id"], bool(a.get("deleted"))) for a in out.rows["attachments"]] == [("a1", True), ("a2", False)]
    assert privacy.apply(rows, privacy.COMPLETE).rows == rows
    assert "pseudonyme" in privacy.describe(privacy.PSEUDONYMISED)


def test_an_attachment_that_cannot_be_stored_leaves_nothing_imported(machine_a, machine_b, shared_eval, tmp_path, monkeypatch):
    """An attachment file that cannot be written stops the import before any record is: nothing
    imported, nothing in the history, the attachment service's French message."""
    from desktop_app.services.base import ServiceError

    eid, _ = shared_eval
    out = tmp_path / "douaisis.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)

    def full_disk(data, expected_sha256=None, **_):
        raise ServiceError("Impossible d'enregistrer la pièce jointe : plus de place sur le disque.")

    monkeypatch.setattr(machine_b.attachments, "put_bytes", full_disk)
    with pytest.raises(ServiceError, match="plus de place sur le disque"):
        machine_b.sync.import_bundles([out])
    assert all(not rows for rows in dump(machine_b, include_meta=False).values())
    assert machine_b.sync.history() == []
