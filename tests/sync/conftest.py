"""Fixtures of the sync tests: two laptops and an evaluation with a little of everything.

Every test using the laptops runs twice: on SQLite and on PostgreSQL (`backend` parameter). Each
laptop gets its own fresh database, a copy of one migrated once per session; on PostgreSQL it is
created on the test server named by EVALKIT_TEST_PG_URL and dropped afterwards; without that URL the PostgreSQL run fails under
`make test` / CI and is skipped in a bare local run (see `sync_helpers.pg_url`).
"""

from __future__ import annotations

import pytest
from sync_helpers import fresh_pg_database, open_machine, populate


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


def _machine(backend, tmp_path, name):
    if backend == "sqlite":
        s = open_machine(tmp_path, name)
        yield s
        s.close()
        return
    with fresh_pg_database(name) as url:
        s = open_machine(tmp_path, name, url)
        try:
            yield s
        finally:
            s.close()


@pytest.fixture
def machine_a(backend, tmp_path):
    yield from _machine(backend, tmp_path, "a")


@pytest.fixture
def machine_b(backend, tmp_path):
    yield from _machine(backend, tmp_path, "b")


@pytest.fixture
def shared_eval(machine_a, tmp_path):
    eid = machine_a.evaluations.create("CA du Douaisis")
    ids = populate(machine_a, eid, tmp_path)
    return eid, ids

