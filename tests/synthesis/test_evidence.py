"""Evidence linked to the référentiel's indicators: what can be linked, links, refusals, and a
target deleted afterwards."""

from __future__ import annotations

import pytest

from desktop_app.services.base import ServiceError


def test_link_and_unlink_evidence(services, evaluation_id, tmp_path):
    syn = services.referentiel
    assert syn.evidence_candidates(evaluation_id) == []
    doc = tmp_path / "compte-rendu.txt"
    doc.write_text("COPIL du 12/12", encoding="utf-8")
    att = services.attachments.add_file(evaluation_id, "referentiel", "", doc, "Compte rendu du COPIL")
    workshop = services.forms.create(evaluation_id, "guide-partenaires", "workshop", "w1", "Atelier Partenaires — 10/02/2026")
    services.forms.create(evaluation_id, "questionnaire-communes", "commune", "59178", "Douai")
    cands = {(c.target_type, c.target_id): c for c in syn.evidence_candidates(evaluation_id)}
    assert cands[("attachment", att.id)].kind == "document"
    assert cands[("form_response", workshop)].kind == "atelier"
    assert cands[("form_response", workshop)].label == "Atelier Partenaires — 10/02/2026"
    results = cands[("questionnaire_results", "questionnaire-communes")]
    assert results.kind == "resultats" and results.detail == "1 réponse(s)"

    syn.add_evidence(evaluation_id, "gouv_1_a", "attachment", att.id)
    syn.add_evidence(evaluation_id, "gouv_1_a", "form_response", workshop)
    syn.add_evidence(evaluation_id, "gouvernance", "questionnaire_results", "questionnaire-communes")
    links = syn.evidence(evaluation_id, "gouv_1_a")
    assert [e.label for e in links] == ["Compte rendu du COPIL", "Atelier Partenaires — 10/02/2026"]
    assert syn.matrix(evaluation_id).questions[0].sub_questions[0].cells[0].evidence == 2

    with pytest.raises(ServiceError, match="déjà liée"):
        syn.add_evidence(evaluation_id, "gouv_1_a", "attachment", att.id)
    with pytest.raises(ServiceError, match="Indicateur inconnu"):
        syn.add_evidence(evaluation_id, "pas_un_indicateur", "attachment", att.id)
    with pytest.raises(ServiceError, match="n'existe pas"):
        syn.add_evidence(evaluation_id, "gouv_1_b", "form_response", "nope")

    # the workshop deleted later: the link stays readable, flagged as no longer available
    services.forms.delete(workshop)
    gone = [e for e in syn.evidence(evaluation_id, "gouv_1_a") if e.target_id == workshop][0]
    assert not gone.available and gone.label == "Atelier Partenaires — 10/02/2026"

    syn.remove_evidence(links[0].id)
    assert [e.target_id for e in syn.evidence(evaluation_id, "gouv_1_a")] == [workshop]
