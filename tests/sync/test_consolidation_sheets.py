"""The sheets filled once per evaluation (kit tools with the role `step_form`) in the resource
centre's consolidation: its data, its PDF report and its workbook.

Built once for the module, in one centre database (the consolidation reads whatever evaluations
it holds; the bundle route is covered by test_sync_consolidation.py), from the three territories
of `tests/centre_sheets.py` (three kit versions, sheets filled, missing or out of scope, and
personal data typed where it should not be)."""

from __future__ import annotations

import re

import pytest
from centre_sheets import NAMES, PERSONAL, fill_centre


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    from db_templates import copy_sqlite, evalkit_home, sqlite_template

    from desktop_app.exports.consolidation_files import write_pdf, write_xlsx
    from desktop_app.services.app_services import Services
    from desktop_app.services.consolidation import consolidate

    folder = tmp_path_factory.mktemp("centre-sheets")
    with evalkit_home(folder / "home"):
        copy_sqlite(sqlite_template(), folder / "centre.db")
        services = Services.open(folder / "centre.db", attachments_dir=folder / "pieces")
        try:
            ids = fill_centre(services, folder)
            data = consolidate(services)
            pdf = write_pdf(data, folder / "consolidation.pdf")
            xlsx = write_xlsx(data, folder / "consolidation.xlsx")
            yield {"services": services, "data": data, "ids": ids, "pdf": pdf, "xlsx": xlsx, "db": folder / "centre.db"}
        finally:
            services.close()


@pytest.fixture(scope="module")
def text(centre) -> str:
    """The PDF's chapter on the sheets, as extracted text with spaces normalised."""
    from pypdf import PdfReader

    pages = [p.extract_text() or "" for p in PdfReader(str(centre["pdf"])).pages]
    whole = " ".join(" ".join(pages).replace("\u00a0", " ").replace("\u202f", " ").split())
    return whole[whole.index("Les fiches remplies une fois par évaluation, comparées"):]  # the chapter, past the contents


@pytest.fixture(scope="module")
def workbook(centre):
    from openpyxl import load_workbook

    return load_workbook(centre["xlsx"])


def _sheet(data, tool_id):
    return next(s for s in data.sheets if s.tool_id == tool_id)


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


# ---------------------------------------------------------------- the data


def test_annual_reports_latest_value_year_and_change_per_territory(centre):
    from desktop_app.core.consolidation_sheets import FILLED, NOT_IN_KIT

    a, b, c = centre["ids"].values()
    bilans = _sheet(centre["data"], "bilans-annuels")
    series = bilans.series
    assert series is not None and series.by.key == "annee_bilan"
    assert sorted(bilans.filled()) == sorted([a, b])
    got = {k: (v.latest, v.year, v.change, v.first_year) for k, v in series.values[a].items()}
    assert got["nb_actions"] == (52, "2022", 12, "2019")
    assert got["credits_specifiques"] == (1350000.0, "2022", 150000.0, "2019")
    assert got["credits_etat"] == (650000.0, "2021", 150000.0, "2019")  # not given for 2022: its own latest year
    assert got["nb_copil"] == (1, "2022", -1, "2019")
    assert got["part_cpo"] == (35.5, "2021", None, "2021")  # one year: no change to speak of
    assert series.latest_year(a) == "2022" and series.latest_year(b) == "2023"
    assert {k: (v.latest, v.change) for k, v in series.values[b].items()} == {"nb_actions": (12, None), "nb_copil": (4, None)}
    assert bilans.territories[a].state == bilans.territories[b].state == FILLED
    assert c not in series.values
    assert bilans.territories[c].state == NOT_IN_KIT and bilans.territories[c].label == "Absente du kit 1.0.1"
    # the year by year rows, in the order of their years
    assert [i["annee_bilan"] for i in bilans.territories[a].items] == [2019, 2021, 2022]


def test_qpv_and_transversal_sheets_per_territory(centre):
    from desktop_app.core.consolidation_sheets import NOT_FILLED, NOT_IN_KIT, OUT_OF_SCOPE

    a, b, c = centre["ids"].values()
    qpv = _sheet(centre["data"], "etat-qpv")
    assert [i["geographie_2024"] for i in qpv.territories[a].items] == [
        "Maintenu avec un périmètre modifié", "Nouveau quartier prioritaire"]
    assert [i["population"] for i in qpv.territories[a].items] == [4200, 2100]
    assert qpv.territories[b].state == NOT_FILLED and qpv.territories[b].label == "Non renseignée"
    assert qpv.territories[c].state == NOT_IN_KIT
    assert qpv.answered("geographie_2024") == 1 and qpv.items_answered("geographie_2024") == 2
    assert qpv.distribution("conseil_citoyen_etat") == [("Actif", 1, 1), ("Fragile", 1, 1)]
    assert qpv.answered("taux_pauvrete_recent") == 0

    axes = _sheet(centre["data"], "questions-transversales")
    assert axes.territories[a].items[0]["efh_publics"].startswith("Deux fois plus de garçons")
    assert axes.territories[b].state == OUT_OF_SCOPE and not axes.territories[b].items  # its old answer stays out
    assert axes.answered("lcd_effets") == 1


def test_no_personal_or_sensitive_question_in_the_data(centre):
    for sheet in centre["data"].sheets:
        keys = {f.key for f in sheet.fields}
        assert not keys & {"contact_referent", "situation_familles", "redacteur"}, sheet.tool_id
        for s in sheet.territories.values():
            for item in s.items:
                assert not keys.isdisjoint(item) and set(item) <= keys
    qpv = _sheet(centre["data"], "etat-qpv")
    a = centre["ids"][NAMES[0]]
    assert qpv.territories[a].items[0]["enjeux"] == "Finir la rénovation des écoles ; [nom retiré] suit le dossier."


# ---------------------------------------------------------------- the PDF


def test_pdf_chapter_lists_the_sheets_in_the_contents(centre):
    from pypdf import PdfReader

    contents = PdfReader(str(centre["pdf"])).pages[1].extract_text()
    assert re.search(r"8\. Fiches de l’évaluation[\s.]*\d+", contents)
    for title in ("État des QPV", "Bilans annuels", "Questions LCD et EFH"):
        assert title in contents, title


def test_pdf_annual_reports_table(text):
    bilans = text[text.index("Bilans annuels"):text.index("Questions LCD et EFH", text.index("Bilans annuels"))]
    assert "Fiche renseignée par 2 territoires sur 3" in bilans
    assert "Depuis la première année : en hausse dans 1 territoire." in " ".join(bilans.split())  # no « dans 0 »
    assert "CC du Pays de Brume travaille avec la version 1.0.1 du kit, qui n’a pas cette fiche" in bilans
    # per figure: territories, median of the latest values, rises and falls
    assert re.search(r"Actions programmées 2 32 1 0 0", bilans)
    # territories in rows, the latest year, the figures; another year in brackets
    assert re.search(r"CA du Douaisis 2022 52 1 350 000 € 650 000 € \(2021\)", bilans)
    assert re.search(r"Métropole Rives-Est 2023 12 — —", bilans)
    assert "CC du Pays de Brume — Fiche absente du kit 1.0.1" in bilans
    assert "2 022" not in bilans and "2 019" not in bilans


def test_pdf_text_sheets_counts_distributions_and_excerpts(text):
    qpv = text[text.index("État des QPV"):text.index("Bilans annuels")]
    assert "Métropole Rives-Est n’a pas encore renseigné cette fiche" in qpv
    assert re.search(r"CA du Douaisis Renseignée 2 CC du Pays de Brume Absente du kit 1\.0\.1 — Métropole Rives-Est Non renseignée —", qpv)
    assert re.search(r"Place dans la géographie prioritaire de 2024 1 / 1 Maintenu avec un périmètre modifié : 1 "
                     r"Nouveau quartier prioritaire : 1", qpv)
    assert "Population du quartier 1 / 1 de 2 100 à 4 200 habitant·es" in qpv
    assert "CA du Douaisis (QN05902N) : Installer un conseil citoyen." in qpv  # an excerpt, attributed
    axes = text[text.index("Questions LCD et EFH", text.index("Bilans annuels")):]
    assert "Fiche hors du périmètre de l’évaluation pour Métropole Rives-Est" in axes
    assert "Lutte contre les discriminations" in axes and "Égalité entre les femmes et les hommes" in axes
    assert "CA du Douaisis : Permanence d’accès aux droits ouverte en 2021, 40 situations accompagnées." in axes
    assert "Réponse tapée avant" not in text


# ---------------------------------------------------------------- the workbook


def test_workbook_annual_reports(workbook):
    summary = {r["Territoire"]: r for r in _rows(workbook["Bilans annuels"])}
    a = summary["CA du Douaisis"]
    assert (a["Fiche"], a["Kit"], a["Années renseignées"], a["Première année"], a["Dernière année"]) == ("Renseignée", "1.2.0", 3, 2019, 2022)
    assert (a["Actions programmées : dernière valeur"], a["Actions programmées : année"],
            a["Actions programmées : évolution depuis sa première année"]) == (52, 2022, 12)
    assert a["Dont crédits de l'État (programme 147) (€) : année"] == 2021
    assert summary["Métropole Rives-Est"]["Actions programmées : évolution depuis sa première année"] is None
    assert summary["CC du Pays de Brume"]["Fiche"] == "Absente du kit 1.0.1"
    ws = workbook["Bilans annuels"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "CA du Douaisis")
    year = row[header.index("Dernière année")]
    assert isinstance(year.value, int) and year.number_format == "0"  # 2022, never « 2 022 »
    change = row[header.index("Actions programmées : évolution depuis sa première année")]
    assert change.number_format.startswith("+")

    years = [r for r in _rows(workbook["Bilans annuels par année"]) if r["Territoire"] == "CA du Douaisis"]
    assert [(r["Année du bilan"], r["Actions programmées"]) for r in years] == [(2019, 40), (2021, 47), (2022, 52)]
    assert years[0]["Commentaire sur l'année (changement de mode de calcul, données manquantes)"] == (
        "Chiffres transmis par [nom retiré] ([e-mail retiré]).")


def test_workbook_qpv_and_transversal_sheets(workbook):
    qpv = _rows(workbook["État des QPV"])
    mine = [r for r in qpv if r["Territoire"] == "CA du Douaisis"]
    assert [(r["Quartier n°"], r["Code du quartier"], r["Place dans la géographie prioritaire de 2024"], r["Population du quartier (habitant·es)"])
            for r in mine] == [(1, "QN05901M", "Maintenu avec un périmètre modifié", 4200), (2, "QN05902N", "Nouveau quartier prioritaire", 2100)]
    assert mine[0]["Année de ce chiffre"] == 2020
    others = {r["Territoire"]: r["Fiche"] for r in qpv if r["Territoire"] != "CA du Douaisis"}
    assert others == {"Métropole Rives-Est": "Non renseignée", "CC du Pays de Brume": "Absente du kit 1.0.1"}
    axes = {r["Territoire"]: r for r in _rows(workbook["Questions LCD et EFH"])}
    assert axes["Métropole Rives-Est"]["Fiche"] == "Hors du périmètre de l'évaluation"
    assert axes["CA du Douaisis"]["Quels effets observe-t-on pour les habitant·es, et qu'est-ce qui reste à faire ?"].startswith(
        "Permanence d'accès aux droits")
    assert len(axes) == 3


def test_nothing_personal_reaches_any_output(centre, text, workbook):
    cells = " ".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    data = repr(centre["data"].sheets)
    headers = " ".join(str(c.value) for ws in workbook.worksheets for c in ws[1])
    for leak in PERSONAL:
        assert leak not in data, leak
        assert leak not in text, leak
        assert leak not in cells, leak
    for label in ("Contact du ou de la référent", "Situations de familles", "Personne qui a rédigé"):
        assert label not in headers and label not in text


def test_cli_json_counts_each_sheet_territories_by_state(centre, tmp_path, capsys):
    import json

    from desktop_app.cli import main

    assert main(["export", "consolidation", "--db", str(centre["db"]), "--out", str(tmp_path / "v.xlsx"), "--json"]) == 0
    got = {s["tool_id"]: s for s in json.loads(capsys.readouterr().out)["sheets"]}
    assert got["bilans-annuels"] == {"tool_id": "bilans-annuels", "title": "Bilans annuels",
                                     "filled": 2, "not_filled": 0, "out_of_scope": 0, "not_in_kit": 1}
    assert (got["etat-qpv"]["filled"], got["etat-qpv"]["not_filled"], got["etat-qpv"]["not_in_kit"]) == (1, 1, 1)
    axes = got["questions-transversales"]
    assert (axes["title"], axes["filled"], axes["out_of_scope"], axes["not_in_kit"]) == ("Questions LCD et EFH", 1, 1, 1)
