"""Reading a list of the contract's commitments typed in a spreadsheet (rows of cells).

People keep this list in Excel or export it as CSV, with a title above the table, columns in
any order, statuses typed by hand and dates as text. `parse_commitments` finds the header row,
maps the columns by their French names, reads every row and either returns all of them or
raises `CommitmentImportError` listing every problem (line numbers as in the file): nothing is
half-imported.

Qt-free; reading the file itself (xlsx, csv) is done by the service.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.fieldwork import COMMITMENT_STATUSES
from desktop_app.core.fieldwork_synthesis import fold

MAX_HEADER_SCAN = 20
MAX_PROBLEMS_SHOWN = 8

# column -> accepted header names (folded, compared after removing punctuation)
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("n", "no", "n°", "num", "numero", "numero de l engagement", "ref", "reference", "#", "id"),
    "title": (
        "intitule",
        "engagement",
        "engagements",
        "intitule de l engagement",
        "titre",
        "libelle",
        "objet",
        "description de l engagement",
    ),
    "pilot": (
        "pilote",
        "pilotes",
        "porteur",
        "responsable",
        "signataire",
        "pilote signataire ou service responsable",
        "signataire responsable",
        "service responsable",
    ),
    "status": ("statut", "etat", "avancement", "etat d avancement", "situation"),
    "evidence": (
        "preuves",
        "preuve",
        "elements factuels",
        "preuves et elements factuels",
        "justificatifs",
        "sources",
        "elements de preuve",
    ),
    "comment": ("commentaire", "commentaires", "observations", "observation", "remarques", "remarque"),
    "due_date": ("echeance", "date d echeance", "date limite", "delai", "date prevue", "date"),
}

COLUMN_LABELS = {
    "number": "Numéro",
    "title": "Intitulé",
    "pilot": "Pilote",
    "status": "Statut",
    "evidence": "Preuves",
    "comment": "Commentaire",
    "due_date": "Échéance",
}

STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "realise": (
        "realise",
        "realisee",
        "realises",
        "fait",
        "termine",
        "terminee",
        "acheve",
        "tenu",
        "atteint",
    ),
    "en_cours": (
        "en cours",
        "engage",
        "engagee",
        "demarre",
        "partiellement realise",
        "realise partiellement",
        "en partie",
        "encours",
    ),
    "non_engage": (
        "non engage",
        "non engagee",
        "non demarre",
        "pas demarre",
        "pas engage",
        "a engager",
        "non commence",
        "pas commence",
        "non realise",
    ),
    "abandonne": ("abandonne", "abandonnee", "abandon", "renonce", "supprime"),
}


class CommitmentImportError(Exception):
    """The list cannot be imported; `problems` are French, with the file's line numbers."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "Aucun engagement n'a été importé :\n" + "\n".join(f"• {p}" for p in shown)
        if more > 0:
            text += f"\n• … et {more} autre{'s' if more > 1 else ''} problème{'s' if more > 1 else ''}."
        super().__init__(text)


@dataclass(frozen=True)
class CommitmentRow:
    line: int
    values: dict[str, str]  # only the columns present in the file, cleaned


def _norm(text: Any) -> str:
    t = fold(str(text or ""))
    t = re.sub(r"[’'`\-_/().:;,*?!]", " ", t)
    return " ".join(t.split())


def _header_key(cell: Any) -> str | None:
    text = _norm(cell)
    if not text:
        return None
    compact = text.replace(" ", "")
    for key, names in HEADERS.items():
        for name in names:
            n = _norm(name) if name not in ("n°", "#") else name
            if text == n or compact == n.replace(" ", ""):
                return key
    for key, names in HEADERS.items():  # « Intitulé de l'engagement (tel qu'écrit) »
        for name in names:
            if len(name) > 3 and text.startswith(_norm(name) + " "):
                return key
    return None


def find_header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[int, str]] | None:
    """(index of the header row, {column index: key}) — the first row naming a title column."""
    for r, row in enumerate(rows[:MAX_HEADER_SCAN]):
        mapping: dict[int, str] = {}
        for c, cell in enumerate(row):
            key = _header_key(cell)
            if key and key not in mapping.values():
                mapping[c] = key
        if "title" in mapping.values():
            return r, mapping
    return None


def status_from_text(text: Any) -> str | None:
    """The status value for what people type (« Réalisé », « en cours », « Non engagé »…);
    "" for an empty cell, None when it cannot be read."""
    t = _norm(text)
    if not t:
        return ""
    if t.replace(" ", "_") in COMMITMENT_STATUSES:
        return t.replace(" ", "_")
    for status in ("non_engage", "abandonne", "en_cours", "realise"):  # « non engagé » before « engagé »
        for word in STATUS_WORDS[status]:
            if t == word or t.startswith(word + " "):
                return status
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).replace("\r\n", "\n").split(" ")).strip()


def parse_date_cell(value: Any) -> str | None:
    """ISO date for a date cell or text (31/12/2026, 2026-12-31, 12/2026); "" when empty; None if unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})", text)
    try:
        if m:
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            year += 2000 if year < 100 else 0
            return dt.date(year, month, day).isoformat()
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", text)  # month/year: the end of the month
        if m:
            month, year = int(m.group(1)), int(m.group(2))
            nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
            return (nxt - dt.timedelta(days=1)).isoformat()
        m = re.fullmatch(r"(\d{4})", text)  # a year: 31 December
        if m:
            return dt.date(int(text), 12, 31).isoformat()
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def parse_commitments(rows: Sequence[Sequence[Any]], first_line: int = 1) -> list[CommitmentRow]:
    """Every commitment of the table, or CommitmentImportError with every problem found."""
    found = find_header(rows)
    if found is None:
        raise CommitmentImportError(
            [
                "aucune ligne d'en-tête reconnue dans les premières lignes du fichier. "
                "La liste doit avoir une colonne « Intitulé » (ou « Engagement »), et si possible "
                "« N° », « Pilote », « Statut », « Preuves », « Commentaire », « Échéance »."
            ]
        )
    header_index, mapping = found
    problems: list[str] = []
    out: list[CommitmentRow] = []
    numbers: dict[str, int] = {}
    for r in range(header_index + 1, len(rows)):
        row = rows[r]
        line = r + first_line
        cells = {key: (row[c] if c < len(row) else None) for c, key in mapping.items()}
        if all(_cell_text(v) == "" for v in cells.values()):
            continue
        values: dict[str, str] = {}
        for key, raw in cells.items():
            if key == "status":
                status = status_from_text(raw)
                if status is None:
                    labels = ", ".join(label for label, _ in COMMITMENT_STATUSES.values())
                    problems.append(
                        f"ligne {line} : statut « {_cell_text(raw)} » inconnu (attendu : {labels})."
                    )
                    continue
                values[key] = status
            elif key == "due_date":
                iso = parse_date_cell(raw)
                if iso is None:
                    problems.append(
                        f"ligne {line} : échéance « {_cell_text(raw)} » illisible (JJ/MM/AAAA attendu)."
                    )
                    continue
                values[key] = iso
            else:
                values[key] = _cell_text(raw)
        if not values.get("title"):
            problems.append(f"ligne {line} : l'intitulé de l'engagement est vide.")
        number = values.get("number", "")
        if number:
            if len(number) > 20:
                problems.append(f"ligne {line} : numéro « {number[:30]} » trop long (20 caractères au plus).")
            elif number.upper() in numbers:
                problems.append(
                    f"ligne {line} : le numéro « {number} » est déjà utilisé ligne {numbers[number.upper()]}."
                )
            numbers.setdefault(number.upper(), line)
        out.append(CommitmentRow(line, values))
    if not out and not problems:
        problems.append("le fichier ne contient aucun engagement sous la ligne d'en-tête.")
    if problems:
        raise CommitmentImportError(problems)
    return out
