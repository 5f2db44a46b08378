"""Start-up in two phases: the main window is on screen before the database layer is even
loaded, then the evaluation asked for opens in it; a database that cannot be opened is said in
the window, in French, and the file is left as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from desktop_app.ui.app import Launch
from desktop_app.ui.settings import Settings
from desktop_app.ui.tasks import TaskRunner

PHASES = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication
    from desktop_app.ui.app import Launch
    from desktop_app.ui.settings import Settings
    from desktop_app.ui.tasks import TaskRunner

    app = QApplication([])
    launch = Launch(Settings(sys.argv[2]), TaskRunner(), db=sys.argv[1], evaluation=sys.argv[3], step="actions")
    launch.start(open_now=False)
    app.processEvents()
    first = {
        "shown": launch.window.isVisible(),
        "loading": launch.window.pages.currentWidget() is launch.window.loading,
        "store_loaded": any(m in sys.modules for m in ("sqlalchemy", "desktop_app.services.app_services")),
        "menus_enabled": any(a.isEnabled() for a in launch.window.menuBar().actions()),
    }
    launch._open()
    launch.tasks.wait(60000)
    for _ in range(20):
        app.processEvents()
    second = {
        "evaluation": launch.window.evaluation_id,
        "step": launch.window.content.currentWidget() is launch.window.views.get("actions"),
        "menus_enabled": all(a.isEnabled() for a in launch.window.menuBar().actions()),
    }
    launch.close()
    print(json.dumps({"first": first, "second": second}))
    """
)


def test_the_window_is_shown_before_the_store_is_loaded_then_the_evaluation_opens(tmp_path, services, evaluation_id):
    services.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EVALKIT_HOME=str(tmp_path / "home"))
    proc = subprocess.run(
        [sys.executable, "-c", PHASES, str(tmp_path / "evalkit.db"), str(tmp_path / "prefs.ini"), evaluation_id],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["first"] == {"shown": True, "loading": True, "store_loaded": False, "menus_enabled": False}
    assert report["second"] == {"evaluation": evaluation_id, "step": True, "menus_enabled": True}


def test_opening_completes_the_window_with_navigation_and_shortcuts(qtbot, tmp_path, services, evaluation_id):
    ready = []
    launch = Launch(
        Settings(tmp_path / "prefs.ini"), TaskRunner(), db=str(tmp_path / "evalkit.db"),
        evaluation=evaluation_id, on_ready=lambda: ready.append(True),
    )
    qtbot.addWidget(launch.window)
    launch.start()
    assert launch.window.pages.currentWidget() is launch.window.loading
    assert launch.window.loading_label.text() == "Ouverture de l'évaluation…"
    qtbot.waitUntil(lambda: bool(ready), timeout=60000)
    window = launch.window
    assert window.pages.currentWidget() is window.workspace
    assert window.side_title.text() == "CA du Douaisis"
    assert window.content.currentWidget() is window.views["cadrage"]
    go_to = next(m for m in window.menuBar().actions() if m.text() == "&Aller à").menu()
    assert [a.shortcut().toString() for a in go_to.actions()][:3] == ["Ctrl+1", "Ctrl+2", "Ctrl+3"]
    # the welcome screen is made when the user goes there, with the evaluation listed
    assert window.welcome is None
    window.show_welcome()
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.list.count() == 1 and "CA du Douaisis" in window.welcome.list.item(0).text()
    launch.services.close()
    launch.services = None


def test_a_database_that_cannot_be_opened_is_said_in_the_window_and_left_untouched(qtbot, tmp_path):
    bogus = tmp_path / "rapport.db"
    bogus.write_text("Rapport d'activité 2022\n" * 100, encoding="utf-8")
    before = bogus.read_bytes()
    messages = []
    launch = Launch(Settings(tmp_path / "prefs.ini"), TaskRunner(), db=str(bogus), on_failed=messages.append)
    qtbot.addWidget(launch.window)
    launch.start()
    qtbot.waitUntil(lambda: bool(messages), timeout=60000)
    assert "rapport.db" in messages[0]
    assert "Traceback" not in messages[0]
    assert launch.window.loading_label.text() == messages[0]
    assert launch.window.loading_bar.isHidden()  # no endless progress bar under the message
    assert not any(a.isEnabled() for a in launch.window.menuBar().actions())
    assert bogus.read_bytes() == before
