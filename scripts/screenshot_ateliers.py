"""Screenshots of a workshop being recorded (docs/screenshots/ateliers.png) and of the projected
window of its mode atelier (docs/screenshots/mode-atelier.png), on the demo.

The demo's Conseils citoyens workshop is opened with its mode atelier on step 4, question 2, and
the notes of that question focused: the generic `evalkit gui --view ateliers --screenshot` shows
only the first workshop, which is why `make screenshots` runs this script for these two images.

usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_ateliers.py DEMO.db \
           [--out docs/screenshots/ateliers.png] [--mode-out docs/screenshots/mode-atelier.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOOL = "guide-conseils-citoyens"  # the workshop shown
STEP, QUESTION = 4, 2  # where the mode atelier stands


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--out", default=str(ROOT / "docs/screenshots/ateliers.png"))
    ap.add_argument("--mode-out", default=str(ROOT / "docs/screenshots/mode-atelier.png"))
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop_app import paths
    from desktop_app.core.workshop_mode import Countdown
    from desktop_app.services.app_services import Services
    from desktop_app.ui.app import build_context, install_french
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.style import apply_style

    app = QApplication(sys.argv[:1])
    apply_style(app)
    install_french(app)
    services = Services.open(args.db)
    ctx = build_context(services, paths.settings_path())
    eid = services.evaluations.resolve(None)
    workshop = next((w for w in services.workshops.workshops(eid) if w.tool_id == TOOL), None)
    if workshop is None:
        print(f"pas d'atelier « {TOOL} » dans {args.db} (créez la base avec `evalkit demo`)", file=sys.stderr)
        return 1

    window = MainWindow(ctx)
    window.open_evaluation(eid, "ateliers")
    window.resize(1360, 860)
    window.show()

    def settle() -> None:  # the screen reads its lists in the background
        for _ in range(3):
            ctx.tasks.wait(20000)
            for _ in range(5):
                app.processEvents()

    settle()
    view = window.views["ateliers"]
    view.select_workshop(workshop.id)
    settle()
    editor = view.editor
    editor.open_mode()
    mode = editor.mode
    target = next(
        (i for i, s in enumerate(mode.slides) if (s.step_number, s.question_number) == (STEP, QUESTION)), None
    )
    if target is None:
        print(f"le guide n'a pas d'étape {STEP}, question {QUESTION}", file=sys.stderr)
        return 1
    # A clock that stands still: the chrono shows the step's full duration (20:00) in both images.
    mode.countdown = Countdown(clock=lambda: 0.0)
    mode.go(target)
    window.activateWindow()
    for _ in range(5):
        app.processEvents()
    # the facilitator's cursor in the notes of that question, scrolled into view
    renderer = editor.notes.renderer
    renderer.go_to_page(mode.slide.page_index)
    scroll = renderer.scrolls[mode.slide.page_index] if renderer.mode == "pages" else renderer.scroll
    row = renderer.row(mode.slide.field_id)
    scroll.widget().layout().activate()
    scroll.ensureWidgetVisible(row, 40, 80)
    row.focus()
    ctx.tasks.wait(20000)
    for _ in range(5):
        app.processEvents()
    ok = window.grab().save(args.out)
    mode.window.resize(1280, 720)
    for _ in range(5):
        app.processEvents()
    ok = mode.window.grab().save(args.mode_out) and ok
    print(args.out, args.mode_out) if ok else print("échec de la capture", file=sys.stderr)
    mode.close()
    window.close()
    ctx.tasks.wait(20000)  # nothing left running when the store closes
    services.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
