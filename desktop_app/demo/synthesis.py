"""Demo content of the synthesis area: the référentiel partly filled with its evidence, two
conseils citoyens assessed, both maturity scales filled, the partners' letter ready to send.

Everything is invented; it is written to read like a real mid-course evaluation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from desktop_app.demo.data.synthesis import (
    AUTO_CM,
    AUTO_HC,
    DOCUMENTS,
    MATURITY,
    PORTRAIT_CM,
    PORTRAIT_HC,
    QUESTION_LEVELS,
    QUESTIONS_CM,
    QUESTIONS_HC,
    REFERENTIEL,
)
from desktop_app.services.app_services import Services


def _pdf(path: Path, lines: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 72
    for i, line in enumerate(lines):
        c.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 14 if i == 0 else 11)
        c.drawString(72, y, line)
        y -= 24 if i == 0 else 16
    c.save()


def _checklist(answers: dict, columns: tuple[str, ...]) -> dict:
    out = {}
    for item, values in answers.items():
        for col, value in zip(columns, values, strict=False):
            if value:
                out[f"{item}.{col}"] = value
    return out


def build_synthesis(services: Services, evaluation_id: str) -> None:
    forms = services.forms

    # Référentiel, partly filled
    ref = services.referentiel.referentiel(evaluation_id)
    answers: dict = {}
    for ind, (value, source, proofs, appreciation, comment) in REFERENTIEL.items():
        for key, v in (("valeur", value), ("source", source), ("preuves", proofs), ("appreciation", appreciation), ("commentaire", comment)):
            if v:
                answers[f"{ind}.{key}"] = v
    for q, (level, comment) in QUESTION_LEVELS.items():
        answers[f"{q}.appreciation"] = level
        if comment:
            answers[f"{q}.commentaire"] = comment
    forms.set_answers(ref.id, answers)

    # Documents recorded in the app, linked as evidence
    with tempfile.TemporaryDirectory() as tmp:
        for filename, caption, indicators, lines in DOCUMENTS:
            path = Path(tmp) / filename
            _pdf(path, lines)
            change = services.attachments.add_file(evaluation_id, "referentiel", ref.id, path, caption)
            for ind in indicators:
                services.referentiel.add_evidence(evaluation_id, ind, "attachment", change.id)
    # ...and whatever the other areas' demo recorded (workshops, testimonies, questionnaires)
    candidates = services.referentiel.evidence_candidates(evaluation_id)
    wanted = {
        "guide-partenaires": ["gouv_1_d", "gouv_3_c", "dc_4_a"],
        "guide-associations": ["va_3_b", "va_4_c"],
        "guide-conseils-citoyens": ["cc_3_d", "cc_4_a"],
        "questionnaire-communes": ["gouv_3_b", "cc_4_c"],
        "questionnaire-associations": ["va_1_c", "va_3_c"],
        "fiche-temoignage": ["cc_4_a"],
        "suivi-engagements": ["dc_1_b"],
    }
    responses = {r.id: r.tool_id for r in forms.find(evaluation_id)}
    for cand in candidates:
        if cand.target_type == "questionnaire_results":
            tool = cand.target_id
        elif cand.target_type == "form_response" and cand.kind != "questionnaire":
            tool = responses.get(cand.target_id)
        else:
            continue
        for ind in wanted.get(tool, []):
            existing = {(e.target_type, e.target_id) for e in services.referentiel.evidence(evaluation_id, ind)}
            if (cand.target_type, cand.target_id) not in existing and len(existing) < 3:
                services.referentiel.add_evidence(evaluation_id, ind, cand.target_type, cand.target_id)

    # Two conseils citoyens assessed
    qpvs = {q["code"]: q["id"] for q in services.evaluations.rows("qpv", evaluation_id)}
    for code, auto, portrait, questions in (
        ("QN05991M", AUTO_HC, PORTRAIT_HC, QUESTIONS_HC),
        ("QN05992I", AUTO_CM, PORTRAIT_CM, QUESTIONS_CM),
    ):
        qpv_id = qpvs.get(code)
        if qpv_id is None:
            continue
        services.councils.start_council(evaluation_id, qpv_id)
        r = services.councils.council_response(evaluation_id, qpv_id, "cc-autoevaluation")
        forms.set_answers(r.id, _checklist(auto, ("prevu", "observe", "ecart", "commentaire")))
        forms.set_status(r.id, "complete")
        r = services.councils.council_response(evaluation_id, qpv_id, "cc-portrait-robot")
        forms.set_answers(r.id, _checklist(portrait, ("arrete", "observe", "ecart", "commentaire")))
        r = services.councils.council_response(evaluation_id, qpv_id, "cc-questions")
        forms.set_answers(r.id, dict(questions))

    # Both maturity scales
    for tool_id, domains in MATURITY.items():
        r = services.maturity.maturity_response(evaluation_id, tool_id)
        answers = {}
        for domain, (level, why) in domains.items():
            answers[f"{domain}.niveau"] = level
            answers[f"{domain}.justification"] = why
        forms.set_answers(r.id, answers)
        forms.set_status(r.id, "complete")

    # The partners' letter
    r = services.letters.letter_options(evaluation_id)
    forms.set_answers(
        r.id,
        {
            "atelier_date": "2026-02-10",
            "reference": "DCS/EV/2026-014",
            "pieces_jointes": "Programme de l'atelier du 10 février\nPlan d'accès à la salle du conseil",
            "atelier_lieu": "Salle du conseil, hôtel de ville de Marchiennes-sur-Scarpe, 1 place Jean-Jaurès",
            "date_limite": "2026-02-03",
            "pieces_demandees": ["bilans_actions", "donnees_beneficiaires", "suivi_engagements", "financements"],
        },
    )
