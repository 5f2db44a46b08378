"""`evalkit reference …`: what the shipped reference is, EPCI search, fill and check a Cadrage."""

from __future__ import annotations

import json

from desktop_app.cli import main


def test_reference_info_says_version_licence_and_counts(capsys):
    assert main(["reference", "info"]) == 0
    out = capsys.readouterr().out
    assert "Version : 6.0.0" in out and "Licence Ouverte" in out and "34969 communes, 1255 EPCI" in out
    assert main(["reference", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["package"] == "@etalab/decoupage-administratif"


def test_epci_search_and_a_search_that_finds_nothing(capsys):
    assert main(["reference", "epci", "douaisis"]) == 0
    assert "200044618  CA Douaisis Agglo (CA, 35 communes)" in capsys.readouterr().out
    assert main(["reference", "epci", "zzzz"]) == 1
    captured = capsys.readouterr()
    assert "Aucun EPCI ne correspond à « zzzz »." in captured.err and "Traceback" not in captured.err


def test_fill_then_check_and_fix_a_cadrage(services, evaluation_id, db_path, capsys):
    services.evaluations.add_row("commune", evaluation_id, {"name": "Douai", "insee": "59178.0"})
    services.evaluations.add_row("commune", evaluation_id, {"name": "L'Abergement-Clémenciat", "insee": "1001"})
    db = str(db_path)
    assert main(["reference", "fill-epci", "agglo", "--db", db]) == 1  # several: nothing recorded
    assert "précisez le SIREN" in capsys.readouterr().err
    assert len(services.evaluations.rows("commune", evaluation_id)) == 2
    assert main(["reference", "fill-epci", "200044618", "--db", db]) == 0
    assert "34 communes ajoutées, 1 déjà présentes" in capsys.readouterr().out
    assert main(["reference", "check", "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["fixes"] == ["1001 → 01001 (L'Abergement-Clémenciat)"]
    assert report["problems"] == []  # « 1001 » is only malformed (Cadrage's own check) until repaired
    assert main(["reference", "check", "--db", db, "--fix"]) == 0
    out = capsys.readouterr().out
    assert "Corrigé : 1001 → 01001" in out and "L'Abergement-Clémenciat n'appartient pas" in out
    codes = {r["insee"] for r in services.evaluations.rows("commune", evaluation_id)}
    assert "01001" in codes and "1001" not in codes and "59178" in codes
