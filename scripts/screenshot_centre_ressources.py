"""Screenshot of the resource centre's consolidated view with five territories imported
(docs/screenshots/centre-ressources.png).

Builds five territories' evaluations, each in its own database (the demo evaluation, renamed and
with its référentiel appreciations and maturity levels varied), exports a bundle from each,
imports the five bundles into one centre database, opens the « Centre de ressources » window
offscreen and grabs it.

usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_centre_ressources.py \
           [OUT.png] [--tab N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERRITORIES = [
    ("CA du Douaisis", "Évaluation du contrat de ville — Douaisis"),
    ("Métropole Européenne de Lille", "Évaluation mi-parcours — MEL"),
    ("CU d'Arras", "Évaluation participative — Arras"),
    ("CA de Lens-Liévin", "Évaluation du contrat de ville — Lens-Liévin"),
    ("CA du Boulonnais", "Évaluation finale — Boulonnais"),
    ("CA Valenciennes Métropole", "Évaluation — Valenciennes"),
]


def vary(services, eid: str, seed: int) -> None:
    """Give a territory its own appreciations and maturity levels (same kit choices as the demo)."""
    from desktop_app.kit.forms import compile_tool

    rng = random.Random(seed)
    kit = services.kits.bundled()
    for resp in services.forms.find(eid):
        tool = kit.tools.get(resp.tool_id)
        if tool is None or tool.kind not in ("referential", "maturity_scale"):
            continue
        answers = dict(resp.answers or {})
        if tool.kind == "referential":
            values = [c.value for c in tool.scale]
            keys = [f"{q.id}.appreciation" for q in tool.questions]
        else:
            form = compile_tool(kit, tool.id)
            keys, values = [], []
            for p in form.pages:
                for f in p.fields:
                    if f.id.endswith(".niveau"):
                        keys.append(f.id)
                        values = [o.value for o in f.choices]
        for key in keys:
            if rng.random() < 0.9:  # a few questions stay as the demo left them (or unfilled)
                answers[key] = rng.choice(values)
        services.forms.set_answers(resp.id, answers)


def build_centre(work: Path, count: int = 5) -> Path:
    from desktop_app.demo.builder import build as create_demo
    from desktop_app.services.app_services import Services

    bundles = []
    for i, (territory, title) in enumerate(TERRITORIES[:count]):
        s = Services.open(work / f"territoire-{i}.db", attachments_dir=work / f"pieces-{i}")
        try:
            eid = create_demo(s)
            s.evaluations.update_evaluation(eid, "territory_name", territory)
            s.evaluations.update_evaluation(eid, "title", title)
            vary(s, eid, seed=i)
            out = work / f"territoire-{i}.evalkit"
            s.sync.export_bundle(eid, out)  # the default level: pseudonymised, as sent to a centre
            bundles.append(out)
        finally:
            s.close()
    centre_db = work / "centre.db"
    centre = Services.open(centre_db, attachments_dir=work / "pieces-centre")
    try:
        centre.sync.import_bundles(bundles)
        assert len(centre.evaluations.list()) == count
    finally:
        centre.close()
    return centre_db


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs/screenshots/centre-ressources.png"))
    ap.add_argument("--tab", type=int, default=1, help="onglet affiché (0 : territoires, 1 : référentiel, 3 : maturité)")
    ap.add_argument("--keep", help="dossier où garder les bases et paquets construits")
    ap.add_argument("--size", default="1360x1010")
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop_app.services.app_services import Services
    from desktop_app.ui.app import build_context, install_french
    from desktop_app.ui.style import apply_style
    from desktop_app.ui.views.sync.centre import ConsolidationWindow

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        centre_db = build_centre(work)
        app = QApplication(sys.argv[:1])
        apply_style(app)
        install_french(app)
        services = Services.open(centre_db, attachments_dir=work / "pieces-centre")
        ctx = build_context(services, work / "prefs.ini")
        w = ConsolidationWindow(ctx)
        width, height = (int(v) for v in args.size.split("x"))
        w.resize(width, height)
        w.show()
        for _ in range(5):
            app.processEvents()
        ctx.tasks.wait(60000)
        app.processEvents()
        w.tabs.setCurrentIndex(args.tab)
        for _ in range(5):
            app.processEvents()
        ok = w.grab().save(args.out)
        print(args.out if ok else "échec de la capture")
        w.close()
        services.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
