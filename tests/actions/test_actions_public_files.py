"""Importing subsidy tables in the shapes French local authorities publish them: every data row
accounted for, the amounts reconciled to the cent, the header found by evidence, re-imports that
add nothing. Figures are those a reader of the file would check with a calculator."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from public_files import (
    ccas_list_csv,
    grouped_headers_workbook,
    huge_dimension_workbook,
    old_scdl_csv,
    scdl_csv,
    siret,
    themed_sections_workbook,
)

from desktop_app.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "actions"


def by_title(services, eid):
    return {a.title: a for a in services.actions.list(eid)}


def reconciled(report) -> tuple[Decimal, Decimal, Decimal]:
    return report.amount_file, report.amount_imported, report.amount_left_out


def test_themed_sections_with_totals(services, evaluation_id, tmp_path):
    path = themed_sections_workbook(tmp_path / "subventions 2023.xlsx")
    report = services.actions.import_file(evaluation_id, path)
    data = report.as_json()
    assert data["header_row"] == 4
    assert data["mapping"]["carrier"] == "Association (santé)" and data["mapping"]["title"] == "Objet"
    assert data["sections"] == ["Santé", "Culture"]
    assert data["totals_rows"] == [7, 13, 14]  # "Total santé", "Total culture", "TOTAL GÉNÉRAL": never counted
    assert reconciled(report) == (Decimal("26000.50"), Decimal("26000.50"), 0)
    assert (report.rows_read, report.imported, report.skipped) == (5, 5, 0)
    actions = by_title(services, evaluation_id)
    # the theme in the section's header becomes the pillar (the file has no pillar column)
    assert actions["Prévention et dépistage"].pillar == "Santé"
    assert actions["Festival de quartier"].pillar == "Culture"
    # a row without object is imported with a built title, and said so
    assert actions["Subvention — Cinéma Le Méliès"].budget == 2500
    # "NC" is imported with no amount, and listed
    assert actions["Concerts de printemps"].budget in (0, None)
    assert any("ligne 12 (« NC »)" in w for w in report.warnings)
    assert any("sans intitulé" in w and "ligne 11" in w for w in report.warnings)

    again = services.actions.import_file(evaluation_id, path)
    assert (again.imported, again.updated, again.unchanged) == (0, 5, 5)
    assert len(services.actions.list(evaluation_id)) == 5


def test_a_data_row_full_of_header_words_is_not_the_header(services, evaluation_id, tmp_path):
    path = ccas_list_csv(tmp_path / "concours 2022.csv")
    preview = services.actions.preview(path)
    assert preview.plans[0].header_row == 2  # "Nom de l'organisme…", not "CENTRE COMMUNAL D'ACTION SOCIALE"
    report = services.actions.import_file(evaluation_id, path)
    assert reconciled(report) == (Decimal(19256523), Decimal(19256523), 0)
    assert report.reconciliation() == "19\u202f256\u202f523 € dans le fichier · 19\u202f256\u202f523 € importés · 0 € écartés"
    assert (report.imported, report.skipped) == (5, 0)
    actions = by_title(services, evaluation_id)
    ccas = actions["Fonctionnement — CENTRE COMMUNAL D'ACTION SOCIALE"]
    assert ccas.carrier == "CENTRE COMMUNAL D'ACTION SOCIALE" and ccas.budget == 12_350_000
    assert ccas.years == (2022,)  # from the title row
    assert "Subvention — ASSOCIATION PROJET DE TERRITOIRE NORD" in actions  # no nature: "Subvention"


def test_scdl_camel_case(services, evaluation_id, tmp_path):
    path = scdl_csv(tmp_path / "subventions-scdl.csv")
    report = services.actions.import_file(evaluation_id, path)
    data = json.loads(json.dumps(report.as_json()))
    assert data["header_row"] == 1
    m = data["mapping"]
    assert (m["carrier"], m["siret"], m["title"], m["funder"], m["year"]) == (
        "nomBeneficiaire", "idBeneficiaire", "objet", "nomAttribuant", "dateConvention")
    assert m["amount"] == [{"column": "montant", "funder": ""}]
    # 15 000 + 8 000 + 5 000 + 2 500 + 1 200 + 1 200 (duplicate) + 7 000,50
    assert (data["amount_file"], data["amount_imported"], data["amount_left_out"]) == (39900.5, 38700.5, 1200)
    assert data["left_out"] == [{"sheet": "subventions-scdl", "row": 7, "amount": 1200,
                                 "reason": "doublon de la ligne 6 (identique dans toutes les colonnes importées)"}]
    assert (data["rows_read"], data["imported"], data["skipped"]) == (7, 6, 1)
    actions = by_title(services, evaluation_id)
    # the same beneficiary the same year for two objects: two actions
    scolarite, asl = actions["Accompagnement à la scolarité"], actions["Ateliers sociolinguistiques"]
    assert scolarite.carrier == asl.carrier == "Centre social des Trois Cités"
    assert scolarite.amounts_by_funder == {"Ville de Saint-Aubin": 15000}
    # the beneficiary's SIRET, never the funder's; "…0.0" repaired
    assert scolarite.siret == siret("7846716950008")
    regie = actions["Chantier d'insertion"]
    assert regie.siret == siret("4430618410004")
    # the same object twice for two amounts: two subsidies, both counted
    assert regie.budget == 7500 and regie.years == (2023,)
    assert not report.warnings

    again = services.actions.import_file(evaluation_id, path)
    assert (again.imported, again.updated, again.unchanged, again.skipped) == (0, 6, 6, 1)
    assert by_title(services, evaluation_id)["Chantier d'insertion"].budget == 7500


def test_old_scdl_with_bom_then_windows_bytes(services, evaluation_id, tmp_path):
    path = old_scdl_csv(tmp_path / "subventions_2021.csv")
    preview = services.actions.preview(path)
    assert "Windows-1252 précédé d'un BOM UTF-8" in preview.format
    report = services.actions.import_file(evaluation_id, path)
    data = report.as_json()
    assert data["header_row"] == 1 and data["totals_rows"] == [6]
    assert data["mapping"]["siret"] == "ATTRIB_SIRET" and data["mapping"]["funder"] == "COLL_NOM"
    assert reconciled(report) == (Decimal(4410), Decimal(4410), 0)
    assert report.imported == 4
    actions = by_title(services, evaluation_id)
    classes = actions["Classes découvertes école Jean-Moulin"]  # a quoted object on two lines
    assert (classes.carrier, classes.siret, classes.years) == ("Amicale laïque", siret("5002345670001"), (2021,))
    assert classes.amounts_by_funder == {"Commune de Bellevue": 3210}
    # "SEM" and "NC": imported without an amount, and listed
    assert "Gestion du marché" in actions and "Échanges scolaires" in actions
    assert any("lignes 3 (« SEM »), 5 (« NC »)" in w for w in report.warnings)


def test_explicit_pillar_column_under_a_merged_group_header_wins(services, evaluation_id, tmp_path):
    path = grouped_headers_workbook(tmp_path / "programmation.xlsx")
    preview = services.actions.preview(path)
    plan = preview.plans[0]
    assert plan.header_row == 2
    assert [t.kind for t in plan.mapping] == ["file_number", "title", "pillar", "carrier", "amount", "amount"]
    assert [t.funder for t in plan.mapping[4:]] == ["État", "Ville"]
    report = services.actions.import_file(evaluation_id, path)
    assert reconciled(report) == (Decimal(41000), Decimal(41000), 0)
    assert report.totals_rows == (9,)
    actions = by_title(services, evaluation_id)
    assert actions["Coup de pouce emploi"].pillar == "Emploi et développement économique"
    assert actions["Réussite éducative"].pillar == "Cohésion sociale"  # not the theme row "ÉDUCATION"


@pytest.mark.parametrize("name", ["sections_themes.ods", "sections_themes.xls"])
def test_opendocument_and_excel_97_files(services, evaluation_id, name):
    report = services.actions.import_file(evaluation_id, FIXTURES / name)
    assert report.as_json()["header_row"] == 4 and report.totals_rows == (7, 13, 14)
    assert reconciled(report) == (Decimal("26000.50"), Decimal("26000.50"), 0)
    assert report.sections == ("Santé", "Culture")


@pytest.mark.parametrize("name", ["entetes_groupes.ods", "entetes_groupes.xls"])
def test_grouped_headers_in_other_formats(services, evaluation_id, name):
    report = services.actions.import_file(evaluation_id, FIXTURES / name)
    assert report.as_json()["header_row"] == 3
    assert reconciled(report) == (Decimal(41000), Decimal(41000), 0)
    assert by_title(services, evaluation_id)["Réussite éducative"].pillar == "Cohésion sociale"


def test_a_sheet_declared_down_to_row_1048576_is_read_quickly(services, evaluation_id, tmp_path):
    path = huge_dimension_workbook(tmp_path / "grande.xlsx")
    preview = services.actions.preview(path)
    # the reader stops after the run of empty rows instead of walking a million of them
    assert len(preview.sheets[0].rows) == 301
    report = services.actions.import_file(evaluation_id, path, dry_run=True)
    assert (report.imported, report.amount_file, report.amount_imported) == (300, 300_000, 300_000)
    assert services.actions.list(evaluation_id) == []  # a dry run writes nothing


def test_left_out_rows_are_listed_with_their_amount_and_warned_over_five_percent(services, evaluation_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(
        "Intitulé;Porteur;Montant accordé\n"
        "Atelier vélo;Vélo solidaire;9 000\n"
        ";;1 000\n"  # an amount with neither title nor carrier, not a total of the rows above
        "Atelier vélo;Vélo solidaire;9 000\n",  # identical: a duplicate
        encoding="utf-8")
    report = services.actions.import_file(evaluation_id, path)
    assert reconciled(report) == (Decimal(19000), Decimal(9000), Decimal(10000))
    assert [(o.row, o.amount) for o in report.left_out] == [(3, 1000), (4, 9000)]
    assert "ni intitulé d'action ni porteur" in report.left_out[0].reason
    assert any("sont écartés" in w and "52,6 %" in w for w in report.warnings)


def test_an_unlabelled_total_is_recognised(services, evaluation_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("Intitulé;Porteur;Montant accordé\nA;X;1 000\nB;Y;2 500,25\n;;3 500,25\n", encoding="utf-8")
    report = services.actions.import_file(evaluation_id, path)
    assert report.totals_rows == (4,) and reconciled(report) == (Decimal("3500.25"), Decimal("3500.25"), 0)


def test_tab_separated_latin1_text_file(services, evaluation_id, tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("Intitulé\tOpérateur\tSubvention État\nÉté des quartiers\tMJC\t4 500\n".encode("latin-1"))
    report = services.actions.import_file(evaluation_id, path)
    assert "tabulation" in services.actions.preview(path).format
    assert reconciled(report) == (4500, 4500, 0)
    assert by_title(services, evaluation_id)["Été des quartiers"].amounts_by_funder == {"État": 4500}


def test_a_file_with_too_many_rows_is_refused(services, evaluation_id, tmp_path, monkeypatch):
    from desktop_app.services import spreadsheet_read
    from desktop_app.services.base import ServiceError

    monkeypatch.setattr(spreadsheet_read, "MAX_ROWS", 50)
    with pytest.raises(ServiceError, match="contient plus de 50 lignes remplies"):
        services.actions.import_file(evaluation_id, huge_dimension_workbook(tmp_path / "g.xlsx", rows=60))
    monkeypatch.setattr(spreadsheet_read, "MAX_BYTES", 100)
    with pytest.raises(ServiceError, match="c'est trop pour un tableau à importer"):
        services.actions.import_file(evaluation_id, scdl_csv(tmp_path / "s.csv"))
    assert services.actions.list(evaluation_id) == []


def test_cli_options_dry_run_and_json_on_failure(db_path, evaluation_id, tmp_path, capsys):
    db = str(db_path)
    path = themed_sections_workbook(tmp_path / "subventions.xlsx")
    args = ["import", "actions", str(path), "--db", db, "--json"]
    assert main([*args, "--dry-run", "--header-row", "4", "--map", "description=Objet", "--map", "intitule=A"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True and data["header_row"] == 4
    assert data["mapping"]["title"] == "Association (santé)" and data["mapping"]["description"] == "Objet"
    assert "carrier" not in data["mapping"]
    assert (data["amount_file"], data["amount_imported"]) == (26000.5, 26000.5)

    assert main([*args, "--sheet", "Feuil9"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert "n'a pas de feuille « Feuil9 » (feuilles : Subventions 2023)" in out["error"]
    assert main([*args, "--map", "porteur=Colonne inconnue"]) == 1
    captured = capsys.readouterr()
    assert "pas de colonne « Colonne inconnue »" in json.loads(captured.out)["error"]
    assert "Traceback" not in captured.err and "Aucune action n'a été importée" in captured.err

    assert main(["import", "actions", str(path), "--db", db]) == 0
    text = capsys.readouterr().out
    assert "26\u202f000,50 € dans le fichier · 26\u202f000,50 € importés · 0 € écartés" in text

    # headings the app does not know: the user says where the header is and what each column holds
    odd = tmp_path / "odd.csv"
    odd.write_text("Qui;Quoi;Combien\nAsso du Moulin;Atelier couture;1 000\n", encoding="utf-8")
    assert main(["import", "actions", str(odd), "--db", db, "--json"]) == 1
    assert "aucune ligne d'en-tête reconnue" in json.loads(capsys.readouterr().out)["error"]
    assert main(["import", "actions", str(odd), "--db", db, "--json", "--header-row", "1", "--map", "porteur=Qui",
                 "--map", "intitule=Quoi", "--map", "montant=C"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mapping"]["carrier"] == "Qui" and (data["imported"], data["amount_imported"]) == (1, 1000)


def test_cli_sheet_option(db_path, evaluation_id, tmp_path, capsys):
    from messy_files import messy_workbook

    path = messy_workbook(tmp_path / "prog.xlsx")
    assert main(["import", "actions", str(path), "--db", str(db_path), "--json", "--sheet", "Programmation 2023"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["sheet"], data["header_row"], data["imported"], data["amount_file"]) == ("Programmation 2023", 1, 2, 30000)
    assert main(["import", "actions", str(path), "--db", str(db_path), "--sheet", "Notes"]) == 1
    assert "aucune ligne d'en-tête reconnue dans la feuille « Notes »" in capsys.readouterr().err


def test_a_table_that_does_not_start_at_a1_keeps_its_row_and_column_numbers(services, evaluation_id, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "Programmation 2024"
    ws.merge_cells("C3:E3")
    for col, (head, value) in zip("CDE", [("Intitulé", "Atelier couture"), ("Porteur", "Asso du Moulin"),
                                           ("Montant accordé", 1500)], strict=True):
        ws[f"{col}5"], ws[f"{col}6"] = head, value
    path = tmp_path / "decale.xlsx"
    wb.save(path)
    report = services.actions.import_file(evaluation_id, path)
    assert report.as_json()["header_row"] == 5 and report.left_out == ()
    assert reconciled(report) == (1500, 1500, 0)
    assert by_title(services, evaluation_id)["Atelier couture"].years == (2024,)


def _mapping(rows):
    from desktop_app.core.programmation_headers import (
        column_values,
        detect_header,
        header_parts,
        propose_mapping,
    )

    guess = detect_header(rows)
    labels, subs = header_parts(rows, guess.row)
    columns = [column_values(rows, guess.row + 1, c) for c in range(len(labels))]
    return guess.row, [t.kind for t in propose_mapping(labels, columns, subs)]


def test_dauphin_export_header_and_one_granted_amount():
    rows = [
        ["Extraction DAUPHIN du 03/02/2024"], [],
        ["Code dossier", "Libellé du dossier", "Raison sociale", "SIRET", "Montant sollicité", "Montant proposé",
         "Montant attribué", "Thématique", "Quartier(s)", "Statut"],
        ["24-00123", "Atelier numérique", "Centre social Nord", "78467169500087", "12 000", "10 000", "10 000",
         "Numérique", "QN05991M", "Soldé"],
    ]
    # "proposé" and "attribué" would count the money twice: the granted one is the amount
    assert _mapping(rows) == (2, ["file_number", "title", "carrier", "siret", "requested", "requested", "amount",
                                  "pillar", "qpv", "ignore"])


def test_a_row_whose_amount_reads_as_a_number_is_never_the_header():
    rows = [
        ["Subventions versées en 2022"],
        ["CENTRE COMMUNAL D'ACTION SOCIALE", "Action sociale du territoire", "12 350 000 €"],
        ["Caisse des écoles", "Projet éducatif", "4 200 000 €"],
    ]
    from desktop_app.core.programmation_headers import detect_header

    assert detect_header(rows) is None  # no header at all: the user is asked for it, no data row is taken


def test_scdl_funder_siret_is_never_the_carrier_siret():
    rows = [["COLL_NOM", "COLL_SIRET", "ATTRIB_NOM", "SUB_OBJET", "SUB_MONTANT"],
            ["Ville", "21860194600013", "Asso", "Objet", "1 000"]]
    assert _mapping(rows) == (0, ["funder", "ignore", "carrier", "title", "amount"])


def test_a_reconciliation_that_does_not_balance_is_a_warning():
    from desktop_app.core.programmation_rows import FileReading, RowOutcome
    from desktop_app.services.actions_import import reading_warnings

    reading = FileReading([RowOutcome("F", 2, "skipped", "doublon", None, Decimal("100.00"))], {})
    warnings = reading_warnings(reading, Decimal(0), Decimal("99.99"), False, True)
    assert any("ne tombe pas juste" in w and "écart de 0,01 €" in w for w in warnings)


def test_data_rows_above_a_header_set_too_low_are_listed_not_lost(services, evaluation_id, tmp_path):
    from desktop_app.core.programmation import Target
    from desktop_app.core.programmation_rows import plan_for_header

    path = ccas_list_csv(tmp_path / "concours 2022.csv")
    preview = services.actions.preview(path)
    plan = plan_for_header(preview.sheets[0], 4, path.name)  # a user picks row 5, a data row, as header
    plan.mapping = [Target("carrier"), Target("nature"), Target("amount", "Ville")]
    report = services.actions.import_file(evaluation_id, path, [plan], dry_run=True)
    assert reconciled(report) == (Decimal(19256523), Decimal(85000 + 640000 + 1981523), Decimal(12350000 + 4200000))
    assert [(o.row, o.amount) for o in report.left_out] == [(4, 12350000), (5, 4200000)]
    assert report.left_out[0].reason.startswith("au-dessus de la ligne d'en-tête")
    assert report.left_out[1].reason.startswith("ligne choisie comme en-tête alors qu'elle contient un montant")


def test_year_headings_over_amount_columns_are_not_data(services, evaluation_id, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Intitulé", "Porteur", 2023, 2024])
    wb.active.append(["Atelier", "Asso", 1000, 1200])
    path = tmp_path / "annees.xlsx"
    wb.save(path)
    preview = services.actions.preview(path)
    from desktop_app.core.programmation import Target

    preview.plans[0].mapping[2:] = [Target("amount", "2023"), Target("amount", "2024")]
    report = services.actions.import_file(evaluation_id, path, preview.plans)
    assert reconciled(report) == (2200, 2200, 0) and report.left_out == ()


def test_a_long_scdl_object_fits_the_title_and_is_kept_whole_in_the_description(services, evaluation_id, tmp_path):
    objet = "Soutien au fonctionnement de l'association pour ses actions d'accompagnement " * 12
    path = tmp_path / "scdl.csv"
    path.write_text(f"nomBeneficiaire;objet;montant\nAsso du Moulin;{objet};1000\n", encoding="utf-8")
    report = services.actions.import_file(evaluation_id, path)
    action = services.actions.list(evaluation_id)[0]
    assert len(action.title) == 400 and action.title.endswith("…")
    assert action.description == objet.strip()
    assert any("intitulé de plus de 400 caractères : raccourci" in e for e in report.errors)
    assert services.actions.import_file(evaluation_id, path).imported == 0  # same key next time
