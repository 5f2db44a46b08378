"""Bad bundles are refused whole, with a French message, and the database stays as it was."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile

import pytest
from sync_helpers import declare, dump, dump_all, rebuild

from desktop_app.services.base import ServiceError
from desktop_app.sync import bundle as bundle_mod
from desktop_app.sync import privacy


@pytest.fixture
def good(machine_a, machine_b, shared_eval, tmp_path):
    """A valid complete bundle, and machine B already holding an older state of the evaluation."""
    eid, ids = shared_eval
    machine_a.sync.export_bundle(eid, tmp_path / "old.evalkit", privacy.COMPLETE)
    machine_b.sync.import_bundle(tmp_path / "old.evalkit")
    machine_a.evaluations.update_row("commune", ids["commune"], "name", "Douai (centre)")
    out = tmp_path / "good.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    return out


def refused(services, path, match):
    before = dump_all(services)
    blobs = sorted(p.name for p in services.attachments.root.rglob("*") if p.is_file())
    with pytest.raises(ServiceError, match=match):
        services.sync.import_bundles([path])
    assert dump_all(services) == before
    assert sorted(p.name for p in services.attachments.root.rglob("*") if p.is_file()) == blobs


def test_good_bundle_imports(machine_b, good):
    assert machine_b.sync.import_bundle(good)["updated"] == 1


def test_tampered_file(machine_b, good, tmp_path):
    def change(manifest, entries):
        entries["records/communes.json"] = entries["records/communes.json"].replace(b"Douai (centre)", b"Douai (pirate)")

    refused(machine_b, rebuild(good, tmp_path / "t.evalkit", change), "empreinte .* ne correspond pas")


def test_truncated_file(machine_b, good, tmp_path):
    data = good.read_bytes()
    cut = tmp_path / "cut.evalkit"
    cut.write_bytes(data[: len(data) // 2])
    refused(machine_b, cut, r"incomplet \(copie interrompue, ou encore en cours\).*relu à la prochaine synchronisation")


def test_truncated_entry_with_a_readable_directory(machine_b, good, tmp_path):
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("records/communes.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 8] = b"\x00" * 8  # the compressed stream is damaged in place
    damaged = tmp_path / "damaged.evalkit"
    damaged.write_bytes(bytes(data))
    refused(machine_b, damaged, "endommagé")


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_flipped_byte_inside_an_entry(machine_b, good, tmp_path, compression):
    """One bit of one entry's data changes on disk (a bad USB key): refused, whatever the compression."""
    with zipfile.ZipFile(good) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    src = tmp_path / f"src-{compression}.evalkit"
    with zipfile.ZipFile(src, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("records/communes.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data = bytearray(src.read_bytes())
    data[start + info.compress_size // 2] ^= 0x01
    flipped = tmp_path / f"flipped-{compression}.evalkit"
    flipped.write_bytes(bytes(data))
    refused(machine_b, flipped, "endommagé")


@pytest.mark.parametrize("name", ["../../evil.txt", "/tmp/evil.txt", "records/../../evil.json", "C:/evil.txt", "records\\..\\evil.json"])
def test_path_traversal_entry(machine_b, good, tmp_path, name):
    def change(manifest, entries):
        manifest["files"][name] = {"sha256": "0" * 64, "size": 4}
        return [(zipfile.ZipInfo(name), b"evil")]

    refused(machine_b, rebuild(good, tmp_path / "trav.evalkit", change), "refus")
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path / "evil.json").exists()


def test_symlink_entry(machine_b, good, tmp_path):
    def change(manifest, entries):
        info = zipfile.ZipInfo("attachments/" + "a" * 64)
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        declare(manifest, info.filename, b"/etc/passwd")
        return [(info, b"/etc/passwd")]

    refused(machine_b, rebuild(good, tmp_path / "link.evalkit", change), "lien")


def test_entry_not_in_manifest(machine_b, good, tmp_path):
    def change(manifest, entries):
        entries["records/partners_extra.json"] = b"[]"

    refused(machine_b, rebuild(good, tmp_path / "extra.evalkit", change), "non déclaré")


def test_zip_bomb(machine_b, good, tmp_path):
    bomb = b"\x00" * (40 * 1024 * 1024)  # 40 Mo of zeros: about 40 Ko compressed

    def change(manifest, entries):
        name = "attachments/" + hashlib.sha256(bomb).hexdigest()
        declare(manifest, name, bomb)
        entries[name] = bomb

    refused(machine_b, rebuild(good, tmp_path / "bomb.evalkit", change), "bombe de décompression")


def test_oversized_entry_and_lying_sizes(machine_b, good, tmp_path, monkeypatch):
    big = bytes(range(256)) * 8  # 2 Ko, incompressible enough

    def change(manifest, entries):
        name = "attachments/" + hashlib.sha256(big).hexdigest()
        declare(manifest, name, big)
        entries[name] = big

    with monkeypatch.context() as patch:  # not monkeypatch.undo(): it would undo the test's data directory too
        patch.setattr(bundle_mod, "MAX_ENTRY_BYTES", 1000)
        refused(machine_b, rebuild(good, tmp_path / "big.evalkit", change), "trop volumineux")

    # the manifest announces a size the entry does not have
    def lie(manifest, entries):
        manifest["files"]["records/communes.json"]["size"] = 3

    refused(machine_b, rebuild(good, tmp_path / "lie.evalkit", lie), "taille")


def test_newer_format(machine_b, good, tmp_path):
    def change(manifest, entries):
        manifest["format_version"] = bundle_mod.FORMAT_VERSION + 1

    refused(
        machine_b, rebuild(good, tmp_path / "new.evalkit", change),
        "produit par une version plus récente d'EvalKit Quartiers : mettez l'application à jour",
    )


def test_unknown_table_asks_for_an_update(machine_b, good, tmp_path):
    def change(manifest, entries):
        data = b"[]"
        entries["records/future_things.json"] = data
        declare(manifest, "records/future_things.json", data)
        manifest["counts"]["future_things"] = 0

    refused(machine_b, rebuild(good, tmp_path / "future.evalkit", change), "mettez l'application à jour")


@pytest.mark.parametrize(
    "field,value,match",
    [("revision", "trois", "revision"), ("insee", "5" * 50, "trop long"), ("evaluation_id", "autre", "autre évaluation"), ("deleted", "non", "deleted")],
)
def test_malformed_record(machine_b, good, tmp_path, field, value, match):
    def change(manifest, entries):
        rows = json.loads(entries["records/communes.json"])
        rows[0][field] = value
        data = json.dumps(rows).encode()
        entries["records/communes.json"] = data
        declare(manifest, "records/communes.json", data)

    refused(machine_b, rebuild(good, tmp_path / "bad.evalkit", change), match)


@pytest.mark.parametrize("entry", ["records/communes.json", "records/form_responses.json", "versions.json"])
def test_nesting_too_deep_is_refused(machine_b, good, tmp_path, entry):
    """Tens of thousands of nested brackets (in a whole file, or inside an answer)."""

    def change(manifest, entries):
        deep = b"[" * 100_000 + b"]" * 100_000
        if entry == "records/form_responses.json":
            rows = json.loads(entries[entry])
            rows[0]["answers"] = "@@"
            data = json.dumps(rows).encode().replace(b'"@@"', deep)
        else:
            data = deep
        entries[entry] = data
        declare(manifest, entry, data)

    refused(machine_b, rebuild(good, tmp_path / "deep.evalkit", change), "imbriqué trop profondément")


def test_not_a_bundle(machine_b, tmp_path):
    other = tmp_path / "notes.evalkit"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "bonjour")
    refused(machine_b, other, "manifeste absent|non déclaré")
    text = tmp_path / "texte.evalkit"
    text.write_text("pas une archive")
    refused(machine_b, text, "endommagé")


def test_one_bad_file_among_several_writes_nothing(machine_b, good, tmp_path):
    data = good.read_bytes()
    cut = tmp_path / "cut.evalkit"
    cut.write_bytes(data[:-100])
    before = dump_all(machine_b)
    with pytest.raises(ServiceError):
        machine_b.sync.import_bundles([good, cut])
    assert dump_all(machine_b) == before


def test_record_of_another_evaluation_cannot_be_taken_over(machine_a, machine_b, good, tmp_path):
    other = machine_b.evaluations.create("Autre territoire")
    victim = machine_b.evaluations.add_row("commune", other, {"name": "Commune d'un autre territoire"}).id

    def change(manifest, entries):
        rows = json.loads(entries["records/communes.json"])
        rows[0]["id"] = victim
        data = json.dumps(rows).encode()
        entries["records/communes.json"] = data
        declare(manifest, "records/communes.json", data)

    refused(machine_b, rebuild(good, tmp_path / "hijack.evalkit", change), "autre évaluation")
    assert machine_b.evaluations.rows("commune", other)[0]["name"] == "Commune d'un autre territoire"


@pytest.mark.parametrize(
    "alter",
    [
        lambda h: "abc",  # a history that is not a list
        lambda h: [h[0].upper()],  # not lower-case hexadecimal
        lambda h: [h[0][:63]],  # too short
        lambda h: [h[0], 12],  # not text
        lambda h: [h[0][:62] + "g1"],  # not hexadecimal
        lambda h: [h[0][:63] + "٣"],  # a digit, not an ASCII one
    ],
)
def test_malformed_version_history_is_refused(machine_b, good, tmp_path, alter):
    """The versions each record went through are what later imports rely on to tell an update
    from a conflict: a history that is not a list of SHA-256 hashes refuses the file."""

    def change(manifest, entries):
        versions = json.loads(entries["versions.json"])
        table = next(t for t, per in versions.items() if per)
        record = next(iter(versions[table]))
        versions[table][record] = alter(versions[table][record])
        entries["versions.json"] = json.dumps(versions).encode()
        declare(manifest, "versions.json", entries["versions.json"])

    refused(machine_b, rebuild(good, tmp_path / "v.evalkit", change), "historique des versions mal formé")


@pytest.mark.parametrize("dirty", ["\\u0000", "\\u000b", "\\f", "\u202e"])
def test_control_characters_in_records_are_refused(machine_b, good, tmp_path, dirty):
    """The store never keeps them, so a signed bundle carrying one was forged or broken: refused
    before anything is written (a PostgreSQL centre would fail on NUL; exports on the others)."""

    def change(manifest, entries):
        name = "records/communes.json"
        entries[name] = entries[name].replace(b"Douai (centre)", f"Douai{dirty}(centre)".encode())
        declare(manifest, name, entries[name])

    bad = tmp_path / "dirty.evalkit"
    rebuild(good, bad, change)
    refused(machine_b, bad, "caractères de contrôle")


def test_an_escaped_backslash_is_not_a_control_character(machine_b, good, tmp_path):
    """A typed backslash before a "u0000" is text (JSON "\\\\u0000"), not a control character."""
    def change(manifest, entries):
        name = "records/communes.json"
        entries[name] = entries[name].replace(b"Douai (centre)", b"C:\\\\u0000\\\\temp")
        declare(manifest, name, entries[name])

    ok = tmp_path / "backslash.evalkit"
    rebuild(good, ok, change)
    assert machine_b.sync.import_bundle(ok)["updated"] == 1
    assert "C:\\u0000\\temp" in {row["name"] for row in dump(machine_b)["communes"]}
