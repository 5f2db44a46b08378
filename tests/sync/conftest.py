"""Fixtures of the sync tests: two laptops and an evaluation with a little of everything."""

from __future__ import annotations

import pytest
from sync_helpers import open_machine, populate


@pytest.fixture
def machine_a(tmp_path):
    s = open_machine(tmp_path, "a")
    yield s
    s.close()


@pytest.fixture
def machine_b(tmp_path):
    s = open_machine(tmp_path, "b")
    yield s
    s.close()


@pytest.fixture
def shared_eval(machine_a, tmp_path):
    eid = machine_a.evaluations.create("CA du Douaisis")
    ids = populate(machine_a, eid, tmp_path)
    return eid, ids
