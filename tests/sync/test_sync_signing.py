"""Bundles are signed, their keys pinned per evaluation: a tampered, re-signed, spoofed or lying
bundle is refused with the database unchanged; the first key seen is pinned, the centre can
register a territory's key in advance, and a new laptop is accepted only on purpose."""

from __future__ import annotations

import json
import os
import platform
import re
import stat
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_helpers import declare, dump, open_machine, rebuild
from test_sync_refusals import refused

from desktop_app.services.base import ServiceError
from desktop_app.sync import privacy
from desktop_app.sync.signing import Signer, encode_key, fingerprint, key_path


@pytest.fixture
def pinned(machine_a, machine_b, shared_eval, tmp_path):
    """B received A's evaluation once (A's key pinned), then A edited it and exported it again."""
    eid, ids = shared_eval
    machine_a.sync.export_bundle(eid, tmp_path / "first.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "first.evalkit")
    machine_a.evaluations.update_row("commune", ids["commune"], "name", "Douai (centre)")
    out = tmp_path / "second.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    return eid, out


def _edit_commune(manifest, entries, new=b"Douai (pirate)"):
    data = entries["records/communes.json"].replace(b"Douai (centre)", new)
    assert data != entries["records/communes.json"]
    entries["records/communes.json"] = data
    declare(manifest, "records/communes.json", data)


def test_tampered_entry_with_its_digest_updated_but_not_the_signature(machine_b, pinned, tmp_path):
    _, good = pinned
    tampered = rebuild(good, tmp_path / "t.evalkit", _edit_commune, sign=False)  # manifest and data_digest match
    refused(machine_b, tampered, "la signature ne correspond pas au contenu")


def test_resigned_by_another_key_for_a_known_evaluation(machine_a, machine_b, pinned, tmp_path):
    eid, good = pinned
    other = Ed25519PrivateKey.generate()
    other_fp = fingerprint(Signer("x", "", other).public_key)

    def change(manifest, entries):
        _edit_commune(manifest, entries)
        manifest["device"]["public_key"] = encode_key(Signer("x", "", other).public_key)

    resigned = rebuild(good, tmp_path / "r.evalkit", change, key=other)  # a valid signature, by a stranger
    a_fp = machine_a.sync.own_key().fingerprint
    with pytest.raises(ServiceError) as caught:
        machine_b.sync.import_bundle(resigned)
    message = str(caught.value)
    assert other_fp in message and a_fp in message
    assert "evalkit sync trust" in message and "--replace" in message and "Rien n'a été importé" in message
    refused(machine_b, resigned, "clé inconnue")
    assert machine_b.evaluations.rows("commune", eid)[0]["name"] == "Douai"


def test_spoofed_device_claiming_a_known_evaluation(machine_b, pinned, tmp_path):
    """A stranger's laptop, which got hold of the evaluation's bundle, sends its own edits: its
    key is not the one pinned for the evaluation, whatever it claims; accepted once on purpose."""
    eid, first = pinned
    stranger = open_machine(tmp_path, "stranger")
    try:
        stranger.sync.import_bundle(tmp_path / "first.evalkit")
        commune = stranger.evaluations.rows("commune", eid)[0]["id"]
        stranger.evaluations.update_row("commune", commune, "name", "Douai (faux)")
        spoof = tmp_path / "spoof.evalkit"
        stranger.sync.export_bundle(eid, spoof, privacy.COMPLETE)
        refused(machine_b, spoof, "signé par une clé inconnue pour l'évaluation « CA du Douaisis »")
        # the user checked the fingerprint with its owner: a new laptop of the team, accepted from its file
        key, removed = machine_b.sync.trust(None, spoof)
        assert key.evaluation_id == eid and key.fingerprint == stranger.sync.own_key().fingerprint and removed == []
        assert key.device_label == stranger.sync.device_label()
        assert machine_b.sync.import_bundle(spoof)["updated"] == 1
    finally:
        stranger.close()


@pytest.mark.parametrize("lie", ["records", "digest"])
def test_bundle_whose_data_digest_lies(machine_b, pinned, tmp_path, lie):
    """Signed by the right key, every entry matching its declared SHA-256, but the digest of the
    records is not theirs: refused (a faulty or compromised sender)."""
    _, good = pinned

    def change(manifest, entries):
        if lie == "records":
            _edit_commune(manifest, entries)  # the data_digest is left as it was
        else:
            manifest["data_digest"] = "0" * 64

    lying = rebuild(good, tmp_path / "lie.evalkit", change, digest=False)
    refused(machine_b, lying, r"empreinte des données \(data_digest\) ne correspond pas")


def test_unsigned_bundles_are_refused(machine_b, pinned, tmp_path):
    _, good = pinned

    def old_format(manifest, entries):
        manifest["format_version"] = 1
        del entries["signature.json"]

    refused(machine_b, rebuild(good, tmp_path / "v1.evalkit", old_format, sign=False), "n'est pas signé")

    def unsigned(manifest, entries):
        del entries["signature.json"]

    refused(machine_b, rebuild(good, tmp_path / "nosig.evalkit", unsigned, sign=False), "signature absente")

    def garbled(manifest, entries):
        entries["signature.json"] = b'{"algorithm": "Ed25519", "signature": "abc"}'

    refused(machine_b, rebuild(good, tmp_path / "garbled.evalkit", garbled, sign=False), "signature illisible")


def test_first_key_is_pinned_only_when_the_import_succeeds(machine_a, machine_b, shared_eval, tmp_path):
    eid, _ = shared_eval
    out = tmp_path / "a.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    cut = tmp_path / "cut.evalkit"
    cut.write_bytes(out.read_bytes()[:-100])
    with pytest.raises(ServiceError):
        machine_b.sync.import_bundles([out, cut])
    assert machine_b.sync.trusted_keys() == []
    machine_b.sync.import_bundle(out)
    [key] = machine_b.sync.trusted_keys(eid)
    own = machine_a.sync.own_key()
    assert (key.fingerprint, key.origin, key.device_id, key.device_label) == (own.fingerprint, "first", own.device_id, own.label)


def _from_two_laptops(machine_a, eid, tmp_path):
    """A's bundle of the evaluation, and one of a second laptop that received it (its own key)."""
    first = tmp_path / "a.evalkit"
    machine_a.sync.export_bundle(eid, first, privacy.COMPLETE)
    other = open_machine(tmp_path, "other")
    try:
        other.sync.import_bundle(first)
        theirs = tmp_path / "o.evalkit"
        other.sync.export_bundle(eid, theirs, privacy.COMPLETE)
    finally:
        other.close()
    return first, theirs


def test_two_keys_for_a_new_evaluation_in_one_import(machine_a, machine_b, shared_eval, tmp_path):
    """Two files of an evaluation new here, signed by two keys, in one import: the first key is
    pinned by the import itself, so the second file is refused, and with it the whole import."""
    out, theirs = _from_two_laptops(machine_a, shared_eval[0], tmp_path)
    before = dump(machine_b)
    with pytest.raises(ServiceError, match="« o.evalkit » est signé par une clé inconnue"):
        machine_b.sync.import_bundles([out, theirs])
    assert dump(machine_b) == before and machine_b.sync.trusted_keys() == []


def test_a_key_pinned_by_another_import_meanwhile_is_offered_not_overwritten(machine_a, machine_b, shared_eval, tmp_path, monkeypatch):
    """Two imports of a new evaluation at once, from two laptops: both pass the check made before
    the transaction, the first to write pins its key, and the second, checked again under the
    write lock, is refused with the offer to accept the second laptop (nothing of it written)."""
    from desktop_app.services.sync import UnknownSigner
    from desktop_app.sync import trust

    first, theirs = _from_two_laptops(machine_a, shared_eval[0], tmp_path)
    late = machine_b.sync.verify(theirs)
    machine_b.sync.import_bundle(first)  # the other import wins the lock and pins A's key
    before = dump(machine_b)
    real = trust.check_senders

    def passed_before_the_pin(session, bundles, own_key, *, pin):
        if pin:  # the check made under the write lock is the real one
            real(session, bundles, own_key, pin=pin)

    monkeypatch.setattr(trust, "check_senders", passed_before_the_pin)
    with pytest.raises(UnknownSigner, match="« o.evalkit » est signé par une clé inconnue"):
        machine_b.sync.import_verified([late], None)
    assert dump(machine_b) == before
    assert [k.fingerprint for k in machine_b.sync.trusted_keys()] == [fingerprint(machine_a.sync.signer().public_key)]


def test_centre_registers_a_territory_key_in_advance(machine_a, machine_b, shared_eval, tmp_path):
    """The resource centre registers territory A's key from the file A exported: the first
    bundle it receives for that evaluation, from another laptop, is refused; A's is accepted.
    Registering by fingerprint works the same; --replace retires the former laptop."""
    eid, _ = shared_eval
    pem = machine_a.sync.export_public_key(tmp_path / "territoire-a.pem")
    assert b"BEGIN PUBLIC KEY" in pem.read_bytes() and machine_a.sync.own_key().fingerprint.encode() in pem.read_bytes()
    key, removed = machine_b.sync.trust(eid, pem)
    assert key.fingerprint == machine_a.sync.own_key().fingerprint and key.origin == "manual" and removed == []

    first = tmp_path / "a.evalkit"
    machine_a.sync.export_bundle(eid, first, privacy.COMPLETE)
    laptop = open_machine(tmp_path, "laptop")
    try:
        laptop.sync.import_bundle(first)
        other = tmp_path / "laptop.evalkit"
        laptop.sync.export_bundle(eid, other, privacy.COMPLETE)
        refused(machine_b, other, "clé inconnue")  # the first bundle seen, but not the key registered
        machine_b.sync.import_bundle(first)
        # the laptop replaces A's: registered by its fingerprint, typed in lower case with spaces
        typed = laptop.sync.own_key().fingerprint.lower().replace("-", " ")
        key, removed = machine_b.sync.trust(eid, typed, replace=True)
        assert [k.fingerprint for k in removed] == [machine_a.sync.own_key().fingerprint]
        assert not key.has_key
        machine_b.sync.import_bundle(other)
        [now] = machine_b.sync.trusted_keys(eid)
        assert now.has_key and now.device_id == laptop.device_id  # the whole key, known from its bundle
    finally:
        laptop.close()
    refused(machine_b, first, "clé inconnue")  # the retired laptop's files no longer come in


def test_trust_refuses_what_is_not_a_key(machine_a, shared_eval, tmp_path):
    eid, _ = shared_eval
    junk = tmp_path / "junk.pem"
    junk.write_text("bonjour")
    for bad, match in ((str(junk), "pas un fichier de clé publique"), ("1234", "ni un fichier de clé publique ou de résultats, ni une empreinte"),
                       (machine_a.sync.own_key().fingerprint, "clé de ce poste")):
        with pytest.raises(ServiceError, match=match):
            machine_a.sync.trust(eid, bad)
    assert machine_a.sync.trusted_keys() == []


def test_manifest_carries_a_renamable_label_not_the_host_name(machine_a, shared_eval, tmp_path):
    eid, _ = shared_eval
    label = machine_a.sync.device_label()
    assert re.fullmatch(r"Poste-[0-9A-F]{4}", label)
    out = tmp_path / "x.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    host = platform.node()
    with zipfile.ZipFile(out) as zf:
        raw = zf.read("manifest.json")
    assert json.loads(raw)["device"]["label"] == label
    if len(host) >= 4:
        assert host.encode() not in raw
    assert machine_a.sync.rename_device("  Portable   de  la mairie ") == "Portable de la mairie"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    with zipfile.ZipFile(out) as zf:
        assert json.loads(zf.read("manifest.json"))["device"]["label"] == "Portable de la mairie"
    for bad in ("", "   ", "x" * 41, "a\x00b"):
        with pytest.raises(ServiceError):
            machine_a.sync.rename_device(bad)


def test_data_digest_is_the_one_the_sender_compares(machine_a, shared_eval, tmp_path):
    """The manifest's data_digest (from the bytes written) is the digest `collect` computes from
    the rows: what the sync folder compares to skip an unchanged evaluation."""
    eid, _ = shared_eval
    for level in (privacy.COMPLETE, privacy.PSEUDONYMISED):
        res = machine_a.sync.export_bundle(eid, tmp_path / f"{level}.evalkit", level)
        with zipfile.ZipFile(res.path) as zf:
            assert json.loads(zf.read("manifest.json"))["data_digest"] == res.data_digest


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_private_key_is_readable_by_its_user_only(machine_a):
    from desktop_app.sync.signing import device_key

    fp = machine_a.sync.own_key().fingerprint
    path = key_path(machine_a.device_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert b"PRIVATE KEY" in path.read_bytes()
    path.chmod(0o644)  # copied by hand: made private again when read, and still the same key
    assert fingerprint(Signer("x", "", device_key(machine_a.device_id)).public_key) == fp
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_own_bundle_read_back_and_sync_round_trip(machine_a, machine_b, shared_eval, tmp_path):
    """Two laptops exchanging through files: each pins the other's key on first sight."""
    eid, ids = shared_eval
    out = tmp_path / "a.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    assert machine_a.sync.import_bundle(out)["imported"] == 0  # its own file: always accepted
    machine_b.sync.import_bundle(out)
    machine_b.evaluations.update_row("commune", ids["commune"], "name", "Douai (B)")
    back = tmp_path / "b.evalkit"
    machine_b.sync.export_bundle(eid, back, privacy.COMPLETE)
    assert machine_a.sync.import_bundle(back)["updated"] == 1
    assert dump(machine_a) == dump(machine_b)
    assert [k.fingerprint for k in machine_a.sync.trusted_keys(eid)] == [machine_b.sync.own_key().fingerprint]


def test_cli_keys_trust_and_rename(tmp_path, capsys):
    """`evalkit sync keys|trust|rename-device`; a refused bundle: exit 1, one French line on
    stderr naming both fingerprints, the database unchanged."""
    from sync_helpers import dump_all

    from desktop_app.cli import main

    db_a, db_b, db_c = (str(tmp_path / f"{n}.db") for n in "abc")
    a = open_machine(tmp_path, "a")
    eid = a.evaluations.create("CA du Douaisis")
    a.evaluations.add_row("commune", eid, {"name": "Douai", "insee": "59178"})
    a.close()
    assert main(["sync", "rename-device", "--db", db_a, "Portable mairie"]) == 0
    assert "« Portable mairie »" in capsys.readouterr().out
    pem = tmp_path / "a.pem"
    assert main(["sync", "keys", "--db", db_a, "--export", str(pem), "--json"]) == 0
    own = json.loads(capsys.readouterr().out)["device"]
    assert own["label"] == "Portable mairie" and re.fullmatch(r"([0-9A-F]{4}-){7}[0-9A-F]{4}", own["fingerprint"])

    # the centre (B) registers A's key in advance; C got the evaluation from A and sends its own file
    assert main(["sync", "trust", "--db", db_b, "--evaluation", eid, "--key", str(pem)]) == 0
    assert "enregistrée d'avance" in capsys.readouterr().out
    out_a, out_c = tmp_path / "a.evalkit", tmp_path / "c.evalkit"
    assert main(["export", "bundle", "--db", db_a, "--out", str(out_a), "--complet"]) == 0
    assert main(["import", "bundle", str(out_a), "--db", db_c]) == 0
    assert main(["export", "bundle", "--db", db_c, "--out", str(out_c), "--complet"]) == 0
    capsys.readouterr()
    assert main(["sync", "keys", "--db", db_c, "--json"]) == 0
    c_fp = json.loads(capsys.readouterr().out)["device"]["fingerprint"]
    centre = open_machine(tmp_path, "b")
    before = dump_all(centre)
    centre.close()
    assert main(["import", "bundle", str(out_c), "--db", db_b]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("Erreur : ") and "Traceback" not in captured.err
    assert c_fp in captured.err and own["fingerprint"] in captured.err and "evalkit sync trust" in captured.err
    centre = open_machine(tmp_path, "b")
    assert dump_all(centre) == before
    centre.close()

    # C is the territory's new laptop: accepted on purpose, A's key retired
    assert main(["sync", "trust", "--db", db_b, "--evaluation", eid, "--key", c_fp, "--replace", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["removed"] == [own["fingerprint"]]
    assert main(["import", "bundle", str(out_c), "--db", db_b]) == 0
    assert main(["import", "bundle", str(out_a), "--db", db_b]) == 1
    capsys.readouterr()
    assert main(["sync", "keys", "--db", db_b]) == 0
    accepted = capsys.readouterr().out.splitlines()[1:]  # after the line about the centre's own key
    assert any(c_fp in line for line in accepted) and not any(own["fingerprint"] in line for line in accepted)
    assert main(["sync", "trust", "--db", db_b, "--evaluation", eid, "--key", "pas une clé"]) == 1
    assert "ni un fichier de clé publique ou de résultats, ni une empreinte" in capsys.readouterr().err


def test_bundle_encrypted_to_the_resource_centre(machine_a, machine_b, shared_eval, tmp_path, monkeypatch):
    """A territory encrypts its bundle to the centre's key: unreadable on the way, opened and
    imported only by that centre; an altered one, or one for another centre, is refused."""
    eid, _ = shared_eval
    with pytest.raises(ServiceError, match="Aucune clé de chiffrement du centre"):
        machine_a.sync.export_bundle(eid, tmp_path / "x.evalkit", encrypt=True)
    centre_pem = machine_b.sync.export_centre_key(tmp_path / "centre.pem")
    assert machine_a.sync.set_centre_key(centre_pem) == machine_b.sync.own_centre_key()
    res = machine_a.sync.export_bundle(eid, tmp_path / "sealed.evalkit", privacy.PSEUDONYMISED, encrypt=True)
    data = res.path.read_bytes()
    assert data.startswith(b"EVALKIT-ENVELOPPE\n") and b"CA du Douaisis" not in data and b"Douai" not in data
    assert not list(tmp_path.glob(".*"))  # no clear copy left beside it
    assert not zipfile.is_zipfile(res.path)

    other_centre = open_machine(tmp_path, "other-centre")
    try:
        refused(other_centre, res.path, "chiffré pour un autre centre de ressources")
    finally:
        other_centre.close()
    altered = tmp_path / "altered.evalkit"
    flipped = bytearray(data)
    flipped[-40] ^= 1
    altered.write_bytes(bytes(flipped))
    refused(machine_b, altered, "le fichier chiffré a été modifié")

    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the clear copy is opened
    result = machine_b.sync.import_bundle(res.path)
    assert result["imported"] > 0 and result["file"] == "sealed.evalkit"
    assert list(scratch.iterdir()) == []  # the clear copy is gone
    assert machine_b.evaluations.get(eid).territory_name == machine_a.evaluations.get(eid).territory_name
    assert [k.fingerprint for k in machine_b.sync.trusted_keys(eid)] == [machine_a.sync.own_key().fingerprint]


def test_a_device_label_with_control_characters_is_shown_printable(machine_b, pinned, tmp_path):
    _, good = pinned

    def change(manifest, entries):
        manifest["device"]["label"] = "Poste\n\x1b[31mpirate"
        manifest["device"]["public_key"] = encode_key(Signer("x", "", other).public_key)

    other = Ed25519PrivateKey.generate()
    with pytest.raises(ServiceError) as caught:
        machine_b.sync.import_bundle(rebuild(good, tmp_path / "l.evalkit", change, key=other))
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value) and "Poste  [31mpirate" in str(caught.value)
