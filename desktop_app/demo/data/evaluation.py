"""The demo evaluation's framing (Cadrage): a fictional agglomeration, its communes, quartiers,
partners, team and milestones. Everything here is invented (names, people, e-mails); codes follow
the real formats."""

from __future__ import annotations

DEMO_TITLE = "Évaluation finale du contrat de ville — démonstration"
DEMO_TERRITORY = "Communauté d'agglomération du Val de Scarpe-et-Sensée"

COMMUNES = [
    ("Marchiennes-sur-Scarpe", "59992"),
    ("Hautbourdin-les-Prés", "59993"),
    ("Saint-Rémy-la-Vallée", "59994"),
    ("Orchies-Moulins", "59995"),
    ("Estrée-Canal", "59996"),
]

QPV = [
    ("QN05991M", "Les Hauts-Champs", "Marchiennes-sur-Scarpe"),
    ("QN05992I", "Cité du Moulin", "Marchiennes-sur-Scarpe"),
    ("QN05993M", "Quartier de la Gare", "Hautbourdin-les-Prés"),
    ("QN05994N", "Résidence des Tilleuls", "Saint-Rémy-la-Vallée"),
    ("QN05995I", "Le Faubourg — Bois Fleuri", "Orchies-Moulins, Estrée-Canal"),
]

PARTNERS = [
    ("Préfecture du Nord — délégation du préfet", "Samia Benali", "Déléguée du préfet", "s.benali@demo-prefecture.example"),
    ("Région Hauts-de-France", "Thomas Lefebvre", "Chargé de mission politique de la ville", "t.lefebvre@demo-region.example"),
    ("Département du Nord", "Claire Dubois", "Responsable territoriale insertion", "c.dubois@demo-departement.example"),
    ("Caisse d'allocations familiales", "Karim Haddad", "Conseiller territorial", "k.haddad@demo-caf.example"),
    ("Éducation nationale — circonscription", "Isabelle Martin", "Inspectrice de l'Éducation nationale", "i.martin@demo-educ.example"),
    ("Habitat Scarpe Logement (bailleur)", "Julien Roussel", "Responsable développement social urbain", "j.roussel@demo-bailleur.example"),
    ("France Travail", "Nadia Ouali", "Directrice d'agence", "n.ouali@demo-francetravail.example"),
    ("Banque des Territoires", "Pierre Caron", "Chargé de développement", "p.caron@demo-bdt.example"),
]

# For the letters: civility, title in the salutation ("Madame la Directrice"), postal address
PARTNER_POSTAL = {
    "Préfecture du Nord — délégation du préfet": ("Madame", "Déléguée du préfet", "12 rue de la Préfecture, 59800 Lille"),
    "Région Hauts-de-France": ("Monsieur", "", "151 avenue du Président-Hoover, 59555 Lille Cedex"),
    "Département du Nord": ("Madame", "", "51 rue Gustave-Delory, 59047 Lille Cedex"),
    "Caisse d'allocations familiales": ("Monsieur", "", "82 rue Brûle-Maison, 59000 Lille"),
    "Éducation nationale — circonscription": ("Madame", "Inspectrice", "Circonscription de Marchiennes, 3 rue de l'École, 59870 Marchiennes-sur-Scarpe"),
    "Habitat Scarpe Logement (bailleur)": ("Monsieur", "", "25 quai de la Scarpe, 59500 Douai"),
    "France Travail": ("Madame", "Directrice", "Agence de Marchiennes, 8 avenue de la Gare, 59870 Marchiennes-sur-Scarpe"),
    "Banque des Territoires": ("Monsieur", "", "Direction régionale Hauts-de-France, 7 rue Jacquemars-Giélée, 59000 Lille"),
}
SENDER = {
    "sender_name": "Communauté d'agglomération du Val de Scarpe-et-Sensée — Direction de la cohésion sociale",
    "sender_address": "Hôtel d'agglomération, 746 rue Jean-Perrin, BP 300, 59500 Douai",
    "signatory_name": "Bernard Lemoine",
    "signatory_title": "Le Vice-président délégué à la politique de la ville",
}

TEAM = [
    ("Élodie Vasseur", "Agglomération — direction cohésion sociale", "Cheffe de projet contrat de ville", True, "e.vasseur@demo-agglo.example"),
    ("Mehdi Kaci", "Préfecture du Nord", "Délégué du préfet, co-pilote", True, "m.kaci@demo-prefecture.example"),
    ("Sophie Lemaire", "Ville de Marchiennes-sur-Scarpe", "Chargée de mission politique de la ville", False, "s.lemaire@demo-ville.example"),
    ("Antoine Delattre", "Agglomération — observatoire", "Chargé d'études", False, "a.delattre@demo-agglo.example"),
    ("Fatou Diallo", "Conseil citoyen des Hauts-Champs", "Conseillère citoyenne", False, ""),
]

MILESTONES = [
    ("2026-01-20", "copil", "COPIL de lancement de l'évaluation", "Hôtel d'agglomération"),
    ("2026-02-10", "atelier", "Atelier d'évaluation — groupe Partenaires", "Salle du conseil, Marchiennes"),
    ("2026-02-24", "atelier", "Atelier d'évaluation — groupe Associations", "Centre social du Moulin"),
    ("2026-03-03", "atelier", "Atelier d'évaluation — groupe Conseils citoyens", "Maison du projet, Les Hauts-Champs"),
    ("2026-03-17", "groupe_travail", "Groupes de travail — séance 1 (état des lieux)", "Hôtel d'agglomération"),
    ("2026-06-16", "groupe_travail", "Groupes de travail — séance 2 (immersions)", "Centre social du Moulin"),
    ("2026-09-22", "temps_fort", "Temps fort : partage des premiers résultats", "Salle des fêtes, Orchies-Moulins"),
    ("2026-10-13", "groupe_travail", "Groupes de travail — séance 3 (préconisations)", "Hôtel d'agglomération"),
    ("2026-12-08", "copil", "COPIL de restitution de l'évaluation", "Hôtel d'agglomération"),
]
