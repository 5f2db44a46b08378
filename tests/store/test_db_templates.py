"""The test fixtures' database copies (tests/db_templates.py): each copy of the session's demo is
a machine of its own, as a database built from scratch would be."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from db_templates import copy_demo
from sqlalchemy import text

from desktop_app.services.app_services import Services


def _devices(services) -> tuple[str, set[str]]:
    with services.store.engine.connect() as conn:
        records = {row[0] for row in conn.execute(text("SELECT DISTINCT device_id FROM form_responses"))}
    return services.device_id, records


def test_each_copy_of_the_demo_is_a_machine_of_its_own(demo_template, tmp_path):
    with closing(sqlite3.connect(f"file:{demo_template[0]}?mode=ro", uri=True)) as con:  # never written
        original = con.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    seen = set()
    for name in ("a", "b"):
        eid = copy_demo(demo_template, tmp_path / f"{name}.db", tmp_path / f"{name}-pieces")
        services = Services.open(tmp_path / f"{name}.db", attachments_dir=tmp_path / f"{name}-pieces")
        try:
            device, records = _devices(services)
            assert records == {device}  # the demo's records were written "here"
            assert services.attachments.list(eid) and all(
                services.attachments.path_of(a.id).is_file() for a in services.attachments.list(eid)
            )
        finally:
            services.close()
        seen.add(device)
    assert len(seen) == 2 and original not in seen
