"""The sheets filled once per evaluation (kit 1.1.0's state of the QPV and annual reports'
figures, role `step_form`) reach the PDF summary, in its annex G: each answer under its
question, a wide repeat group as one question / answer table per item, and nothing personal —
an e-mail or a phone typed in a free answer is filtered out as everywhere in the report."""

from __future__ import annotations

from datetime import date

from desktop_app.kit.forms import compile_tool, field_index
from tests.exports.conftest import flat, pdf_text


def test_state_of_the_qpv_and_annual_reports_in_the_annex(services, tmp_path):
    eid = services.evaluations.create("CA du Douaisis")
    summary = services.evaluations.get(eid)
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    group = field_index(compile_tool(kit, "etat-qpv"))["qpv"]
    assert {"code_qpv", "nom_qpv", "faits_marquants", "population"} <= {c.id for c in group.children}
    services.forms.create(eid, "etat-qpv", answers={"qpv": [{
        "code_qpv": "QN05950M", "nom_qpv": "Frais-Marais", "population": 4210, "annee_population": 2021,
        "faits_marquants": "Ouverture de la maison de quartier ; contact : referent.quartier@exemple.fr, 06 12 34 56 78.",
    }]})
    services.forms.create(eid, "bilans-annuels", answers={"annees": [
        {"annee_bilan": 2024, "nb_actions": 62}, {"annee_bilan": 2025, "nb_actions": 58},
    ]})
    out = tmp_path / "synthese.pdf"
    services.exports.pdf(eid, out, today=date(2026, 12, 10))
    text = flat(pdf_text(out))
    annex = text[text.index("G. Les fiches de l’évaluation", text.index("Annexes")):]
    assert "État des lieux des quartiers prioritaires" in annex
    assert "QN05950M — Frais-Marais" in annex and "4 210" in annex
    assert "Ouverture de la maison de quartier" in annex
    assert "referent.quartier@exemple.fr" not in text and "06 12 34 56 78" not in text
    assert "Année 1 : 2024" in annex and "62 actions" in annex and "58 actions" in annex
    assert "2 024" not in annex  # a year is written without a thousands separator
