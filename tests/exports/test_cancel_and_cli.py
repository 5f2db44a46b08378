"""An export can be cancelled at any moment and leaves nothing half-written (and the previous
version of the file untouched); the `evalkit export …` commands."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.ui.tasks import Cancelled, Progress


def cancelling_after(n: int, when: str = ""):
    """A task Progress that the "user" cancels at its n-th report (or at the first one whose
    text contains `when`)."""
    calls = {"n": 0}
    progress = Progress(lambda d, t, text: None)

    def emit(done, total, text):
        calls["n"] += 1
        if calls["n"] >= n and when in text:
            progress.cancel()

    progress._emit = emit
    return progress, calls


@pytest.fixture
def small(services, evaluation_id):
    for org in ("Région", "CAF", "Département"):
        services.evaluations.add_row("partner", evaluation_id, {"organisation": org, "contact": "Mme X", "role": "Cheffe"})
    return services, evaluation_id


@pytest.mark.parametrize("kind,name,when", [("pdf", "synthese.pdf", ""), ("pdf", "synthese.pdf", "Mise en page"), ("xlsx", "grilles.xlsx", "")])
def test_cancelled_export_leaves_no_partial_file(small, tmp_path, kind, name, when):
    services, eid = small
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / name
    target.write_bytes(b"previous version")
    progress, calls = cancelling_after(3, when)
    with pytest.raises(Cancelled):
        getattr(services.exports, kind)(eid, target, progress)
    assert calls["n"] >= 3
    assert target.read_bytes() == b"previous version"
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left


def test_cancelled_letters_leave_no_letter_at_all(small, tmp_path):
    services, eid = small
    folder = tmp_path / "courriers"
    progress, _ = cancelling_after(2)  # after the first letter was written
    with pytest.raises(Cancelled):
        services.exports.letters(eid, folder, "docx", progress)
    assert list(folder.iterdir()) == []


def test_export_commands(small, db_path, tmp_path, capsys):
    services, eid = small
    services.close()
    out = tmp_path / "s.pdf"
    assert main(["export", "pdf", "--db", str(db_path), "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["kind"] == "pdf" and payload["files"] == [str(out)] and out.read_bytes()[:5] == b"%PDF-"
    assert main(["export", "xlsx", "--db", str(db_path), "--evaluation", eid, "--out", str(tmp_path / "g.xlsx"), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "g.xlsx")
    assert main(["export", "letters", "--db", str(db_path), "--out", str(tmp_path / "c"), "--format", "pdf", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["files"]) == 3 and all(f.endswith(".pdf") for f in payload["files"])
    assert any("Champs à compléter" in w for w in payload["warnings"])
    # bad input: one French line, exit 1, nothing written
    assert main(["export", "pdf", "--db", str(db_path), "--out", str(tmp_path / "s.txt")]) == 1
    assert "doit se terminer par .pdf" in capsys.readouterr().err
    assert main(["export", "letters", "--db", str(db_path), "--out", str(tmp_path / "c.odt")]) == 1
    assert "docx ou .pdf" in capsys.readouterr().err
    assert not (tmp_path / "s.txt").exists()


def _letter_options(services, eid, atelier, deadline):
    options = services.letters.letter_options(eid)
    services.forms.set_answers(options.id, {"atelier_date": atelier.isoformat(), "atelier_heure": "14:00",
                                            "atelier_lieu": "Hôtel de ville", "date_limite": deadline.isoformat()})


def test_letters_for_a_past_atelier_need_force(small, db_path, tmp_path, capsys):
    import datetime as dt

    services, eid = small
    today = dt.date.today()  # the CLI reads the real clock: dates relative to it
    _letter_options(services, eid, today - dt.timedelta(days=3), today - dt.timedelta(days=10))
    services.close()
    out = tmp_path / "courriers.docx"
    assert main(["export", "letters", "--db", str(db_path), "--out", str(out), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.count("\n") == 1 and "Courriers non exportés : l'atelier du" in captured.err
    assert "est déjà passé" in captured.err and "ajoutez --force" in captured.err
    assert not any(p.name.startswith("courriers") for p in tmp_path.iterdir())  # nothing written

    assert main(["export", "letters", "--db", str(db_path), "--out", str(out), "--json", "--force"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["files"] == [str(out)] and out.exists()
    assert payload["warnings"][0].startswith("Courriers exportés malgré une date passée : L'atelier du")
    assert "la date limite des contributions" in payload["warnings"][0]


def test_letters_for_a_coming_atelier_export_without_force(small, db_path, tmp_path, capsys):
    import datetime as dt

    services, eid = small
    today = dt.date.today()
    _letter_options(services, eid, today + dt.timedelta(days=28), today + dt.timedelta(days=35))
    services.close()
    out = tmp_path / "courriers.pdf"
    assert main(["export", "letters", "--db", str(db_path), "--out", str(out), "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert not any("passé" in w for w in warnings)
    assert any("tombe après l'atelier" in w for w in warnings)  # a deadline after the atelier is pointed out
