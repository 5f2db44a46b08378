"""Hostile text in every workbook the application writes (issue 15, section 4).

A title imported as `=HYPERLINK("http://x","y")` must stay text in every workbook: a text cell
(data_type 's', never a formula), with the very same value (no visible quote added). Control
characters (NUL, vertical tab) entering through an import or a service are cleaned at the door,
and every export then succeeds.
"""

from __future__ import annotations

import ast
import csv
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main

HOSTILE = '=HYPERLINK("http://x","y")'
ROOT = Path(__file__).resolve().parents[2]


def _text_field(tool_id: str) -> str:
    from desktop_app import paths
    from desktop_app.kit.forms import compile_tool
    from desktop_app.kit.loader import load_folder

    form = compile_tool(load_folder(paths.forms_dir()), tool_id)
    for page in form.pages:
        for f in page.fields:
            if f.type in ("text", "long_text") and not f.show_if and not f.sensitive:
                return f.id
    raise AssertionError(f"no text question in {tool_id}")


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    from desktop_app.exports.xlsx_cells import append_row

    wb = openpyxl.Workbook()
    for row in rows:
        append_row(wb.active, row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A demo database where hostile text came in by the imports and by the services."""
    from desktop_app.demo.builder import build as create_demo
    from desktop_app.services.app_services import Services

    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "evalkit.db"
    services = Services.open(db)
    try:
        eid = create_demo(services)
        key = _text_field("questionnaire-communes")
        services.forms.create(eid, "questionnaire-communes", subject_type="respondent",
                              answers={key: HOSTILE}, status="complete")
        services.forms.create(eid, "questionnaire-communes", subject_type="respondent",
                              answers={key: "Nul\x00 et\x0b tab"}, status="complete")
    finally:
        services.close()
    actions = _csv(folder / "prog.csv", [
        ["N° dossier", "Intitulé de l'action", "Structure porteuse", "Pilier", "Coût total de l'action"],
        ["2024-901", HOSTILE, "@SUM(1+1)", "Cohésion sociale", "1000"],
        ["2024-902", "Titre\x0bvertical", "-2+3", "Cohésion sociale", "1000"],
    ])
    assert main(["import", "actions", str(actions), "--db", str(db)]) == 0
    commitments = _xlsx(folder / "eng.xlsx", [["Intitulé", "Statut"], [HOSTILE, "non engagé"]])
    assert main(["import", "engagements", str(commitments), "--db", str(db)]) == 0
    commitments = _csv(folder / "eng.csv", [["Intitulé", "Statut"], ["Eng\x0bagement", "réalisé"]])
    assert main(["import", "engagements", str(commitments), "--db", str(db)]) == 0
    return db, eid


def _cells(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _check(path: Path) -> None:
    cells = _cells(path)
    hostile = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hostile, f"the hostile title is not in {path.name}"
    for c in hostile:
        assert c.data_type == "s", f"{path.name} {c.parent.title}!{c.coordinate} is a formula"
        assert c.value == HOSTILE, f"{path.name} {c.parent.title}!{c.coordinate}: {c.value!r}"
    assert not [c for c in cells if c.data_type == "f" and "HYPERLINK" in str(c.value)]


def test_stored_text_is_cleaned_at_the_door(hostile):
    db, _ = hostile
    with sqlite3.connect(db) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM actions")}
        texts = [a for (a,) in conn.execute("SELECT answers FROM form_responses WHERE tool_id = 'questionnaire-communes'")]
    assert HOSTILE in titles
    assert not any("\x0b" in t or "\x00" in t for t in titles)
    assert any("Nul et tab" in a for a in texts) and not any("\\u0000" in a or "\\u000b" in a for a in texts)


def test_export_actions_keeps_the_title_as_text(hostile, tmp_path):
    db, _ = hostile
    out = tmp_path / "actions.xlsx"
    assert main(["export", "actions", str(out), "--db", str(db)]) == 0
    _check(out)
    carriers = {c.value: c for c in _cells(out) if c.value in ("@SUM(1+1)", "-2+3")}
    assert set(carriers) == {"@SUM(1+1)", "-2+3"}
    assert all(c.data_type == "s" and c.quotePrefix for c in carriers.values())
    # the totals the exporter writes on purpose are still formulas
    assert any(c.data_type == "f" and str(c.value).startswith("=SUBTOTAL(") for c in _cells(out))


def test_export_xlsx_keeps_the_title_as_text(hostile, tmp_path):
    db, _ = hostile
    out = tmp_path / "grilles.xlsx"
    assert main(["export", "xlsx", "--db", str(db), "--out", str(out), "--quiet"]) == 0
    _check(out)


def test_export_fieldwork_keeps_the_title_as_text(hostile, tmp_path):
    db, _ = hostile
    out = tmp_path / "terrain.xlsx"
    assert main(["export", "fieldwork", "--db", str(db), "--out", str(out)]) == 0
    _check(out)
    assert any(c.value == "Engagement" for c in _cells(out))


def test_questionnaire_export_keeps_the_answer_as_text(hostile, tmp_path):
    db, _ = hostile
    out = tmp_path / "reponses.xlsx"
    assert main(["questionnaire", "export", "--db", str(db), "--out", str(out)]) == 0
    _check(out)
    assert any(c.value == "Nul et tab" for c in _cells(out))


def test_consolidation_keeps_a_territory_name_as_text_and_survives_control_characters(tmp_path):
    """One territory's hostile or broken text (written by an older version, straight in its
    database) does not break the centre's consolidation for all."""
    from desktop_app.services.app_services import Services

    territory_db, centre_db = tmp_path / "territoire.db", tmp_path / "centre.db"
    laptop = Services.open(territory_db)
    eid = laptop.evaluations.create(HOSTILE, title="Évaluation")
    laptop.forms.create(eid, "questionnaire-communes", subject_type="respondent",
                        answers={_text_field("questionnaire-communes"): "ok"})
    laptop.close()
    with sqlite3.connect(territory_db) as conn:  # as an older version could have stored it
        conn.execute("UPDATE evaluations SET title = ? WHERE id = ?", ("Évaluation\x00\x0b du territoire", eid))
    bundle = tmp_path / "t.evalkit"
    assert main(["export", "bundle", "--db", str(territory_db), "--out", str(bundle)]) == 0
    with sqlite3.connect(territory_db) as conn:  # cleaned at the sender, as a local edit that travels
        title, revision = conn.execute("SELECT title, revision FROM evaluations WHERE id = ?", (eid,)).fetchone()
    assert (title, revision) == ("Évaluation du territoire", 2)
    assert main(["import", "bundle", str(bundle), "--db", str(centre_db)]) == 0
    out = tmp_path / "consolidation.xlsx"
    assert main(["export", "consolidation", "--db", str(centre_db), "--out", str(out)]) == 0
    _check(out)
    assert any(isinstance(c.value, str) and c.value.startswith("Évaluation du territoire") for c in _cells(out))


# -- one cell writer -----------------------------------------------------------------------------
WRITERS = [p for folder in ("exports", "sync") for p in sorted((ROOT / "desktop_app" / folder).glob("*.py"))]


def _direct_writes(path: Path) -> list[str]:
    """Cell writes that bypass exports.xlsx_cells: `.cell(..., value=…)`, `….value = …`,
    `ws.append(…)` of a worksheet."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "cell" and any(k.arg == "value" for k in node.keywords):
                found.append(f"{path.name}:{node.lineno} .cell(value=)")
            if node.func.attr == "append" and ast.unparse(node.func.value) in ("ws", "sheet", "worksheet"):
                found.append(f"{path.name}:{node.lineno} ws.append")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "value":
                    found.append(f"{path.name}:{node.lineno} .value =")
    return found


def test_every_workbook_writes_its_cells_through_the_one_writer():
    assert len(WRITERS) > 20
    found = [w for p in WRITERS if p.name != "xlsx_cells.py" for w in _direct_writes(p)]
    assert found == []


def test_the_one_writer_keeps_text_as_text():
    from desktop_app.exports.xlsx_cells import append_row, put, put_formula

    wb = openpyxl.Workbook()
    ws = wb.active
    put(ws, 1, 1, HOSTILE)
    put(ws, 1, 2, "\tcmd")
    put(ws, 1, 3, "a\x00b\x0bc")
    put(ws, 1, 4, 12.5)
    put_formula(ws, 1, 5, "=SUM(D1:D1)")
    append_row(ws, ["+33 6 12", None, "ordinary"])
    assert [ws.cell(1, c).data_type for c in range(1, 6)] == ["s", "s", "s", "n", "f"]
    assert ws.cell(1, 3).value == "abc"
    assert (ws.cell(2, 1).value, ws.cell(2, 1).data_type, ws.cell(2, 1).quotePrefix) == ("+33 6 12", "s", True)
    assert not ws.cell(2, 3).quotePrefix
    with pytest.raises(ValueError):
        put_formula(ws, 3, 1, "SUM(A1)")
