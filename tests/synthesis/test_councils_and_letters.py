"""Conseils citoyens (one per QPV of the Cadrage, subject "qpv") and the partners' letter merge."""

from __future__ import annotations

import pytest

from desktop_app.core.councils import gap_summary
from desktop_app.core.letters import merge_letter
from desktop_app.kit.forms import compile_tool
from desktop_app.services.base import ServiceError

# the shipped kit's council tools (role council_tool)
CC_TOOLS = ("cc-autoevaluation", "cc-portrait-robot", "cc-questions")


def _qpv(services, eid, code="QN05901M", name="Les Épis"):
    services.evaluations.add_row("qpv", eid, {"code": code, "name": name, "communes": "Douai"})
    return next(q["id"] for q in services.evaluations.rows("qpv", eid) if q["code"] == code)


def test_councils_follow_the_cadrage_qpv(services, evaluation_id):
    syn = services.councils
    assert syn.councils(evaluation_id) == []
    a = _qpv(services, evaluation_id, "QN05901M", "Les Épis")
    _qpv(services, evaluation_id, "QN05902I", "Faubourg")
    councils = syn.councils(evaluation_id)
    assert [c.name for c in councils] == ["Les Épis", "Faubourg"]
    assert not any(c.started for c in councils)

    syn.start_council(evaluation_id, a)
    responses = [r for r in services.forms.find(evaluation_id) if r.tool_id in CC_TOOLS]
    assert sorted(r.tool_id for r in responses) == sorted(CC_TOOLS)
    assert {(r.subject_type, r.subject_id) for r in responses} == {("qpv", a)}
    assert all(r.label == "Conseil citoyen — Les Épis" for r in responses)
    # starting again does not duplicate
    syn.start_council(evaluation_id, a)
    assert len([r for r in services.forms.find(evaluation_id) if r.tool_id in CC_TOOLS]) == 3

    auto = syn.council_response(evaluation_id, a, "cc-autoevaluation")
    services.forms.set_answers(auto.id, {"parite.ecart": "important", "formation.ecart": "faible", "lieu_dedie.ecart": "aucun",
                                         "parite.observe": "7 femmes, 2 hommes"})
    council = syn.council(evaluation_id, a)
    assert council.started and council.gaps.counts == {"aucun": 1, "faible": 1, "important": 1}
    assert council.gaps.important == ("Le tirage au sort respecte la parité entre les femmes et les hommes",)
    assert council.gaps.sentence() == "3 obligations examinées sur 23 : 1 sans écart, 1 écart faible, 1 écart important."
    rows = {r.item_id: r for r in syn.council_rows(evaluation_id, a, "cc-autoevaluation")}
    assert rows["parite"].cell("observe").text == "7 femmes, 2 hommes"
    assert rows["parite"].cell("ecart").text == "Écart important" and rows["parite"].cell("ecart").color == "#e53935"


def test_no_council_tool_in_scope_is_explained(services, evaluation_id):
    qpv = _qpv(services, evaluation_id)
    scope = [t for t in services.councils.scope(evaluation_id) if t not in CC_TOOLS]
    services.evaluations.update_evaluation(evaluation_id, "scope", scope)
    with pytest.raises(ServiceError, match="périmètre"):
        services.councils.start_council(evaluation_id, qpv)


def test_gap_summary_words(services, evaluation_id):
    kit = services.councils.kit(evaluation_id)
    tool, form = kit.tool("cc-autoevaluation"), compile_tool(kit, "cc-autoevaluation")
    g = gap_summary(tool, form, {})
    assert g.sentence() == "Grille non commencée." and g.unanswered == g.total == 23


def test_letter_merge_marks_what_is_missing(services, evaluation_id):
    tool = services.letters.kit(evaluation_id).tool("courrier-partenaires")
    letter = merge_letter(
        tool,
        {"partenaire.organisation": "CAF du Nord", "partenaire.de_nom": "de la CAF du Nord", "appel": "Madame la Directrice",
         "territoire.de_nom": "de la Communauté d'agglomération du Douaisis"},
        "CAF du Nord",
        ["Bilans des actions"],
        recipient_lines=["Madame Anne Leroy", "Directrice", "CAF du Nord", "59000 Lille"],
    )
    assert letter.header == ("Madame Anne Leroy", "Directrice", "CAF du Nord", "59000 Lille")
    assert letter.paragraphs[0] == "Madame la Directrice,"
    assert "Nous vous prions d'agréer, Madame la Directrice, l'expression" in letter.paragraphs[-1]
    assert "contrat de ville de la Communauté d'agglomération du Douaisis" in letter.paragraphs[1]
    assert "La contribution de la CAF du Nord y est essentielle" in letter.paragraphs[1]
    assert "[Date et heure de l'atelier]" in letter.paragraphs[2]
    assert set(letter.missing) >= {"Date et heure de l'atelier", "Lieu de l'atelier (adresse)", "Signataire des courriers (Cadrage)"}
    assert "{{" not in " ".join(letter.paragraphs) + letter.subject
    assert letter.bullets == ("Bilans des actions",) and "date_limite" not in letter.paragraphs[letter.bullets_after]
    assert "[Date limite de transmission des contributions]" in letter.paragraphs[letter.bullets_after]


def test_letter_lists_the_requested_documents_once_from_the_selection(services, evaluation_id):
    tool = services.letters.kit(evaluation_id).tool("courrier-partenaires")
    values = {"date_limite": "lundi 2 février 2026"}
    chosen = ("Bilans des actions et dispositifs menés dans les quartiers prioritaires",)
    letter = merge_letter(tool, values, "CAF du Nord", chosen)
    intro = letter.paragraphs[letter.bullets_after]
    assert intro.endswith("les documents et données suivants dont vous disposez :") and "lundi 2 février 2026" in intro
    assert letter.bullets == chosen
    body = " ".join(letter.paragraphs)
    assert "bilans de vos actions" not in body.lower() and "{{" not in body  # no fixed list repeating the bullets
    assert letter.paragraphs[letter.bullets_after + 1].startswith("Même partiels")
    empty = merge_letter(tool, values, "CAF du Nord", ())
    assert empty.bullets == ("[Documents demandés (liste à puces tirée des options du courrier)]",)
    assert "Documents demandés (liste à puces tirée des options du courrier)" in empty.missing


def test_letters_need_partners(services, evaluation_id):
    import datetime as dt

    with pytest.raises(ServiceError, match="partenaire"):
        services.letters.letters(evaluation_id)
    services.evaluations.add_row("partner", evaluation_id, {"organisation": "Région", "contact": "M. Roy", "role": "Chargé de mission"})
    options = services.letters.letter_options(evaluation_id)
    services.forms.set_answers(options.id, {"atelier_date": "2026-02-10", "atelier_heure": "9h30", "atelier_lieu": "Hôtel de ville",
                                            "date_limite": "2026-02-01", "pieces_demandees": ["bilans_actions"]})
    for key, value in (("signatory_name", "Jean Roy"), ("signatory_title", "Le Président"),
                       ("sender_address", "1 rue de la Mairie, 59500 Douai")):
        services.evaluations.update_evaluation(evaluation_id, key, value)
    before = dt.date(2026, 1, 5)  # the stored options are dated 2026: the letter is written before them
    batch = services.letters.letters(evaluation_id, before)
    assert batch.warnings[0] == "Champs à compléter dans les courriers : Personne ou service qui pilote l'évaluation."
    services.evaluations.add_row("team_member", evaluation_id, {"name": "Élodie Vasseur", "role": "Cheffe de projet", "is_pilot": True})
    batch = services.letters.letters(evaluation_id, before)
    assert len(batch.letters) == 1 and batch.past == ()
    assert batch.warnings == ("Adresse postale à renseigner (Cadrage › Partenaires) pour : Région.",)
    text = " ".join(batch.letters[0].paragraphs)
    assert "mardi 10 février 2026 à 9\u00a0h\u00a030" in text and "dimanche 1er février 2026" in text
    assert "Élodie Vasseur, cheffe de projet, qui pilote l'évaluation" in text
    assert batch.letters[0].bullets == ("Bilans des actions et dispositifs menés dans les quartiers prioritaires",)
    assert batch.letters[0].signature == ("Le Président", "Jean Roy")
    assert batch.head.date_line == "Douai, le 5 janvier 2026"
    # the same letters a year later: both dates are past
    late = services.letters.letters(evaluation_id, dt.date(2027, 1, 5)).past
    assert late == ("l'atelier du mardi 10 février 2026 est déjà passé",
                    "la date limite des contributions (dimanche 1er février 2026) est déjà passée")


def test_side_navigation_states(services, evaluation_id):
    from desktop_app.services.progress import step_states

    states = step_states(services, evaluation_id)
    assert (states["referentiel"].state, states["referentiel"].detail) == ("a_faire", "0/50 indicateurs renseignés")
    assert states["conseils-citoyens"].detail == "aucun QPV au Cadrage"
    assert states["exports"].detail == "options du courrier à renseigner"
    ref = services.referentiel.referentiel(evaluation_id)
    services.forms.set_answers(ref.id, {"gouv_1_a.valeur": "2", "gouv_1_b.appreciation": "atteint"})
    qpv = _qpv(services, evaluation_id)
    _qpv(services, evaluation_id, "QN05902I", "Faubourg")
    services.councils.start_council(evaluation_id, qpv)
    lcd = services.maturity.maturity_response(evaluation_id, "maturite-lcd")
    services.forms.set_answers(lcd.id, {"engagement_politique.niveau": "3"})
    services.forms.set_status(lcd.id, "complete")
    states = step_states(services, evaluation_id)
    assert (states["referentiel"].state, states["referentiel"].detail) == ("en_cours", "2/50 indicateurs renseignés")
    assert (states["conseils-citoyens"].state, states["conseils-citoyens"].detail) == ("en_cours", "1/2 conseil(s) évalué(s)")
    assert (states["maturite"].state, states["maturite"].detail) == ("en_cours", "LCD 3/35")  # the EFH scale is still empty
