"""Reading a contract's programmation as territories really have it: values and columns.

An export of the national subsidy portal, edited by hand: title rows above the headers, merged
cells, amounts typed as `12 500 €` or as text, `NC` or `environ 50` in a number column, several
funder columns. This module reads cell values French-style and proposes, for each column of a
header row, what it holds (title, carrier, SIRET, pillar, QPV, amounts per funder…).

Row interpretation (sections, totals, duplicates) is in `core.programmation_rows`.
Qt-free and without I/O: it works on grids of cell values read by the services.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

# --------------------------------------------------------------------------- targets

# What a column can be mapped to: id -> French label (shown in the mapping dialog).
FIELD_LABELS: dict[str, str] = {
    "ignore": "— Ne pas importer —",
    "title": "Intitulé de l'action",
    "carrier": "Structure porteuse",
    "siret": "SIRET du porteur",
    "pillar": "Pilier / axe / thématique",
    "qpv": "Quartier(s) prioritaire(s)",
    "file_number": "N° de dossier",
    "year": "Année",
    "amount": "Montant accordé (un financeur)",
    "requested": "Montant sollicité (un financeur)",
    "funder": "Nom du financeur (une ligne par financeur)",
    "total_cost": "Coût total de l'action",
    "beneficiaries": "Nombre de bénéficiaires",
    "beneficiaries_qpv": "Bénéficiaires habitant un QPV (nombre ou %)",
    "description": "Objectifs / description",
    "first_year": "Financée depuis (année)",
    "multi_year": "Convention pluriannuelle (CPO)",
}
# Targets a column can hold only once per sheet (amounts can be many: one per funder).
SINGLE_TARGETS = frozenset(FIELD_LABELS) - {"ignore", "amount", "requested"}
AMOUNT_TARGETS = frozenset({"amount", "requested"})
NUMERIC_TARGETS = frozenset({"amount", "requested", "total_cost", "beneficiaries", "year", "first_year"})

# Header synonyms, normalized (see `normalize`). The longest phrase found wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "intitule", "intitule de l action", "intitule action", "intitule du projet", "titre",
        "titre de l action", "nom de l action", "action", "libelle", "libelle de l action", "projet",
        "nom du projet", "intitule de l operation", "operation",
    ),
    "carrier": (
        "porteur", "porteur de projet", "structure porteuse", "structure", "organisme",
        "organisme porteur", "raison sociale", "operateur", "association", "nom de la structure",
        "nom du porteur", "demandeur", "beneficiaire de la subvention", "porteur de l action",
        "nom de l organisme", "maitre d ouvrage",
    ),
    "siret": ("siret", "n siret", "numero siret", "siret du porteur", "siret de la structure", "siren siret"),
    "pillar": (
        "pilier", "axe", "thematique", "theme", "orientation", "priorite", "objectif strategique",
        "enjeu", "volet", "pilier du contrat", "axe du contrat", "thematique du contrat",
        "axe strategique", "objectif operationnel", "domaine",
    ),
    "qpv": (
        "qpv", "quartier", "quartiers", "quartier prioritaire", "quartiers prioritaires",
        "quartiers concernes", "quartier concerne", "territoire", "territoires", "code qpv",
        "quartier s", "lieu de l action", "secteur",
    ),
    "file_number": (
        "n dossier", "n de dossier", "numero de dossier", "numero dossier", "num dossier",
        "dossier", "code dossier", "reference dossier", "ref dossier", "identifiant dossier",
        "id dossier", "n dossier dauphin", "reference", "n dauphin", "numero dauphin", "n tiers dossier",
    ),
    "year": ("annee", "exercice", "annee de programmation", "millesime", "annee de financement", "programmation"),
    "funder": ("financeur", "financeurs", "cofinanceur", "organisme financeur", "nom du financeur", "financeur sollicite"),
    "total_cost": (
        "cout total", "budget total", "cout de l action", "budget de l action", "montant total",
        "total", "cout total de l action", "budget previsionnel", "cout global", "budget global",
        "total financements", "montant total du projet", "budget",
    ),
    "beneficiaries": (
        "beneficiaires", "nombre de beneficiaires", "nb beneficiaires", "nbre de beneficiaires",
        "nombre de participants", "participants", "personnes touchees", "public touche",
        "nombre de personnes", "nb de beneficiaires", "beneficiaires prevus", "public",
    ),
    "beneficiaries_qpv": (
        "dont qpv", "part qpv", "beneficiaires qpv", "habitants qpv", "% qpv", "part des beneficiaires qpv",
        "dont habitants des quartiers", "dont habitants qpv", "beneficiaires habitant un qpv",
        "part habitants qpv", "dont residents qpv", "% habitants qpv", "dont quartiers",
    ),
    "description": (
        "objectif", "objectifs", "description", "resume", "descriptif", "objet",
        "objectifs de l action", "description de l action", "contenu",
    ),
    "first_year": (
        "financee depuis", "annee de creation", "depuis", "premiere annee", "premiere annee de financement",
        "annee de demarrage", "date de creation",
    ),
    "multi_year": ("cpo", "convention pluriannuelle", "pluriannuel", "pluriannuelle", "convention pluriannuelle d objectifs"),
}

MONEY_WORDS = (
    "montant", "montants", "subvention", "subventions", "financement", "financements", "credits",
    "credit", "accorde", "accordee", "accordes", "attribue", "attribuee", "vote", "votee",
    "sollicite", "sollicitee", "demande", "demandee", "part", "participation", "aide", "eur",
    "euros", "€", "ht", "ttc", "programme", "programmee", "propose", "proposee", "en",
)
REQUESTED_WORDS = ("sollicite", "sollicitee", "demande", "demandee")

# Known funders: normalized token -> canonical French name.
FUNDERS: dict[str, str] = {
    "etat": "État", "anct": "État (ANCT)", "bop 147": "État (BOP 147)", "prefecture": "État",
    "ddets": "État", "dreets": "État", "cget": "État", "politique de la ville": "État",
    "region": "Région", "departement": "Département", "cd": "Département", "caf": "CAF",
    "ville": "Ville", "commune": "Communes", "communes": "Communes", "agglo": "Intercommunalité",
    "agglomeration": "Intercommunalité", "epci": "Intercommunalité", "communaute": "Intercommunalité",
    "metropole": "Métropole", "bailleur": "Bailleurs", "bailleurs": "Bailleurs", "feder": "Fonds européens",
    "fse": "Fonds européens", "europe": "Fonds européens", "fonds europeens": "Fonds européens",
    "cdc": "Banque des Territoires", "banque des territoires": "Banque des Territoires",
    "ars": "ARS", "france travail": "France Travail", "autres": "Autres financeurs",
    "autre": "Autres financeurs", "droit commun": "Droit commun",
}


@dataclass(frozen=True)
class Target:
    """What one column holds; `funder` names the funder of an amount column."""

    kind: str = "ignore"
    funder: str = ""

    @property
    def label(self) -> str:
        base = FIELD_LABELS.get(self.kind, self.kind)
        if self.kind in AMOUNT_TARGETS and self.funder:
            return f"{base.split(' (')[0]} — {self.funder}"
        return base


IGNORE = Target()

# --------------------------------------------------------------------------- text helpers

_NON_WORD = re.compile(r"[^a-z0-9%€]+")


def normalize(value: Any) -> str:
    """Lower case, no accents, punctuation as spaces: "N° de dossier" -> "n de dossier"."""
    if value is None:
        return ""
    return _normalize(str(value))


@lru_cache(maxsize=8192)
def _normalize(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("n°", "n ").replace("nº", "n ").replace("n.", "n ")
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


def clean_text(value: Any) -> str:
    """A cell as one line of text (line breaks and repeated spaces collapsed)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).replace("\u00a0", " ").split())


def _has_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- numbers

_NOT_GIVEN = {
    "nc", "n c", "nr", "n r", "nd", "n d", "na", "n a", "ns", "?", "??", "", "x", "xx",
    "non communique", "non connu", "inconnu", "ne sait pas", "nsp", "sans objet", "so", "s o",
    "non renseigne", "a venir", "a definir", "ad", "en attente", "neant", "pm", "p m", "variable",
}
_APPROX_PREFIX = re.compile(
    r"^(environ|env\.?|approx\.?|approximativement|~|≈|±|\+/-|près de|pres de|plus de|moins de|au moins|"
    r"au plus|jusqu'à|jusqu'a|>=|<=|>|<|ca\.|ca|un peu plus de|un peu moins de|presque|autour de)\s*",
    re.IGNORECASE,
)
_APPROX_SUFFIX = re.compile(r"\s*(environ|env\.?|approx\.?|\+|et plus|ou plus|maxi?|mini?)$", re.IGNORECASE)
_RANGE = re.compile(r"^(?:de\s+)?(\d[\d\s.,]*)\s*(?:à|a|-|–|/|au)\s*(\d[\d\s.,]*)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")


@dataclass(frozen=True)
class Number:
    """A number read from a cell; `note` says (in French) what was approximate or unreadable."""

    value: float | None
    note: str | None = None
    percent: bool = False
    approximate: bool = False


def _plain_number(s: str) -> float | None:
    s = _SPACES.sub("", s)
    if not s:
        return None
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(dec, ".")
    elif "," in s:  # French decimal comma; several commas are thousands separators
        s = s.replace(",", "") if s.count(",") > 1 else s.replace(",", ".")
    elif s.count(".") > 1 or (s.count(".") == 1 and len(s.split(".")[1]) == 3 and s.split(".")[0] not in ("", "0")):
        s = s.replace(".", "")  # "12.500" is twelve thousand five hundred in French
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        return None
    return sign * float(s)


def parse_number(value: Any) -> Number:
    """Read a number typed the French way: `12 500 €`, `12 500,50`, `12,5 k€`, `45 %`,
    `environ 50`, `50 à 60` (the middle), `NC` (not given). Empty cells give Number(None)."""
    if value is None or isinstance(value, bool):
        return Number(None)
    if isinstance(value, (int, float)):
        return Number(float(value))
    if isinstance(value, (date, datetime)):
        return Number(None, f"« {clean_text(value)} » est une date, pas un nombre : laissé vide")
    original = clean_text(value)
    if not original:
        return Number(None)
    text = original.lower().replace("\u2212", "-")
    if normalize(text) in _NOT_GIVEN or text.strip(" -–—/.*") == "":
        return Number(None, f"« {original} » (non communiqué) : laissé vide")
    approximate = False
    for pattern in (_APPROX_PREFIX, _APPROX_SUFFIX):
        stripped = pattern.sub("", text).strip()
        if stripped != text:
            approximate, text = True, stripped
    percent = "%" in text
    multiplier = 1.0
    text = re.sub(r"(euros?|eur|€|%)", " ", text).strip()
    m = re.search(r"\s*(k|ke|k€|m|m€|millions?|mille)\s*$", text)
    if m and re.search(r"\d", text[: m.start()]):
        unit = m.group(1)
        multiplier = 1e6 if unit.startswith("m") and unit != "mille" else 1e3
        text = text[: m.start()].strip()
    text = text.strip(" .;:")
    number = _plain_number(text)
    if number is None:
        rng = _RANGE.match(text)
        if rng:
            low, high = _plain_number(rng.group(1)), _plain_number(rng.group(2))
            if low is not None and high is not None:
                middle = (low + high) / 2 * multiplier
                return Number(
                    middle, f"« {original} » : fourchette, lue {_fmt(middle)} (milieu)", percent, True
                )
        return Number(None, f"« {original} » n'est pas un nombre lisible : laissé vide")
    number *= multiplier
    if approximate:
        return Number(number, f"« {original} » : valeur approchée, lue {_fmt(number)}", percent, True)
    return Number(number, None, percent)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")


def parse_year(value: Any) -> int | None:
    """A funding year from a cell: 2023, "2023", "Exercice 2023", a date, "2023-2024" (the first)."""
    if isinstance(value, (datetime, date)):
        return value.year
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        year = int(value)
        return year if 1990 <= year <= 2100 else None
    m = re.search(r"\b(19[9]\d|20\d\d)\b", clean_text(value))
    return int(m.group(1)) if m else None


def parse_yes(value: Any) -> bool | None:
    key = normalize(value)
    if not key:
        return None
    if key in ("oui", "o", "x", "yes", "y", "1", "vrai", "true", "cpo", "pluriannuel", "pluriannuelle") or key.startswith("oui"):
        return True
    if key in ("non", "n", "no", "0", "faux", "false", "annuel", "annuelle") or key.startswith("non"):
        return False
    return None


# --------------------------------------------------------------------------- headers

@dataclass(frozen=True)
class HeaderGuess:
    row: int  # 0-based index in the grid
    labels: tuple[str, ...]
    score: int


def funder_label(header: str) -> str:
    """The funder named by an amount column header: "Montant accordé État (BOP 147)" -> "État (BOP 147)";
    "" when the header names no funder ("Montant accordé")."""
    text = clean_text(header)
    text = re.sub(r"\((en )?(€|euros?|eur)\)|€", " ", text, flags=re.IGNORECASE)
    words = text.split()
    skip = set(MONEY_WORDS) | {"de", "du", "des", "la", "le", "l", "d", "par", "au", "aux", "-", "–", ":"}

    def key(word: str) -> str:
        return normalize(word.strip("()[]:;,-–")) or word

    while words:
        first = re.sub(r"^(l|d)['’]", "", words[0], flags=re.IGNORECASE)
        if key(first) in skip:
            words.pop(0)
        elif first != words[0]:
            words[0] = first
        else:
            break
    while words and key(words[-1]) in skip:
        words.pop()
    text = " ".join(words).strip(" :-–")
    if text.count("(") < text.count(")"):
        text = text.rstrip(")")
    if not text:
        return ""
    return text[:1].upper() + text[1:]


def _funder_token(h: str) -> str | None:
    best = None
    for token in FUNDERS:
        if _has_phrase(h, token) and (best is None or len(token) > len(best)):
            best = token
    return best


def _numeric_share(values: Sequence[Any]) -> float:
    filled = [v for v in values if not is_blank(v)]
    if not filled:
        return 1.0  # nothing to contradict the header
    ok = 0
    for v in filled:
        n = parse_number(v)
        if n.value is not None or (n.note and "non communiqué" in n.note):
            ok += 1
    return ok / len(filled)


def guess_target(header: Any, samples: Sequence[Any] = ()) -> tuple[Target, int]:
    """What a column with this header (and these sample values) most likely holds, with a score
    (0 when nothing matches). Header words decide; sample values only veto numeric targets."""
    h = normalize(header)
    if not h:
        return IGNORE, 0
    candidates: list[tuple[int, str]] = []
    for kind, phrases in SYNONYMS.items():
        for phrase in phrases:
            if h == phrase:
                candidates.append((100 + len(phrase), kind))
            elif _has_phrase(h, phrase):
                candidates.append((len(phrase), kind))
    has_money = any(_has_phrase(h, w) for w in MONEY_WORDS if len(w) > 3) or "€" in str(header)
    funder = _funder_token(h)
    numeric = _numeric_share(samples) >= 0.6
    not_money = ("total", "cout", "budget", "dont", "%", "pourcentage", "taux", "nombre", "nb", "habitants")
    if (has_money or funder) and numeric and not any(_has_phrase(h, w) for w in not_money) and "%" not in str(header):
        kind = "requested" if any(_has_phrase(h, w) for w in REQUESTED_WORDS) else "amount"
        label = funder_label(str(header)) or (FUNDERS[funder] if funder else "")
        score = 60 + (20 if funder else 0)
        best_other = max((c for c in candidates if c[1] not in ("year", "title")), default=(0, ""))
        specific = best_other[1] in ("beneficiaries", "beneficiaries_qpv", "file_number", "siret", "first_year", "multi_year")
        if best_other[0] < 100 and not (best_other[1] == "funder" and not has_money) and not (specific and best_other[0] >= 8):
            return Target(kind, label), score
    if not candidates:
        return IGNORE, 0
    candidates.sort(reverse=True)
    for score, kind in candidates:
        if kind in NUMERIC_TARGETS and not numeric:
            continue
        if kind == "year" and samples and not any(parse_year(v) for v in samples if not is_blank(v)):
            continue
        return Target(kind), score
    return IGNORE, 0


def _sniff(samples: Sequence[Any]) -> Target:
    """A column whose header says nothing: recognise SIRET numbers or QPV codes in its values."""
    filled = [clean_text(v) for v in samples if not is_blank(v)]
    if len(filled) < 2:
        return IGNORE
    siret = sum(1 for v in filled if re.fullmatch(r"\d{14}", re.sub(r"[\s.]", "", v)))
    qpv = sum(1 for v in filled if re.search(r"\bQ[NP]\d{3}", v.upper()) or re.search(r"\bQ[NP]0?2[AB]\d", v.upper()))
    if siret / len(filled) >= 0.6:
        return Target("siret")
    if qpv / len(filled) >= 0.6:
        return Target("qpv")
    return IGNORE


def propose_mapping(labels: Sequence[str], columns: Sequence[Sequence[Any]]) -> list[Target]:
    """One target per column; single-valued targets go to the best-scored column only."""
    guesses = [guess_target(label, columns[i] if i < len(columns) else ()) for i, label in enumerate(labels)]
    best: dict[str, tuple[int, int]] = {}
    for i, (target, score) in enumerate(guesses):
        if target.kind in SINGLE_TARGETS and (target.kind not in best or score > best[target.kind][0]):
            best[target.kind] = (score, i)
    out: list[Target] = []
    for i, (target, _score) in enumerate(guesses):
        if target.kind in SINGLE_TARGETS and best[target.kind][1] != i:
            target = IGNORE
        if target.kind == "ignore" and i < len(columns):
            sniffed = _sniff(columns[i])
            if sniffed.kind != "ignore" and sniffed.kind not in best:
                best[sniffed.kind] = (1, i)
                target = sniffed
        out.append(target)
    # Long format: a generic amount column next to a "funder" column takes its funder per row.
    if any(t.kind == "funder" for t in out):
        out = [Target(t.kind, "") if t.kind in AMOUNT_TARGETS and not _funder_token(normalize(labels[i])) else t
               for i, t in enumerate(out)]
    return out


def header_labels(rows: Sequence[Sequence[Any]], header_row: int, merged: Sequence[tuple[int, int, int, int]] = ()) -> list[str]:
    """Column labels of a header row. A group label merged over some columns in the row above
    ("Montants accordés" over "État | Ville | Région") is put in front of each sub-label."""
    header = list(rows[header_row]) if header_row < len(rows) else []
    width = max((len(r) for r in rows[header_row: header_row + 30]), default=len(header))
    header += [None] * (width - len(header))
    labels = [clean_text(v) for v in header]
    if header_row == 0:
        return labels
    for r1, c1, r2, c2 in merged:
        if r2 != header_row - 1 or r1 > header_row - 1:
            continue
        span = c2 - c1 + 1
        if span < 2 or span >= max(width - 1, 2):
            continue  # a title over the whole table is not a group label
        parent = clean_text(rows[r1][c1]) if c1 < len(rows[r1]) else ""
        if not parent:
            continue
        for c in range(c1, min(c2 + 1, width)):
            if labels[c] and normalize(parent) not in normalize(labels[c]):
                labels[c] = f"{parent} {labels[c]}"
            elif not labels[c]:
                labels[c] = parent
    return labels


def column_values(rows: Sequence[Sequence[Any]], start: int, col: int, limit: int = 40) -> list[Any]:
    out = []
    for row in rows[start: start + limit]:
        out.append(row[col] if col < len(row) else None)
    return out


def detect_header(rows: Sequence[Sequence[Any]], merged: Sequence[tuple[int, int, int, int]] = (), scan: int = 40) -> HeaderGuess | None:
    """The header row: the first rows' row whose cells name the most known columns, one of them
    the action's title. None when no row looks like a header."""
    best: HeaderGuess | None = None
    for r in range(min(scan, len(rows))):
        cells = [c for c in rows[r] if not is_blank(c)]
        if len(cells) < 2:
            continue
        if sum(1 for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool)) > len(cells) / 2:
            continue  # a data row
        labels = header_labels(rows, r, merged)
        if not any(guess_target(label)[0].kind == "title" for label in labels if label):
            continue  # cheap test on the words alone before looking at the values below
        columns = [column_values(rows, r + 1, c, 15) for c in range(len(labels))]
        targets = propose_mapping(labels, columns)
        kinds = [t.kind for t in targets if t.kind != "ignore"]
        if "title" not in kinds:
            continue
        score = len(kinds)
        if score >= 2 and (best is None or score > best.score):
            best = HeaderGuess(r, tuple(labels), score)
    return best
