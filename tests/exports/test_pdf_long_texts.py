"""Texts typed at any length never stop the PDF summary: a table row cannot be taller than a
page (reportlab's LayoutError stopped the report of a large evaluation whose référentiel held
long comments). Proofs and comments run across the table's width under their indicator, and a
text too long for a page is cut there, saying where it is whole."""

from __future__ import annotations

from datetime import date

from tests.exports.conftest import flat, pdf_text


def test_a_very_long_comment_and_proofs_are_cut_not_fatal(services, tmp_path):
    eid = services.evaluations.create("CA du Douaisis")
    ref = services.referentiel.referentiel(eid)
    sentence = "Les associations de proximité signalent des délais de paiement de quatre à six mois. "
    services.forms.set_answer(ref.id, "gouv_1_a.valeur", "3")
    services.forms.set_answer(ref.id, "gouv_1_a.commentaire", sentence * 80)  # 6,800 characters
    services.forms.set_answer(ref.id, "gouv_1_a.preuves", "Relevés de décisions. " * 200)
    out = tmp_path / "synthese.pdf"
    result = services.exports.pdf(eid, out, today=date(2026, 12, 10))
    assert result.detail.endswith("pages")
    text = flat(pdf_text(out))
    assert "Commentaire : Les associations de proximité signalent" in text
    assert "[texte coupé : 6 799 caractères, complet dans le classeur des grilles]" in text
    assert "[texte coupé : 4 399 caractères, complet dans le classeur des grilles]" in text  # the proofs too
