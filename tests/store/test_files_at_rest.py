"""Files at rest (issue 15, section 5): private files and folders whatever the umask, and logs
and crash reports that name ids and types, never contents."""

from __future__ import annotations

import logging
import os
import stat
import sys

import pytest

from desktop_app import logging_setup, paths

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes (Windows: the profile's ACLs)")
SECRET = "Élodie Vasseur, 06 12 34 56 78, elodie@example.org"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def file_log(monkeypatch):
    """The application's logging set up for real (rotating file in the data directory)."""
    root = logging.getLogger()
    before = list(root.handlers)
    monkeypatch.setattr(logging_setup, "_configured", False)
    logging_setup.setup_logging()
    yield paths.log_dir() / "evalkit.log"
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


def test_database_backups_and_attachments_are_private(umask_022, tmp_path):
    from desktop_app.services.app_services import Services
    from desktop_app.store.db import backup_sqlite

    db = paths.default_db_path()
    services = Services.open(db)
    try:
        eid = services.evaluations.create("CA du Douaisis")
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(b"jpeg" * 100)
        services.attachments.add_file(eid, "evaluation", eid, photo, "Photo")
        sha = services.attachments.put_bytes(b"un autre fichier")
        blobs = [p for p in services.attachments.root.rglob("*") if p.is_file()]
        backup = backup_sqlite(db, paths.backup_dir())
    finally:
        services.close()
    assert mode(paths.data_dir()) == 0o700
    assert mode(db) == 0o600
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if extra.exists():
            assert mode(extra) == 0o600, extra.name
    assert mode(backup) == 0o600 and mode(backup.parent) == 0o700
    assert len(blobs) == 2 and {mode(p) for p in blobs} == {0o600}
    assert services.attachments.blob_path(sha) in blobs
    folders = {services.attachments.root, *(p.parent for p in blobs)}
    assert {mode(p) for p in folders} == {0o700}


def test_an_existing_world_readable_database_is_made_private(umask_022, tmp_path):
    from desktop_app.services.app_services import Services

    db = tmp_path / "ancienne.db"
    Services.open(db).close()
    os.chmod(db, 0o644)
    Services.open(db).close()
    assert mode(db) == 0o600


def test_logs_and_crash_reports_are_private_and_hold_no_contents(umask_022, file_log):
    from sqlalchemy import create_engine, text

    from desktop_app.store.db import make_engine

    log = logging.getLogger("evalkit.test")
    try:
        raise ValueError(f"cellule illisible : {SECRET}")
    except ValueError as exc:
        log.exception("import failed for record %s", "4f1c-id")
        log.warning("background load failed: %s", exc)
        crash = logging_setup.write_crash_file(exc)

    engine = make_engine("sqlite://")  # the application's engines: SQL parameters kept out of errors
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT NOT NULL UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": SECRET})
        with pytest.raises(Exception) as failed:
            conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": SECRET})
    assert SECRET not in str(failed.value)
    assert SECRET in str(_plain_error(create_engine("sqlite://"), text))  # what it would have said
    try:
        raise failed.value
    except Exception:
        log.exception("save failed")

    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = file_log.read_text(encoding="utf-8")
    reported = crash.read_text(encoding="utf-8")
    assert "import failed for record 4f1c-id" in logged and "ValueError" in logged and "IntegrityError" in logged
    assert "ValueError" in reported and "test_files_at_rest.py" in reported
    for text_ in (logged, reported):
        assert "Élodie" not in text_ and "06 12 34 56 78" not in text_ and "elodie@" not in text_
    assert mode(file_log) == 0o600 and mode(file_log.parent) == 0o700
    assert mode(crash) == 0o600 and mode(crash.parent) == 0o700


def _plain_error(engine, text):
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT NOT NULL UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": SECRET})
        try:
            conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": SECRET})
        except Exception as exc:
            return exc
    raise AssertionError("no error")


def test_a_rotated_log_file_is_private_too(umask_022, file_log):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(file_log))
    handler.doRollover()
    logging.getLogger("evalkit.test").warning("after the rotation")
    handler.flush()
    assert mode(file_log) == 0o600
    assert mode(file_log.with_name("evalkit.log.1")) == 0o600
