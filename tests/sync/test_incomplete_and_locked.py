"""Messages that say what happened (issue 15, section 4): a half-copied bundle in the sync folder
is said to be incomplete and is read again next time; a database held by another program is
said to be so, not reported as data that "does not fit"."""

from __future__ import annotations

import json
import sqlite3
import zipfile

import pytest
from sync_helpers import open_machine

from desktop_app.cli import main
from desktop_app.services.base import ServiceError
from desktop_app.sync import privacy


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A bundle whose attachment is itself a zip (a Word document): a copy cut just after it
    ends with that document's zip directory."""
    tmp = tmp_path_factory.mktemp("incomplete")
    a = open_machine(tmp, "a")
    eid = a.evaluations.create("CA du Douaisis")
    rid = a.forms.create(eid, "fiche-temoignage", subject_type="evaluation", answers={})
    doc = tmp / "compte-rendu.docx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>" * 2000)
    a.attachments.add_file(eid, "form_response", rid, doc, "Compte rendu")
    out = tmp / "territoire.evalkit"
    a.sync.export_bundle(eid, out, privacy.COMPLETE)
    a.close()
    return out


def _cuts(bundle) -> dict[str, bytes]:
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as zf:
        inner = next(i for i in zf.infolist() if i.filename.startswith("attachments/"))
    end_of_inner = inner.header_offset + 30 + len(inner.filename) + len(inner.extra) + inner.compress_size
    return {"half": data[: len(data) // 2], "after-attachment": data[:end_of_inner], "all-but-end": data[:-10]}


def test_a_half_copied_bundle_is_said_to_be_incomplete(bundle, tmp_path):
    b = open_machine(tmp_path, "b")
    try:
        for name, data in _cuts(bundle).items():
            cut = tmp_path / f"{name}.evalkit"
            cut.write_bytes(data)
            with pytest.raises(ServiceError, match=r"incomplet \(copie interrompue, ou encore en cours\)"):
                b.sync.import_bundles([cut])
    finally:
        b.close()


def test_the_sync_folder_reads_an_incomplete_copy_again_once_complete(bundle, tmp_path, capsys):
    folder = tmp_path / "partage"
    folder.mkdir()
    db = tmp_path / "centre.db"
    target = folder / bundle.name
    target.write_bytes(_cuts(bundle)["after-attachment"])  # the copy is still running
    assert main(["sync", "--db", str(db), "--folder", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "incomplet" in out + err and "relu à la prochaine synchronisation" in out + err
    assert "manifeste absent" not in out + err
    target.write_bytes(bundle.read_bytes())  # the copy has finished
    assert main(["sync", "--db", str(db), "--folder", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in report["received"]] == [bundle.name] and report["errors"] == []


def test_a_database_held_by_another_program_is_said_to_be_busy(bundle, tmp_path, capsys, monkeypatch):
    from desktop_app.store import db as store_db

    def quick_pragmas(dbapi_conn, record):  # wait 50 ms for the lock rather than 5 s
        original(dbapi_conn, record)
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    original = store_db._sqlite_pragmas
    monkeypatch.setattr(store_db, "_sqlite_pragmas", quick_pragmas)
    path = tmp_path / "centre.db"
    open_machine(tmp_path, "centre").close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program writing
    try:
        assert main(["import", "bundle", str(bundle), "--db", str(path)]) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert "La base est utilisée par un autre programme" in err and "réessayez" in err
    assert "ne s'accordent pas" not in err and "OperationalError" not in err
    assert main(["import", "bundle", str(bundle), "--db", str(path)]) == 0  # once it is free


def test_export_bundle_says_which_attachments_are_missing(tmp_path, capsys):
    """The attachment folder gone (a disk unplugged): the bundle is written with a warning
    listing what is missing, never silently without its files."""
    import shutil

    a = open_machine(tmp_path, "a")
    eid = a.evaluations.create("CA du Douaisis")
    rid = a.forms.create(eid, "questionnaire-communes", subject_type="respondent", answers={})
    for name in ("photo.jpg", "plan.pdf"):
        (tmp_path / name).write_bytes(name.encode() * 100)
        a.attachments.add_file(eid, "form_response", rid, tmp_path / name, name)
    root = a.attachments.root
    a.close()
    shutil.rmtree(root)
    out = tmp_path / "t.evalkit"
    code = main(["export", "bundle", "--db", str(tmp_path / "a.db"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0 and out.exists()
    assert "2 pièce(s) jointe(s) introuvable(s)" in captured.err
    assert "photo.jpg" in captured.err and "plan.pdf" in captured.err
    assert main(["export", "bundle", "--db", str(tmp_path / "a.db"), "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["attachments"] == 0 and len(payload["missing_attachments"]) == 2
