"""The `evalkit` command line contract: exit codes, French messages, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.cli import main


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


def test_db_accepts_an_sqlalchemy_url(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    assert main(["demo", "--db", url]) == 0
    capsys.readouterr()
    assert main(["list", "--db", url]) == 0
    assert "2024-2030" in capsys.readouterr().out


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["gui", "--view", "nulle-part"])
    assert exc.value.code == 2
    assert "erreur d'utilisation" in capsys.readouterr().err


def test_not_a_database_gives_a_french_line_and_is_untouched(tmp_path):
    bogus = tmp_path / "rapport.db"
    bogus.write_text("Rapport d'activité 2022\n" * 100, encoding="utf-8")
    before = bogus.read_bytes()
    for args in (["list", "--db", str(bogus)], ["gui", "--db", str(bogus), "--view", "cadrage", "--screenshot", str(tmp_path / "x.png")]):
        proc = run(*args, env_home=tmp_path / "home")
        assert proc.returncode == 1, proc.stderr
        assert "n'est pas une base de données" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert bogus.read_bytes() == before


def test_screenshot_of_the_filled_cadrage(tmp_path):
    db = tmp_path / "d.db"
    assert run("demo", "--db", str(db), env_home=tmp_path / "home").returncode == 0
    png = tmp_path / "c.png"
    proc = run("gui", "--db", str(db), "--view", "cadrage", "--screenshot", str(png), env_home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000


def test_screenshots_of_screens_that_load_in_the_background_end_cleanly(tmp_path):
    """Nothing still runs when the store closes: no task fails at exit, nothing in the log."""
    db, home = tmp_path / "d.db", tmp_path / "home"
    assert run("demo", "--db", str(db), env_home=home).returncode == 0
    for view in ("actions", "questionnaires"):
        png = tmp_path / f"{view}.png"
        proc = run("gui", "--db", str(db), "--view", view, "--screenshot", str(png), env_home=home)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    log = "".join(f.read_text("utf-8") for f in home.rglob("evalkit.log*"))
    assert "task failed" not in log and "Traceback" not in log


def test_view_without_evaluation_id_needs_a_single_evaluation(tmp_path):
    db = tmp_path / "d.db"
    home = tmp_path / "home"
    run("demo", "--db", str(db), env_home=home)
    run("demo", "--db", str(db), env_home=home)
    proc = run("gui", "--db", str(db), "--view", "cadrage", "--screenshot", str(tmp_path / "x.png"), env_home=home)
    assert proc.returncode == 1
    assert "--evaluation" in proc.stderr and "Traceback" not in proc.stderr
