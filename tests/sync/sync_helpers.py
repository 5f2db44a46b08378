"""Helpers of the sync tests: open a "laptop" (database + its own attachments), dump every synced
table to compare two databases, fill an evaluation with a little of everything, find the
PostgreSQL test server and give each test its own fresh database on it."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import zipfile
from contextlib import contextmanager

import pytest


def open_machine(tmp_path, name: str, url: str | None = None):
    """A laptop's services; a new SQLite one starts as a copy of the session's migrated template."""
    from db_templates import copy_sqlite, sqlite_template

    from desktop_app.services.app_services import Services

    target = url or str(tmp_path / f"{name}.db")
    if url is None and not os.path.exists(target):
        copy_sqlite(sqlite_template(), target)
    return Services.open(target, attachments_dir=tmp_path / f"{name}-pieces")


def dump(services, include_meta: bool = True) -> dict[str, list[dict]]:
    """Every synced row (encoded), table by table, ordered by id."""
    from sqlalchemy import select

    from desktop_app.sync.records import SYNC_META, encode_row, synced_tables

    out = {}
    with services.store.engine.connect() as conn:
        for st in synced_tables():
            rows = [encode_row(st, r) for r in conn.execute(select(st.table).order_by(st.table.c.id))]
            if not include_meta:
                rows = [{k: v for k, v in r.items() if k not in SYNC_META} for r in rows]
            out[st.name] = rows
    return out


def dump_all(services) -> dict[str, list[tuple]]:
    """Every row of every table (sync bookkeeping included): 'the database is unchanged'."""
    from sqlalchemy import MetaData, select

    md = MetaData()
    md.reflect(services.store.engine)
    with services.store.engine.connect() as conn:
        return {
            name: sorted(map(repr, conn.execute(select(t)).all()))
            for name, t in md.tables.items()
        }


def populate(services, eid: str, tmp_path) -> dict[str, str]:
    """Cadrage rows, a questionnaire answer, an attachment, a testimony with and one without consent."""
    ev = services.evaluations
    ids = {}
    ids["commune"] = ev.add_row("commune", eid, {"name": "Douai", "insee": "59178"}).id
    ids["partner"] = ev.add_row("partner", eid, {"organisation": "CAF du Nord", "contact": "Karim Haddad", "email": "k.haddad@caf.example"}).id
    ids["member"] = ev.add_row("team_member", eid, {"name": "Élodie Vasseur", "email": "e.v@agglo.example", "is_pilot": True}).id
    ev.update_evaluation(eid, "start_date", "2026-01-05")
    ids["ref"] = services.forms.create(eid, "referentiel", answers={"gouvernance.appreciation": "plutot_atteint"})
    ids["ok_testimony"] = services.forms.create(
        eid, "fiche-temoignage", subject_type="testimony", label="T01",
        answers={"code_pseudonyme": "T01", "texte_temoignage": "Le centre social nous aide.", "consentement_utilisation": True},
    )
    ids["no_testimony"] = services.forms.create(
        eid, "fiche-temoignage", subject_type="testimony", label="T02",
        answers={"code_pseudonyme": "T02", "texte_temoignage": "Propos sans accord.", "consentement_utilisation": False},
    )
    photo = tmp_path / "photo-atelier.png"
    photo.write_bytes(b"\x89PNG fake image content " * 40)
    ids["photo"] = services.attachments.add_file(eid, "form_response", ids["ref"], photo, "Atelier").id
    audio = tmp_path / "t02.ogg"
    audio.write_bytes(b"OggS private voice " * 50)
    ids["audio"] = services.attachments.add_file(eid, "form_response", ids["no_testimony"], audio).id
    return ids


def accept(receiver, sender, evaluation_id: str) -> None:
    """`receiver` accepts, on purpose, the bundles of this evaluation signed by `sender` (another
    laptop of the same team: only the first key seen for an evaluation is accepted unasked)."""
    receiver.sync.trust(evaluation_id, sender.sync.own_key().fingerprint)


def rebuild(src, dst, change, *, sign: bool = True, digest: bool = True, key=None):
    """Copy a bundle, letting `change(manifest, entries)` alter it; entries: name -> bytes.

    As its signer would: with `digest`, the manifest's `data_digest` is worked out again from
    the records entries; with `sign`, the manifest is signed again with `key` (by default the
    private key of the device the manifest names, from this test's data directory), so the
    checks behind the signature are the ones tested. Without, the original signature is kept."""
    from desktop_app.sync.bundle import records_digest
    from desktop_app.sync.signing import SIGNATURE_ENTRY, Signer, device_key

    with zipfile.ZipFile(src) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        entries = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    extra = change(manifest, entries) or []
    if digest:
        tables = {n[len("records/"):-len(".json")]: d for n, d in entries.items() if n.startswith("records/") and n in manifest["files"]}
        manifest["data_digest"] = records_digest(manifest.get("privacy", "complete"), tables)
    raw = json.dumps(manifest).encode()
    if sign:
        signer = Signer(manifest["device"]["id"], "", key or device_key(manifest["device"]["id"]))
        entries[SIGNATURE_ENTRY] = json.dumps({"algorithm": "Ed25519", "signature": signer.sign(raw)}).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", raw)
        for name, data in entries.items():
            zf.writestr(name, data)
        for info, data in extra:
            zf.writestr(info, data)
    return dst


def declare(manifest, name, data):
    """Record `data` as entry `name` of the manifest (its checksum and size)."""
    manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def pg_url() -> str | None:
    url = os.environ.get("EVALKIT_TEST_PG_URL")
    if not url:
        if os.environ.get("CI") or os.environ.get("EVALKIT_MAKE_TEST"):
            pytest.fail("EVALKIT_TEST_PG_URL n'est pas défini : le serveur PostgreSQL de test n'a pas démarré (make test).")
        pytest.skip("EVALKIT_TEST_PG_URL not set (run through `make test`)")
    return url


_PG_TEMPLATES: dict[str, str] = {}  # server URL -> migrated template database (one per process)


def _pg_template(admin, base) -> str:
    """A database on the test server migrated once for this process, the template of the others
    (dropped when the process ends)."""
    import atexit

    from sqlalchemy import text

    from desktop_app.store.db import open_store

    key = base.render_as_string(hide_password=False)
    if key not in _PG_TEMPLATES:
        name = f"evalkit_tpl_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        open_store(base.set(database=name).render_as_string(hide_password=False)).dispose()
        _PG_TEMPLATES[key] = name

        def drop() -> None:
            from sqlalchemy import create_engine

            engine = create_engine(base, isolation_level="AUTOCOMMIT")
            try:
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception:  # the server may already be stopped
                pass
            finally:
                engine.dispose()

        atexit.register(drop)
    return _PG_TEMPLATES[key]


_PG_FREE: dict[str, list[str]] = {}  # server URL -> migrated databases given back, to reuse


@contextmanager
def fresh_pg_database(label: str, migrated: bool = True):
    """A new PostgreSQL database on the test server; yields its URL.

    Migrated: a database as Alembic leaves it, with a device id of its own: a copy
    (`CREATE DATABASE … TEMPLATE`) of one migrated once per process, or one such copy given back
    by an earlier test and emptied (every table truncated, identities restarted): creating and
    dropping a database costs several times more than emptying one. Otherwise: an empty database,
    dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(pg_url())
    key = base.render_as_string(hide_password=False)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        if key not in _PG_FREE:
            _PG_FREE[key] = []
            _drop_at_exit(base, _PG_FREE[key])
        free = _PG_FREE[key]
        name = None
        while migrated and free and name is None:
            candidate = free.pop()
            if _emptied(base, candidate):
                name = candidate
            else:  # a test changed its schema: not reusable
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{candidate}" WITH (FORCE)'))
        if name is None:
            name = f"evalkit_t_{label}_{uuid.uuid4().hex[:12]}"
            template = f' TEMPLATE "{_pg_template(admin, base)}"' if migrated else ""
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
            if migrated:
                _emptied(base, name)  # its own device id
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                if migrated:  # whatever the test left open, closed; the database kept for the next
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
                    free.append(name)
                else:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _emptied(base, name: str) -> bool:
    """Empty the migrated database `name` and give it a new device id; False (and untouched) when
    it is no longer at the migrations' heads."""
    import psycopg
    from db_templates import new_device_id

    from desktop_app.store.db import head_revisions
    from desktop_app.store.registry import Base

    with psycopg.connect(host=base.host, port=base.port, user=base.username, password=base.password, dbname=name) as con:
        try:
            versions = {row[0] for row in con.execute("SELECT version_num FROM alembic_version")}
        except psycopg.Error:
            return False
        if versions != head_revisions():
            return False
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        con.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        new_device_id(con, "%s")
    return True


def _drop_at_exit(base, names: list[str]) -> None:
    """Drop the reusable databases of this process when it ends (the server may be gone by then)."""
    import atexit

    def drop() -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except Exception:
            pass
        finally:
            engine.dispose()

    atexit.register(drop)
