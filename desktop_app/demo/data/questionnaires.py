"""Invented content for the questionnaires demo: communes, associations, answers' texts.

Every name, code and sentence here is fictional; INSEE codes use the unused 599xx range of the
Nord and SIRETs are generated with a valid check digit. Used by `desktop_app.demo.questionnaires`.
"""

from __future__ import annotations

# Communes of the agglomeration invited beyond the five of the Cadrage (no QPV today, some had
# one before 2024).
EXTRA_COMMUNES = [
    ("Bruille-la-Forêt", "59970"), ("Somain-les-Prés", "59971"), ("Fenain-sur-Sensée", "59972"),
    ("Rieulay-le-Marais", "59973"), ("Vred-Saint-Amand", "59974"), ("Warlaing-les-Étangs", "59975"),
    ("Pecquencourt-le-Bois", "59976"), ("Lallaing-Moulin", "59977"), ("Flines-sur-Scarpe", "59978"),
    ("Anhiers-le-Haut", "59979"), ("Raimbeaucourt-la-Vallée", "59980"), ("Roost-Saint-Pierre", "59981"),
    ("Auby-les-Champs", "59982"), ("Férin-la-Sensée", "59983"), ("Cantin-le-Mont", "59984"),
    ("Goeulzin-Canal", "59985"), ("Arleux-les-Marais", "59986"), ("Bugnicourt-la-Motte", "59987"),
    ("Aubigny-au-Val", "59988"),
]
SORTANTES = {"59972", "59976", "59977", "59982"}  # had a QPV until 2023

ASSOCIATION_KINDS = [
    "Association", "Centre social", "Club", "Collectif", "Amicale", "Maison de quartier", "Atelier", "Compagnie",
]
ASSOCIATION_THEMES = [
    ("Sport pour tous", ["sport", "jeunesse"]), ("Jeunesse et avenir", ["jeunesse", "education"]),
    ("Femmes solidaires", ["egalite", "lien_social"]), ("Lecture plaisir", ["education", "culture"]),
    ("Coup de pouce scolaire", ["education"]), ("Théâtre des quartiers", ["culture"]),
    ("Jardins partagés", ["cadre_vie", "lien_social"]), ("Numérique pour tous", ["acces_droits"]),
    ("Boxe éducative", ["sport", "jeunesse"]), ("Parents ensemble", ["parentalite"]),
    ("Médiation et citoyenneté", ["lien_social", "acces_droits"]), ("Chantiers d'insertion", ["emploi"]),
    ("Santé bien-être", ["sante"]), ("Danses urbaines", ["culture", "jeunesse"]),
    ("Musiques actuelles", ["culture"]), ("Cuisines du monde", ["lien_social", "sante"]),
    ("Repair café", ["cadre_vie", "lien_social"]), ("Épicerie solidaire", ["acces_droits", "lien_social"]),
    ("Français pour tous", ["acces_droits", "education"]), ("Radio des quartiers", ["culture", "jeunesse"]),
]
NEIGHBOURHOODS = [
    "des Hauts-Champs", "du Moulin", "de la Gare", "des Tilleuls", "du Faubourg", "du Bois Fleuri",
    "de la Scarpe", "du Val",
]
QPV_NAMES = ["Les Hauts-Champs", "Cité du Moulin", "Quartier de la Gare", "Résidence des Tilleuls", "Le Faubourg — Bois Fleuri"]

AMELIORATIONS = [
    "Être destinataires des comptes rendus de COTECH avant les décisions de programmation, pas après.",
    "Un comité technique par commune au moins une fois par an, avec les services de l'EPCI et le délégué du préfet.",
    "Être consultés sur les appels à projets : deux actions ont été financées chez nous sans que nous le sachions.",
    "Un interlocuteur unique à l'agglomération ; les changements de chef de projet nous ont fait perdre le fil.",
]
BESOINS_INGENIERIE = [
    "Un appui pour mesurer le droit commun : nous n'avons pas d'outil pour isoler les dépenses dans le quartier.",
    "Une formation des élus à la nouvelle géographie prioritaire et aux Engagements Quartiers 2030.",
    "Du temps d'ingénierie mutualisé : une petite commune ne peut pas financer un chef de projet.",
    "Un accompagnement à l'évaluation des actions que nous finançons.",
]
COMMENTAIRES_RU = [
    "Le relogement a été bien accompagné, mais les actions emploi du chantier sont arrivées tard.",
    "Les habitants ont été associés à la conception des espaces publics grâce à la maison du projet.",
    "Les calendriers urbain et social ne se sont jamais vraiment rencontrés.",
]
APPORTS = [
    "Le programme de réussite éducative et les stages de remise à niveau n'auraient pas existé sans le contrat.",
    "Le contrat a permis de financer la médiation sociale en soirée et de rouvrir le centre social le samedi.",
    "Des moyens pour les associations de quartier, et surtout l'habitude de travailler avec l'agglomération.",
    "La rénovation de l'école du quartier et un poste d'adulte-relais très apprécié des familles.",
    "Un diagnostic partagé des besoins des jeunes et un chantier éducatif chaque été.",
    "Peu de choses visibles pour une commune comme la nôtre, mais un accès aux appels à projets.",
    "Les cafés des parents et l'accompagnement vers l'emploi des femmes du quartier.",
]
LIMITES = [
    "Des crédits saupoudrés sur beaucoup de petites actions, difficiles à suivre.",
    "Le droit commun ne s'est pas vraiment renforcé : le contrat a surtout ajouté des crédits spécifiques.",
    "Une gouvernance lourde et des réunions où les décisions étaient déjà prises.",
    "Le conseil citoyen s'est essoufflé faute d'accompagnement.",
    "Des bilans demandés aux associations sans retour ni utilisation visible.",
]
ATTENTES_EPCI = [
    "Un tableau de bord partagé, mis à jour chaque année, avec des indicateurs par quartier.",
    "Que l'État annonce ses crédits plus tôt pour que les associations puissent démarrer en janvier.",
    "Une programmation pluriannuelle et des conventions avec les principales associations.",
    "Associer les communes sortantes à l'animation du contrat, même sans QPV.",
]
CHANGEMENTS = [
    "Plus de familles en grande précarité qu'en 2015, et des besoins d'aide administrative qui explosent avec la dématérialisation.",
    "Nous sommes passés de bénévoles seuls à deux salariés grâce à la CPO ; nous pouvons enfin prévoir sur trois ans.",
    "Les financements se sont multipliés mais chacun a son dossier et son bilan : nous passons un temps fou en administratif.",
    "Les jeunes que nous suivions en 2015 sont devenus animateurs chez nous : c'est notre plus belle réussite.",
    "Le quartier a été rénové, mais beaucoup de familles que nous connaissions ont été relogées ailleurs.",
    "Depuis la crise sanitaire, les habitants viennent moins aux activités collectives ; il faut aller les chercher.",
    "Nous travaillons beaucoup plus avec les écoles et le centre social qu'au début du contrat.",
    "Peu de changements pour nous : les montants sont stables depuis dix ans alors que les coûts augmentent.",
]
EXEMPLES = [
    "Une mère de famille venue à l'atelier de français est aujourd'hui bénévole à l'accueil de l'association.",
    "Un groupe de jeunes du quartier a monté un tournoi inter-quartiers avec notre aide, plus de 200 spectateurs.",
    "Grâce à l'accompagnement numérique, une vingtaine de personnes âgées font désormais seules leurs démarches.",
    "Les jardins partagés ont fait se rencontrer des voisins qui ne se parlaient pas depuis des années.",
]
DIFFICULTES = [
    "Le budget par action demandé par le portail ne correspond pas à notre comptabilité.",
    "La création du compte et la délégation de signature nous ont pris des semaines.",
    "Les pièces justificatives à redonner chaque année alors que rien n'a changé.",
    "Le suivi du dossier : on ne sait jamais où en est la demande.",
]
ATTENTES_ASSO = [
    "Un rendez-vous annuel avec tous les financeurs autour de la table.",
    "Que les bilans servent à quelque chose : un retour écrit au moins une fois par an.",
    "Des avances de trésorerie en début d'année pour les petites associations.",
    "Être associées au choix des priorités du nouveau contrat.",
]
AUTRES_FINANCEURS = ["Agence régionale de santé", "Fonds européens (FSE+)", "Caisse de retraite", "Ligue régionale"]
FONCTIONS_AUTRES = ["Directrice du CCAS", "Secrétaire de mairie"]
CONTACTS = [
    "Service politique de la ville, mairie — politique.ville@mairie-demo.example",
    "Direction générale des services — dgs@mairie-demo.example",
]
ASSO_CONTACTS = ["Accueil de l'association — contact@asso-demo.example", "Coordination — coordination@asso-demo.example"]
