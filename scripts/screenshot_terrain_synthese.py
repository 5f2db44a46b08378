"""Screenshot of the Terrain « Synthèse » tab on the demo (docs/screenshots/terrain-synthese.png)."""
import sys

# usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_terrain_synthese.py DEMO.db docs/screenshots/terrain-synthese.png
from PySide6.QtWidgets import QApplication
from desktop_app.services.app_services import Services
from desktop_app.ui.app import build_context, install_french
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.style import apply_style
from desktop_app import paths

db, out = sys.argv[1], sys.argv[2]
app = QApplication(sys.argv[:1]); apply_style(app); install_french(app)
services = Services.open(db)
ctx = build_context(services, paths.settings_path())
w = MainWindow(ctx)
w.open_evaluation(services.evaluations.resolve(None), "terrain")
view = w.views["terrain"]
view.tabs.setCurrentWidget(view.synthesis)
syn = view.synthesis
if syn.table.model().rowCount():
    syn.table.selectRow(0)
w.resize(1360, 860); w.show()
for _ in range(5): app.processEvents()
ctx.tasks.wait(20000); app.processEvents()
print(w.grab().save(out))
w.close(); services.close()
