"""The plain data the PDF summary and the workbook are written from (`services.report_data.gather`):
a kit without the actions' grid gathers no grid, and both deliverables are still written."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook


def test_a_kit_without_the_actions_grid_still_exports(tmp_path):
    from desktop_app import paths
    from desktop_app.services.app_services import Services
    from desktop_app.services.report_data import gather

    forms = tmp_path / "forms"
    shutil.copytree(paths.forms_dir(), forms)
    kit_yaml = forms / "kit.yaml"
    grid_file = next(p.name for p in forms.glob("*.yaml") if "role: action_scoring" in p.read_text(encoding="utf-8"))
    lines = kit_yaml.read_text(encoding="utf-8").splitlines(keepends=True)
    kit_yaml.write_text("".join(line for line in lines if f"file: {grid_file}" not in line), encoding="utf-8")
    services = Services.open(tmp_path / "sans-grille.db", forms_dir=forms)
    try:
        eid = services.evaluations.create("CA sans grille")
        data = gather(services, eid)
        assert data.kit.tool_for_role("action_scoring") is None and data.action_grid is None
        assert services.exports.pdf(eid, tmp_path / "r.pdf").paths[0].stat().st_size > 0
        xlsx = services.exports.xlsx(eid, tmp_path / "g.xlsx").paths[0]
        assert "Cadrage" in load_workbook(xlsx, read_only=True).sheetnames
    finally:
        services.close()
