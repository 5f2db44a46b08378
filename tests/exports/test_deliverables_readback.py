"""The deliverables of the demo, as a user gets them from the CLI (`evalkit export pdf|xlsx|letters`):
pdftoppm renders the PDF, LibreOffice converts the workbook and a letter, and reading the files
back (pypdf, openpyxl) finds what was entered in the demo."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.office_tools import require_tool, soffice_convert


@pytest.fixture(scope="module")
def deliverables(tmp_path_factory, demo_template):
    """The demo (a copy of the session's), exported through the CLI, all in one data folder."""
    from db_templates import copy_demo, evalkit_home

    from desktop_app.cli import main

    root = tmp_path_factory.mktemp("deliverables")
    with evalkit_home(root / "home"):
        db = root / "demo.db"
        copy_demo(demo_template, db, root / "home" / "pieces-jointes")
        out = {"pdf": root / "synthese.pdf", "xlsx": root / "grilles.xlsx", "letters": root / "courriers"}
        for kind, path in out.items():
            # the demo's atelier (February 2026) is past: its letters are exported as an archive, with --force
            force = ["--force"] if kind == "letters" else []
            assert main(["export", kind, "--db", str(db), "--out", str(path), "--quiet", *force]) == 0, kind
    return out


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_pdf_reads_back_with_the_content_entered(deliverables):
    from pypdf import PdfReader

    reader = PdfReader(deliverables["pdf"])
    assert len(reader.pages) > 20
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert "Val de Scarpe-et-Sensée" in text  # territory
    assert "1 par an (2 en 2023)" in text and "Plutôt pas atteint" in text  # référentiel value, appreciation
    assert "Un tableau de suivi des engagements relu à chaque COPIL" in text  # a workshop préconisation
    assert "11 / 35" in text  # maturity score (LCD)


def test_pdftoppm_renders_the_pdf(deliverables, tmp_path):
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    done = subprocess.run(
        [pdftoppm, "-png", "-r", "30", "-f", "1", "-l", "3", str(deliverables["pdf"]), str(tmp_path / "page")],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 3 and all(p.stat().st_size > 0 for p in pngs)


def test_workbook_reads_back_and_libreoffice_converts_it(deliverables, tmp_path):
    wb = load_workbook(deliverables["xlsx"], read_only=True)

    def values(sheet: str) -> list[str]:
        return [str(v) for row in wb[sheet].iter_rows(values_only=True) for v in row if v is not None]

    assert "59992" in values("Cadrage")  # a commune's INSEE code
    referentiel = values("Référentiel commun")
    assert "1 par an (2 en 2023)" in referentiel and "Plutôt pas atteint" in referentiel
    maturity = values("Maturité LCD")
    assert "2 – Premiers pas" in maturity and "11 / 35 points" in maturity
    wb.close()

    pdf = soffice_convert(deliverables["xlsx"], "pdf", tmp_path / "out", tmp_path / "lo-profile")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_libreoffice_converts_a_letter(deliverables, tmp_path):
    letters = sorted(Path(deliverables["letters"]).glob("*.docx"))
    assert len(letters) == 8
    pdf = soffice_convert(letters[0], "pdf", tmp_path / "out", tmp_path / "lo-profile")
    assert pdf.read_bytes().startswith(b"%PDF")
