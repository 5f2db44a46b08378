"""The filled-grids workbook and the partners' letters of the demo, reopened with openpyxl and
python-docx (LibreOffice is used by hand to look at them, not by the tests)."""

from __future__ import annotations

from datetime import date

import docx
import pytest
from openpyxl import load_workbook

from tests.exports.conftest import flat, pdf_text


@pytest.fixture(scope="module")
def workbook(demo_services, demo_workbook):
    services, eid = demo_services
    out, result = demo_workbook
    return services, eid, load_workbook(out), result


def _find(ws, text, column=None):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text and (column is None or cell.column == column):
                return cell
    raise AssertionError(f"{text!r} introuvable dans la feuille {ws.title}")


def test_one_sheet_per_tool_in_use_and_contents(workbook):
    services, eid, wb, result = workbook
    kit = services.synthesis.kit(eid)
    scope = services.synthesis.scope(eid)
    assert wb.sheetnames[:3] == ["Sommaire", "Cadrage", "Référentiel commun"]
    assert "Matrice du référentiel" in wb.sheetnames
    assert len(wb.sheetnames) == 3 + len([t for t in kit.tools if t in scope])  # + contents, cadrage, matrix
    assert result.detail == f"{len(wb.sheetnames) - 1} feuilles"
    contents = wb["Sommaire"]
    link = _find(contents, "Maturité LCD")
    assert link.hyperlink.location == "'Maturité LCD'!A1" or link.hyperlink.target.endswith("'Maturité LCD'!A1")


def test_page_setup_of_every_sheet(workbook):
    wb = workbook[2]
    for ws in wb.worksheets:
        assert ws.print_area, ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes, ws.title
        assert ws.print_title_rows, ws.title
        assert ws["A1"].font.b and ws["A1"].value  # a title
        assert ws.oddFooter.center.text == "Page &P / &N"
    ref = wb["Référentiel commun"]
    assert ref.page_setup.orientation == "landscape"
    header = int(ref.print_title_rows.split(":")[0].lstrip("$"))
    assert [c.value for c in ref[header]][:4] == ["N°", "Question, sous-question, indicateur", "Unité", "Valeur"]
    assert ref.freeze_panes == f"C{header + 1}"
    assert ref.column_dimensions["B"].width == 48 and ref[header + 2][1].alignment.wrap_text


def test_referentiel_cells_as_on_paper(workbook):
    wb = workbook[2]
    ws = wb["Référentiel commun"]
    code = _find(ws, "1.1.a", column=1)
    row = [c.value for c in ws[code.row]]
    assert row[3] == "1 par an (2 en 2023)" and row[4] == "Comptes rendus des COPIL 2021-2025"
    assert "▸ Relevés de décisions des COPIL 2021-2025" in row[5]
    assert row[6] == "Plutôt atteint" and ws.cell(code.row, 7).fill.fgColor.rgb.endswith("9CCC65")
    unfilled = _find(ws, "1.3.c", column=1).row
    assert ws.cell(unfilled, 5).value.startswith("(suggérée)")
    matrix = wb["Matrice du référentiel"]
    cell = _find(matrix, "1.1.b")
    assert cell.fill.fgColor.rgb.endswith("2E7D32")


def test_councils_maturity_actions_and_testimonies(workbook):
    services, eid, wb, _ = workbook
    cc = wb["Autoévaluation CC"]
    _find(cc, "Conseil citoyen — Les Hauts-Champs (QN05991M)")
    _find(cc, "Conseil citoyen — Cité du Moulin (QN05992I)")
    assert cc.row_breaks.brk, "one council per printed page"
    lcd = wb["Maturité LCD"]
    score = _find(lcd, "Score", column=1)
    assert lcd.cell(score.row, 2).value == "11 / 35 points"
    assert lcd._images, "the radar chart is in the sheet"
    grid = wb["Choix des actions"]
    first = _find(grid, "1", column=1)
    chosen = services.actions.grid(eid).chosen[0].action
    assert grid.cell(first.row, 2).value == chosen.title and grid.cell(first.row, grid.max_column).value == "oui"
    testimonies = wb["Témoignage"]
    text = " ".join(str(c.value) for row in testimonies.iter_rows() for c in row if c.value)
    for t in services.fieldwork.testimonies(eid):
        said = services.forms.get(t.response_id).answers.get("texte_temoignage", "")
        if not t.usable:
            assert said[:40] not in text
    assert "non repris : pas d'accord d'utilisation" in text and "Lefort" not in text


@pytest.fixture(scope="module")
def letters(demo_services, tmp_path_factory):
    services, eid = demo_services
    folder = tmp_path_factory.mktemp("courriers")
    return services, eid, folder


def test_one_editable_letter_per_partner(letters):
    services, eid, folder = letters
    partners = services.evaluations.rows("partner", eid)
    result = services.exports.letters(eid, folder / "un-par-partenaire", today=date(2026, 1, 12))
    assert len(result.paths) == len(partners) == 8 and result.warnings == ()
    assert all(p.suffix == ".docx" and p.exists() for p in result.paths)
    by_name = {p.name: p for p in result.paths}
    caf = docx.Document(str(by_name["Courrier — Caisse d'allocations familiales.docx"]))
    text = "\n".join(p.text for p in caf.paragraphs)
    assert "À l’attention de Karim Haddad, Conseiller territorial" in text
    assert "Le 12 janvier 2026" in text
    assert "Objet : Évaluation du contrat de ville de la Communauté d’agglomération" in text
    assert "mardi 10 février 2026" in text and "mardi 3 février 2026" in text
    assert "Bilans des actions et dispositifs menés dans les quartiers prioritaires" in text
    assert "La contribution de Caisse d’allocations familiales y est essentielle" in text
    assert "{{" not in text and "[" not in text


def test_all_letters_in_one_document_and_in_pdf(letters):
    services, eid, folder = letters
    one = services.exports.letters(eid, folder / "tous.docx").paths[0]
    d = docx.Document(str(one))
    breaks = sum(1 for p in d.paragraphs for r in p.runs if 'w:br w:type="page"' in r._r.xml or "w:type=\"page\"" in r._r.xml)
    assert breaks == 7
    assert sum(1 for p in d.paragraphs if p.text.startswith("Objet :")) == 8
    pdf = services.exports.letters(eid, folder / "tous.pdf").paths[0]
    text = flat(pdf_text(pdf))
    for p in services.evaluations.rows("partner", eid):
        assert p["contact"] in text
    per_partner_pdf = services.exports.letters(eid, folder / "pdf", fmt="pdf").paths
    assert len(per_partner_pdf) == 8 and all(p.suffix == ".pdf" for p in per_partner_pdf)
