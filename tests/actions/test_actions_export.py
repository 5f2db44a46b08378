"""The Excel export of the step, the command line and the demo, checked as a user would."""

from __future__ import annotations

import json

import openpyxl
from messy_files import cp1252_csv, messy_workbook

from desktop_app.cli import main


def _prepare(services, evaluation_id, tmp_path):
    services.actions.import_file(evaluation_id, messy_workbook(tmp_path / "prog.xlsx"))
    actions = {a.title: a.id for a in services.actions.list(evaluation_id)}
    aid = actions["Médiation santé"]
    services.actions.set_chosen(aid, True)
    services.actions.set_bank_question(aid, "eff_2", True)
    uid = services.actions.plan(aid).rows[0]["uid"]
    services.actions.update_question(aid, uid, "methods", ["entretiens"])
    services.actions.update_question(aid, uid, "end", "2026-05-29")
    return aid


def test_the_exporter_writes_the_plain_data_it_is_given(services, evaluation_id, tmp_path):
    """The service reads the step into plain data; the exporter writes that data, nothing else."""
    from dataclasses import replace

    from desktop_app.exports.actions_xlsx import export_actions

    _prepare(services, evaluation_id, tmp_path)
    data = services.actions.workbook(evaluation_id)
    assert [p.action_id for p in data.plans.values()] == [r.action.id for r in data.grid.chosen]
    path = export_actions(replace(data, territory="Territoire renommé pour l'export"), tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["Programmation"]
    assert ws["A2"].value.startswith("Territoire renommé pour l'export — ")
    assert ws.oddHeader.left.text == "Territoire renommé pour l'export"


def test_workbook_has_every_part_of_the_step_ready_to_print(services, evaluation_id, tmp_path):
    _prepare(services, evaluation_id, tmp_path)
    path = services.actions.export_workbook(evaluation_id, tmp_path / "actions")
    assert path.suffix == ".xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Programmation", "Grille de choix", "Classement", "Graphique du classement",
                             "Actions retenues", "Questions et méthode", "Calendrier", "Graphique du calendrier", "Critères"]
    for name in ("Programmation", "Grille de choix", "Classement", "Actions retenues", "Questions et méthode", "Critères"):
        ws = wb[name]
        assert ws.freeze_panes is not None, name
        assert ws.auto_filter.ref, name
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows, name
    prog = wb["Programmation"]
    header = [c.value for c in prog[4]]
    assert header[:3] == ["Rang", "Score", "Retenue"] and "Intitulé de l'action" in header and "État" in header
    titles = [prog.cell(row=r, column=6).value for r in range(5, 10)]
    assert "Médiation santé" in titles
    grid = wb["Grille de choix"]
    first = grid.cell(row=5, column=1)
    assert first.value == 1 and first.number_format in ("0", '0" ex æquo"')  # a number, sorted as one
    assert wb["Graphique du classement"]._images and wb["Graphique du calendrier"]._images
    chosen = wb["Actions retenues"]
    assert chosen.cell(row=5, column=2).value == "Médiation santé"
    method = wb["Questions et méthode"]
    row = [c.value for c in method[5]]
    assert row[0] == "Médiation santé" and row[2] == "Efficacité" and row[6] == "Entretiens"
    assert row[9].strftime("%d/%m/%Y") == "29/05/2026"


def test_cli_import_json_and_bad_file(tmp_path, capsys, db_path, demo_id):
    db = str(db_path)  # the demo's database
    prog = cp1252_csv(tmp_path / "programmation 2024.csv")
    assert main(["import", "actions", str(prog), "--db", db, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["imported"], data["updated"], data["skipped"], data["totals_rows"]) == (3, 0, 0, [8])
    assert "Ligne 8 : ligne de total (« Total »)" in data["remarks"]
    assert main(["import", "actions", str(prog), "--db", db, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 3, 3)
    assert main(["import", "actions", str(prog), "--db", db]) == 0
    assert "0 ligne importée, 3 déjà connues" in capsys.readouterr().out

    bad = tmp_path / "compte-rendu.xlsx"
    bad.write_text("Compte rendu du COPIL", encoding="utf-8")
    assert main(["import", "actions", str(bad), "--db", db]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : « compte-rendu.xlsx »") and "Aucune action n'a été importée" in err
    assert "Traceback" not in err
    out = tmp_path / "export.xlsx"
    assert main(["export", "actions", str(out), "--db", db]) == 0
    assert openpyxl.load_workbook(out)["Actions retenues"].max_row >= 8  # the demo's 4 chosen actions


def test_demo_has_a_realistic_programmation_a_scored_grid_and_four_planned_actions(services, demo_id):
    eid = demo_id
    actions = services.actions.list(eid)
    assert len(actions) >= 100
    assert len({a.pillar for a in actions}) >= 3
    assert len({q for a in actions for q in a.qpv.split(", ")}) == 5
    assert sum(1 for a in actions if len(a.years) == 2) > 50  # recurring over 2024 and 2025
    grid = services.actions.grid(eid)
    # the team scored the manual criteria of the forty biggest actions; the data pre-fills the rest
    assert sum(1 for r in grid.rows if any(s.manual is not None for s in r.scores.values())) >= 40
    assert all(r.scores["nombre_financeurs"].is_prefilled for r in grid.rows)
    assert len(grid.chosen) == 4
    for row in grid.chosen:
        plan = services.actions.plan(row.action.id)
        assert 3 <= len(plan.rows) <= 6
        assert all(r.get("start") and r.get("methods") and r.get("who") for r in plan.rows)
        assert plan.sheet.get("decision")
    assert services.actions.timeline(eid).warnings == ()
