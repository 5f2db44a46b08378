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
from desktop_app.demo.data.actions import (
    CHOSEN,
    FUNDERS,
    LOCAL_CARRIERS,
    MANUAL,
    PILLARS,
    QPV_NAMES,
    SHEETS,
    TEMPLATES,
)


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


def build_actions(services, evaluation_id: str) -> None:
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
