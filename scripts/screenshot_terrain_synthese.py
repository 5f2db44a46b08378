"""Screenshot of the Terrain « Synthèse » tab on the demo (docs/screenshots/terrain-synthese.png).

usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_terrain_synthese.py DEMO.db OUT.png
"""

import sys

from PySide6.QtWidgets import QApplication

from desktop_app import paths
from desktop_app.services.app_services import Services
from desktop_app.ui.app import build_context, install_french
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.style import apply_style


def main(db: str, out: str) -> int:
    app = QApplication(sys.argv[:1])
    apply_style(app)
    install_french(app)
    services = Services.open(db)
    ctx = build_context(services, paths.settings_path())

    def settle() -> None:  # the screen reads its lists in the background
        for _ in range(3):
            ctx.tasks.wait(20000)
            for _ in range(5):
                app.processEvents()

    window = MainWindow(ctx)
    window.open_evaluation(services.evaluations.resolve(None), "terrain")
    window.resize(1360, 860)
    window.show()
    settle()
    view = window.views["terrain"]
    view.tabs.setCurrentWidget(view.synthesis)
    settle()
    if view.synthesis.table.model().rowCount():
        view.synthesis.table.selectRow(0)
    settle()
    ok = window.grab().save(out)
    print(out if ok else "échec de la capture")
    window.close()
    ctx.tasks.wait(20000)  # nothing left running when the store closes
    services.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
