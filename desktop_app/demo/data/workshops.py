"""Workshop content of the fieldwork demo: the notes of the three groups' workshops and of the
working groups' sessions. Everything is invented; people are designated by their role."""

from __future__ import annotations

FACILITATORS = "Élodie Vasseur (animation), Antoine Delattre (prise de notes)"

WORKSHOPS = {
    "guide-partenaires": {
        "start_time": "14:00",
        "participants": {"etat": 4, "collectivites": 6, "partenaires": 5, "bailleurs": 2, "elus": 2},
        "qpv_codes": [],
        "complete": True,
        "answers": {
            "accueil_nb_participants": 19,
            "accueil_structures": "Préfecture (déléguée du préfet, sous-préfecture), agglomération (direction cohésion sociale, "
            "observatoire), 3 communes (chargés de mission), Région, Département (insertion), CAF, Éducation nationale "
            "(inspection), bailleur Habitat Scarpe Logement, France Travail.",
            "accueil_absents": "Banque des Territoires (excusée), ARS (sans réponse), deux communes non représentées.",
            "brise_glace_mots": "Partenariat (×4), lourdeur, réseau, appels à projets (×2), proximité, jeunesse, "
            "« millefeuille », dialogue, confiance, décalage.",
            "brise_glace_remarques": "Les mots positifs portent sur les relations entre acteurs, les mots critiques sur "
            "les procédures. Le contrat est vu comme un réseau plus que comme un programme.",
            "gouvernance_q1": "Le COPIL se réunit une fois par an, surtout pour valider la programmation ; le COTECH "
            "trimestriel est jugé utile mais « descendant ». Pas de tableau de bord partagé avant 2022. "
            "Les décisions du COPIL de 2021 sur l'emploi des jeunes n'ont pas eu de suite identifiable.",
            "gouvernance_q2": "Rôle de l'agglomération clair pour la programmation, moins pour le suivi. Les communes "
            "disent découvrir certaines décisions en COPIL. Les délégués du préfet sont l'interlocuteur le plus cité "
            "par les associations.",
            "gouvernance_q3": "La CAF et le Département ont apporté des données et des référents ; la Région dit "
            "manquer de visibilité sur l'usage de ses crédits dans les QPV.",
            "gouvernance_verbatims": "« On se voit beaucoup, mais on décide peu ensemble. » (une commune)\n"
            "« Le COTECH, c'est là que le travail se fait vraiment. » (un service de l'État)",
            "droit_commun_q1": "France Travail : conseillers dédiés aux QPV depuis 2020, permanences dans deux centres "
            "sociaux. CAF : accueil sur rendez-vous dans la maison France Services du Faubourg. Éducation nationale : "
            "dédoublement des classes, mais pas de moyens spécifiques hors éducation prioritaire.",
            "droit_commun_q2": "Seuls France Travail et la CAF suivent la part d'habitants des QPV parmi leurs bénéficiaires "
            "(adresse géocodée). Les autres institutions ne savent pas : adresses non saisies, outils différents.",
            "droit_commun_q3": "Les engagements de l'avenant de 2019 sont connus des techniciens mais jamais relus en COPIL. "
            "Personne ne sait dire combien sont tenus : d'où l'intérêt du tableau de suivi.",
            "droit_commun_q4": "Freins : crédits spécifiques utilisés « à la place » du droit commun, rotation des référents. "
            "Leviers : présence physique dans les quartiers, portage par un élu.",
            "droit_commun_verbatims": "« Quand le référent change, on recommence à zéro. » (un bailleur)",
            "conseils_citoyens_q1": "Conseils citoyens invités au COPIL depuis 2018, mais documents envoyés la veille. "
            "Participation réelle aux comités de programmation dans deux quartiers sur cinq.",
            "conseils_citoyens_q2": "Local partagé au Moulin, pas de budget propre ailleurs. Renouvellement difficile : "
            "membres très investis mais épuisés.",
            "conseils_citoyens_q3": "Une décision modifiée : le réaménagement de l'aire de jeux des Hauts-Champs, sur "
            "proposition du conseil citoyen.",
            "vie_associative_q1": "Passage progressif aux conventions pluriannuelles (CPO) depuis 2021 : 30 % des crédits "
            "en 2023. Délais de paiement réduits mais encore de quatre à six mois pour les petites associations.",
            "vie_associative_q2": "Tissu fragilisé : peu de nouveaux porteurs, dépendance aux crédits politique de la ville "
            "pour les plus petites.",
            "vie_associative_q3": "Pas de comité des financeurs formalisé ; instruction séparée des dossiers ; bilans "
            "demandés trois fois sous des formes différentes.",
            "frise_temps_forts": "2015 : signature du contrat\n2017 : installation des conseils citoyens\n"
            "2019 : avenant et protocole d'engagements\n2021 : premières CPO\n2022 : tableau de bord partagé",
            "frise_ruptures": "2020 : crise sanitaire, instances suspendues ; 2022 : départ de la cheffe de projet, "
            "six mois sans pilote.",
            "frise_lecture": "La coopération progresse quand des outils communs existent (CPO, tableau de bord) et recule "
            "quand les personnes changent.",
            "forces": "Relations de confiance entre techniciens (gouvernance)\nPrésence de France Travail et de la CAF "
            "dans les quartiers (droit commun)\nPassage aux CPO (vie associative)",
            "faiblesses": "COPIL de validation plus que de pilotage (gouvernance)\nEngagements de l'avenant non suivis "
            "(droit commun)\nConseils citoyens associés trop tard (conseils citoyens)",
            "preconisations": "1. Un tableau de suivi des engagements relu à chaque COPIL (11 gommettes)\n"
            "2. Un comité des financeurs avec un dossier unique (9 gommettes)\n"
            "3. Envoyer les documents aux conseils citoyens quinze jours avant (6 gommettes)",
            "verbatims": "« Le contrat, c'est d'abord un carnet d'adresses. » (un service de l'État)",
        },
    },
    "guide-associations": {
        "start_time": "18:00",
        "participants": {"associations": 17, "collectivites": 2, "conseillers_citoyens": 2},
        "qpv_codes": ["QN05991M", "QN05992I", "QN05995I"],
        "complete": True,
        "answers": {
            "accueil_nb_participants": 21,
            "accueil_nb_associations": 14,
            "accueil_profil": "Surtout des associations de quartier de moins de trois salariés ; deux centres sociaux ; "
            "une association d'éducation populaire d'envergure départementale.",
            "brise_glace_reponses": "« Une bouée », « un dossier de plus », « ce qui nous permet d'exister », "
            "« des rencontres », « beaucoup de papiers ».",
            "brise_glace_remarques": "Le contrat est vital financièrement mais vécu comme une charge administrative.",
            "vie_associative_q1": "Financement annuel sur appel à projets pour la majorité ; trois associations en CPO. "
            "Part des crédits politique de la ville : de 20 % à 80 % du budget selon la taille.",
            "vie_associative_q2": "Le portail de subvention en ligne et le formulaire CERFA sont jugés difficiles ; "
            "paiement en juin ou juillet pour une action qui commence en janvier.",
            "vie_associative_q3": "Accompagnement ponctuel par le délégué du préfet et la chargée de mission de la ville ; "
            "aucun accompagnement sur la comptabilité.",
            "vie_associative_q4": "Oui : collectif d'associations du Faubourg né d'un projet commun financé en 2019.",
            "vie_associative_verbatims": "« On passe plus de temps sur les dossiers que sur le terrain. » (une bénévole)",
            "gouvernance_q1": "Les priorités sont connues à travers l'appel à projets, pas à travers le contrat.",
            "gouvernance_q2": "Jamais associées aux instances, sauf les centres sociaux.",
            "gouvernance_q3": "Le délégué du préfet et la chargée de mission de Marchiennes sont bien identifiés.",
            "droit_commun_q1": "Moins de guichets physiques ; la maison France Services aide mais est saturée.",
            "droit_commun_q2": "Oui, pour l'aide aux démarches en ligne : les associations font ce que les services "
            "ne font plus.",
            "droit_commun_q3": "Orientation vers la mission locale et France Travail, avec peu de retours.",
            "droit_commun_verbatims": "« On est devenus le guichet de tout le monde. » (un centre social)",
            "conseils_citoyens_q1": "Connu de la moitié des associations présentes ; deux en sont membres.",
            "conseils_citoyens_q2": "Fête de quartier et diagnostic en marchant aux Hauts-Champs.",
            "conseils_citoyens_q3": "Faire remonter les besoins des habitants, pas gérer des projets.",
            "parcours_blocages": "Dépôt : le portail ; instruction : pièces demandées deux fois ; paiement : retard ; "
            "bilan : formats différents selon les financeurs.",
            "parcours_leviers": "Appui du délégué du préfet au montage ; CPO qui évitent de tout refaire chaque année.",
            "parcours_lecture": "Étapes critiques : le paiement et le bilan. Piste : un dossier et un bilan uniques "
            "pour tous les financeurs.",
            "forces": "Un tissu associatif engagé et inventif (vie associative)\nDes interlocuteurs identifiés "
            "(gouvernance)",
            "faiblesses": "Délais de paiement (vie associative)\nAssociations absentes des instances (gouvernance)\n"
            "Associations qui compensent le recul des services (droit commun)",
            "preconisations": "1. Généraliser les CPO aux actions reconduites depuis trois ans (12 gommettes)\n"
            "2. Verser une avance de 50 % en février (10 gommettes)\n"
            "3. Un représentant inter-associatif au COPIL (7 gommettes)",
            "verbatims": "« On veut bien être évalués, mais on veut aussi être écoutés. » (un président d'association)",
        },
    },
    "guide-conseils-citoyens": {
        "start_time": "18:30",
        "participants": {"conseillers_citoyens": 11, "habitants": 3, "collectivites": 1},
        "qpv_codes": ["QN05991M", "QN05993M", "QN05994N"],
        "complete": False,
        "answers": {
            "accueil_nb_participants": 15,
            "accueil_conseils": "Les Hauts-Champs (5 membres), Quartier de la Gare (4), Résidence des Tilleuls (2).",
            "accueil_profil": "Majorité de femmes, de 30 à 70 ans ; deux jeunes de moins de 25 ans.",
            "brise_glace_motivations": "Agir pour le quartier, être entendu, rencontrer des voisins.",
            "brise_glace_fiertes": "L'aire de jeux rénovée, la fête des voisins, le diagnostic en marchant.",
            "conseils_citoyens_q1": "Réunions mensuelles aux Hauts-Champs, irrégulières ailleurs ; peu de nouveaux membres.",
            "conseils_citoyens_q2": "Un local partagé, 1 500 € par an au Moulin, aucune formation depuis 2019.",
            "conseils_citoyens_q3": "Plutôt libres, mais dépendants de la mairie pour le local et les photocopies.",
            "conseils_citoyens_q4": "Diagnostic en marchant, aire de jeux, collecte de jouets, participation à la fête de quartier.",
            "conseils_citoyens_verbatims": "« On nous demande notre avis quand tout est déjà décidé. » (un conseiller citoyen)",
            "gouvernance_q1": "Invités au COPIL, jamais aux comités de programmation sauf aux Hauts-Champs.",
            "gouvernance_q2": "Écoutés pour l'aire de jeux ; pas de réponse sur la sécurité du parking.",
            "forces": "Des membres très investis (conseils citoyens)\nUne vraie connaissance du quartier",
            "faiblesses": "Documents reçus trop tard (gouvernance)\nPas de formation ni de budget propre",
        },
    },
}

GROUP_THEMES = ["soutien_associations", "scolarite", "aller_vers"]

WORKING_GROUPS = {
    "soutien_associations": {
        1: {
            "s1_participants": "Agglomération, DDETS, Département, 6 associations, 2 conseillers citoyens. Attente : "
            "simplifier les démarches et sécuriser les petites associations.",
            "s1_actions_existantes": "Appel à projets annuel ; 3 CPO ; accompagnement au montage par le délégué du préfet ; "
            "point d'appui à la vie associative départemental.",
            "s1_premiers_constats": "Ce qui fonctionne : les CPO et l'appui au montage. Ce qui ne fonctionne pas : "
            "les délais de paiement, les bilans multiples.",
            "s1_questions": "Les associations des quartiers ont-elles les moyens de durer ?\n"
            "Le passage en CPO a-t-il changé leur façon de travailler ?",
            "s1_actions_retenues": "Les CPO du centre social du Moulin et d'une association sportive ; l'accompagnement "
            "au montage de dossiers.",
            "s1_immersions": [
                {
                    "s1_imm_structure": "Centre social du Moulin",
                    "s1_imm_action": "Accueil et accompagnement des bénévoles",
                    "s1_imm_date": "2026-04-14",
                    "s1_imm_binome": "Cheffe de projet EPCI, conseillère citoyenne",
                },
                {
                    "s1_imm_structure": "Association sportive des Hauts-Champs",
                    "s1_imm_action": "École de football",
                    "s1_imm_date": "2026-05-06",
                    "s1_imm_binome": "Délégué du préfet, chargée de mission ville",
                },
            ],
            "s1_temoignages": "Bénévoles de petites associations ; trésoriers ; un salarié en contrat aidé.",
            "s1_donnees": "Délais de paiement 2021-2025 (agglomération) ; part des crédits en CPO (DDETS).",
        },
        2: {
            "s2_immersions": "Au centre social : une équipe de bénévoles stable grâce à la CPO, mais un trésorier seul "
            "face aux bilans. À l'école de football : 120 licenciés dont 80 % des QPV, aucune avance de trésorerie.",
            "s2_temoignages": "Les bénévoles décrivent une « course aux dossiers » ; la CPO est vécue comme une "
            "reconnaissance.",
            "s2_donnees": "Délai moyen de paiement : 4,5 mois en 2025 (7 mois en 2021). Part des crédits en CPO : 31 %.",
            "s2_constats_partages": "La CPO stabilise les structures.\nLe retard de paiement fragilise surtout les "
            "plus petites associations.",
            "s2_points_debat": "Faut-il réserver les CPO aux associations implantées dans un QPV ?",
            "s2_temps_fort": "Trois constats : délais en baisse mais encore trop longs ; CPO qui stabilisent ; "
            "bilans à simplifier.",
        },
        3: {
            "s3_retours_temps_fort": "Forte adhésion à l'idée d'un dossier unique ; inquiétude des financeurs sur la charge.",
            "s3_constats_valides": "Les CPO stabilisent les structures (immersion, données DDETS)\n"
            "Les bilans multiples coûtent du temps bénévole (témoignages T02 et C01)",
            "s3_preconisations": [
                {
                    "s3_preco_intitule": "Un dossier et un bilan uniques pour tous les financeurs",
                    "s3_preco_constat": "Bilans multiples",
                    "s3_preco_porteur": "Agglomération et DDETS",
                    "s3_preco_echeance": "Programmation 2027",
                    "s3_preco_priorite": "haute",
                },
                {
                    "s3_preco_intitule": "Une avance de 50 % versée en février",
                    "s3_preco_constat": "Retards de paiement",
                    "s3_preco_porteur": "Financeurs",
                    "s3_preco_priorite": "haute",
                },
            ],
        },
    },
    "scolarite": {
        1: {
            "s1_participants": "Éducation nationale, programme de réussite éducative, 3 associations d'aide aux devoirs, "
            "2 parents d'élèves. Attente : mieux toucher les familles éloignées de l'école.",
            "s1_actions_existantes": "Accompagnement à la scolarité (CLAS) dans 4 structures ; programme de réussite "
            "éducative ; dédoublement des classes.",
            "s1_premiers_constats": "Les places d'aide aux devoirs sont pleines ; les collégiens décrochent plus que les "
            "primaires.",
            "s1_questions": "L'accompagnement à la scolarité touche-t-il les familles les plus éloignées de l'école ?",
            "s1_actions_retenues": "CLAS du centre social de la Gare ; programme de réussite éducative.",
            "s1_temoignages": "Parents de collégiens ; jeunes de 15-18 ans ; bénévoles de l'aide aux devoirs.",
        },
        2: {
            "s2_immersions": "Aide aux devoirs saturée, liste d'attente de 25 enfants ; les bénévoles manquent pour le "
            "niveau collège. Le programme de réussite éducative repère bien les situations mais orienter vers le CLAS "
            "est difficile faute de places.",
            "s2_temoignages": "Les parents disent ne pas oser aller voir les professeurs ; les jeunes apprécient le lien "
            "avec les animateurs.",
            "s2_constats_partages": "Manque de places au collège\nLien école-familles fragile",
            "s2_manques": "Données de fréquentation par quartier à demander aux structures.",
        },
        3: {},
    },
    "aller_vers": {
        1: {
            "s1_participants": "Médiateurs sociaux, bailleur, CAF, France Travail, conseil citoyen des Tilleuls.",
            "s1_actions_existantes": "Médiation sociale de rue ; bus France Services ; permanences de la CAF dans les "
            "halls d'immeuble.",
            "s1_premiers_constats": "Les habitants les plus isolés ne viennent à aucune permanence ; le bus France "
            "Services est apprécié mais passe une fois par mois.",
            "s1_questions": "Les démarches d'aller-vers ramènent-elles les habitants vers les services ?",
            "s1_actions_retenues": "Médiation de rue ; bus France Services.",
        },
        2: {
            "s2_immersions": "Une tournée des médiateurs : 30 contacts en une soirée, surtout des jeunes ; le bus "
            "France Services : 18 personnes accompagnées, files d'attente.",
            "s2_constats_partages": "L'aller-vers crée le contact mais l'accompagnement qui suit manque de relais.",
            "s2_temps_fort": "L'aller-vers marche quand il est régulier et qu'une suite est possible.",
        },
        3: {},
    },
}
