"""Demo content of the actions structurantes step: a realistic programmation, a scored grid and
four chosen actions with their evaluative questions and method plan.

The programmation goes through the real importer: two yearly files (2024 and 2025) are written
the way territories keep them (title rows, section rows per pillar, funder columns, amounts typed
as text, `NC` and `environ 80` here and there, a total row) and imported, so recurring actions
are linked across years. Everything is invented; SIRET numbers follow the Luhn rule.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from desktop_app.core.action_plan import new_uid

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


def _siret(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(13)]
    for check in range(10):
        candidate = digits + [check]
        total = 0
        for i, d in enumerate(reversed(candidate)):
            d = d * 2 if i % 2 else d
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return "".join(map(str, candidate))
    return "".join(map(str, digits)) + "0"


def _money(rng: random.Random, value: int) -> object:
    """An amount as people type it: a number, or text with spaces and a euro sign."""
    roll = rng.random()
    if roll < 0.55:
        return value
    if roll < 0.85:
        return f"{value:,} €".replace(",", " ")
    return f"{value:,}".replace(",", " ")


def _catalogue(rng: random.Random) -> list[dict]:
    """About 120 distinct actions: a title, carrier, pillar, quartiers, amounts and audience."""
    carriers_siret: dict[str, str | None] = {}
    actions = []
    codes = list(QPV_NAMES)
    for pillar, title, carrier, local, (lo, hi), (blo, bhi) in TEMPLATES:
        places = rng.sample(codes, rng.randint(4, 5)) if local else [None]
        for code in places:
            who = carrier or LOCAL_CARRIERS[code]
            if who not in carriers_siret:
                carriers_siret[who] = None if rng.random() < 0.15 else _siret(rng)
            qpv = code if code else ", ".join(rng.sample(codes, rng.randint(2, 5)))
            budget = rng.randrange(lo, hi, 100)
            funders = ["État"] + rng.sample(FUNDERS[1:], rng.choice((0, 1, 1, 2, 2, 3)))
            shares = [rng.random() + (1.2 if f == "État" else 0.5) for f in funders]
            amounts = {f: int(round(budget * s / sum(shares), -2)) for f, s in zip(funders, shares, strict=True)}
            beneficiaries = rng.randint(blo, bhi) if blo else None
            actions.append({
                "title": f"{title} — {QPV_NAMES[code]}" if code else title, "carrier": who, "siret": carriers_siret[who],
                "pillar": PILLARS[pillar], "qpv": qpv, "amounts": amounts, "beneficiaries": beneficiaries,
                "share": rng.randint(45, 95) if beneficiaries else None, "cost": int(budget * rng.uniform(1.3, 2.4)),
            })
    return actions


def _write_year(path: Path, year: int, rows: list[dict], rng: random.Random) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"Programmation {year}"
    headers = ["N° dossier", "Intitulé de l'action", "Structure porteuse", "SIRET", "Quartier(s)", *FUNDERS,
               "Coût total de l'action", "Nombre de bénéficiaires", "Part habitants QPV (%)"]
    ws.append([f"Contrat de ville du Val de Scarpe-et-Sensée — programmation {year}"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Extraction du portail des subventions du {year}-03-15, complétée par le service politique de la ville"])
    ws.append([])
    ws.append(headers)
    n = 0
    for key, label in PILLARS.items():
        group = [r for r in rows if r["pillar"] == label]
        if not group:
            continue
        ws.append([label.upper()])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
        for r in group:
            n += 1
            ben = r["beneficiaries"]
            ben_cell = ben if ben is None or rng.random() > 0.08 else rng.choice(("NC", f"environ {round(ben, -1)}"))
            ws.append([
                f"{year}-{n:04d}", r["title"], r["carrier"], r["siret"] or "", r["qpv"],
                *[_money(rng, r["amounts"][f]) if f in r["amounts"] else None for f in FUNDERS],
                r["cost"], ben_cell, r["share"],
            ])
        ws.append([])
        del key
    ws.append([None, "TOTAL DE LA PROGRAMMATION", None, None, None,
               *[sum(r["amounts"].get(f, 0) for r in rows) for f in FUNDERS]])
    wb.save(path)


def _plan_rows(services, eid: str, title: str) -> list[dict]:
    bank = {q.id: q for s in services.actions.question_bank(eid) for q in s.questions}
    criteria = services.actions.plan_choices(eid).get("critere", {})
    plans = {
        "Programme de réussite éducative": [
            ("pert_4", "Part des enfants suivis résidant en QPV (%) ; repérage par les écoles", "Fichier de suivi du PRE ; listes des équipes éducatives",
             ["analyse_documentaire", "donnees_statistiques"], "Antoine Delattre (observatoire)", "2026-02-02", "2026-03-13"),
            ("eff_2", "Évolution de l'assiduité et des résultats des enfants suivis ; parcours achevés", "Bilans individuels anonymisés ; entretiens avec les référents de parcours",
             ["analyse_documentaire", "entretiens"], "Coordinatrice du PRE", "2026-03-02", "2026-05-29"),
            ("coh_3", "Nombre d'orientations vers le droit commun (CMP, orthophonie, aide sociale à l'enfance)", "Tableau de bord du PRE ; entretiens avec l'Éducation nationale et le Département",
             ["entretiens", "analyse_documentaire"], "Élodie Vasseur", "2026-04-06", "2026-06-12"),
            ("util_1", "Ce que les familles disent avoir gagné (verbatims codés)", "Parents d'enfants suivis (focus group de 8 familles)",
             ["focus_group"], "Fatou Diallo et Sophie Lemaire", "2026-05-11", "2026-06-05"),
        ],
        "Médiation sociale de jour": [
            ("pert_1", "Correspondance entre les motifs d'intervention et les problèmes relevés dans le diagnostic", "Main courante des médiateurs ; diagnostic du contrat",
             ["analyse_documentaire"], "Antoine Delattre", "2026-02-09", "2026-03-20"),
            ("part_2", "Fréquence et utilité des échanges avec bailleurs, police municipale, centres sociaux", "Comptes rendus des cellules de veille ; entretiens avec 4 partenaires",
             ["entretiens", "analyse_documentaire"], "Mehdi Kaci", "2026-03-16", "2026-05-15"),
            ("effi_1", "Coût par intervention et par habitant touché, 2024-2025", "Bilans financiers de Citéo Médiation ; programmation",
             ["analyse_documentaire", "donnees_statistiques"], "Élodie Vasseur", "2026-04-01", "2026-04-30"),
            ("util_4", "Notoriété des médiateurs auprès des habitants (%)", "Questionnaire en pied d'immeuble (150 habitants)",
             ["questionnaire", "immersion"], "Citéo Médiation avec l'équipe d'évaluation", "2026-05-04", "2026-06-26"),
            (None, "La présence des médiateurs a-t-elle changé le sentiment de sécurité dans les halls ?",
             ["observation", "entretiens"], "Habitat Scarpe Logement", "2026-06-01", "2026-09-30"),
        ],
        "Coup de pouce emploi des femmes": [
            ("couv_1" if "couv_1" in bank else "pert_4", "Part des participantes habitant un QPV ; part sans diplôme", "Fichier des inscriptions ; données France Travail",
             ["donnees_statistiques", "analyse_documentaire"], "Antoine Delattre", "2026-02-16", "2026-03-27"),
            ("eff_2", "Sorties positives à 6 mois (emploi, formation) ; comparaison avec l'objectif de 40 %", "Bilans de l'action ; suivi à 6 mois par Élan Solidaire",
             ["analyse_documentaire", "entretiens"], "Élan Solidaire", "2026-03-02", "2026-06-30"),
            ("eff_3", "Freins cités (garde d'enfants, mobilité, langue) et réponses apportées", "Entretiens avec 10 participantes ; atelier avec les conseillères",
             ["entretiens", "focus_group"], "Sophie Lemaire", "2026-04-13", "2026-06-19"),
            ("dur_1" if "dur_1" in bank else "util_2", "Financements prévus après 2026 ; engagement des partenaires", "Conventions ; entretiens avec la Région et France Travail",
             ["entretiens"], "Élodie Vasseur", "2026-09-01", "2026-10-09"),
        ],
        "Ateliers sociolinguistiques — Cité du Moulin": [
            ("pert_3", "Attentes des apprenants et des professionnels (verbatims)", "Focus group avec des apprenantes ; entretiens avec les formatrices",
             ["focus_group", "entretiens"], "Association Lire et Dire", "2026-03-09", "2026-04-17"),
            ("eff_1", "Heures de formation réalisées / prévues ; assiduité moyenne", "Feuilles de présence ; bilans annuels 2024 et 2025",
             ["analyse_documentaire"], "Antoine Delattre", "2026-02-23", "2026-03-27"),
            ("appr_1", "Nombre d'anciennes apprenantes devenues bénévoles ou relais", "Immersion d'une demi-journée ; entretiens",
             ["immersion", "entretiens"], "Fatou Diallo", "2026-05-18", "2026-06-12"),
            (None, "Les ateliers facilitent-ils l'accès aux services publics (école, CAF, santé) ?",
             ["entretiens", "questionnaire"], "Maison de l'Égalité", "2026-06-01", "2026-07-10"),
        ],
    }
    rows = []
    for spec in plans[title]:
        ref, *rest = spec
        if ref is None:
            question, methods, who, start, end = rest
            indicators, sources = "", ""
            row = {"uid": new_uid(), "question": question, "methodes": methods, "qui": who, "quand_debut": start, "quand_fin": end}
            rows.append(row)
            continue
        indicators, sources, methods, who, start, end = rest
        q = bank.get(ref)
        if q is None:
            continue
        row = {"uid": new_uid(), "ref": ref, "axe": q.section_id, "question": q.label, "indicateurs": indicators,
               "sources": sources, "methodes": methods, "qui": who, "quand_debut": start, "quand_fin": end}
        if q.section_id in criteria:
            row["critere"] = q.section_id
        rows.append(row)
    return rows


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


def build(services, evaluation_id: str) -> None:
    rng = random.Random(2024)
    catalogue = _catalogue(rng)
    # 2025: most actions; 2024: the recurring ones plus a few that stopped.
    rng.shuffle(catalogue)
    stopped = catalogue[:10]
    current = catalogue[10:]
    previous = stopped + [a for a in current if rng.random() < 0.7 or a["title"] in CHOSEN]
    with tempfile.TemporaryDirectory() as tmp:
        for year, rows in ((2024, previous), (2025, current)):
            year_rows = []
            for r in rows:
                r = dict(r)
                if year == 2024:
                    r["amounts"] = {f: int(round(v * rng.uniform(0.85, 1.0), -2)) for f, v in r["amounts"].items()}
                year_rows.append(r)
            path = Path(tmp) / f"Programmation {year}.xlsx"
            _write_year(path, year, year_rows, rng)
            services.actions.import_file(evaluation_id, path)

    actions = services.actions
    grid = actions.grid(evaluation_id)
    ranked = [r.action for r in grid.rows]
    # The project team scored the manual criteria of the forty actions with the heaviest budget.
    scored = sorted(ranked, key=lambda a: -a.budget)[:40]
    by_title = {a.title: a for a in ranked}
    scored += [by_title[t] for t in CHOSEN if t in by_title and by_title[t] not in scored]
    scores = {}
    for a in scored:
        values = CHOSEN.get(a.title) or tuple(rng.choice((1, 1, 2, 2, 2, 3)) for _ in MANUAL)
        scores.update({(a.id, crit): value for crit, value in zip(MANUAL, values, strict=True)})
    actions.set_scores(evaluation_id, scores)
    for title in CHOSEN:
        a = by_title.get(title)
        if a is None:
            continue
        actions.set_chosen(a.id, True)
        rid = actions.ensure_sheet(a.id)
        answers = {
            **SHEETS[title],
            "action_comite": "Le porteur, un financeur (délégué du préfet), une conseillère citoyenne et la cheffe de projet contrat de ville.",
            "restitution_destinataires": "Note de synthèse au COPIL de restitution ; retour au porteur et à ses équipes ; restitution aux habitants lors du temps fort.",
            "restitution_date": "2026-12-08",
            "plan": _plan_rows(services, evaluation_id, title),
        }
        for key, value in answers.items():
            services.forms.set_answer(rid, key, value)
