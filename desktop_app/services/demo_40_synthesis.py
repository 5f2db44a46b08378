"""Demo content of the synthesis area: the référentiel partly filled with its evidence, two
conseils citoyens assessed, both maturity scales filled, the partners' letter ready to send.

Everything is invented; it is written to read like a real mid-course evaluation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from desktop_app.services.app_services import Services

# indicator -> (value, source used, proofs, appreciation, comment)
REFERENTIEL = {
    "gouv_1_a": ("1 par an (2 en 2023)", "Comptes rendus des COPIL 2021-2025", "Relevés de décisions des COPIL", "plutot_atteint",
                 "Rythme annuel tenu ; un COPIL supplémentaire en 2023 pour préparer Engagements Quartiers 2030."),
    "gouv_1_b": ("3 par an", "Convocations du COTECH", "", "atteint", ""),
    "gouv_1_c": ("62 %", "Feuilles d'émargement des COPIL", "Feuilles d'émargement 2022-2025", "plutot_pas_atteint",
                 "Le Département et France Travail sont rarement représentés au COPIL."),
    "gouv_1_d": ("Élus présents pour l'EPCI, l'État et 3 communes sur 5 ; techniciens pour les autres signataires",
                 "Feuilles d'émargement, atelier Partenaires", "", "plutot_pas_atteint", ""),
    "gouv_2_a": ("55 %", "Tableau de suivi des décisions", "", "plutot_pas_atteint",
                 "Les décisions sans pilote désigné ne sont presque jamais suivies d'effet."),
    "gouv_2_b": ("Non", "Équipe projet", "", "non_atteint", "Chaque signataire suit ses propres indicateurs ; rien n'est consolidé."),
    "gouv_2_c": ("3 bilans sur 5 années", "Bilans annuels 2021, 2022 et 2024", "Bilan annuel 2024", "plutot_atteint", ""),
    "gouv_3_a": ("Oui (schéma de gouvernance annexé au contrat)", "Contrat de ville, annexe 2", "", "atteint", ""),
    "gouv_3_b": ("40 %", "Questionnaire aux communes (5 réponses)", "", "plutot_pas_atteint",
                 "Les communes hors ville-centre ne savent pas qui arbitre la programmation."),
    "gouv_4_a": ("2,5 ETP à l'EPCI, 1 ETP à Marchiennes", "Organigrammes", "", "plutot_atteint", ""),
    "gouv_4_b": ("3 changements de délégué du préfet, 1 de cheffe de projet", "Préfecture, EPCI", "", "plutot_pas_atteint",
                 "Chaque changement a coûté plusieurs mois de reprise des dossiers."),
    "dc_1_a": ("4 signataires sur 11", "Avenant de 2019 (protocole d'engagements renforcés)", "", "plutot_pas_atteint", ""),
    "dc_1_b": ("48 % réalisés ou en cours", "Suivi des engagements", "Tableau de suivi des 50 engagements", "plutot_pas_atteint",
               "Les engagements sur l'emploi et la santé sont les moins avancés."),
    "dc_1_c": ("Non", "Ordres du jour des COPIL", "", "non_atteint", ""),
    "dc_2_a": ("27 % des demandeurs d'emploi accompagnés", "France Travail, agence d'Orchies", "", "plutot_atteint",
               "À comparer aux 21 % d'habitants des QPV dans la population de l'agglomération."),
    "dc_2_b": ("11 % des apprentis, 19 % des volontaires en service civique", "Services de l'État", "", "plutot_pas_atteint", ""),
    "dc_2_c": ("21 %", "INSEE, recensement 2020, géographie prioritaire 2024", "", "non_renseigne", "Valeur de référence."),
    "dc_3_b": ("Environ 310 000 € par an", "Programmation 2023-2025", "", "plutot_atteint", ""),
    "cc_1_a": ("3 QPV sur 5", "Arrêtés préfectoraux, portraits-robots", "", "plutot_pas_atteint",
               "Résidence des Tilleuls (nouveau QPV 2024) et Le Faubourg n'ont pas de conseil en activité."),
    "cc_1_b": ("Les Hauts-Champs : 22 membres à l'arrêté, 9 actifs ; Cité du Moulin : 16 à l'arrêté, 11 actifs",
               "Portraits-robots des conseils citoyens", "", "non_atteint", ""),
    "cc_1_c": ("7 écarts importants (5 aux Hauts-Champs, 2 à la Cité du Moulin) sur 42 obligations examinées", "Grilles d'autoévaluation (2 conseils)", "", "plutot_pas_atteint", ""),
    "cc_2_a": ("60 %", "Feuilles d'émargement des COPIL", "", "plutot_atteint", ""),
    "cc_2_b": ("Oui, aux Hauts-Champs seulement", "Composition des instances du NPNRU", "", "plutot_atteint", ""),
    "cc_3_a": ("1 500 € par an", "Conventions avec le centre social", "", "plutot_pas_atteint", ""),
    "cc_3_b": ("67 %", "Portraits-robots", "", "plutot_atteint", ""),
    "cc_3_d": ("Portage par les centres sociaux ; indépendance jugée « fragile » par les membres",
               "Atelier Conseils citoyens, grilles d'autoévaluation", "", "plutot_pas_atteint", ""),
    "va_1_a": ("34 % des crédits associatifs en CPO", "Programmation 2025", "", "plutot_pas_atteint",
               "L'objectif national de 50 % n'est pas atteint ; 6 associations sur 41 ont une CPO."),
    "va_1_b": ("92 jours en moyenne", "Questionnaire aux associations, services financiers", "", "non_atteint",
               "Les petites associations avancent les salaires sur leur trésorerie plusieurs mois."),
    "va_1_c": ("71 %", "Questionnaire aux associations", "", "non_atteint", ""),
    "va_2_a": ("17 associations", "Programmation 2025 (adresses des sièges)", "", "plutot_atteint", ""),
    "va_3_b": ("Oui : réunion annuelle des porteurs de projet", "Équipe projet, atelier Associations", "", "plutot_atteint", ""),
    "va_4_a": ("14 actions en partenariat", "Programmation 2025", "", "atteint", ""),
    "va_4_b": ("2,3 financeurs par action", "Programmation 2025", "", "plutot_atteint", ""),
}

QUESTION_LEVELS = {
    "gouvernance": ("plutot_pas_atteint", "Des instances régulières mais peu de suivi des décisions et aucun tableau de bord partagé."),
    "droit_commun": ("plutot_pas_atteint", "Le droit commun bénéficie aux quartiers pour l'emploi, beaucoup moins ailleurs ; les engagements ne sont pas suivis."),
    "conseils_citoyens": ("plutot_pas_atteint", ""),
}

DOCUMENTS = [
    ("releve-decisions-copil-2021-2025.pdf", "Relevés de décisions des COPIL 2021-2025", ["gouv_1_a", "gouv_2_a"],
     ["Relevé de décisions — comités de pilotage 2021-2025", "COPIL du 14/12/2021 : 9 décisions, 4 pilotes désignés.",
      "COPIL du 13/12/2022 : 7 décisions, 5 pilotes désignés.", "COPIL du 20/06/2023 : préparation du futur contrat.",
      "COPIL du 12/12/2023 : 8 décisions.", "COPIL du 10/12/2024 : 6 décisions, suivi présenté pour la première fois."]),
    ("bilan-annuel-2024.pdf", "Bilan annuel 2024 du contrat de ville", ["gouv_2_c", "dc_3_b"],
     ["Bilan annuel 2024 du contrat de ville", "41 actions financées, 27 porteurs de projet.",
      "Crédits spécifiques : 612 000 € ; droit commun valorisé : 305 000 €."]),
    ("emargements-copil-2022-2025.pdf", "Feuilles d'émargement des COPIL 2022-2025", ["gouv_1_c", "cc_2_a"],
     ["Synthèse des feuilles d'émargement", "Taux de présence moyen des signataires : 62 %.",
      "Présence d'un membre de conseil citoyen : 3 COPIL sur 5."]),
]

# Conseils citoyens: (QPV code, autoévaluation, portrait-robot, questions)
AUTO_HC = {
    "un_conseil_par_qpv": ("partiel", "3 conseils pour 5 quartiers ; les deux plus petits n'en ont jamais eu.", "important",
                           "Le contrat renvoyait à une création « ultérieure » qui n'a pas eu lieu."),
    "diagnostic_participatif": ("non", "Pas de diagnostic : le conseil a remplacé l'ancien comité de quartier.", "faible", ""),
    "deux_colleges": ("oui", "Les deux collèges existent ; le collège acteurs locaux ne compte plus que 3 associations.", "faible", ""),
    "tirage_au_sort": ("oui", "Tirage sur les listes du bailleur en 2015 ; 9 volontaires ajoutés depuis sans tirage.", "faible",
                       "Les membres trouvent le tirage au sort utile mais démotivant quand personne ne répond."),
    "parite": ("oui", "Parité à l'arrêté ; aujourd'hui 7 femmes et 2 hommes parmi les actifs.", "faible", ""),
    "habitants_majoritaires": ("oui", "Habitants : 6 actifs sur 9 (67 %).", "aucun", ""),
    "arrete_prefectoral": ("oui", "Arrêté du 3 novembre 2015, jamais mis à jour.", "important",
                           "Sur 22 personnes de l'arrêté, 13 ne viennent plus depuis des années."),
    "renouvellement": ("non", "Aucun renouvellement organisé en dix ans.", "important", "Demande forte des membres actuels."),
    "associe_elaboration": ("oui", "Consulté une fois, en 2023, pour Engagements Quartiers 2030.", "faible", ""),
    "associe_mise_en_oeuvre": ("oui", "Invité au comité des financeurs depuis 2022, sans droit de vote.", "faible", ""),
    "associe_evaluation": ("oui", "Associé à l'évaluation finale (atelier du 3 mars).", "aucun", ""),
    "instances_pilotage": ("oui", "Présent au COPIL ; absent des comités techniques.", "faible", ""),
    "co_construction_ru": ("oui", "Maison du projet ouverte en 2021 ; le conseil y tient une permanence mensuelle.", "aucun",
                           "Les avis du conseil ont fait modifier l'emplacement de l'aire de jeux."),
    "droit_interpellation": ("non", "Les membres ne connaissaient pas ce droit.", "important", ""),
    "lieu_dedie": ("oui", "Salle partagée au centre social, disponible le mardi soir.", "aucun", ""),
    "moyens_fonctionnement": ("partiel", "1 500 € par an, gérés par le centre social.", "faible", ""),
    "formation": ("partiel", "Une formation en 2016, aucune depuis.", "important", ""),
    "expertise_exterieure": ("non", "Jamais sollicitée.", "faible", ""),
    "structure_porteuse": ("oui", "Centre social des Hauts-Champs, 4 heures par mois.", "aucun", ""),
    "independance": ("oui", "L'ordre du jour est souvent proposé par la mairie.", "faible",
                     "Les membres disent ne pas oser critiquer les projets de la ville."),
    "valeurs": ("oui", "Charte adoptée en 2016.", "aucun", ""),
    "regles_propres": ("oui", "Règlement intérieur de 2016, jamais relu.", "faible", ""),
    "autosaisine": ("oui", "2 sujets choisis par le conseil en 2025, 5 à la demande des institutions.", "faible", ""),
}
AUTO_CM = {
    "un_conseil_par_qpv": ("partiel", "Un conseil en activité pour la Cité du Moulin.", "important", "Voir la grille des Hauts-Champs."),
    "deux_colleges": ("oui", "Deux collèges actifs, 5 acteurs locaux.", "aucun", ""),
    "tirage_au_sort": ("oui", "Tirage au sort refait en 2022 sur les listes électorales.", "aucun", ""),
    "parite": ("oui", "6 femmes et 5 hommes parmi les actifs.", "aucun", ""),
    "habitants_majoritaires": ("oui", "Habitants : 6 actifs sur 11 (55 %).", "aucun", ""),
    "arrete_prefectoral": ("oui", "Arrêté modificatif de 2022.", "aucun", ""),
    "renouvellement": ("oui", "Renouvellement en 2022.", "aucun", ""),
    "associe_elaboration": ("oui", "Deux contributions écrites pour Engagements Quartiers 2030.", "aucun", ""),
    "associe_mise_en_oeuvre": ("oui", "Participe au comité des financeurs.", "aucun", ""),
    "associe_evaluation": ("oui", "Deux membres dans le groupe de travail « Aller-vers ».", "aucun", ""),
    "instances_pilotage": ("oui", "Présent au COPIL, pas aux comités techniques.", "faible", ""),
    "co_construction_ru": ("non", "Pas de projet de renouvellement urbain dans ce quartier.", "aucun", "Sans objet."),
    "droit_interpellation": ("non", "Droit connu, jamais exercé.", "faible", ""),
    "lieu_dedie": ("non", "Pas de local : réunions dans la salle des fêtes, sur réservation.", "important", ""),
    "moyens_fonctionnement": ("partiel", "1 200 € par an.", "faible", ""),
    "formation": ("oui", "Deux sessions par an avec le centre de ressources.", "aucun", ""),
    "structure_porteuse": ("oui", "Association « Moulin Ensemble », 8 heures par mois.", "aucun", ""),
    "independance": ("oui", "Le conseil fixe son ordre du jour et rédige ses comptes rendus.", "aucun", ""),
    "autosaisine": ("oui", "Enquête sur la tranquillité des habitants, menée à son initiative.", "aucun", ""),
}
PORTRAIT_HC = {
    "date_arrete": ("3 novembre 2015", "Aucune mise à jour", "Composition figée depuis dix ans", ""),
    "membres_habitants": ("14", "6", "−8", "Départs non remplacés."),
    "membres_acteurs_locaux": ("8", "3", "−5", "Trois associations encore présentes."),
    "part_habitants": ("64 %", "67 %", "Stable", ""),
    "parite": ("11 femmes, 11 hommes", "7 femmes, 2 hommes", "Forte majorité de femmes", ""),
    "mode_designation": ("14 tirés au sort", "5 tirés au sort, 1 volontaire", "", ""),
    "tranches_age": ("Non précisé", "46-65 ans : 5 ; plus de 65 ans : 4", "Aucun membre de moins de 45 ans", ""),
    "reunions_par_an": ("10 prévues", "6 en 2025", "−4", ""),
    "participation_moyenne": ("Non précisé", "7 personnes", "", ""),
    "forme_juridique": ("Portage par le centre social", "Inchangé", "", ""),
    "local": ("Salle au centre social", "Salle partagée le mardi soir", "", ""),
    "budget": ("2 000 €", "1 500 €", "−500 €", "Baisse en 2020."),
    "participation_copil": ("Prévue", "3 COPIL sur 5 depuis 2021", "", ""),
}
PORTRAIT_CM = {
    "date_arrete": ("12 janvier 2016", "Arrêté modificatif du 9 mai 2022", "", ""),
    "membres_habitants": ("10", "6", "−4", ""),
    "membres_acteurs_locaux": ("6", "5", "−1", ""),
    "part_habitants": ("63 %", "55 %", "−8 points", ""),
    "parite": ("8 femmes, 8 hommes", "6 femmes, 5 hommes", "Parité respectée", ""),
    "reunions_par_an": ("6 prévues", "8 en 2025", "+2", "Le conseil se réunit plus que prévu."),
    "local": ("Non précisé", "Aucun local", "", ""),
    "budget": ("1 200 €", "1 200 €", "Stable", ""),
    "formations_recues": ("Non précisé", "2 sessions par an", "", ""),
}
QUESTIONS_HC = {
    "gouv_instances": "Au COPIL surtout, sur la programmation et la maison du projet. Les membres disent être « écoutés poliment » mais rarement suivis.",
    "gouv_influence": "Un exemple vérifiable : le déplacement de l'aire de jeux de la résidence des Peupliers (2022).",
    "ancrage_notoriete": "Peu connu : lors de l'immersion au marché, 2 habitants sur 15 savaient qu'il existait.",
    "ancrage_avenir": "Un renouvellement par tirage au sort, une formation annuelle et une place au comité technique.",
}
QUESTIONS_CM = {
    "gouv_instances": "COPIL, comité des financeurs, groupe de travail « Aller-vers ».",
    "part_acteurs": "Centre social, collège Jean-Moulin, bailleur Habitat Scarpe Logement, association Moulin Ensemble.",
    "part_projets": "Une enquête sur la tranquillité menée avec le bailleur ; une fête de quartier annuelle.",
    "ancrage_effets": "Éclairage refait rue des Meuniers après l'enquête ; les membres disent avoir gagné en confiance.",
}

MATURITY = {
    "maturite-lcd": {
        "engagement_politique": ("2", "Axe transversal inscrit au contrat ; une élue chargée de la cohésion sociale le suit, sans objectifs chiffrés."),
        "moyens_dedies": ("1", "Deux actions de sensibilisation financées en 2024 dans la programmation, sans ligne dédiée."),
        "organisation_gouvernance": ("1", "Le sujet repose sur la cheffe de projet et une association."),
        "communication": ("2", "Semaine d'éducation contre le racisme relayée chaque année ; rien sur les recours."),
        "mobilisation_acteurs": ("2", "Formation des agents d'accueil de la mairie centre en 2023 (18 agents)."),
        "acces_droits": ("3", "Permanence mensuelle d'un délégué du Défenseur des droits à la maison France services, connue des travailleurs sociaux."),
        "observation": ("0", "Aucune donnée locale ; la demande d'enquête de perception n'a pas abouti."),
    },
    "maturite-efh": {
        "engagement_politique": ("3", "Plan égalité adopté en 2023 avec un volet quartiers."),
        "moyens_dedies": ("2", "Une chargée de mission à mi-temps sur l'égalité ; 15 000 € par an."),
        "organisation_gouvernance": ("3", "Comité de suivi du plan égalité deux fois par an."),
        "communication": ("2", "Campagne annuelle du 8 mars ; supports non relus."),
        "mobilisation_acteurs": ("3", "Réseau de 12 structures formées aux violences faites aux femmes."),
        "acces_droits": ("4", "Permanences du CIDFF dans 3 quartiers, accompagnement jusqu'au dépôt de plainte."),
        "observation": ("1", "Peu de données sexuées ; les bilans d'actions ne distinguent pas les femmes et les hommes."),
    },
}


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


def build(services: Services, evaluation_id: str) -> None:
    syn = services.synthesis
    forms = services.forms

    # Référentiel, partly filled
    ref = syn.referentiel(evaluation_id)
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
                syn.add_evidence(evaluation_id, ind, "attachment", change.id)
    # ...and whatever the other areas' demo recorded (workshops, testimonies, questionnaires)
    candidates = syn.evidence_candidates(evaluation_id)
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
            existing = {(e.target_type, e.target_id) for e in syn.evidence(evaluation_id, ind)}
            if (cand.target_type, cand.target_id) not in existing and len(existing) < 3:
                syn.add_evidence(evaluation_id, ind, cand.target_type, cand.target_id)

    # Two conseils citoyens assessed
    qpvs = {q["code"]: q["id"] for q in services.evaluations.rows("qpv", evaluation_id)}
    for code, auto, portrait, questions in (
        ("QN05991M", AUTO_HC, PORTRAIT_HC, QUESTIONS_HC),
        ("QN05992I", AUTO_CM, PORTRAIT_CM, QUESTIONS_CM),
    ):
        qpv_id = qpvs.get(code)
        if qpv_id is None:
            continue
        syn.start_council(evaluation_id, qpv_id)
        r = syn.council_response(evaluation_id, qpv_id, "cc-autoevaluation")
        forms.set_answers(r.id, _checklist(auto, ("prevu", "observe", "ecart", "commentaire")))
        forms.set_status(r.id, "complete")
        r = syn.council_response(evaluation_id, qpv_id, "cc-portrait-robot")
        forms.set_answers(r.id, _checklist(portrait, ("arrete", "observe", "ecart", "commentaire")))
        r = syn.council_response(evaluation_id, qpv_id, "cc-questions")
        forms.set_answers(r.id, dict(questions))

    # Both maturity scales
    for tool_id, domains in MATURITY.items():
        r = syn.maturity_response(evaluation_id, tool_id)
        answers = {}
        for domain, (level, why) in domains.items():
            answers[f"{domain}.niveau"] = level
            answers[f"{domain}.justification"] = why
        forms.set_answers(r.id, answers)
        forms.set_status(r.id, "complete")

    # The partners' letter
    r = syn.letter_options(evaluation_id)
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
