"""The demo's programmation: pillars, quartiers, action templates, funders, the four chosen
actions and their scores and sheets. Everything is invented."""

from __future__ import annotations

PILLARS = {
    "cohesion": "Cohésion sociale",
    "cadre": "Cadre de vie et renouvellement urbain",
    "emploi": "Développement économique et emploi",
    "transversal": "Axes transversaux (jeunesse, égalité, discriminations)",
}
QPV_NAMES = {
    "QN05991M": "Les Hauts-Champs", "QN05992I": "Cité du Moulin", "QN05993M": "Quartier de la Gare",
    "QN05994N": "Résidence des Tilleuls", "QN05995I": "Le Faubourg — Bois Fleuri",
}
LOCAL_CARRIERS = {
    "QN05991M": "Centre social des Hauts-Champs", "QN05992I": "Centre social du Moulin",
    "QN05993M": "Maison de quartier de la Gare", "QN05994N": "Espace de vie sociale des Tilleuls",
    "QN05995I": "Centre social Bois Fleuri",
}
# (pillar, title, carrier or None for the quartier's social centre, per quartier?, amount range, beneficiaries range)
TEMPLATES = [
    ("cohesion", "Accompagnement à la scolarité", None, True, (6000, 18000), (40, 140)),
    ("cohesion", "Ateliers sociolinguistiques", "Association Lire et Dire", True, (5000, 14000), (25, 90)),
    ("cohesion", "Café des parents", None, True, (1500, 5000), (20, 70)),
    ("cohesion", "Médiation santé", "Atelier Santé Ville du Val de Scarpe", False, (25000, 48000), (250, 600)),
    ("cohesion", "Permanences d'accès aux droits", "Maison de l'Égalité", True, (4000, 9000), (80, 260)),
    ("cohesion", "Fête de quartier", "Comité des fêtes", True, (1000, 3500), (150, 900)),
    ("cohesion", "Vacances apprenantes", "Ligue de l'enseignement du Nord", False, (12000, 26000), (90, 220)),
    ("cohesion", "Sport santé seniors", "Club omnisports de Marchiennes", False, (3000, 7000), (30, 80)),
    ("cohesion", "Inclusion numérique : ateliers et permanences", "Connexions Solidaires", True, (4000, 11000), (60, 200)),
    ("cohesion", "Programme de réussite éducative", "CCAS de Marchiennes-sur-Scarpe", False, (90000, 130000), (180, 260)),
    ("cohesion", "Ludothèque itinérante", "Association Jeux Partagés", False, (6000, 12000), (300, 700)),
    ("cohesion", "Atelier théâtre et expression", "Compagnie du Faubourg", True, (3000, 8000), (15, 40)),
    ("cadre", "Gestion urbaine et sociale de proximité", "Agglomération — direction de l'habitat", False, (30000, 45000), (None, None)),
    ("cadre", "Jardins partagés", "Régie de quartier du Val de Scarpe", True, (3000, 9000), (20, 60)),
    ("cadre", "Chantier éducatif jeunes", "Prévention Nord", True, (9000, 22000), (10, 30)),
    ("cadre", "Médiation sociale de jour", "Citéo Médiation", False, (80000, 120000), (900, 1800)),
    ("cadre", "Tranquillité résidentielle : veille des halls", "Habitat Scarpe Logement", False, (15000, 30000), (None, None)),
    ("cadre", "Ateliers d'autoréparation de vélos", "Vélo Solidaire", True, (2500, 6500), (30, 120)),
    ("cadre", "Embellissement des halls avec les habitants", "Habitat Scarpe Logement", True, (3000, 8000), (20, 80)),
    ("cadre", "Maison du projet de renouvellement urbain", "Ville de Marchiennes-sur-Scarpe", False, (20000, 35000), (400, 900)),
    ("emploi", "Coup de pouce emploi des femmes", "Élan Solidaire", False, (35000, 55000), (90, 160)),
    ("emploi", "Accompagnement des clauses d'insertion", "PLIE du Val de Scarpe", False, (25000, 40000), (60, 140)),
    ("emploi", "Permis de conduire solidaire", "Auto-école sociale Route Libre", False, (12000, 25000), (30, 70)),
    ("emploi", "Rencontres emploi de quartier", "Mission locale du Val de Scarpe", True, (2000, 6000), (40, 150)),
    ("emploi", "Couveuse d'entreprises des quartiers", "BGE Hauts-de-France (antenne locale)", False, (20000, 35000), (25, 60)),
    ("emploi", "Parrainage vers l'emploi des jeunes diplômés", "Réseau Parrains 59", False, (8000, 15000), (30, 80)),
    ("emploi", "Chantier d'insertion espaces verts", "Régie de quartier du Val de Scarpe", False, (40000, 65000), (18, 30)),
    ("emploi", "Mobilité vers l'emploi : location de scooters", "Mobil'Emploi", False, (10000, 18000), (40, 110)),
    ("transversal", "Égalité filles-garçons dans le sport", "Club omnisports de Marchiennes", True, (2000, 6000), (30, 100)),
    ("transversal", "Prévention des discriminations à l'embauche", "Maison de l'Égalité", False, (8000, 14000), (50, 150)),
    ("transversal", "Formation et fonctionnement des conseils citoyens", "Agglomération — politique de la ville", False, (6000, 12000), (40, 70)),
    ("transversal", "Jeunes ambassadeurs de la citoyenneté", "Mission locale du Val de Scarpe", True, (3000, 7000), (12, 30)),
    ("transversal", "Lutte contre le harcèlement au collège", "Association Respect'Ado", True, (2500, 6000), (100, 300)),
    ("cohesion", "Aide alimentaire et épicerie solidaire", "Épicerie solidaire Le Panier", True, (4000, 12000), (120, 400)),
    ("cohesion", "Éveil culturel des tout-petits", "Médiathèque intercommunale", True, (2000, 5000), (40, 120)),
    ("cohesion", "Séjours familles", "Centre social du Moulin", False, (8000, 16000), (60, 140)),
    ("cadre", "Diagnostics en marchant avec les habitants", "Agglomération — politique de la ville", True, (1500, 4000), (15, 40)),
    ("emploi", "Atelier de recherche d'emploi numérique", "Connexions Solidaires", True, (3000, 8000), (30, 100)),
    ("transversal", "Ciné-débats égalité et discriminations", "Cinéma L'Écran Libre", False, (3000, 6000), (200, 500)),
]
FUNDERS = ["État", "Agglo", "Ville", "Département", "CAF", "Région", "Bailleurs"]
MANUAL = ("partenariat", "lien_priorites", "innovation", "donnees_disponibles", "decision_a_venir", "accessibilite_acteurs")
CHOSEN = {
    "Programme de réussite éducative": (3, 3, 2, 3, 3, 3),
    "Médiation sociale de jour": (3, 3, 2, 2, 3, 3),
    "Coup de pouce emploi des femmes": (3, 3, 3, 2, 3, 2),
    "Ateliers sociolinguistiques — Cité du Moulin": (2, 3, 2, 3, 3, 3),
}


SHEETS = {
    "Programme de réussite éducative": {
        "action_objectifs": "Proposer un parcours individualisé aux enfants de 2 à 16 ans qui présentent des signes de fragilité, en associant leur famille et les partenaires éducatifs.",
        "restitution_decision": "Renouvellement de la convention pluriannuelle avec l'État (échéance juin 2027).",
    },
    "Médiation sociale de jour": {
        "action_objectifs": "Assurer une présence de médiation dans les espaces publics et les halls, prévenir les conflits d'usage et orienter les habitants vers les services.",
        "restitution_decision": "Extension éventuelle au Quartier de la Gare et répartition du financement avec le bailleur.",
    },
    "Coup de pouce emploi des femmes": {
        "action_objectifs": "Accompagner vers l'emploi ou la formation des femmes éloignées de l'emploi, en levant les freins de garde d'enfants et de mobilité.",
        "restitution_decision": "Passage en convention pluriannuelle d'objectifs (CPO) à partir de 2027.",
    },
    "Ateliers sociolinguistiques — Cité du Moulin": {
        "action_objectifs": "Favoriser l'autonomie dans la vie quotidienne par l'apprentissage du français à l'oral et à l'écrit.",
        "restitution_decision": "Essaimage vers les autres quartiers et coordination des ateliers à l'échelle de l'agglomération.",
    },
}
