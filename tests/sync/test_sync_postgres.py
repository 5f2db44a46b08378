"""The resource centre on PostgreSQL: the same models and migrations, against a real server.

`make test` starts a throwaway server (scripts/pg_test_server.sh) and sets EVALKIT_TEST_PG_URL;
without it these tests fail under CI or make, and are skipped in a bare local run.
"""

from __future__ import annotations

import pytest
from sync_helpers import dump, dump_all, open_machine, pg_url

from desktop_app.services.base import ServiceError
from desktop_app.sync import privacy

pytestmark = pytest.mark.postgres


@pytest.fixture
def centre(tmp_path):
    """A resource-centre database on an empty PostgreSQL schema."""
    from sqlalchemy import create_engine, text

    url = pg_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    services = open_machine(tmp_path, "centre", url)
    yield services
    services.close()


def test_migrations_on_postgresql_match_the_models(centre):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from desktop_app.store.db import current_revisions, head_revisions
    from desktop_app.store.registry import Base

    assert current_revisions(centre.store.engine) == head_revisions()
    with centre.store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_store_and_services_on_postgresql(centre):
    eid = centre.evaluations.create("Métropole du Grand Exemple", title="Évaluation PG")
    centre.evaluations.update_evaluation(eid, "start_date", "2026-02-01")
    centre.evaluations.update_evaluation(eid, "scope", ["referentiel", "maturite-lcd"])
    row = centre.evaluations.add_row("team_member", eid, {"name": "Élodie", "is_pilot": True}).id
    centre.evaluations.update_row("team_member", row, "is_pilot", False)
    rid = centre.forms.create(eid, "referentiel", answers={"gouvernance.appreciation": "atteint", "n": [1, 2]})
    cadrage = centre.evaluations.cadrage(eid)
    assert cadrage.fields["start_date"] == "2026-02-01" and cadrage.fields["scope"] == ["referentiel", "maturite-lcd"]
    assert cadrage.tables["team_member"][0]["is_pilot"] is False
    assert centre.forms.get(rid).answers == {"gouvernance.appreciation": "atteint", "n": [1, 2]}
    with pytest.raises(ServiceError):
        centre.evaluations.get("inconnue")


def test_bundles_into_postgresql_round_trip_idempotence_conflict(centre, machine_a, shared_eval, tmp_path):
    eid, ids = shared_eval
    out = tmp_path / "territoire.evalkit"
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    first = centre.sync.import_bundle(out)
    assert first["imported"] > 0 and first["conflicts"] == 0
    assert dump(centre) == dump(machine_a)
    before = dump_all(centre)
    assert centre.sync.import_bundle(out)["unchanged"] == first["imported"]
    assert dump_all(centre) != {} and dump(centre) == dump(machine_a)
    assert {k: v for k, v in dump_all(centre).items() if not k.startswith("sync_")} == {
        k: v for k, v in before.items() if not k.startswith("sync_")
    }

    # the centre corrects a record while the territory edits it too: a conflict, resolved
    centre.evaluations.update_row("commune", ids["commune"], "name", "Douai (centre)")
    machine_a.evaluations.update_row("commune", ids["commune"], "name", "Douai (territoire)")
    machine_a.sync.export_bundle(eid, out, privacy.COMPLETE)
    assert centre.sync.import_bundle(out)["conflicts"] == 1
    [c] = centre.sync.conflicts(eid)
    centre.sync.resolve(c.id, "remote")
    assert centre.evaluations.rows("commune", eid)[0]["name"] == "Douai (territoire)"
    back = tmp_path / "centre.evalkit"
    centre.sync.export_bundle(eid, back, privacy.COMPLETE)
    assert machine_a.sync.import_bundle(back)["updated"] == 1
    assert dump(centre) == dump(machine_a)


def test_bad_bundle_leaves_postgresql_untouched(centre, machine_a, shared_eval, tmp_path):
    eid, _ = shared_eval
    out = tmp_path / "t.evalkit"
    machine_a.sync.export_bundle(eid, out)
    cut = tmp_path / "cut.evalkit"
    cut.write_bytes(out.read_bytes()[:-300])
    before = dump_all(centre)
    with pytest.raises(ServiceError):
        centre.sync.import_bundles([out, cut])
    assert dump_all(centre) == before
