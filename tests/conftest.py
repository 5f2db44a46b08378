"""Shared test set-up.

Qt runs headless (offscreen), set before any Qt import. Every test gets its own data directory
(EVALKIT_HOME); the fixtures give a fresh database path, its services, one evaluation, and a UI
context whose task runner is synchronous.

Set-up is paid once per session (see `db_templates.py`): `services` opens a copy of a database
migrated once, and a test that asks for `demo_id` gets a copy of the demo built once (its database
and its attachments), each copy with a device id of its own. Under pytest-xdist each worker builds
its own templates and, when EVALKIT_TEST_PG_URL is set, works in its own PostgreSQL database.
"""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from db_templates import copy_demo, copy_sqlite, evalkit_home, fold_wal, sqlite_template  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"  # the bundled kit


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALKIT_HOME", str(tmp_path / "home"))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "evalkit.db"


def pytest_configure(config):
    """Under pytest-xdist, each worker gets its own PostgreSQL database on the test server (tests
    that reset the schema of that database would otherwise reset it under each other)."""
    worker = getattr(config, "workerinput", {}).get("workerid")
    url = os.environ.get("EVALKIT_TEST_PG_URL")
    if worker and url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        base = make_url(url)
        name = f"{base.database}_{worker}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        os.environ["EVALKIT_TEST_PG_URL"] = base.set(database=name).render_as_string(hide_password=False)


def pytest_collection_modifyitems(config, items):
    """Slow tests first (the installer build: minutes in a subprocess). Under pytest-xdist
    (`make test`, whole files per worker, in this order) one worker builds while the other runs
    everything else, instead of the build coming last."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    """An empty database migrated to the heads, built once per session (copy it, never open it)."""
    return sqlite_template()


@pytest.fixture(scope="session")
def demo_template(migrated_template, tmp_path_factory):
    """The demo built once per session: (database, attachments folder, evaluation id); copy it."""
    from desktop_app.demo.builder import build as create_demo
    from desktop_app.services.app_services import Services

    home = tmp_path_factory.mktemp("demo-template")
    db, attachments = home / "demo.db", home / "pieces-jointes"
    copy_sqlite(migrated_template, db)
    with evalkit_home(home):
        services = Services.open(db, attachments_dir=attachments)
        try:
            eid = create_demo(services)
        finally:
            services.close()
    fold_wal(db)
    return db, attachments, eid


@pytest.fixture
def services(db_path, request):
    """The services of a fresh database at `db_path` (with the demo in it when the test also asks
    for `demo_id`, the demo's attachments then in the test's data folder)."""
    from desktop_app import paths
    from desktop_app.services.app_services import Services

    if "demo_id" in request.fixturenames:
        copy_demo(request.getfixturevalue("demo_template"), db_path, paths.attachments_dir())
    else:
        copy_sqlite(request.getfixturevalue("migrated_template"), db_path)
    opened = Services.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def evaluation_id(services):
    return services.evaluations.create("CA du Douaisis")


@pytest.fixture
def demo_id(services, demo_template):
    """The demo evaluation, in `services` (a copy of the demo built once per session)."""
    return demo_template[2]


@pytest.fixture
def ctx(services, tmp_path, qapp):
    from desktop_app.ui.app import build_context
    from desktop_app.ui.tasks import SyncTaskRunner

    return build_context(services, tmp_path / "prefs.ini", tasks=SyncTaskRunner())
