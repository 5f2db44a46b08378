"""Shared test set-up.

Qt runs headless (offscreen), set before any Qt import. Every test gets its own data directory
(EVALKIT_HOME); the fixtures give a fresh database path, its services, one evaluation, and a UI
context whose task runner is synchronous.
"""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"  # the bundled kit


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALKIT_HOME", str(tmp_path / "home"))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "evalkit.db"


@pytest.fixture
def services(db_path):
    from desktop_app.services.app_services import Services

    opened = Services.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def evaluation_id(services):
    return services.evaluations.create("CA du Douaisis")


@pytest.fixture
def demo_id(services):
    from desktop_app.services.demo import create_demo

    return create_demo(services)


@pytest.fixture
def ctx(services, tmp_path, qapp):
    from desktop_app.ui.app import build_context
    from desktop_app.ui.tasks import SyncTaskRunner

    return build_context(services, tmp_path / "prefs.ini", tasks=SyncTaskRunner())
