"""The `evalkit` command line contract: exit codes, French messages, no traceback.

Commands run in-process through `cli.main`; the GUI runs in a subprocess (a real process that
starts, draws and exits), on a copy of the session's demo rather than a demo built each time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from db_templates import copy_demo

from desktop_app import __version__
from desktop_app.cli import main


@pytest.fixture
def demo_db(tmp_path, demo_template) -> Path:
    """A copy of the demo (database, and its attachments in the data folder `tmp_path/home`)."""
    db = tmp_path / "d.db"
    copy_demo(demo_template, db, tmp_path / "home" / "pieces-jointes")
    return db


def run(*args: str, env_home: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, EVALKIT_HOME=str(env_home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_then_list(tmp_path, capsys):
    db = tmp_path / "d.db"
    assert main(["demo", "--db", str(db)]) == 0
    eid = capsys.readouterr().out.strip()
    assert main(["list", "--db", str(db)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.split("\t") == [eid, "Communauté d'agglomération du Val de Scarpe-et-Sensée", "2024-2030"]


def test_db_accepts_an_sqlalchemy_url(demo_db, capsys):
    assert main(["list", "--db", f"sqlite:///{demo_db}"]) == 0
    assert "2024-2030" in capsys.readouterr().out


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["gui", "--view", "nulle-part"])
    assert exc.value.code == 2
    assert "erreur d'utilisation" in capsys.readouterr().err


def test_not_a_database_gives_a_french_line_and_is_untouched(tmp_path, capsys):
    bogus = tmp_path / "rapport.db"
    bogus.write_text("Rapport d'activité 2022\n" * 100, encoding="utf-8")
    before = bogus.read_bytes()
    assert main(["list", "--db", str(bogus)]) == 1
    errors = [capsys.readouterr().err]
    proc = run("gui", "--db", str(bogus), "--view", "cadrage", "--screenshot", str(tmp_path / "x.png"), env_home=tmp_path / "home")
    assert proc.returncode == 1, proc.stderr
    errors.append(proc.stderr)
    for err in errors:
        assert "n'est pas une base de données" in err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
    assert bogus.read_bytes() == before


def test_screenshot_of_the_filled_cadrage(tmp_path, demo_db):
    png = tmp_path / "c.png"
    proc = run("gui", "--db", str(demo_db), "--view", "cadrage", "--screenshot", str(png), env_home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000


def test_screenshots_of_screens_that_load_in_the_background_end_cleanly(tmp_path, demo_db):
    """Nothing still runs when the store closes: no task fails at exit, nothing in the log."""
    db, home = demo_db, tmp_path / "home"
    for view in ("actions", "questionnaires"):
        png = tmp_path / f"{view}.png"
        proc = run("gui", "--db", str(db), "--view", view, "--screenshot", str(png), env_home=home)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    log = "".join(f.read_text("utf-8") for f in home.rglob("evalkit.log*"))
    assert "task failed" not in log and "Traceback" not in log


def test_view_without_evaluation_id_needs_a_single_evaluation(tmp_path, demo_db):
    from desktop_app.services.app_services import Services

    db, home = demo_db, tmp_path / "home"
    services = Services.open(db)
    services.evaluations.create("CA du Douaisis")
    services.close()
    proc = run("gui", "--db", str(db), "--view", "cadrage", "--screenshot", str(tmp_path / "x.png"), env_home=home)
    assert proc.returncode == 1
    assert "--evaluation" in proc.stderr and "Traceback" not in proc.stderr
