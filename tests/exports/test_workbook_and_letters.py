"""The filled-grids workbook and the partners' letters of the demo, reopened with openpyxl and
python-docx (LibreOffice is used by hand to look at them, not by the tests)."""

from __future__ import annotations

from datetime import date

import docx
import pytest
from openpyxl import load_workbook

from tests.exports.conftest import flat, pdf_pages, pdf_text


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
    kit = services.letters.kit(eid)
    scope = services.letters.scope(eid)
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
    assert row[5] == "Cible : au moins deux par an\nRéférence : Première année du contrat\nAppréciation suggérée : plutôt pas atteint"
    assert "▸ Relevés de décisions des COPIL 2021-2025" in row[6]
    assert row[7] == "Plutôt atteint" and ws.cell(code.row, 8).fill.fgColor.rgb.endswith("9CCC65")
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
    first = _find(grid, "Poids du critère", column=2).row + 1
    first = grid.cell(first, 1)
    assert first.value.startswith("=RANK(")
    chosen = services.actions.grid(eid).chosen[0].action
    assert grid.cell(first.row, 2).value == chosen.title and grid.cell(first.row, grid.max_column).value == "oui"
    testimonies = wb["Témoignage"]
    text = " ".join(str(c.value) for row in testimonies.iter_rows() for c in row if c.value)
    for t in services.terrain.testimonies(eid):
        said = services.forms.get(t.response_id).answers.get("texte_temoignage", "")
        if not t.usable:
            assert said[:40] not in text
    assert "non repris : pas d'accord d'utilisation" in text and "Lefort" not in text


@pytest.fixture(scope="module")
def letters(demo_services, tmp_path_factory):
    services, eid = demo_services
    folder = tmp_path_factory.mktemp("courriers")
    return services, eid, folder


def _docx_text(path) -> str:
    """Every paragraph of a .docx, plus the XML text of its runs (to look at apostrophes)."""
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_one_editable_letter_per_partner(letters):
    services, eid, folder = letters
    partners = services.evaluations.rows("partner", eid)
    # the demo's letter was written on 12 January 2026, before its atelier (10 February 2026)
    result = services.exports.letters(eid, folder / "un-par-partenaire", today=date(2026, 1, 12))
    assert len(result.paths) == len(partners) == 8 and result.warnings == ()
    assert all(p.suffix == ".docx" and p.exists() for p in result.paths)
    by_name = {p.name: p for p in result.paths}
    assert "Courrier — Habitat Scarpe Logement.docx" in by_name  # the internal tag is not in the file name
    caf = _docx_text(by_name["Courrier — Caisse d'allocations familiales.docx"])
    lines = caf.splitlines()
    # sender: structure and postal address, top left
    assert lines[:5] == [
        "Communauté d’agglomération du Val de Scarpe-et-Sensée — Direction de la cohésion sociale",
        "Hôtel d’agglomération", "746 rue Jean-Perrin", "BP 300", "59500 Douai",
    ]
    # recipient: person, function, organisation, postal address; then place and date
    assert lines[5:11] == [
        "Monsieur Karim Haddad", "Conseiller territorial", "Caisse d’allocations familiales", "82 rue Brûle-Maison",
        "59000 Lille", "Douai, le 12 janvier 2026",
    ]
    assert lines[11].startswith("Objet : Évaluation du contrat de ville de la Communauté d’agglomération du Val")
    assert lines[12:14] == ["N/Réf.\u00a0: DCS/EV/2026-014", "Affaire suivie par\u00a0: Élodie Vasseur — e.vasseur@demo-agglo.example"]
    assert lines[14] == "Monsieur,"  # no title known: no « Monsieur le … »
    assert "le mardi 10 février 2026 à 14\u00a0h, à l’adresse suivante" in caf  # the time of the partners' workshop
    assert "mardi 3 février 2026" in caf
    assert "Bilans des actions et dispositifs menés dans les quartiers prioritaires" in caf
    assert "La contribution de la Caisse d’allocations familiales y est essentielle" in caf
    assert "Nous vous prions d’agréer, Monsieur, l’expression de nos salutations distinguées." in caf
    signature = lines.index("Le Vice-président délégué à la politique de la ville")
    assert lines[signature + 1] == "Bernard Lemoine"
    assert lines[signature + 2:] == ["Pièces jointes :", "– Programme de l’atelier du 10 février", "– Plan d’accès à la salle du conseil"]
    assert "{{" not in caf and "[" not in caf
    assert "'" not in caf  # one apostrophe, the typographic one, in the letterhead and the body alike

    agency = _docx_text(by_name["Courrier — France Travail.docx"])
    assert "\nMadame la Directrice,\n" in agency and "d’agréer, Madame la Directrice, l’expression" in agency
    assert "La contribution de France Travail y est essentielle" in agency
    school = _docx_text(by_name["Courrier — Éducation nationale — circonscription.docx"])
    assert "\nMadame l’Inspectrice,\n" in school and "La contribution de l’Éducation nationale — circonscription" in school
    region = _docx_text(by_name["Courrier — Région Hauts-de-France.docx"])
    assert "La contribution de la Région Hauts-de-France y est essentielle" in region
    landlord = _docx_text(by_name["Courrier — Habitat Scarpe Logement.docx"])
    assert "La contribution d’Habitat Scarpe Logement y est essentielle" in landlord
    assert "\nHabitat Scarpe Logement\n25 quai de la Scarpe\n59500 Douai\n" in landlord
    for path in result.paths:
        assert "(bailleur)" not in _docx_text(path)


def test_all_letters_in_one_document_and_in_pdf(letters):
    services, eid, folder = letters
    before = date(2026, 1, 12)
    one = services.exports.letters(eid, folder / "tous.docx", today=before).paths[0]
    d = docx.Document(str(one))
    breaks = sum(1 for p in d.paragraphs for r in p.runs if 'w:br w:type="page"' in r._r.xml or "w:type=\"page\"" in r._r.xml)
    assert breaks == 7
    assert sum(1 for p in d.paragraphs if p.text.startswith("Objet :")) == 8
    pdf = services.exports.letters(eid, folder / "tous.pdf", today=before).paths[0]
    text = flat(pdf_text(pdf))
    assert pdf_pages(pdf) == 8  # one page per letter
    for p in services.evaluations.rows("partner", eid):
        assert p["contact"] in text
    assert "746 rue Jean-Perrin" in text and "Douai, le 12 janvier 2026" in text and "Bernard Lemoine" in text
    assert "(bailleur)" not in text
    per_partner_pdf = services.exports.letters(eid, folder / "pdf", fmt="pdf", today=before).paths
    assert len(per_partner_pdf) == 8 and all(p.suffix == ".pdf" for p in per_partner_pdf)


def test_the_demo_letters_today_are_refused_then_forced(letters):
    """Today (the clock), the demo's atelier of 10 February 2026 is past: refused, or forced
    with a warning."""
    from desktop_app.services.exports import PastDatesError

    services, eid, folder = letters
    clock = services.letters.clock
    services.letters.clock = lambda: date(2026, 2, 11)  # the day after the atelier
    try:
        with pytest.raises(PastDatesError, match="l'atelier du mardi 10 février 2026 est déjà passé"):
            services.exports.letters(eid, folder / "refuse.pdf")
        assert not (folder / "refuse.pdf").exists()
        assert services.exports.letter_date_problems(eid) == (
            "l'atelier du mardi 10 février 2026 est déjà passé",
            "la date limite des contributions (mardi 3 février 2026) est déjà passée",
        )
        forced = services.exports.letters(eid, folder / "force.pdf", force=True)
        assert forced.paths[0].exists()
        assert forced.warnings[0].startswith("Courriers exportés malgré une date passée : L'atelier du mardi 10 février 2026")
        assert "Douai, le 11 février 2026" in flat(pdf_text(forced.paths[0]))
    finally:
        services.letters.clock = clock
