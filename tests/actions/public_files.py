"""Subsidy tables in the shapes French local authorities publish them, generated for the tests.

- `themed_sections_workbook`: a city's yearly list, one section per theme with its own header
  ("Association (santé) | Objet | Montant"), a "Total" row after each section and a grand total.
- `ccas_list_csv`: a list whose first data row is "CENTRE COMMUNAL D'ACTION SOCIALE ; 12 350 000 €"
  (a row full of header-like words), rows without object, Windows-1252 with semicolons.
- `scdl_csv`: the national SCDL "subventions" schema (camelCase columns), UTF-8 with commas,
  the same beneficiary twice in a year for other objects or amounts, an exact duplicate row,
  a SIRET turned into `…0.0` by a spreadsheet.
- `old_scdl_csv`: the older COLL_NOM / ATTRIB_NOM / SUB_OBJET / SUB_MONTANT layout, written as a
  UTF-8 byte-order mark followed by Windows-1252 bytes, an object on two lines, "SEM" and "NC"
  amounts, a TOTAL row.
- `grouped_headers_workbook`: group headers merged above the real ones ("Action" over
  "Intitulé | Pilier / axe", "Financements accordés" over the funders) and theme rows.
- `huge_dimension_workbook`: a few hundred rows in a sheet that runs to row 1 048 576.

Each builder returns the path; the docstrings give the figures a reader would check.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl


def siret(prefix: str) -> str:
    """A valid SIRET (Luhn key) from its first 13 digits."""
    for last in "0123456789":
        digits = prefix + last
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits
    raise AssertionError(prefix)


def themed_sections_workbook(path: Path) -> Path:
    """Header on row 4; sections santé and culture; totals rows 7, 13, 14.
    Data: 12 000 + 3 500,50 + 8 000 + 2 500 (no object) + NC = 26 000,50 €."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Subventions 2023"
    ws.append(["Ville de Saint-Aubin — Subventions 2023 aux associations"])
    ws.merge_cells("A1:C1")
    ws.append(["Délibération du conseil municipal du 12/12/2022"])
    ws.append([])
    ws.append(["Association (santé)", "Objet", "Montant"])
    ws.append(["AIDES", "Prévention et dépistage", 12000])
    ws.append(["Croix-Rouge française", "Maraudes d'hiver", "3 500,50 €"])
    ws.append(["Total santé", None, 15500.5])
    ws.append([])
    ws.append(["Association (culture)", "Objet", "Montant"])
    ws.append(["Compagnie du Faubourg", "Festival de quartier", 8000])
    ws.append(["Cinéma Le Méliès", None, 2500])
    ws.append(["Harmonie municipale", "Concerts de printemps", "NC"])
    ws.append(["Total culture", None, 10500])
    ws.append(["TOTAL GÉNÉRAL", None, 26000.5])
    wb.save(path)
    return path


CCAS_ROWS = [
    ("CENTRE COMMUNAL D'ACTION SOCIALE", "Fonctionnement", "12 350 000 €"),
    ("CAISSE DES ÉCOLES", "Fonctionnement", "4 200 000 €"),
    ("ASSOCIATION PROJET DE TERRITOIRE NORD", "", "85 000 €"),
    ("Comité des œuvres sociales du personnel", "Fonctionnement", "640 000 €"),
    ("Maison des jeunes et de la culture", "Projet", "1 981 523 €"),
]


def ccas_list_csv(path: Path) -> Path:
    """Header on row 3 (not the CCAS row); 5 rows, 19 256 523 €, all imported with built titles."""
    lines = ["Liste des concours attribués à des tiers en 2022;;", ";;",
             "Nom de l'organisme bénéficiaire;Nature de la subvention;Montant versé"]
    lines += [";".join(row) for row in CCAS_ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


SCDL_HEADER = ("nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,"
               "objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention")
CITY_SIRET = siret("2186019460001")


def scdl_csv(path: Path) -> Path:
    """Header on row 1; 7 data rows: 6 imported (38 700,50 €), 1 exact duplicate left out (1 200 €).
    Centre social: two objects in 2023; Régie: twice the same object for two amounts."""
    centre, regie, club = siret("7846716950008"), siret("4430618410004"), siret("3210987650001")
    rows = [
        (f"2023-03-15,DEL-23-12,Centre social des Trois Cités,{centre},Accompagnement à la scolarité,15000,"
         "aide en numéraire,unique,2023-04,,false,100"),
        (f"2023-03-15,DEL-23-12,Centre social des Trois Cités,{centre},Ateliers sociolinguistiques,8000,"
         "aide en numéraire,unique,2023-04,,false,100"),
        f"2023-03-15,DEL-23-13,Régie de quartier,{regie}.0,Chantier d'insertion,5000,aide en numéraire,échelonné,2023,,false,50",
        f"2023-09-20,DEL-23-40,Régie de quartier,{regie}.0,Chantier d'insertion,2500,aide en numéraire,unique,2023,,false,50",
        f"2023-06-01,DEL-23-22,Club de boxe des Couronneries,{club},\"Stage d'été, 30 jeunes\",1200,aide en numéraire,unique,2023,,false,100",
        f"2023-06-01,DEL-23-22,Club de boxe des Couronneries,{club},\"Stage d'été, 30 jeunes\",1200,aide en numéraire,unique,2023,,false,100",
        "2023-11-05,DEL-23-51,Secours populaire,,Aide alimentaire,7000.50,aide en numéraire,unique,2023,,false,100",
    ]
    text = SCDL_HEADER + "\n" + "\n".join(f"Ville de Saint-Aubin,{CITY_SIRET},{r}" for r in rows) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def old_scdl_csv(path: Path) -> Path:
    """Header on row 1; 4 data rows: 4 410 € in the file (SEM and NC imported without amount),
    all imported; the TOTAL row (row 7) is not counted. BOM + Windows-1252, `;`."""
    asso = siret("5002345670001")
    header = "COLL_NOM;COLL_SIRET;ATTRIB_NOM;ATTRIB_SIRET;SUB_OBJET;SUB_MONTANT;ACTE_DATE;SUB_NATURE"
    rows = [
        f"Commune de Bellevue;{CITY_SIRET};Amicale laïque;{asso}.0;\"Classes découvertes\nécole Jean-Moulin\";3 210,00;15/02/2021;numéraire",
        f"Commune de Bellevue;{CITY_SIRET};Société d'économie mixte;;Gestion du marché;SEM;15/02/2021;numéraire",
        f"Commune de Bellevue;{CITY_SIRET};Élan solidaire;;Épicerie sociale;1 200,00;03/05/2021;numéraire",
        f"Commune de Bellevue;{CITY_SIRET};Comité de jumelage;;Échanges scolaires;NC;03/05/2021;numéraire",
        ";;TOTAL;;;4 410,00;;",
    ]
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def grouped_headers_workbook(path: Path) -> Path:
    """Group headers on row 2, header on row 3; theme rows 4 and 7 (structure); pillars come
    from the "Pilier / axe" column. 4 actions, 41 000 €; grand total row 9."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programmation 2024"
    ws.append(["Contrat de ville — programmation 2024"])
    ws.merge_cells("A1:F1")
    ws.append([None, "Action", None, "Structure", "Financements accordés", None])
    ws.merge_cells("B2:C2")
    ws.merge_cells("E2:F2")
    ws.append(["N° dossier", "Intitulé", "Pilier / axe", "Porteur", "État", "Ville"])
    ws.append(["THÈME : EMPLOI ET INSERTION"])
    ws.merge_cells("A4:F4")
    ws.append(["24-001", "Coup de pouce emploi", "Emploi et développement économique", "Élan solidaire", 9000, 3000])
    ws.append(["24-002", "Permanence Mission locale", "Emploi et développement économique", "Mission locale", 6000, None])
    ws.append(["THÈME : ÉDUCATION"])
    ws.merge_cells("A7:F7")
    ws.append(["24-003", "Réussite éducative", "Cohésion sociale", "CCAS", 15000, 8000])
    ws.append([None, "Total", None, None, 30000, 11000])
    wb.save(path)
    return path


def huge_dimension_workbook(path: Path, rows: int = 300) -> Path:
    """A sheet with `rows` actions (1 000 € each) whose last cell is at row 1 048 576."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Intitulé de l'action", "Structure porteuse", "Montant accordé"])
    for i in range(rows):
        ws.append([f"Action {i + 1}", f"Association {i % 40}", 1000])
    ws.cell(row=1_048_576, column=1, value=" ")
    wb.save(path)
    return path
