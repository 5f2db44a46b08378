"""`evalkit questionnaire template|import|export`, the export of all responses, the demo."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from questionnaire_helpers import ASSOCIATIONS, COMMUNE_ANSWERS, COMMUNES, fill, rows_by_key

from desktop_app.cli import main


def test_cli_template_then_import(services, evaluation, db_path, tmp_path, capsys):
    services.close()
    out = tmp_path / "douai.xlsx"
    assert main(["questionnaire", "template", COMMUNES, "--db", str(db_path), "--out", str(out),
                 "--respondent", "59178", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"questionnaire": COMMUNES, "files": [str(out)]}
    ws = load_workbook(out)["Questionnaire"]
    assert ws.cell(rows_by_key(ws)["nom_commune"], 4).value == "Douai"

    good = fill(out, COMMUNE_ANSWERS, out=tmp_path / "bon.xlsx")
    bad = fill(out, {**COMMUNE_ANSWERS, "nb_qpv": "beaucoup"}, out=tmp_path / "erreurs.xlsx")
    code = main(["questionnaire", "import", str(good), str(bad), "--db", str(db_path)])
    text, err = capsys.readouterr()
    assert code == 1
    assert "✔ importé : bon.xlsx — Douai (59178)" in text
    # a refused file's lines go to stderr, as the README says
    assert "✘ refusé : erreurs.xlsx" in err and "« beaucoup » n'est pas un nombre" in err and "refusé :" not in text
    assert "2 fichiers : 1 importé(s), 0 mis à jour, 1 refusé(s)." in text

    code = main(["questionnaire", "import", str(good), "--db", str(db_path), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["updated"] == 1 and payload["files"][0]["status"] == "updated"

    # the same template sent back again by the same commune: its response is updated
    code = main(["questionnaire", "import", str(bad), "--db", str(db_path), "--partial", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["files"][0]["status"] == "updated" and payload["files"][0]["partial"]
    assert payload["files"][0]["errors"] and not payload["files"][0]["duplicate"]


def test_cli_errors_are_one_french_line(evaluation, db_path, tmp_path, capsys, services):
    services.close()
    assert main(["questionnaire", "template", "inconnu", "--db", str(db_path), "--out", str(tmp_path / "x.xlsx")]) == 1
    assert "Questionnaire inconnu : « inconnu »" in capsys.readouterr().err
    assert main(["questionnaire", "template", COMMUNES, "--db", str(db_path), "--out", str(tmp_path / "x.xlsx"),
                 "--respondent", "Lille"]) == 1
    assert "ne figure pas parmi les répondants invités" in capsys.readouterr().err


def test_cli_one_file_per_invitee(evaluation, db_path, tmp_path, capsys, services):
    services.close()
    folder = tmp_path / "envoi"
    assert main(["questionnaire", "template", COMMUNES, "--db", str(db_path), "--out", str(folder), "--per-invitee",
                 "--deadline", "15/03/2026"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "Questionnaire communes - Douai.xlsx", "Questionnaire communes - Sin-le-Noble.xlsx"]


def test_export_of_all_responses_with_codebook(services, evaluation, tmp_path):

    q = services.questionnaires
    rid = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    for key, value in {"nb_qpv": 2, "instances": ["copil", "cotech"], "role_pilotage": "associee"}.items():
        q.set_answer(rid, key, value)
    amis = q.new_response(evaluation, ASSOCIATIONS, "Les Amis du Moulin")
    q.set_answer(amis, "exemple_effet", "Mme Dupont a retrouvé un emploi grâce à l'atelier.")
    path = services.exports.questionnaire_responses(evaluation, tmp_path / "reponses.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Dictionnaire (codebook)", "Choix (codes)", "Réponses communes de l'EPCI",
                             "Réponses associations porteuses"]
    ws = wb["Réponses communes de l'EPCI"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Répondant", "ID de la réponse", "Type de répondant", "Code (INSEE / SIRET)", "Statut"]
    assert "1.3 Nombre de quartiers prioritaires (QPV) situés, au moins en partie, sur la commune" in headers
    row = {h: c.value for h, c in zip(headers, ws[2], strict=True)}
    assert row["Répondant"] == "Douai" and row["Statut"] == "Brouillon" and row["ID de la réponse"] == rid
    assert row["2.2 À quelles instances du contrat la commune participe-t-elle ?"] == (
        "Comité de pilotage (COPIL) ; Comité technique (COTECH)")
    assert row["1.3 Nombre de quartiers prioritaires (QPV) situés, au moins en partie, sur la commune"] == 2
    assoc_headers = [c.value for c in wb["Réponses associations porteuses"][1]]
    assert not any(h and "Racontez un exemple" in h for h in assoc_headers)  # personal data left out
    assert "Mme Dupont" not in str([c.value for row in wb["Réponses associations porteuses"].iter_rows() for c in row])
    codebook = {r[4]: r for r in wb["Dictionnaire (codebook)"].iter_rows(min_row=2, values_only=True) if r[4]}
    assert codebook["role_pilotage"][6] == "Choix unique" and "associee = Associée" in codebook["role_pilotage"][8]
    assert codebook["exemple_effet"][12] == "Non exportée : données personnelles"
    assert codebook["contact_suite"][12] == "Non exportée : données personnelles"  # declared `personal` by the kit
    assert codebook["nb_qpv"][2] and codebook["nb_qpv"][1] == "Réponses communes de l'EPCI"
    with_personal = load_workbook(services.exports.questionnaire_responses(evaluation, tmp_path / "tout.xlsx", include_sensitive=True))
    assert any(h and "Racontez un exemple" in h for h in [c.value for c in with_personal["Réponses associations porteuses"][1]])
    summary = [r[0] for r in wb["Synthèse"].iter_rows(values_only=True) if r[0]]
    assert any("Taux de réponse : 1 sur 2 communes invitées (50 %)" in str(t) for t in summary)


def test_demo_has_realistic_questionnaires(services):
    from desktop_app.demo.data import evaluation as demo
    from desktop_app.demo.questionnaires import build_questionnaires

    eid = services.evaluations.create(demo.DEMO_TERRITORY)
    for name, insee in demo.COMMUNES:
        services.evaluations.add_row("commune", eid, {"name": name, "insee": insee})
    build_questionnaires(services, eid)
    q = services.questionnaires
    communes = q.responses(eid, COMMUNES)
    associations = q.responses(eid, ASSOCIATIONS)
    assert len(communes) == 20 and 60 <= len(associations) <= 62
    assert {r.status for r in communes} == {"complete", "draft"}
    assert any(r.source.startswith("Excel") for r in associations)
    assert len(q.duplicates(eid, ASSOCIATIONS)) == 1
    rate = q.rate(eid, ASSOCIATIONS)
    assert rate.invited == 80 and rate.not_invited == 2
    results = q.results(eid, ASSOCIATIONS)
    delays = results.question("delai_paiement")
    assert len([o for o in delays.options if o.count]) >= 4  # variety, not one answer for all
    for row in communes + associations:  # every demo answer is valid
        if row.status == "complete":
            assert q.problems(row.id) == []


def test_a_refused_file_exits_1_with_and_without_json_and_says_why_on_stderr(evaluation, db_path, tmp_path, capsys, services):
    services.close()
    bad = tmp_path / "lettre.xlsx"
    bad.write_text("pas un classeur")
    assert main(["questionnaire", "import", str(bad), "--db", str(db_path)]) == 1
    out, err = capsys.readouterr()
    assert "✘ refusé : lettre.xlsx" in err and "refusé :" not in out
    assert main(["questionnaire", "import", str(bad), "--db", str(db_path), "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["files"][0]["status"] == "refused" and json.loads(out)["refused"] == 1


def test_keep_both_makes_a_second_response_to_settle(evaluation, db_path, tmp_path, capsys, services):
    q = services.questionnaires
    q.new_response(evaluation, COMMUNES, "Douai", "59178")
    services.close()
    out = tmp_path / "douai.xlsx"
    assert main(["questionnaire", "template", COMMUNES, "--db", str(db_path), "--out", str(out), "--respondent", "59178"]) == 0
    good = fill(out, COMMUNE_ANSWERS, out=tmp_path / "bon.xlsx")
    capsys.readouterr()
    assert main(["questionnaire", "import", str(good), "--db", str(db_path), "--keep-both"]) == 0
    assert "choisissez celle à conserver" in capsys.readouterr().out
    assert main(["questionnaire", "import", str(good), "--db", str(db_path)]) == 0  # the same file: its own response
    assert "aucun changement" in capsys.readouterr().out
