"""Consent withdrawn and masked texts on the way to the centre, and on a teammate's laptop
(SQLite and PostgreSQL: the `machine_a` / `machine_b` fixtures)."""

from __future__ import annotations

import json

from desktop_app.sync import privacy


def _texts(services, eid) -> str:
    return json.dumps([r.answers for r in services.forms.find(eid)], ensure_ascii=False)


def test_consent_withdrawn_deletes_the_testimony_at_the_centre(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    audio = tmp_path / "t01.ogg"
    audio.write_bytes(b"OggS the voice of T01 " * 40)
    att = machine_a.attachments.add_file(eid, "form_response", ids["ok_testimony"], audio)
    machine_a.sync.export_bundle(eid, tmp_path / "1.evalkit")
    centre = machine_b
    centre.sync.import_bundle(tmp_path / "1.evalkit")
    sha = centre.attachments.list(eid, owner_id=ids["ok_testimony"])[0].sha256
    assert "Le centre social nous aide." in _texts(centre, eid) and centre.attachments.blob_path(sha).is_file()

    machine_a.forms.set_answer(ids["ok_testimony"], "consentement_utilisation", False)
    machine_a.sync.export_bundle(eid, tmp_path / "2.evalkit")
    res = centre.sync.import_bundle(tmp_path / "2.evalkit")
    assert res["conflicts"] == 0
    assert ids["ok_testimony"] not in {r.id for r in centre.forms.find(eid)}
    assert "Le centre social nous aide." not in _texts(centre, eid)
    assert att.id not in {a.id for a in centre.attachments.list(eid)}
    assert not centre.attachments.blob_path(sha).exists()
    # the territory keeps its own copy: the withdrawal is for what leaves
    assert ids["ok_testimony"] in {r.id for r in machine_a.forms.find(eid)}
    assert machine_a.attachments.blob_path(sha).is_file()
    # consent given again: the testimony comes back to the centre, with its recording
    machine_a.forms.set_answer(ids["ok_testimony"], "consentement_utilisation", True)
    machine_a.sync.export_bundle(eid, tmp_path / "3.evalkit")
    res = centre.sync.import_bundle(tmp_path / "3.evalkit")
    assert res["conflicts"] == 0
    assert "Le centre social nous aide." in _texts(centre, eid)
    assert att.id in {a.id for a in centre.attachments.list(eid)} and centre.attachments.blob_path(sha).is_file()
    # and exporting again changes nothing there
    machine_a.sync.export_bundle(eid, tmp_path / "4.evalkit")
    again = centre.sync.import_bundle(tmp_path / "4.evalkit")
    assert again["updated"] == 0 and again["imported"] == 0 and again["conflicts"] == 0


def test_names_typed_in_answers_reach_the_centre_pseudonymised(machine_a, machine_b, shared_eval, tmp_path):
    eid, ids = shared_eval
    machine_a.forms.set_answer(ids["ok_testimony"], "texte_temoignage", "ÉLODIE VASSEUR m'a rappelé au 06 11 22 33 44.")
    machine_a.sync.export_bundle(eid, tmp_path / "c.evalkit")
    machine_b.sync.import_bundle(tmp_path / "c.evalkit")
    member = machine_b.evaluations.rows("team_member", eid)[0]["name"]
    text = next(r for r in machine_b.forms.find(eid) if r.id == ids["ok_testimony"]).answers["texte_temoignage"]
    assert text == f"{member} m'a rappelé au [téléphone retiré]."


def test_a_teammate_holding_the_evaluation_keeps_its_copy(machine_a, machine_b, shared_eval, tmp_path):
    """A pseudonymised file imported by mistake on a facilitator's laptop: its masked texts and
    privacy deletions do not replace the complete copy; a plain edit still comes through."""
    eid, ids = shared_eval
    machine_a.sync.export_bundle(eid, tmp_path / "full.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "full.evalkit")
    machine_a.forms.set_answer(ids["ok_testimony"], "texte_temoignage", "Élodie Vasseur est passée.")
    machine_a.forms.set_answer(ids["no_testimony"], "code_pseudonyme", "T02b")
    machine_a.evaluations.update_row("partner", ids["partner"], "role", "Conseiller territorial")
    machine_a.sync.export_bundle(eid, tmp_path / "pseudo.evalkit")
    res = machine_b.sync.import_bundle(tmp_path / "pseudo.evalkit")
    assert res["conflicts"] == 0
    assert machine_b.evaluations.rows("partner", eid)[0]["role"] == "Conseiller territorial"
    held = {r.id: r.answers for r in machine_b.forms.find(eid)}
    assert held[ids["ok_testimony"]]["texte_temoignage"] == "Le centre social nous aide."
    assert held[ids["no_testimony"]]["texte_temoignage"] == "Propos sans accord."
    assert machine_b.attachments.list(eid, owner_id=ids["no_testimony"])
    # the complete file brings the new text
    machine_a.sync.export_bundle(eid, tmp_path / "full2.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "full2.evalkit")
    held = {r.id: r.answers for r in machine_b.forms.find(eid)}
    assert held[ids["ok_testimony"]]["texte_temoignage"] == "Élodie Vasseur est passée."
    assert held[ids["no_testimony"]]["code_pseudonyme"] == "T02b"


def test_a_deletion_travels_as_a_tombstone_without_content(machine_a, machine_b, shared_eval, tmp_path):
    from desktop_app.sync.bundle import read_bundle

    eid, ids = shared_eval
    machine_a.sync.export_bundle(eid, tmp_path / "1.evalkit")
    machine_b.sync.import_bundle(tmp_path / "1.evalkit")
    sha = machine_b.attachments.list(eid, owner_id=ids["ref"])[0].sha256
    machine_a.attachments.delete(ids["photo"])
    machine_a.forms.delete(ids["ok_testimony"])
    machine_a.sync.export_bundle(eid, tmp_path / "2.evalkit")
    records = read_bundle(tmp_path / "2.evalkit").records
    gone = next(r for r in records["form_responses"] if r["id"] == ids["ok_testimony"])
    assert gone["deleted"] and gone["answers"] == {} and gone["label"] == ""
    machine_b.sync.import_bundle(tmp_path / "2.evalkit")
    assert ids["ok_testimony"] not in {r.id for r in machine_b.forms.find(eid)}
    assert "Le centre social nous aide." not in _texts(machine_b, eid)
    assert not machine_b.attachments.list(eid, owner_id=ids["ref"]) and not machine_b.attachments.blob_path(sha).exists()


def test_the_manifest_carries_the_evaluation_as_filtered(machine_a, shared_eval, tmp_path):
    from desktop_app.sync.bundle import read_bundle

    eid, _ = shared_eval
    machine_a.evaluations.update_evaluation(eid, "title", "Évaluation suivie par Élodie Vasseur (06 12 34 56 78)")
    machine_a.sync.export_bundle(eid, tmp_path / "m.evalkit")
    title = read_bundle(tmp_path / "m.evalkit").manifest["evaluation"]["title"]
    assert "Vasseur" not in title and "06 12" not in title and title.startswith("Évaluation suivie par Membre ")


def test_identifier_columns_are_never_rewritten_by_the_privacy_filter():
    """A token or hash whose hex holds ten digits reading like a phone number travels as it is
    (found when a questionnaire's file token came out 40 characters long and the bundle was refused)."""
    from desktop_app.sync.privacy import _filtered, known_people

    people = known_people({})
    rec = {"id": "r1", "file_token": "5b1e7c1e-0f2d-4a8e-9d61-0612345678ab", "file_sha256": "0612345678" * 6,
           "evaluation_id": "e-0612345678-x", "comment": "Appeler le 06 12 34 56 78"}
    out = _filtered("questionnaire_imports", rec, {}, people, None)
    assert {k: out[k] for k in ("id", "file_token", "file_sha256", "evaluation_id")} == {
        k: rec[k] for k in ("id", "file_token", "file_sha256", "evaluation_id")}
    assert "06 12 34 56 78" not in out["comment"]
