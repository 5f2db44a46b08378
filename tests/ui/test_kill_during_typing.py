"""A kill in the middle of typing loses nothing that was saved: SIGKILL right after an edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from desktop_app.services.app_services import Services

DRIVER = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from desktop_app.services.app_services import Services
    from desktop_app.ui.app import build_context
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.style import apply_style

    app = QApplication([])
    apply_style(app)
    services = Services.open(sys.argv[1])
    ctx = build_context(services, sys.argv[2])
    window = MainWindow(ctx)
    window.show()
    window.open_evaluation(sys.argv[3], "cadrage")
    view = window.views["cadrage"]
    edit = view.territory.territory_name.edit

    def announce(_when):
        print("SAVED", flush=True)

    def type_it():
        edit.setFocus()
        edit.selectAll()
        QTest.keyClicks(edit, "Metropole tapee avant le crash")

    ctx.saved.connect(announce)
    QTimer.singleShot(100, type_it)
    app.exec()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_right_after_an_edit_keeps_it(tmp_path, db_path):
    services = Services.open(db_path)
    eid = services.evaluations.create("Ancien nom")
    services.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EVALKIT_HOME=str(tmp_path / "home"))
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db_path), str(tmp_path / "p.ini"), eid],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = proc.stdout.readline()  # blocks until the first autosave after typing
        assert line.strip() == "SAVED", proc.stderr.read() if proc.poll() is not None else line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    again = Services.open(db_path)
    assert again.evaluations.get(eid).territory_name == "Metropole tapee avant le crash"
    again.close()
