"""Files refused up front and texts bounded (issue 15, section 4: size limits, special files,
password-protected workbooks)."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.services import input_files

COMMANDS = [
    ["import", "bundle"],
    ["import", "actions"],
    ["import", "engagements"],
    ["questionnaire", "import"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from desktop_app.services.app_services import Services

    path = tmp_path_factory.mktemp("input") / "evalkit.db"
    services = Services.open(path)
    services.evaluations.create("CA du Douaisis")
    services.close()
    return path


def _actions(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM actions").fetchone()[0]


def _special(kind: str, tmp_path):
    if kind == "dev_zero":
        return "/dev/zero"
    if kind == "folder":
        return str(tmp_path)
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    return str(fifo)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_special_files_are_refused_up_front(command, kind, db, tmp_path, capsys):
    path = _special(kind, tmp_path)
    assert main([*command, path, "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    text = out + err
    assert ("pas un fichier ordinaire" in text) if kind != "folder" else ("C'est un dossier" in text)
    assert "Traceback" not in text


def _workbook(rows: list[list], path):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_too_many_rows_are_refused_before_reading(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(input_files, "MAX_SPREADSHEET_ROWS", 50)
    rows = [["Intitulé de l'action", "Structure porteuse"]] + [[f"Action {i}", "Asso"] for i in range(60)]
    for path in (_workbook(rows, tmp_path / "long.xlsx"), tmp_path / "long.csv"):
        if path.suffix == ".csv":
            with path.open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh, delimiter=";").writerows(rows)
        assert main(["import", "actions", str(path), "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert "plus de 50 lignes" in err and "Rien n'a été importé" in err
    assert _actions(db) == 0


def test_files_too_big_are_refused(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(input_files, "MAX_SPREADSHEET_BYTES", 1000)
    path = tmp_path / "gros.csv"
    path.write_text("Intitulé;Statut\n" + "Engagement;réalisé\n" * 100, encoding="utf-8")
    assert main(["import", "engagements", str(path), "--db", str(db)]) == 1
    assert "trop volumineux" in capsys.readouterr().err


def test_unpacked_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(input_files, "MAX_SPREADSHEET_UNPACKED", 10_000)
    path = _workbook([["x" * 20_000]], tmp_path / "bombe.xlsx")
    assert "une fois décompressé" in input_files.spreadsheet_problem(path)


def test_a_password_protected_workbook_is_named_so(db, tmp_path, capsys):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["Intitulé de l'action", "Structure porteuse"])
    wb.save(plain)
    plain.seek(0)
    path = tmp_path / "protege.xlsx"
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    for command in COMMANDS[1:]:
        assert main([*command, str(path), "--db", str(db)]) == 1
        out, err = capsys.readouterr()
        assert "protégé par un mot de passe" in out + err
        assert ".xls" not in (out + err).replace(".xlsx", "")


def test_a_truncated_workbook_says_so(tmp_path):
    path = _workbook([["a", "b"]] * 20, tmp_path / "coupe.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "incomplet" in input_files.spreadsheet_problem(path)


def test_a_title_beyond_its_limit_is_shortened_at_import_and_kept_whole_in_the_description(db, tmp_path, capsys):
    """Stored whole, a 5,000-character title would make later exports and bundles fail elsewhere;
    refusing the file would leave its money out. The importer shortens it, says so, and keeps the
    full text in the description."""
    path = tmp_path / "prog.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows([
            ["N° dossier", "Intitulé de l'action", "Structure porteuse", "Pilier", "Coût total de l'action"],
            ["2024-1", "Normale", "Asso", "Cohésion sociale", "100"],
            ["2024-2", "A" * 5000, "Asso", "Cohésion sociale", "100"],
        ])
    assert main(["import", "actions", str(path), "--db", str(db), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["skipped"], report["amount_left_out"]) == (2, 0, 0)
    assert any("de plus de 400 caractères : raccourci" in r for r in report["remarks"])
    with sqlite3.connect(db) as conn:
        title, description = conn.execute(
            "SELECT title, description FROM actions WHERE title LIKE 'AAA%'").fetchone()
    assert len(title) <= 400 and "A" * 5000 in description
    assert main(["export", "actions", str(tmp_path / "a.xlsx"), "--db", str(db)]) == 0


def test_a_free_text_beyond_its_limit_is_refused(services, evaluation_id):
    from desktop_app.services.errors import is_user_facing
    from desktop_app.store.text_guard import MAX_TEXT_CHARS

    rid = services.forms.create(evaluation_id, "questionnaire-communes", subject_type="respondent", answers={})
    with pytest.raises(Exception) as refused:
        services.forms.set_answer(rid, "commentaire", "x" * (MAX_TEXT_CHARS + 1))
    assert is_user_facing(refused.value) and "Texte trop long" in str(refused.value)
    assert services.forms.get(rid).answers == {}
