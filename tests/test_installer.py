"""End-to-end check of the frozen build: build_installer.spec builds, and the bundle really runs.

Builds the one-folder bundle into a temporary directory with the current interpreter's PyInstaller,
then drives the frozen console executable: --version, kit check (bundled forms/), demo (Alembic
migrations shipped as data), and an offscreen screenshot of the Cadrage screen (Qt plugins).
Skipped only when PyInstaller is not installed (it is in the `dev` extra, so CI runs it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PyInstaller")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_installer.spec"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def _version() -> str:
    text = (ROOT / "desktop_app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    assert match, "no __version__ in desktop_app/__init__.py"
    return match.group(1)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """dist/EvalKitQuartiers built from the spec into a temporary dist/work path."""
    tmp = tmp_path_factory.mktemp("installer")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(tmp / "dist"),
            "--workpath",
            str(tmp / "build"),
            str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, (
        f"PyInstaller failed ({proc.returncode}):\n{_tail(proc.stdout + proc.stderr)}"
    )
    folder = tmp / "dist" / "EvalKitQuartiers"
    assert (folder / f"evalkit{EXE_SUFFIX}").is_file()
    assert (folder / f"evalkit-gui{EXE_SUFFIX}").is_file()
    return folder


@pytest.fixture
def run(bundle, tmp_path):
    """Run the frozen console executable with a private data dir and offscreen Qt."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EVALKIT_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    exe = bundle / f"evalkit{EXE_SUFFIX}"

    def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(exe), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
        assert proc.returncode == 0, (
            f"evalkit {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
        return proc

    return _run


def test_frozen_version(run):
    out = run("--version").stdout
    assert f"EvalKit Quartiers {_version()}" in out


def _commands(help_text: str) -> str:
    match = re.search(r"\{([^}]*)\}", help_text)
    assert match, help_text
    return match.group(1)


def test_frozen_commands_match_source(run):
    """Commands found at run time (desktop_app/commands/*, pkgutil) are all in the bundle."""
    source = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    ).stdout
    assert _commands(run("--help").stdout) == _commands(source)


def test_frozen_kit_check(run):
    out = run("kit", "check").stdout
    assert "valide" in out


def test_frozen_demo_and_cadrage_screenshot(run, bundle, tmp_path):
    db = tmp_path / "d.db"
    png = tmp_path / "c.png"
    run("demo", "--db", str(db))
    assert db.is_file()
    run("gui", "--db", str(db), "--view", "cadrage", "--screenshot", str(png))
    data = png.read_bytes()
    assert data.startswith(PNG_HEADER)
    assert len(data) > 20_000, f"screenshot suspiciously small ({len(data)} bytes)"
    # Running the migrations must not write into the (possibly read-only) install folder.
    assert not list(bundle.rglob("__pycache__"))
