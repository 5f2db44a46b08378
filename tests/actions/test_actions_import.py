"""Importing programmations as territories really have them: messy workbooks, a Windows CSV,
re-imports, a second year, and files that must be refused without importing anything."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest
from messy_files import cp1252_csv, messy_workbook, second_year_workbook

from desktop_app.services.base import ServiceError


def by_title(services, eid):
    return {a.title: a for a in services.actions.list(eid)}


def test_messy_workbook_is_read_as_a_person_would(services, evaluation_id, tmp_path):
    path = messy_workbook(tmp_path / "prog.xlsx")
    preview = services.actions.preview(path)
    plan = preview.plans[0]
    # two title rows, a blank row and a merged group header sit above the real header (row 5)
    assert plan.header_row == 4
    kinds = [t.kind for t in plan.mapping]
    assert kinds[:6] == ["file_number", "title", "carrier", "siret", "pillar", "qpv"]
    # the merged "Montants accordés (€)" over the funder columns gives four funder amounts
    assert [(t.kind, t.funder) for t in plan.mapping[6:10]] == [
        ("amount", "État"), ("amount", "Agglo"), ("amount", "Ville"), ("amount", "CAF")]
    assert kinds[10:] == ["total_cost", "beneficiaries", "beneficiaries_qpv"]
    assert plan.year == 2024  # from the sheet name

    report = services.actions.import_file(evaluation_id, path)
    actions = by_title(services, evaluation_id)
    assert report.imported == 7  # 5 actions of 2024 + 2 rows of the 2023 sheet
    assert report.new_actions == 5 and report.linked == 2
    assert set(actions) == {
        "Accompagnement à la scolarité", "Ateliers sociolinguistiques", "Médiation santé",
        "Jardins partagés des Hauts-Champs", "Chantier éducatif jeunes",
    }
    # amounts typed as "12 500 €" and "5 000,00" are read; 2023 is linked to the same action
    school = actions["Accompagnement à la scolarité"]
    assert school.years == (2023, 2024)
    assert school.amounts_by_funder == {"État": 12500 + 11000, "Agglo": 8000, "Ville": 5000 + 5000}
    # the pillar typed once in a cell merged down applies to the three actions under it
    assert actions["Médiation santé"].pillar == "Cohésion sociale"
    # a section row "PILIER 2 — …" merged across the table becomes the pillar of what follows
    assert actions["Chantier éducatif jeunes"].pillar == "Cadre de vie et renouvellement urbain"
    # missing SIRET stays empty; "environ 50" reads 50; "NC" leaves the value empty
    langue = actions["Ateliers sociolinguistiques"]
    assert langue.siret == ""
    assert langue.beneficiaries == 50
    assert langue.qpv_share is None
    assert langue.qpv == "QN05992I, QN05993M"
    assert actions["Jardins partagés des Hauts-Champs"].beneficiaries is None
    assert actions["Médiation santé"].qpv_share == pytest.approx(0.8)  # "80 %"
    assert actions["Chantier éducatif jeunes"].qpv_share == pytest.approx(1.0)  # 45 of 45

    text = "\n".join(report.errors)
    assert "Feuille « Programmation 2024 », ligne 10 : ligne de total (« Sous-total pilier 1 »)" in text
    assert "ligne 16 : ligne de total (« TOTAL GÉNÉRAL »)" in text
    assert "ligne 6 : intertitre « PILIER 1 — COHÉSION SOCIALE »" in text
    assert "ligne 8 : bénéficiaires : « environ 50 » : valeur approchée, lue 50" in text
    assert "« NC » (non communiqué) : laissé vide" in text
    assert "Feuille « Notes » : aucune ligne d'en-tête reconnue" in text
    # totals and section titles are structure, never counted; every data row is imported
    assert report.skipped == 0 and report.totals_rows == (10, 16)
    assert report.sections == ("Cohésion sociale", "Cadre de vie et renouvellement urbain")
    # 2024: 68 500 € (pillar 1) + 45 500 € (pillar 2); 2023: 30 000 €
    assert (report.amount_file, report.amount_imported, report.amount_left_out) == (144000, 144000, 0)
    assert report.warnings == ()


def test_reimporting_the_same_file_updates_and_never_duplicates(services, evaluation_id, tmp_path):
    path = messy_workbook(tmp_path / "prog.xlsx")
    services.actions.import_file(evaluation_id, path)
    ids = {a.title: a.id for a in services.actions.list(evaluation_id)}
    again = services.actions.import_file(evaluation_id, path)
    assert (again.imported, again.updated, again.unchanged) == (0, 7, 7)
    assert {a.title: a.id for a in services.actions.list(evaluation_id)} == ids

    # the file is corrected: an amount changes, the row is updated in place
    wb = openpyxl.load_workbook(path)
    wb["Programmation 2024"]["G7"] = "13 000 €"
    wb.save(path)
    third = services.actions.import_file(evaluation_id, path)
    assert (third.imported, third.updated, third.unchanged) == (0, 7, 6)
    school = by_title(services, evaluation_id)["Accompagnement à la scolarité"]
    assert school.amounts_by_funder["État"] == 13000 + 11000
    assert len(services.actions.list(evaluation_id)) == 5


def test_second_year_links_recurring_actions(services, evaluation_id, tmp_path):
    services.actions.import_file(evaluation_id, messy_workbook(tmp_path / "p2024.xlsx"))
    report = services.actions.import_file(evaluation_id, second_year_workbook(tmp_path / "p2025.xlsx"))
    assert (report.imported, report.new_actions, report.linked) == (3, 1, 2)
    actions = by_title(services, evaluation_id)
    assert actions["Accompagnement à la scolarité"].years == (2023, 2024, 2025)
    assert actions["Chantier éducatif jeunes"].years == (2024, 2025)
    assert actions["Café des parents"].years == (2025,)
    # the grid's recurrence criterion counts the years
    grid = services.actions.grid(evaluation_id)
    assert grid.row(actions["Accompagnement à la scolarité"].id).scores["recurrence"].value == 2


def test_windows_csv_with_semicolons(services, evaluation_id, tmp_path):
    path = cp1252_csv(tmp_path / "programmation.csv")
    preview = services.actions.preview(path)
    assert "Windows-1252" in preview.format and "point-virgule" in preview.format
    report = services.actions.import_file(evaluation_id, path)
    actions = by_title(services, evaluation_id)
    assert report.imported == 3
    assert set(actions) == {"Permanences d'accès aux droits", "Fête de quartier « Bois Fleuri »", "Coup de pouce emploi femmes"}
    femmes = actions["Coup de pouce emploi femmes"]
    assert femmes.carrier == "Élan Solidaire"
    assert femmes.amounts_by_funder == {"État": 9000, "Ville": 3000.5}
    assert femmes.years == (2024,)  # from the title row "Programmation 2024"
    assert actions["Fête de quartier « Bois Fleuri »"].qpv == "Le Faubourg — Bois Fleuri"
    assert any("ligne de total" in e for e in report.errors)


def test_utf8_csv_with_commas_and_bom(services, evaluation_id, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('\ufeffIntitulé,Porteur,Montant accordé\n"Atelier cuisine, santé",Centre social,"1 500,00 €"\n', encoding="utf-8")
    report = services.actions.import_file(evaluation_id, path)
    assert report.imported == 1
    action = services.actions.list(evaluation_id)[0]
    assert action.title == "Atelier cuisine, santé"
    assert action.budget == 1500


def test_one_row_per_funder_is_merged_into_one_action(services, evaluation_id, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["N° dossier", "Intitulé", "Porteur", "Financeur", "Montant accordé"])
    ws.append(["D1", "Médiation", "Citéo", "État", "20 000"])
    ws.append(["D1", "Médiation", "Citéo", "Ville", 5000])
    ws.append(["D2", "Sport", "Club", "État", 3000])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    report = services.actions.import_file(evaluation_id, path)
    assert report.imported == 2
    assert by_title(services, evaluation_id)["Médiation"].amounts_by_funder == {"État": 20000, "Ville": 5000}
    assert any("montants ajoutés" in e for e in report.errors)
    assert (report.rows_read, report.merged, report.amount_file, report.amount_imported) == (3, 1, 28000, 28000)
    # once the action is deleted in the app, both of its rows are left out with their amounts
    services.actions.delete_action(by_title(services, evaluation_id)["Médiation"].id)
    again = services.actions.import_file(evaluation_id, path)
    assert [(o.row, o.amount) for o in again.left_out] == [(2, 20000), (3, 5000)]
    assert (again.merged, again.updated, again.skipped, again.amount_imported) == (0, 1, 2, 3000)


def test_duplicate_row_in_a_wide_file_is_skipped_with_its_reason(services, evaluation_id, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["N° dossier", "Intitulé", "Porteur", "Montant État"])
    ws.append(["D1", "Médiation", "Citéo", 20000])
    ws.append(["D1", "Médiation", "Citéo", 20000])
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    report = services.actions.import_file(evaluation_id, path)
    assert (report.imported, report.skipped) == (1, 1)
    assert "Ligne 3 : doublon de la ligne 2" in report.errors[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.xlsx", b"", "est vide"),
        ("notes.csv", "Compte rendu de réunion\nRien à voir avec la programmation.\n".encode(), "aucune ligne d'en-tête reconnue"),
        ("scan.xlsx", b"%PDF-1.4\n%\xe2\xe3\n", "PDF"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "Excel 97-2003"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "n'est pas un tableur"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_imported(services, evaluation_id, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ServiceError) as err:
        services.actions.import_file(evaluation_id, path)
    text = str(err.value)
    assert name in text and message in text
    assert "Aucune action n'a été importée" in text
    assert services.actions.list(evaluation_id) == []


def test_damaged_opendocument_and_empty_workbooks_are_refused(services, evaluation_id, tmp_path):
    ods = tmp_path / "prog.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ServiceError, match="OpenDocument"):
        services.actions.import_file(evaluation_id, ods)
    empty = tmp_path / "vide.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(ServiceError, match="ne contient aucune donnée"):
        services.actions.import_file(evaluation_id, empty)
    assert services.actions.list(evaluation_id) == []


def test_a_header_without_any_action_row_imports_nothing(services, evaluation_id, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Intitulé de l'action", "Porteur", "Montant État"])
    ws.append(["TOTAL", None, 1000])
    path = tmp_path / "rien.xlsx"
    wb.save(path)
    with pytest.raises(ServiceError, match="aucune action importable"):
        services.actions.import_file(evaluation_id, path)


def test_hand_corrections_survive_a_reimport_and_deleted_actions_stay_deleted(services, evaluation_id, tmp_path):
    path = messy_workbook(tmp_path / "prog.xlsx")
    services.actions.import_file(evaluation_id, path)
    actions = by_title(services, evaluation_id)
    services.actions.update_action(actions["Médiation santé"].id, "title", "Médiation santé (ASV)")
    services.actions.delete_action(actions["Jardins partagés des Hauts-Champs"].id)
    report = services.actions.import_file(evaluation_id, path)
    titles = set(by_title(services, evaluation_id))
    assert "Médiation santé (ASV)" in titles and "Médiation santé" not in titles
    assert "Jardins partagés des Hauts-Champs" not in titles
    assert any("action supprimée dans l'application : non réimportée" in e for e in report.errors)
    # the deleted action's row is left out with its amount (4 000 + 3 000 + 1 000), and every row is counted
    assert [(o.row, o.amount) for o in report.left_out] == [(13, 8000)]
    assert report.amount_imported + report.amount_left_out == report.amount_file == 144000
    assert report.rows_read == report.imported + report.updated + report.merged + report.skipped == 7


def test_mapping_confirmed_by_the_user_is_used(services, evaluation_id, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Intitulé", "Qui porte ?", "Montant 2024"])
    ws.append(["Atelier vélo", "Vélo Solidaire", "2 500 €"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    preview = services.actions.preview(path)
    plan = preview.plans[0]
    assert plan.mapping[1].kind == "ignore"  # "Qui porte ?" says nothing the app knows
    from desktop_app.core.programmation import Target

    plan.mapping[1] = Target("carrier")
    plan.mapping[2] = Target("amount", "État")
    services.actions.import_file(evaluation_id, path, preview.plans)
    action = services.actions.list(evaluation_id)[0]
    assert action.carrier == "Vélo Solidaire"
    assert action.amounts_by_funder == {"État": 2500}


def test_report_as_json(services, evaluation_id, tmp_path):
    report = services.actions.import_file(evaluation_id, cp1252_csv(tmp_path / "p.csv"))
    data = json.loads(json.dumps(report.as_json()))
    assert {"header_row", "sheet", "mapping", "sections", "totals_rows", "rows_read", "imported", "updated",
            "skipped", "amount_file", "amount_imported", "amount_left_out", "left_out", "warnings"} <= set(data)
    assert data["imported"] == 3 and data["skipped"] == 0 and data["totals_rows"] == [8]
    assert data["header_row"] == 3 and data["mapping"]["title"] == "Intitulé de l'action"
    # 7 500 + 2 500 + 1 200 + 9 000 + 3 000,50 ("NC" imported without an amount)
    assert (data["amount_file"], data["amount_imported"], data["amount_left_out"]) == (23200.5, 23200.5, 0)


def test_a_file_number_already_used_by_another_action_is_not_overwritten(services, evaluation_id, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("N° dossier;Intitulé;Porteur;Montant État\n2024-0001;Atelier théâtre;Compagnie du Faubourg;5000\n", encoding="utf-8")
    other = tmp_path / "b.csv"
    other.write_text("N° dossier;Intitulé;Porteur;Montant État\n2024-0001;Jardins partagés;Régie de quartier;3000\n"
                     "2024-0002;Café des parents;Centre social;1000\n", encoding="utf-8")
    services.actions.import_file(evaluation_id, first)
    report = services.actions.import_file(evaluation_id, other)
    assert (report.imported, report.updated, report.skipped) == (1, 0, 1)
    assert "le n° de dossier « 2024-0001 » est déjà celui de « Atelier théâtre » (Compagnie du Faubourg)" in report.errors[0]
    assert sorted(a.title for a in services.actions.list(evaluation_id)) == ["Atelier théâtre", "Café des parents"]
    # a retouched title of the same dossier is an update, not a new action
    retouched = tmp_path / "c.csv"
    retouched.write_text("N° dossier;Intitulé;Porteur;Montant État\n2024-0001;Atelier de théâtre;Cie du Faubourg;5000\n", encoding="utf-8")
    assert services.actions.import_file(evaluation_id, retouched).updated == 1
    assert sorted(a.title for a in services.actions.list(evaluation_id)) == ["Atelier de théâtre", "Café des parents"]
