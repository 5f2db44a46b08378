"""Two writers at once lose nothing (issue 15, section 1), on SQLite and on PostgreSQL.

- Two processes save different answers of one response as fast as they can: every save that
  returned is still there, and the revision rose by exactly one per save.
- A window saves an answer while a bundle import, carrying another machine's edit of the same
  response, holds the write lock: both edits survive, here and once sent back.
- An import never replaces a local edit the other machine has not seen: a conflict keeps both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, select, text, update
from sync_helpers import open_machine
from test_sync_merge import exchange

from desktop_app.services.app_services import Services
from desktop_app.store.models import FormResponse
from desktop_app.sync import privacy

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("save_worker.py")
SAVES = 300  # per process


@pytest.fixture
def evaluation_in_a(machine_a):
    return machine_a.evaluations.create("CA du Douaisis")


def revision(services, rid: str) -> int:
    with services.store.sessions() as s:
        return s.get(FormResponse, rid).revision


def test_two_processes_saving_answers_of_one_response_lose_none(machine_a, evaluation_in_a, tmp_path):
    rid = machine_a.forms.create(evaluation_in_a, "referentiel")
    before = revision(machine_a, rid)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), machine_a.store.url, rid, prefix, str(SAVES), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for prefix in ("a", "b")
    ]
    for w in workers:  # both connected: they start together
        assert w.stdout.readline().strip() == "ready", w.stderr.read()
    go.touch()
    reports = []
    for w in workers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        reports.append(json.loads(out))

    assert [r["failed"] for r in reports] == [[], []]
    acknowledged = [key for r in reports for key in r["acknowledged"]]
    assert len(acknowledged) == 2 * SAVES
    answers = machine_a.forms.get(rid).answers
    assert [k for k in acknowledged if answers.get(k) != k.replace(".", "-")] == []  # none lost
    assert revision(machine_a, rid) == before + 2 * SAVES  # one revision per save, none skipped

    # the same value saved again writes nothing
    machine_a.forms.set_answer(rid, "a.0", "a-0")
    assert revision(machine_a, rid) == before + 2 * SAVES


def test_a_window_save_racing_an_import_keeps_both_edits(machine_a, machine_b, shared_eval, tmp_path):
    """Machine B edits one answer of R and sends it; on A, a window saves another answer of R
    while the import of B's bundle holds the lock."""
    eid, ids = shared_eval
    rid = ids["ref"]
    exchange(machine_a, machine_b, tmp_path, eid, "start")
    machine_b.forms.set_answer(rid, "gouvernance.commentaire", "Texte de B")
    from_b = tmp_path / "from-b.evalkit"
    machine_b.sync.export_bundle(eid, from_b, privacy.COMPLETE)

    # the window: another connection to A's database (as another window or process would be)
    window = Services.open(machine_a.store.url, attachments_dir=tmp_path / "a-pieces")
    window.forms.device_id  # noqa: B018 - looked up before the race
    waiting = threading.Event()  # the window's save is waiting for the lock, or has read R
    errors: list[BaseException] = []

    @event.listens_for(window.store.engine, "before_cursor_execute")
    def _locking(conn, cursor, statement, *args):
        if "BEGIN IMMEDIATE" in statement or "pg_advisory_xact_lock" in statement:
            waiting.set()

    @event.listens_for(window.store.engine, "after_cursor_execute")
    def _read(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "form_responses" in statement:
            waiting.set()

    def save() -> None:
        try:
            window.forms.set_answer(rid, "gouvernance.appreciation", "atteint")
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    saver = threading.Thread(target=save)

    @event.listens_for(machine_a.store.engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, *args):
        # the import has written B's version of R (not committed yet): the window saves now
        if statement.lstrip().upper().startswith("UPDATE FORM_RESPONSES") and saver.ident is None:
            saver.start()
            assert waiting.wait(20)

    try:
        result = machine_a.sync.import_bundle(from_b)
        saver.join(30)
    finally:
        event.remove(machine_a.store.engine, "after_cursor_execute", _pause)
        window.close()
    assert not errors and not saver.is_alive()
    assert result["updated"] >= 1

    # the save waited for the import, then changed B's version: both edits, no conflict needed
    answers = machine_a.forms.get(rid).answers
    assert answers["gouvernance.commentaire"] == "Texte de B" and answers["gouvernance.appreciation"] == "atteint"
    assert machine_a.sync.conflicts(eid) == []
    assert revision(machine_a, rid) == revision(machine_b, rid) + 1

    # sent back, B gets A's answer and keeps its own
    assert exchange(machine_a, machine_b, tmp_path, eid, "back")["conflicts"] == 0
    back = machine_b.forms.get(rid).answers
    assert back["gouvernance.commentaire"] == "Texte de B" and back["gouvernance.appreciation"] == "atteint"


def test_a_local_edit_not_seen_by_the_sender_is_never_overwritten(tmp_path):
    """Records both machines hold without any exchange recorded (a copied database): a version
    written by another device is not taken over a local edit because its revision is higher."""
    a, b = open_machine(tmp_path, "a"), open_machine(tmp_path, "b")
    try:
        eid = a.evaluations.create("CA du Douaisis")
        rid = a.forms.create(eid, "referentiel", answers={"gouvernance.commentaire": "départ"})
        exchange(a, b, tmp_path, eid, "start")
        for machine in (a, b):  # forget the exchange
            with machine.store.engine.begin() as conn:
                conn.execute(text("DELETE FROM sync_known_versions"))
        b.forms.set_answer(rid, "gouvernance.commentaire", "édité sur B")
        for n in range(3):
            a.forms.set_answer(rid, "gouvernance.commentaire", f"édité sur A ({n})")
        assert revision(a, rid) > revision(b, rid)

        res = exchange(a, b, tmp_path, eid, "a1")
        assert res["conflicts"] == 1 and res["updated"] == 0
        assert b.forms.get(rid).answers["gouvernance.commentaire"] == "édité sur B"
        [conflict] = b.sync.conflicts(eid)
        field = next(f for f in conflict.fields if f.name == "answers")
        assert field.local["gouvernance.commentaire"] == "édité sur B"
        assert field.remote["gouvernance.commentaire"] == "édité sur A (2)"
    finally:
        a.close()
        b.close()


def test_one_devices_later_version_still_replaces_its_earlier_one(tmp_path):
    a, b = open_machine(tmp_path, "a"), open_machine(tmp_path, "b")
    try:
        eid = a.evaluations.create("CA du Douaisis")
        rid = a.forms.create(eid, "referentiel", answers={"gouvernance.commentaire": "départ"})
        exchange(a, b, tmp_path, eid, "start")
        with b.store.engine.begin() as conn:
            conn.execute(text("DELETE FROM sync_known_versions"))
        a.forms.set_answer(rid, "gouvernance.commentaire", "suite sur A")
        res = exchange(a, b, tmp_path, eid, "a1")
        assert res["conflicts"] == 0 and res["updated"] == 1
        assert b.forms.get(rid).answers["gouvernance.commentaire"] == "suite sur A"
    finally:
        a.close()
        b.close()


def test_same_version_other_content_is_a_conflict_not_a_hash_draw(tmp_path):
    """An edit that skipped the bookkeeping (same revision, device and time) is not replaced by
    whichever content's hash sorts higher."""
    a, b = open_machine(tmp_path, "a"), open_machine(tmp_path, "b")
    try:
        eid = a.evaluations.create("CA du Douaisis")
        rid = a.forms.create(eid, "referentiel", answers={"gouvernance.commentaire": "départ"})
        exchange(a, b, tmp_path, eid, "start")
        for machine, value in ((a, "A"), (b, "B")):
            with machine.store.engine.begin() as conn:
                conn.execute(update(FormResponse.__table__).where(FormResponse.id == rid).values(answers={"gouvernance.commentaire": value}))
        res = exchange(a, b, tmp_path, eid, "a1")
        assert res["conflicts"] == 1
        assert b.forms.get(rid).answers == {"gouvernance.commentaire": "B"}
        assert exchange(b, a, tmp_path, eid, "b1")["conflicts"] == 1
        assert a.forms.get(rid).answers == {"gouvernance.commentaire": "A"}
        with b.store.engine.connect() as conn:
            assert conn.execute(select(FormResponse.revision).where(FormResponse.id == rid)).scalar() == 1
        # B keeps its text: sent to A, it settles A's conflict the same way
        [conflict] = b.sync.conflicts(eid)
        b.sync.resolve(conflict.id, "local")
        assert exchange(b, a, tmp_path, eid, "b2")["conflicts"] == 0
        assert a.forms.get(rid).answers == {"gouvernance.commentaire": "B"} and a.sync.conflicts(eid) == []
    finally:
        a.close()
        b.close()
