"""Helpers of the questionnaires tests: a respondent's pen, and typical answers.

`fill(path, {key: value}, out)` writes answers in a generated template the way a respondent
does in Excel: by row, found through the hidden key column (so the tests survive layout changes
and exercise the same keys the import reads).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

COMMUNES = "questionnaire-communes"
ASSOCIATIONS = "questionnaire-associations"


def rows_by_key(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def fill(path: Path, answers: dict, out: Path | None = None, delete: tuple[str, ...] = (), extra_sheet: bool = False) -> Path:
    """Answer in the « Votre réponse » column; delete rows by key; add a sheet of notes."""
    wb = load_workbook(path)
    ws = wb["Questionnaire"]
    keys = rows_by_key(ws)
    for key, value in answers.items():
        ws.cell(keys[key], 4).value = value
    for key in sorted(delete, key=lambda k: -keys[k]):
        ws.delete_rows(keys[key])
    if extra_sheet:
        wb.create_sheet("Mes notes")["A1"] = "Brouillon des réponses, à ne pas importer"
    target = out or path
    wb.save(target)
    return target


# A commune's complete, valid answers (as typed in Excel: labels, crosses, French numbers).
COMMUNE_ANSWERS = {
    "nb_qpv": 2,
    "fonction_repondant": "Chef·fe de projet ou référent·e politique de la ville",
    "role_pilotage": "Associée : nos avis sont pris en compte dans les décisions",
    "instances=copil": "X",
    "instances=cotech": "x",
    "satisfaction_pilotage": "Plutôt satisfait",
    "clarte_roles": 4,
    "credits_specifiques": "12 500",
    "projet_ru": "Non",
    "connaissance_cc": "Oui, nous le connaissons bien",
    "etat_cc": "Actifs : ils se réunissent et prennent des initiatives",
    "apports_contrat": "Un programme de réussite éducative.",
    "priorites_2030=emploi": "X",
    "priorites_2030=jeunesse": "X",
}
