"""The benchmark generator still writes a valid evaluation through today's services (scale 1).

Only the generator is tested here: the timed benchmarks (`make bench`) are not part of the tests.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generate_scale_1(tmp_path):
    out = tmp_path / "bench"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--scale", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ, "EVALKIT_HOME": str(tmp_path / "home")},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    entry = json.loads((out / "manifest.json").read_text("utf-8"))["scales"]["1"]
    areas = entry["areas"]
    assert all(a["status"] in ("ok", "n/a") for a in areas.values()), areas
    assert entry["form_responses"] >= 40

    from desktop_app.services.app_services import Services

    services = Services.open(out / "scale-1.db")
    try:
        eid = entry["evaluation_id"]
        assert len(services.evaluations.rows("commune", eid)) == 5
        assert len(services.evaluations.rows("qpv", eid)) == 5
        tools = {r.tool_id for r in services.forms.find(eid)}
        if areas["actions"]["status"] == "ok":
            assert services.actions.count(eid) == 30
        if areas["fieldwork"]["status"] == "ok":
            assert len(services.workshops.workshops(eid)) == 6
            assert len(services.terrain.testimonies(eid)) == 10
            assert {"guide-partenaires", "fiche-temoignage"} <= tools
        if areas["questionnaires"]["status"] == "ok":
            assert {"questionnaire-communes", "questionnaire-associations"} <= tools
        if areas["synthesis"]["status"] == "ok":
            ref = services.referentiel.referentiel(eid)
            assert len(ref.answers) > 20
            assert services.referentiel.evidence(eid)
    finally:
        services.close()
