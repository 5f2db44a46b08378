"""The resource centre: many territories' bundles in one database, the consolidated view and its
Excel and PDF files — on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from sync_helpers import open_machine, pg_url

from desktop_app.exports.consolidation_files import write_pdf, write_xlsx
from desktop_app.services.consolidation import consolidate

TERRITORIES = {
    "CA du Douaisis": ("atteint", "3", "oui"),
    "Métropole Rives-Est": ("plutot_atteint", "1", "non"),
    "CC du Pays de Brume": ("atteint", "5", "oui"),
}


def choice_question() -> tuple[str, list]:
    """A choice question of the communes' questionnaire and two of its possible answers."""
    from desktop_app import paths
    from desktop_app.kit.forms import compile_tool
    from desktop_app.kit.loader import load_folder

    form = compile_tool(load_folder(paths.forms_dir()), "questionnaire-communes")
    for page in form.pages:
        for f in page.fields:
            if f.type == "yes_no":
                return f.id, [True, False]
            if f.type == "single_choice" and len(f.choices) >= 2 and not f.show_if:
                return f.id, [f.choices[0].value, f.choices[1].value]
    raise AssertionError("no choice question")


def territory_bundles(tmp_path) -> list:
    """Three territories' evaluations, each exported as a pseudonymised bundle."""
    key, values = choice_question()
    paths = []
    laptop = open_machine(tmp_path, "territoires")
    for i, (name, (appreciation, level, yes)) in enumerate(TERRITORIES.items()):
        eid = laptop.evaluations.create(name, title=f"Évaluation {name}")
        laptop.evaluations.add_row("partner", eid, {"organisation": "Préfecture", "contact": "Samia Benali"})
        laptop.forms.create(eid, "referentiel", answers={"gouvernance.appreciation": appreciation}, status="complete")
        laptop.forms.create(eid, "maturite-lcd", answers={"engagement_politique.niveau": level})
        for _ in range(2):
            laptop.forms.create(eid, "questionnaire-communes", subject_type="respondent", answers={key: values[0] if yes == "oui" else values[1]})
        if i < 2:  # the annual reports' figures: two years each (the third territory has not filled them)
            laptop.forms.create(eid, "bilans-annuels", answers={"annees": [
                {"annee_bilan": 2020, "nb_actions": 10 * (i + 1)}, {"annee_bilan": 2023, "nb_actions": 10 * (i + 1) + int(level)}]})
        out = tmp_path / f"t{i}.evalkit"
        laptop.sync.export_bundle(eid, out)
        paths.append(out)
    laptop.close()
    return paths


def check_centre(centre, tmp_path) -> None:
    results = centre.sync.import_bundles(territory_bundles(tmp_path))
    assert [r["conflicts"] for r in results] == [0, 0, 0]
    data = consolidate(centre)
    assert [t.territory for t in data.territories] == sorted(TERRITORIES, key=str.casefold)
    assert all(0 <= t.completion <= 1 and t.steps_total > 0 for t in data.territories)

    gov = next(q for q in data.questions if q.question_id == "gouvernance")
    assert gov.counts == {"atteint": 2, "plutot_atteint": 1}
    assert sum(next(q for q in data.questions if q.question_id == "droit_commun").counts.values()) == 3  # all "non renseigné"

    lcd = next(m for m in data.maturity if m.tool_id == "maturite-lcd")
    assert sorted(v[0] for v in lcd.levels.values()) == [1, 3, 5]
    assert lcd.mean()[0] == 3

    communes = next(q for q in data.questionnaires if q.tool_id == "questionnaire-communes")
    assert communes.respondents == 6 and communes.territories == 3
    pooled = {q.question_id: q for q in communes.questions}
    first_choice = next((q for q in pooled.values() if q.answered), None)
    assert first_choice is not None and sum(n for _, n in first_choice.counts) == first_choice.answered == 6

    # the sheets filled once per evaluation travelled in the bundles: the annual reports' series
    bilans = next(sh for sh in data.sheets if sh.series is not None)
    ids = {t.territory: t.evaluation_id for t in data.territories}
    got = {name: {k: (v.latest, v.year, v.change) for k, v in bilans.series.values.get(ids[name], {}).items()} for name in TERRITORIES}
    assert got == {"CA du Douaisis": {"nb_actions": (13, "2023", 3)}, "Métropole Rives-Est": {"nb_actions": (21, "2023", 1)},
                   "CC du Pays de Brume": {}}
    assert bilans.territories[ids["CC du Pays de Brume"]].label == "Non renseignée"

    xlsx = write_xlsx(data, tmp_path / "centre.xlsx")
    pdf = write_pdf(data, tmp_path / "centre.pdf")
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames[:4] == ["Territoires", "Référentiel", "Indicateurs", "Questionnaires"]
    assert wb["Territoires"]["A2"].value == data.territories[0].territory
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_consolidation_on_sqlite(tmp_path):
    centre = open_machine(tmp_path, "centre")
    try:
        check_centre(centre, tmp_path)
    finally:
        centre.close()


@pytest.mark.postgres
def test_consolidation_on_postgresql(tmp_path):
    from sqlalchemy import create_engine, text

    url = pg_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    centre = open_machine(tmp_path, "centre", url)
    try:
        check_centre(centre, tmp_path)
    finally:
        centre.close()


def test_cli_export_consolidation(tmp_path, capsys):
    import json

    from desktop_app.cli import main

    centre = open_machine(tmp_path, "centre")
    centre.sync.import_bundles(territory_bundles(tmp_path))
    centre.close()
    db = str(tmp_path / "centre.db")
    assert main(["export", "consolidation", "--db", db, "--out", str(tmp_path / "v.xlsx"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["territories"] == 3
    # the step_form sheets: the annual reports filled by two territories of three, the others by none
    assert got["sheets"] == [
        {"tool_id": "etat-qpv", "title": "État des QPV", "filled": 0, "not_filled": 3, "out_of_scope": 0, "not_in_kit": 0},
        {"tool_id": "bilans-annuels", "title": "Bilans annuels", "filled": 2, "not_filled": 1, "out_of_scope": 0, "not_in_kit": 0},
        {"tool_id": "questions-transversales", "title": "Questions LCD et EFH", "filled": 0, "not_filled": 3, "out_of_scope": 0,
         "not_in_kit": 0},
    ]
    assert main(["export", "consolidation", "--db", db, "--out", str(tmp_path / "v.pdf")]) == 0
    assert main(["export", "consolidation", "--db", db, "--out", str(tmp_path / "v.txt")]) == 1
    assert "xlsx ou .pdf" in capsys.readouterr().err
