"""`import engagements` refuses tables that are not lists of commitments (a subsidy table, a
programmation) with the same evidence-based header detection as the programmation import,
including a sheet declared down to row 1 048 576 (read up to its last rows, not a million)."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.services.base import ServiceError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "actions"))
from public_files import huge_dimension_workbook, scdl_csv, themed_sections_workbook  # noqa: E402


@pytest.mark.parametrize("build", [scdl_csv, themed_sections_workbook, huge_dimension_workbook])
def test_a_subsidy_table_is_not_a_list_of_commitments(services, evaluation_id, tmp_path, build):
    path = build(tmp_path / ("table.csv" if build is scdl_csv else "table.xlsx"))
    with pytest.raises(ServiceError) as err:
        services.commitments.import_commitments(evaluation_id, path)
    text = str(err.value)
    assert "ressemble à une programmation ou à un tableau de subventions" in text
    assert "evalkit import actions" in text and "Aucun engagement n'a été importé" in text
    assert services.commitments.commitments(evaluation_id) == []


def test_a_table_without_any_commitment_column_is_refused(services, evaluation_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("N°;Intitulé\n1;Réunir le comité de pilotage\n", encoding="utf-8")
    with pytest.raises(ServiceError, match="n'a aucune colonne propre à une liste d'engagements"):
        services.commitments.import_commitments(evaluation_id, path)


def test_a_real_list_of_commitments_is_still_read_and_the_cli_refuses_a_subsidy_table(services, evaluation_id, tmp_path, db_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.append(["N°", "Engagement", "Statut"])
    wb.active.append([1, "Créer un comité des financeurs", "En cours"])
    xlsx = tmp_path / "liste.xlsx"
    wb.save(xlsx)
    report = services.commitments.import_commitments(evaluation_id, xlsx)
    assert (report.added, report.updated) == (1, 0)
    assert main(["import", "engagements", str(scdl_csv(tmp_path / "scdl.csv")), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "ressemble à une programmation" in err and "Traceback" not in err
