"""The PDF summary of the demo evaluation, read back with pdftotext / pdffonts: what a reader
finds in it, and what must never be in it."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

from desktop_app.exports.area_sources import mask
from desktop_app.exports.pdf_style import typo
from tests.exports.conftest import flat, pdf_pages, pdf_text, poppler


@pytest.fixture(scope="module")
def report(demo_services, tmp_path_factory):
    services, eid = demo_services
    out = tmp_path_factory.mktemp("pdf") / "synthese.pdf"
    seen = []
    result = services.exports.pdf(eid, out, lambda d, t, x: seen.append((d, t, x)), today=date(2026, 12, 10))
    return services, eid, out, result, seen


def test_structure_cover_contents_chapters(report):
    services, eid, out, result, seen = report
    pages = pdf_pages(out)
    assert result.detail == f"{pages} pages" and pages > 25
    text = flat(pdf_text(out))
    cover = flat(pdf_text(out, first=1, last=1))
    assert "ÉVALUATION DU CONTRAT DE VILLE" in cover
    assert "Communauté d’agglomération du Val de Scarpe-et-Sensée" in cover
    assert "Rapport de synthèse — décembre 2026" in cover
    toc = flat(pdf_text(out, first=2, last=3))
    for title in (
        "Sommaire", "L’essentiel", "1. Le cadre et le calendrier de l’évaluation", "2. Les actions structurantes évaluées",
        "3. Ce qu’ont apporté les ateliers et le terrain", "4. Les résultats des questionnaires", "5. Le référentiel évaluatif",
        "6. Les conseils citoyens", "8. L’avancement des engagements", "Annexes",
    ):
        assert title in toc
    # the contents give page numbers, and the pages carry "n / total" and the running header
    assert re.search(r"5\. Le référentiel évaluatif[ .]+\d+", toc)
    page5 = flat(pdf_text(out, first=5, last=5))
    assert f"5 / {pages}" in page5 and "Évaluation du contrat de ville — Communauté" in page5
    assert "Rapport édité le 10/12/2026" in page5
    # progress went from 0 to the end, in order
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] and [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert "5 QPV dans 5 communes" in cover and text.count("COPIL de restitution de l’évaluation") >= 1


def test_content_of_each_area(report):
    services, eid, out, *_ = report
    text = flat(pdf_text(out))
    # frame and calendar
    assert "Les quartiers prioritaires" in text and "QN05991M Les Hauts-Champs" in text
    assert "08/12/2026 Comité de pilotage (COPIL) COPIL de restitution" in text
    # actions: the short list from the actions area, with the ranking and the method
    chosen = [r.action.title for r in services.actions.grid(eid).chosen]
    assert chosen and all(flat(t) in text for t in chosen)
    assert "Les questions évaluatives et la méthode des actions retenues" in text
    # workshops and fieldwork
    assert "Les ateliers d’évaluation" in text and "Forces" in text and "Préconisations" in text
    # questionnaire results with their response rate
    assert "Questionnaire aux communes de l’EPCI" in text and "Taux de réponse" in text
    # référentiel: matrix, values and appreciations
    assert "La matrice des appréciations" in text
    assert "1 par an (2 en 2023)" in text and "Plutôt pas atteint" in text
    assert "Relevés de décisions des COPIL 2021-2025" in text  # evidence linked in the app
    # conseils citoyens and maturity
    assert "Conseil citoyen — Les Hauts-Champs (QN05991M)" in text
    assert "23 obligations examinées sur 23 : 6 sans écart, 12 écarts faibles, 5 écarts importants." in text
    assert "11 / 35" in text and "18 / 35" in text and "Recommandations" in text
    assert "Les deux politiques comparées" in text
    # commitments
    assert "50 engagements :" in text and "% réalisés ou en cours" in text


def test_verbatims_only_with_consent_and_nobody_named(report):
    services, eid, out, *_ = report
    text = flat(pdf_text(out))
    testimonies = services.terrain.testimonies(eid)
    assert any(t.usable for t in testimonies) and any(not t.usable for t in testimonies)
    for t in testimonies:
        said = services.forms.get(t.response_id).answers.get("texte_temoignage", "")
        words = flat(typo(mask(said)))[:30]
        if t.usable:
            assert words in text, t.pseudonym
        else:
            assert words not in text, f"{t.pseudonym} n'a pas donné son accord"
    assert "Lefort" not in text and "[nom retiré]" in text
    assert "sans accord d’utilisation n’ont pas été repris" in text


def test_fonts_are_embedded_and_french_typography(report):
    out = report[2]
    fonts = subprocess.run([poppler("pdffonts"), str(out)], check=True, capture_output=True, text=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line.split("TrueType", 1)[-1][:20] or "yes yes" in line for line in rows)
    assert all("DejaVu" in line or "EKSans" in line for line in rows)
    raw = pdf_text(out)
    assert "\u00a0:" in raw or " :" in raw
    assert "l’évaluation" in raw and "l'évaluation" not in raw


def test_chapters_follow_the_scope_and_say_when_nothing_is_recorded(services, evaluation_id, tmp_path):
    scope = [t for t in services.maturity.scope(evaluation_id) if not t.startswith(("cc-", "maturite-"))]
    services.evaluations.update_evaluation(evaluation_id, "scope", scope)
    out = tmp_path / "vide.pdf"
    services.exports.pdf(evaluation_id, out)
    text = flat(pdf_text(out))
    toc = flat(pdf_text(out, first=2, last=2))
    assert "5. Le référentiel évaluatif" in toc
    assert "Les conseils citoyens" not in toc and "maturité" not in toc and "Conseil citoyen —" not in text
    assert "Aucune action n’a encore été cotée" in text
    assert "Aucun atelier, immersion ni témoignage n’a encore été saisi." in text
    assert "Aucune réponse n’a encore été saisie ou importée." in text
    assert "0/50 quartiers prioritaires communes partenaires associés indicateurs du référentiel renseignés" in text


# --------------------------------------------------------------------------- issue 18: typography, findings, commentary


def _page_texts(out) -> list[str]:
    return pdf_text(out, layout=True).split("\f")


def test_typography_defects_are_gone(report):
    out = report[2]
    text = flat(pdf_text(out))
    assert not re.search(r"\b2 0[12]\d\b", text), "a year printed with a thousands separator"
    assert "2025" in text
    for hint in ("(oui / non)", "sur 5 (%)"):
        assert hint not in text, text[max(0, text.find(hint) - 200):text.find(hint) + 20]
    assert "))" not in text
    assert ". ;" not in text
    assert not re.search(r"\b1 (QPV|commune)s\b", text) and not re.search(r"\b1 communes\b", text)
    # a method is said once in a cell: "Entretiens" is not repeated after "entretiens avec…"
    assert "Focus group ; Entretiens" not in text and "; Immersion ; Entretiens" not in text


def test_headings_never_end_a_page(report):
    services, eid, out, *_ = report
    toc = flat(pdf_text(out, first=2, last=2))
    headings = {h.strip() for h in re.findall(r"(?:^|\s)((?:[A-F]\. |\d\. )?[A-ZÉÀL][^.]{6,80}?) \.", toc)}
    assert len(headings) > 20 and "Les premières recommandations" in headings
    # the questionnaires' section titles too (« Vos financements » once ended a page)
    for tool_id in ("questionnaire-communes", "questionnaire-associations"):
        headings |= {sec.title for sec in services.questionnaires.results(eid, tool_id).sections}
    assert "Vos financements" in headings
    orphaned = []
    for number, page in enumerate(_page_texts(out)[2:], start=3):
        lines = [line.strip() for line in page.splitlines() if line.strip() and not line.strip().startswith("Rapport édité le")]
        if lines and any(lines[-1] == h for h in headings):
            orphaned.append((number, lines[-1]))
    assert not orphaned, orphaned


def test_each_chosen_action_has_its_findings_or_says_there_are_none(report):
    services, eid, out, *_ = report
    text = flat(pdf_text(out))
    chosen = services.actions.grid(eid).chosen
    assert text.count("Ce qu’en disent les ateliers, le terrain et les questionnaires") == len(chosen)
    # the PRE was visited in immersion and cited by a commune: its findings are there
    assert "Immersion — Programme de réussite éducative" in text and "Bon repérage, orientation difficile" in text
    assert "Questionnaire communes — réponse libre" in text
    assert "Aucun constat recueilli pour l’instant" in text


def test_recommendations_say_where_they_come_from(report):
    out = report[2]
    text = flat(pdf_text(out, first=3, last=5))
    assert "Recommandation D’où elle vient" in text
    assert "Maturité EFH, domaine « Moyens dédiés »" in text
    assert "Référentiel, question 4, indicateur 4.1.b (non atteint)" in text
    assert "préconisation votée (12 gommettes)" in text and "Généraliser les CPO" in text


def test_questionnaire_charts_have_a_sentence_and_numbering_does_not_skip(report):
    services, eid, out, *_ = report
    text = flat(pdf_text(out))
    assert "16 communes sur 19 (84 %) répondent « Non »." in text
    assert "Les questions 1.1 et 1.2 identifient le répondant" in text
    for number in ("2.4", "8.1", "8.2"):  # free-text questions: listed, their answers in the annex
        assert re.search(rf"\b{re.escape(number)} [A-ZÀ-Ý]", text), number
    assert "reproduites en annexe F" in text and "F. Les réponses libres aux questionnaires" in text
    assert "Secrétaire de mairie" in text  # an « Autre » answer, in the annex
    # every question of a section, in order, no number skipped
    communes = text[text.index("Questionnaire aux communes de l’EPCI 20 réponses"):text.index("Questionnaire aux associations porteuses")]
    shown = re.findall(r"\b(\d)\.(\d{1,2}) [A-ZÀ-Ý«]", communes)
    by_section: dict[str, list[int]] = {}
    for s, q in shown:
        if int(q) not in by_section.setdefault(s, []):
            by_section[s].append(int(q))
    for s, qs in by_section.items():
        start = 3 if s == "1" else 1  # 1.1 and 1.2 identify the commune
        assert qs == list(range(start, start + len(qs))), (s, qs)


def test_referentiel_question_without_comment_gets_a_sentence(report):
    text = flat(pdf_text(report[2]))
    assert "Appréciation portée par l’équipe, sans commentaire. 8 de ses 13 indicateurs sont appréciés" in text


def test_council_table_and_chart_name_gaps_alike(report):
    text = flat(pdf_text(report[2]))
    assert "Conseil citoyen QPV Aucun écart Écart faible Écart important Non examiné" in text
    assert "Sans écart" not in text


def test_chart_text_keeps_its_size_on_paper(report):
    """The questionnaires' bars and the actions' ranking are drawn by reportlab at their print
    size: labels, values and value axis are text in the embedded DejaVu Sans at 7.5 pt (never
    shrunk, searchable). The charts still drawn as pictures (150 dpi, 8-9 pt text) are never
    shrunk by more than 15 % (so their text stays at or above 7 pt)."""
    from pypdf import PdfReader

    services, eid, out, *_ = report
    chart_text: list[str] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font and str(font.get("/BaseFont", "")).endswith("+DejaVuSans") and abs(size * tm[3] * cm[3] - 7.5) < 0.01:
            chart_text.append(text.strip())

    for page in PdfReader(out).pages:
        page.extract_text(visitor_text=visit)
    assert chart_text.count("0") >= 40  # every questionnaire chart and the ranking start their axis at 0
    assert "Comité de pilotage" in chart_text and "58 %" in chart_text  # a question's choices and shares
    joined = " ".join(chart_text)
    assert all(flat(r.action.title) in joined for r in services.actions.grid(eid).chosen)  # the ranking
    listing = subprocess.run([poppler("pdfimages"), "-list", str(out)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    ppi = [int(r[12]) for r in rows if r[2] == "image"]
    assert ppi and all(p <= 176 for p in ppi), sorted(set(ppi))


def test_the_report_writes_the_plain_data_it_is_given(demo_services, tmp_path):
    """The services gather the evaluation into plain data; the PDF writer formats that data,
    nothing else (one chapter is enough to see it)."""
    from dataclasses import replace

    from desktop_app.exports.pdf_report import build_report, default_sections
    from desktop_app.services.report_data import gather

    services, eid = demo_services
    data = gather(services, eid)
    assert data.commitments
    cadrage = replace(data.cadrage, fields={**data.cadrage.fields, "territory_name": "Territoire donné à l'export"})
    given = replace(data, cadrage=cadrage, commitments=data.commitments[:1],
                    commitment_summary="Une phrase de synthèse donnée à l'export.")
    out = tmp_path / "r.pdf"
    build_report(given, out, sections=[s for s in default_sections() if s.key == "engagements"], today=date(2026, 12, 10))
    text = flat(pdf_text(out))
    assert "Territoire donné à l’export" in text or "Territoire donné à l'export" in text
    assert "Une phrase de synthèse donnée à l’export." in text or "Une phrase de synthèse donnée à l'export." in text
    assert data.commitments[0].title in text and data.commitments[1].title not in text
