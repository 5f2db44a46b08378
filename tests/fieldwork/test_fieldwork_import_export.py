"""Importing the list of commitments (all or nothing, French messages), the Excel export that
honours consent, the CLI commands and the demo."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from desktop_app.cli import main
from desktop_app.core.fieldwork_import import CommitmentImportError, parse_commitments
from desktop_app.services.base import ServiceError


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


MESSY = [
    ["Avenant au contrat de ville — liste des 50 engagements", None, None, None, None],
    [None, None, None, None, None],
    ["N°", "Intitulé de l'engagement", "Pilote", "Statut", "Échéance"],
    [1, "Tenir deux COPIL par an", "Agglomération", "Réalisé", date(2026, 12, 31)],
    [2.0, "Créer un comité des financeurs", "Préfecture", "non engagé", "12/2027"],
    [None, None, None, None, None],
    ["3", "Former les conseillers citoyens", "", "", ""],
]


def test_parse_finds_the_header_below_a_title():
    rows = parse_commitments(MESSY)
    assert [r.line for r in rows] == [4, 5, 7]
    assert rows[0].values == {
        "number": "1",
        "title": "Tenir deux COPIL par an",
        "pilot": "Agglomération",
        "status": "realise",
        "due_date": "2026-12-31",
    }
    assert rows[1].values["number"] == "2" and rows[1].values["due_date"] == "2027-12-31"
    assert rows[1].values["status"] == "non_engage"
    assert rows[2].values["status"] == "" and rows[2].values["due_date"] == ""


def test_parse_reports_every_problem_with_line_numbers():
    bad = [
        ["N°", "Intitulé", "Statut", "Échéance"],
        [1, "Un", "Fini ?", ""],
        [1, "Deux", "", "bientôt"],
        [3, "", "", ""],
    ]
    with pytest.raises(CommitmentImportError) as err:
        parse_commitments(bad)
    text = str(err.value)
    assert text.startswith("Aucun engagement n'a été importé")
    assert "ligne 2 : statut « Fini ? » inconnu" in text
    assert "ligne 3 : échéance « bientôt » illisible" in text
    assert "ligne 3 : le numéro « 1 » est déjà utilisé ligne 2" in text
    assert "ligne 4 : l'intitulé de l'engagement est vide" in text
    with pytest.raises(CommitmentImportError, match="en-tête"):
        parse_commitments([["a", "b"], ["c", "d"]])
    with pytest.raises(CommitmentImportError, match="aucun engagement"):
        parse_commitments([["Intitulé"]])


def test_import_xlsx_then_csv_updates_by_number(services, evaluation_id, tmp_path):
    commitments_service = services.commitments
    report = commitments_service.import_commitments(evaluation_id, _xlsx(tmp_path / "liste.xlsx", MESSY))
    assert (report.added, report.updated) == (3, 0)
    commitments_service.update_commitment(commitments_service.commitments(evaluation_id)[2].id, "evidence", "Plan de formation 2026")
    csv_path = tmp_path / "maj.csv"
    csv_path.write_text(
        "N°;Statut;Intitulé;Preuves\n3;En cours;Former les conseillers citoyens;\n4;;Nouveau;\n",
        encoding="cp1252",
    )
    report = commitments_service.import_commitments(evaluation_id, csv_path)
    assert (report.added, report.updated) == (1, 1)
    rows = {c.number: c for c in commitments_service.commitments(evaluation_id)}
    assert rows["3"].status == "en_cours"
    assert rows["3"].evidence == "Plan de formation 2026"  # an empty cell keeps what was typed
    assert commitments_service.commitment_summary(evaluation_id).total == 4
    # the kit tool's answer mirrors the table
    answers = commitments_service.commitments_response(evaluation_id).answers
    assert [i["intitule"] for i in answers["engagements"]][-1] == "Nouveau"


def test_a_bad_file_imports_nothing(services, evaluation_id, tmp_path):
    commitments_service = services.commitments
    bad = _xlsx(
        tmp_path / "bad.xlsx",
        [["N°", "Intitulé", "Statut"], [1, "Bon", "Réalisé"], [2, "Mauvais", "Peut-être"]],
    )
    with pytest.raises(ServiceError, match="« bad.xlsx » : Aucun engagement n'a été importé"):
        commitments_service.import_commitments(evaluation_id, bad)
    assert commitments_service.commitments(evaluation_id) == []
    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("pas un classeur")
    with pytest.raises(ServiceError, match="n'est pas un classeur Excel lisible"):
        commitments_service.import_commitments(evaluation_id, not_excel)
    with pytest.raises(ServiceError, match="97-2003"):
        commitments_service.import_commitments(evaluation_id, _touch(tmp_path / "old.xls"))
    with pytest.raises(ServiceError, match="introuvable"):
        commitments_service.import_commitments(evaluation_id, tmp_path / "absent.csv")


def _touch(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    return path


def _seed(services, eid):
    workshops_service = services.workshops
    terrain_service = services.terrain
    commitments_service = services.commitments
    wid = workshops_service.create_workshop(eid, "guide-conseils-citoyens").id
    workshops_service.update_workshop(wid, "named_attendance", True)
    workshops_service.update_workshop(wid, "attendance", [{"name": "Jeanne Martin", "organisation": "Conseil citoyen"}])
    workshops_service.update_workshop(wid, "participants", {"conseillers_citoyens": 9})
    workshops_service.update_workshop(wid, "facilitators", "Élodie Vasseur (animation)")
    services.forms.set_answer(
        workshops_service.workshop(wid).response_id, "forces", "Un conseil très investi, joignable au 06 12 34 56 78"
    )
    ok = terrain_service.create_testimony(eid).id
    refused = terrain_service.create_testimony(eid).id
    pending = terrain_service.create_testimony(eid, "contribution").id
    for tid, use, text in (
        (ok, True, "Le bus passe une fois par mois."),
        (refused, False, "Secret"),
        (pending, None, "Avis"),
    ):
        if use is not None:
            terrain_service.set_testimony_answer(tid, "consentement_utilisation", use)
        terrain_service.set_testimony_answer(tid, "texte_temoignage", text)
    commitments_service.add_commitment(eid, {"title": "Tenir deux COPIL", "status": "realise"})
    return ok


def test_the_exporter_writes_the_plain_data_it_is_given(services, evaluation_id, tmp_path):
    """The services read the steps into plain data; the exporter writes that data and applies the
    consent rule to it (a testimony left out of the data is not in the file either)."""
    from dataclasses import replace

    from desktop_app.exports.fieldwork_xlsx import export_fieldwork

    _seed(services, evaluation_id)
    data = services.terrain.workbook(evaluation_id)
    assert len(data.testimonies) == 3  # every one, consent or not
    full = export_fieldwork(data, tmp_path / "full.xlsx")
    assert full.sheets["Témoignages"] == 1 and full.left_out == 2
    empty = export_fieldwork(replace(data, testimonies=[], workshops=[]), tmp_path / "empty.xlsx")
    assert empty.sheets["Témoignages"] == 0 and empty.sheets["Ateliers"] == 0 and empty.left_out == 0


def test_export_honours_consent_and_pseudonyms(services, evaluation_id, tmp_path):
    _seed(services, evaluation_id)
    summary = services.terrain.export_workbook(evaluation_id, tmp_path / "terrain")
    assert summary.path.name == "terrain.xlsx"
    assert summary.left_out == 2 and summary.masked == 1
    wb = load_workbook(summary.path)
    assert wb.sheetnames == [
        "À lire",
        "Ateliers",
        "Notes des ateliers",
        "Immersions",
        "Témoignages",
        "Contributions",
        "Engagements",
        "Avancement engagements",
    ]
    every_cell = " ".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "Jeanne Martin" not in every_cell  # the named list never leaves
    assert "Vasseur" not in every_cell  # nor the facilitators' names
    assert "Secret" not in every_cell and "06 12 34 56 78" not in every_cell
    testimonies = list(wb["Témoignages"].iter_rows(values_only=True))
    assert len(testimonies) == 2 and testimonies[1][0] == "T01"
    assert testimonies[1][testimonies[0].index("Texte")] == "Le bus passe une fois par mois."
    assert len(list(wb["Contributions"].iter_rows())) == 1  # consent not asked yet: left out
    ateliers = list(wb["Ateliers"].iter_rows(values_only=True))
    assert ateliers[1][ateliers[0].index("Participants")] == 9
    assert wb["Engagements"]["D2"].value == "Réalisé"


def test_cli_export_and_import(services, evaluation_id, tmp_path, capsys):
    _seed(services, evaluation_id)
    db = str(services.store.path)
    services.close()
    out = tmp_path / "export.xlsx"
    assert main(["export", "fieldwork", "--db", db, "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] and payload["left_out"] == 2 and out.is_file()
    csv_path = tmp_path / "eng.csv"
    csv_path.write_text("Intitulé;Statut\nCréer un comité des financeurs;non engagé\n", encoding="utf-8")
    assert main(["import", "engagements", str(csv_path), "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "added": 1, "updated": 0, "total": 2}
    csv_path.write_text("Intitulé;Statut\nX;Fini\n", encoding="utf-8")
    assert main(["import", "engagements", str(csv_path), "--db", db]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("Erreur : « eng.csv » : Aucun engagement n'a été importé") and "Traceback" not in err
    )


def test_demo_content(services, evaluation_id):
    from desktop_app.demo.fieldwork import build_fieldwork

    eid = evaluation_id
    build_fieldwork(services, eid)
    workshops_service = services.workshops
    terrain_service = services.terrain
    commitments_service = services.commitments
    workshops = workshops_service.workshops(eid)
    assert {w.tool_id for w in workshops} >= {
        "guide-partenaires",
        "guide-associations",
        "guide-conseils-citoyens",
    }
    groups = workshops_service.working_groups(eid)
    assert len(groups) == 3 and all(len(g.sessions) == 3 for g in groups)
    immersions = terrain_service.immersions(eid)
    for g in groups:
        assert sum(1 for i in immersions if i.series_id == g.series_id) == 2
    testimonies = terrain_service.testimonies(eid)
    assert any(not t.usable for t in testimonies) and any(t.usable for t in testimonies)
    assert any(t.kind == "contribution" for t in testimonies)
    assert commitments_service.commitment_summary(eid).total == 50
    assert services.attachments.list(eid)
