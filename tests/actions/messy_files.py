"""Programmation files as territories really have them, generated for the tests.

`messy_workbook` holds each mess of the issue: two title rows above the headers, a group header
merged over the funder columns, section rows merged across the table, a pillar cell merged
down over several actions, blank separator rows, a sub-total and a total row, amounts typed as
`12 500 €` or as text, several funder columns, missing SIRET, `NC` and `environ 50` in a number
column, a notes sheet without header, and the previous year on another sheet.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HEADERS = [
    "N° dossier", "Intitulé de l'action", "Structure porteuse", "N° SIRET", "Pilier", "QPV concerné(s)",
    "État", "Agglo", "Ville", "CAF", "Coût total de l'action", "Nombre de bénéficiaires", "dont habitants QPV",
]
# (file number, title, carrier, siret, QPV, État, Agglo, Ville, CAF, cost, beneficiaries, in QPV)
PILLAR_1 = [
    ("2024-0001", "Accompagnement à la scolarité", "Centre social du Moulin", "78467169500087", "QN05991M",
     "12 500 €", 8000, "5 000,00", None, 31000, 120, 90),
    ("2024-0002", "Ateliers sociolinguistiques", "Association Lire et Dire", None, "QN05992I, QN05993M",
     "9500", None, "2 000 €", 1500, "18 000 €", "environ 50", "NC"),
    ("2024-0003", "Médiation santé", "Atelier Santé Ville", "", "QN05993M",
     15000, 15000, None, None, 42000, 300, "80 %"),
]
PILLAR_2 = [
    ("2024-0004", "Jardins partagés des Hauts-Champs", "Régie de quartier", "44306184100047", "QN05991M",
     "4 000", "3 000 €", "1 000", None, None, "NC", None),
    ("2024-0005", "Chantier éducatif jeunes", "Prévention Nord", None, "QN05994N",
     22000, "11 000", None, "4 500", 40000, 45, 45),
]


def messy_workbook(path: Path, year: int = 2024) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"Programmation {year}"
    ws.append([f"Contrat de ville — Programmation {year}"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Extraction du portail des subventions, retravaillée à la main — document de travail"])
    ws.append([])
    ws.append([None] * 6 + ["Montants accordés (€)"])
    ws.merge_cells(start_row=4, start_column=7, end_row=4, end_column=10)
    ws.append(HEADERS)
    ws.append(["PILIER 1 — COHÉSION SOCIALE"])
    ws.merge_cells(start_row=6, start_column=1, end_row=6, end_column=len(HEADERS))
    first = ws.max_row + 1
    for fn, title, carrier, siret, qpv, etat, agglo, ville, caf, cost, ben, ben_qpv in PILLAR_1:
        ws.append([fn, title, carrier, siret, "Cohésion sociale", qpv, etat, agglo, ville, caf, cost, ben, ben_qpv])
    # the pillar typed once and merged down over the three actions
    ws.merge_cells(start_row=first, start_column=5, end_row=first + len(PILLAR_1) - 1, end_column=5)
    ws.append(["Sous-total pilier 1", None, None, None, None, None, 36500, 23000, 7000, 1500])
    ws.append([])  # blank separator
    ws.append(["PILIER 2 — CADRE DE VIE ET RENOUVELLEMENT URBAIN"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADERS))
    for fn, title, carrier, siret, qpv, etat, agglo, ville, caf, cost, ben, ben_qpv in PILLAR_2:
        ws.append([fn, title, carrier, siret, None, qpv, etat, agglo, ville, caf, cost, ben, ben_qpv])
    ws.append([])
    ws.append([None, "TOTAL GÉNÉRAL", None, None, None, None, "=SUM(G7:G14)", 37000, 8000, 6000])

    notes = wb.create_sheet("Notes")
    notes.append(["Remarques du service politique de la ville"])
    notes.append(["Les montants de la CAF sont prévisionnels."])

    previous = wb.create_sheet(f"Programmation {year - 1}")
    previous.append(["N° de dossier", "Intitulé", "Porteur", "Pilier", "Quartiers", "Montant État", "Montant Ville"])
    previous.append([f"{year - 1}-0101", f"Accompagnement à la scolarité {year - 1}", "Centre social du Moulin",
                     "Cohésion sociale", "QN05991M", "11 000 €", "5000"])
    previous.append([f"{year - 1}-0102", "Médiation santé", "Atelier Santé Ville", "Cohésion sociale",
                     "QN05993M", 14000, None])
    wb.save(path)
    return path


def second_year_workbook(path: Path) -> Path:
    """The next year's programmation: two actions recur (new file numbers), one is new."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Prog 2025"
    ws.append(["N° dossier", "Intitulé de l'action", "Structure porteuse", "Pilier", "QPV", "Montant État", "Montant Ville"])
    ws.append(["2025-0007", "Accompagnement à la scolarité", "Centre social du Moulin", "Cohésion sociale", "QN05991M", "13 000 €", 5000])
    ws.append(["2025-0008", "Chantier éducatif jeunes", "Prévention Nord", "Cadre de vie", "QN05994N", 20000, None])
    ws.append(["2025-0009", "Café des parents", "Centre social du Moulin", "Cohésion sociale", "QN05992I", 3000, 1000])
    wb.save(path)
    return path


def cp1252_csv(path: Path) -> Path:
    """A CSV as Excel writes it on a French Windows: cp1252, `;` separators, decimal commas."""
    lines = [
        "Programmation 2024 du contrat de ville;;;;;;",
        ";;;;;;",
        "Numéro de dossier;Intitulé de l'action;Opérateur;Thématique;Quartiers;Subvention État;Subvention Ville",
        "D-101;Permanences d'accès aux droits;Maison de l'Égalité;Accès aux droits;Les Hauts-Champs;7 500,00 €;2 500",
        "D-102;Fête de quartier « Bois Fleuri »;Comité des fêtes;Lien social;Le Faubourg — Bois Fleuri;1 200;NC",
        ";;;;;;",
        "D-103;Coup de pouce emploi femmes;Élan Solidaire;Emploi;Cité du Moulin;9 000;3 000,50",
        "Total;;;;;17 700,00 €;5 500,50",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path
