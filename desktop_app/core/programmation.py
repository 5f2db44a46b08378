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
    "nature": "Nature de l'aide / type d'action",
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
        "nom du projet", "intitule de l operation", "operation", "objet", "sub objet", "objet de la subvention",
        "objet de l aide", "objet du dossier", "intitule du dossier", "intitule dossier", "libelle du dossier",
        "libelle dossier", "nom du dossier", "intitule de la demande", "objet de la demande",
    ),
    "carrier": (
        "porteur", "porteur de projet", "structure porteuse", "structure", "organisme",
        "organisme porteur", "raison sociale", "operateur", "association", "nom de la structure",
        "nom du porteur", "demandeur", "beneficiaire de la subvention", "porteur de l action",
        "nom de l organisme", "maitre d ouvrage", "nom beneficiaire", "attrib nom", "beneficiaire",
        "nom du beneficiaire", "beneficiaire nom", "raison sociale du beneficiaire", "organisme beneficiaire",
        "tiers", "nom du tiers", "libelle tiers", "nom tiers", "structure beneficiaire", "denomination",
    ),
    "siret": (
        "siret", "n siret", "numero siret", "siret du porteur", "siret de la structure", "siren siret",
        "id beneficiaire", "attrib siret", "siret beneficiaire", "siret du beneficiaire", "beneficiaire siret",
        "identifiant beneficiaire", "n siret du beneficiaire", "siret tiers",
    ),
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
    "year": (
        "annee", "exercice", "annee de programmation", "millesime", "annee de financement", "programmation",
        "date convention", "acte date", "date de convention", "date de la convention", "date de deliberation",
        "date de la deliberation", "date deliberation", "date de decision", "date decision", "date d attribution",
        "date attribution", "annee budgetaire", "exercice budgetaire", "date du vote", "date de vote",
    ),
    "funder": (
        "financeur", "financeurs", "cofinanceur", "organisme financeur", "nom du financeur", "financeur sollicite",
        "nom attribuant", "coll nom", "attribuant", "collectivite", "nom de l attribuant", "nom de la collectivite",
        "collectivite attribuante",
    ),
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
    "nature": (
        "nature", "nature de l aide", "nature de la subvention", "sub nature", "type d aide", "type de subvention",
        "nature de l action", "type d action", "dispositif", "dispositif aide", "dispositif d aide",
    ),
    "first_year": (
        "financee depuis", "annee de creation", "depuis", "premiere annee", "premiere annee de financement",
        "annee de demarrage", "date de creation",
    ),
    "multi_year": ("cpo", "convention pluriannuelle", "pluriannuel", "pluriannuelle", "convention pluriannuelle d objectifs"),
}

# Columns of the known formats that are not imported: evidence that a row is a header, never mapped.
# The funder's SIRET (SCDL idAttribuant / COLL_SIRET) must never be read as the carrier's.
KNOWN_OTHER: tuple[str, ...] = (
    "id attribuant", "coll siret", "siret attribuant", "siret de l attribuant", "reference decision",
    "conditions versement", "dates periode versement", "id rae", "notification ue", "pourcentage subvention",
    "multi financeur", "sub date", "acte ref", "sub rae", "sub versement", "sub periode", "sub conditions",
    "sub pourcentage", "attrib adresse", "attrib code postal", "attrib ville", "attrib rna", "rna", "code postal",
    "commune", "ville du beneficiaire", "adresse", "observations", "commentaire", "commentaires", "statut",
    "etat du dossier", "date de depot", "date de paiement", "service instructeur", "instructeur",
)

MONEY_WORDS = (
    "montant", "montants", "subvention", "subventions", "financement", "financements", "credits",
    "credit", "accorde", "accordee", "accordes", "attribue", "attribuee", "vote", "votee",
    "sollicite", "sollicitee", "demande", "demandee", "part", "participation", "aide", "eur",
    "euros", "€", "ht", "ttc", "programme", "programmee", "propose", "proposee", "en", "verse", "versee",
    "verses", "versement", "alloue", "allouee", "octroye", "octroyee", "paye", "payee", "mandate", "mandatee",
    "attribution", "total", "subventionne",
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


_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z])")


@lru_cache(maxsize=8192)
def _normalize(text: str) -> str:
    text = _CAMEL.sub(" ", text)  # SCDL "nomBeneficiaire" -> "nom Beneficiaire"
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


# Ties between two readings of a header go to the first kind of this list ("Objet": the title).
KIND_ORDER = (
    "amount", "requested", "title", "carrier", "siret", "file_number", "pillar", "qpv", "year", "funder",
    "total_cost", "beneficiaries_qpv", "beneficiaries", "first_year", "multi_year", "nature", "description",
)
_NOT_MONEY = ("total", "cout", "budget", "dont", "%", "pourcentage", "taux", "nombre", "nb", "habitants")


def rank_targets(header: Any, samples: Sequence[Any] = ()) -> list[tuple[int, Target]]:
    """Every reading of a column header, best first, with its score. A header of a known format
    that the app does not import (SCDL `idAttribuant`…) reads as IGNORE with a positive score."""
    h = normalize(header)
    if not h:
        return []
    found: dict[str, int] = {}
    for kind, phrases in SYNONYMS.items():
        for phrase in phrases:
            if h == phrase:
                score = 100 + len(phrase)
            elif _has_phrase(h, phrase):
                score = len(phrase)
            else:
                continue
            found[kind] = max(found.get(kind, 0), score)
    other = max((100 + len(p) if h == p else len(p) for p in KNOWN_OTHER if _has_phrase(h, p)), default=0)
    has_money = any(_has_phrase(h, w) for w in MONEY_WORDS if len(w) > 3) or "€" in str(header)
    funder = _funder_token(h)
    filled = [v for v in samples if not is_blank(v)]
    numeric = _numeric_share(samples) >= 0.6
    out: list[tuple[int, Target]] = []
    if (has_money or funder) and numeric and not any(_has_phrase(h, w) for w in _NOT_MONEY) and "%" not in str(header):
        kind = "requested" if any(_has_phrase(h, w) for w in REQUESTED_WORDS) else "amount"
        label = funder_label(str(header)) or (FUNDERS[funder] if funder else "")
        score = 60 + (20 if funder else 0)
        others = [(sc, k) for k, sc in found.items() if k not in ("year", "title")]
        best_other = max(others, default=(0, ""))
        specific = best_other[1] in ("beneficiaries", "beneficiaries_qpv", "file_number", "siret", "first_year", "multi_year")
        if best_other[0] < 100 and not (best_other[1] == "funder" and not has_money) and not (specific and best_other[0] >= 8):
            if found.get("year", 0) >= 100:
                score = 0  # "Année" holding 2024: a year, not an amount
            else:
                out.append((score, Target(kind, label)))
    for kind, score in found.items():
        if kind in NUMERIC_TARGETS and kind != "year" and not numeric:
            continue
        if kind == "year" and filled and sum(1 for v in filled if parse_year(v)) < 0.6 * len(filled):
            continue
        out.append((score, Target(kind)))
    out.sort(key=lambda st: (-st[0], KIND_ORDER.index(st[1].kind) if st[1].kind in KIND_ORDER else 99))
    if other and other > max((sc for sc, _t in out), default=0):
        out.insert(0, (other, IGNORE))
    return out


def guess_target(header: Any, samples: Sequence[Any] = ()) -> tuple[Target, int]:
    """What a column with this header (and these sample values) most likely holds, with a score
    (0 when nothing matches). Header words decide; sample values only veto numeric targets."""
    ranked = rank_targets(header, samples)
    return (ranked[0][1], ranked[0][0]) if ranked else (IGNORE, 0)


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


def _column_readings(label: str, sub: str, samples: Sequence[Any]) -> list[tuple[int, Target]]:
    """Readings of a column under a merged group header: the column's own heading decides
    ("Pilier / axe" under "Action" is the pillar); the group may name the funder of an amount
    ("État" under "Montants accordés")."""
    if not sub or sub == label:
        return rank_targets(label, samples)
    own = rank_targets(sub, samples)
    combined = rank_targets(label, samples)
    if not own or own[0][1].kind == "ignore" and own[0][0] == 0:
        return combined
    best_score, best = own[0]
    if best.kind in AMOUNT_TARGETS and not best.funder:
        funded = next((t for _s, t in combined if t.kind in AMOUNT_TARGETS and t.funder), None)
        if funded is not None:
            own = [(best_score, Target(best.kind, funded.funder))] + own[1:]
    if best.kind == "ignore" and combined and combined[0][1].kind in AMOUNT_TARGETS:
        return combined
    return own


def propose_mapping_scored(
    labels: Sequence[str], columns: Sequence[Sequence[Any]], subs: Sequence[str] | None = None
) -> tuple[list[Target], list[int]]:
    """One target per column and the score of its header; a single-valued target goes to the
    column that names it best, the other columns falling back on their next reading."""
    readings = [
        _column_readings(label, (subs[i] if subs and i < len(subs) else ""), columns[i] if i < len(columns) else ())
        for i, label in enumerate(labels)
    ]
    out: list[Target] = [IGNORE] * len(labels)
    scores = [0] * len(labels)
    taken: set[str] = set()
    order = sorted(range(len(labels)), key=lambda i: -(readings[i][0][0] if readings[i] else 0))
    for i in order:
        for score, target in readings[i]:
            if target.kind in SINGLE_TARGETS and target.kind in taken:
                continue
            out[i], scores[i] = target, score
            if target.kind in SINGLE_TARGETS:
                taken.add(target.kind)
            break
    for i, target in enumerate(out):
        if target.kind == "ignore" and scores[i] == 0 and i < len(columns):
            sniffed = _sniff(columns[i])
            if sniffed.kind != "ignore" and sniffed.kind not in taken:
                taken.add(sniffed.kind)
                out[i] = sniffed
    # Long format: a generic amount column next to a "funder" column takes its funder per row.
    if any(t.kind == "funder" for t in out):
        out = [Target(t.kind, "") if t.kind in AMOUNT_TARGETS and not _funder_token(normalize(labels[i])) else t
               for i, t in enumerate(out)]
    return out, scores


def propose_mapping(labels: Sequence[str], columns: Sequence[Sequence[Any]], subs: Sequence[str] | None = None) -> list[Target]:
    """One target per column; single-valued targets go to the best-scored column only."""
    return propose_mapping_scored(labels, columns, subs)[0]


def header_parts(
    rows: Sequence[Sequence[Any]], header_row: int, merged: Sequence[tuple[int, int, int, int]] = ()
) -> tuple[list[str], list[str]]:
    """Column labels of a header row, and each column's own heading. A group label merged over
    some columns in the row above ("Montants accordés" over "État | Ville | Région", "Action" over
    "Intitulé | Pilier / axe") is put in front of each sub-label."""
    header = list(rows[header_row]) if header_row < len(rows) else []
    width = max((len(r) for r in rows[header_row: header_row + 30]), default=len(header))
    header += [None] * (width - len(header))
    subs = [clean_text(v) for v in header]
    labels = list(subs)
    if header_row == 0:
        return labels, subs
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
    return labels, subs


def header_labels(rows: Sequence[Sequence[Any]], header_row: int, merged: Sequence[tuple[int, int, int, int]] = ()) -> list[str]:
    return header_parts(rows, header_row, merged)[0]


def column_values(rows: Sequence[Sequence[Any]], start: int, col: int, limit: int = 40) -> list[Any]:
    out = []
    for row in rows[start: start + limit]:
        out.append(row[col] if col < len(row) else None)
    return out


def looks_like_value(cell: Any) -> bool:
    """A cell no header has: a number (a year aside), an amount typed as text, a date."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return not (float(cell).is_integer() and 1990 <= cell <= 2100)
    if isinstance(cell, (date, datetime)):
        return True
    text = clean_text(cell)
    if not re.search(r"\d", text):
        return False
    n = parse_number(text)
    return n.value is not None and not n.approximate and not (n.value.is_integer() and 1990 <= n.value <= 2100)


_TEXT_KINDS = frozenset({"title", "carrier", "pillar", "funder", "nature"})


def _fits(target: Target, values: Sequence[Any]) -> bool | None:
    """Whether the values under a column fit what its header says (None: nothing to check)."""
    filled = [v for v in values if not is_blank(v)]
    if not filled or target.kind == "ignore":
        return None
    if target.kind in _TEXT_KINDS:
        return sum(1 for v in filled if not looks_like_value(v)) >= 0.6 * len(filled)
    if target.kind in AMOUNT_TARGETS or target.kind == "total_cost":
        return _numeric_share(filled) >= 0.6
    if target.kind == "siret":
        return sum(1 for v in filled if len(re.sub(r"\D", "", clean_text(v).split(".")[0])) in (9, 14)) >= 0.5 * len(filled)
    return None


def score_header(rows: Sequence[Sequence[Any]], r: int, merged: Sequence[tuple[int, int, int, int]] = ()) -> HeaderGuess | None:
    """The evidence that row `r` is the header: its cells named in the known vocabularies (the
    kit's fields, both SCDL variants, DAUPHIN and programmation exports), and the rows below
    fitting the column types. None when it cannot be the header."""
    row = rows[r]
    cells = [c for c in row if not is_blank(c)]
    if len({clean_text(c) for c in cells}) < 2:
        return None
    if any(looks_like_value(c) for c in cells):
        return None  # a number, an amount or a date: a data row, never a header
    labels, subs = header_parts(rows, r, merged)
    below = [rows[i] for i in range(r + 1, min(len(rows), r + 60)) if any(not is_blank(c) for c in rows[i])][:20]
    columns = [[row_[c] if c < len(row_) else None for row_ in below] for c in range(len(labels))]
    targets, scores = propose_mapping_scored(labels, columns, subs)
    kinds = {t.kind for t in targets}
    if not kinds & {"title", "carrier"}:
        return None
    mapped = [i for i, t in enumerate(targets) if t.kind != "ignore"]
    if len(mapped) + sum(1 for i, sc in enumerate(scores) if sc and targets[i].kind == "ignore") < 2:
        return None
    score = 0
    for i, target in enumerate(targets):
        if not scores[i] and target.kind == "ignore":
            continue
        score += 3 if scores[i] >= 100 else 2
        fit = _fits(target, columns[i])
        if fit is True:
            score += 1
        elif fit is False:
            score -= 3
    if not below:
        score -= 2
    return HeaderGuess(r, tuple(labels), score)


def detect_header(rows: Sequence[Sequence[Any]], merged: Sequence[tuple[int, int, int, int]] = (), scan: int = 60) -> HeaderGuess | None:
    """The header row, found by evidence: the row of the first `scan` rows whose cells name the
    most known columns (one of them the action's title or its carrier) with values below that
    fit. None when no row looks like a header."""
    best: HeaderGuess | None = None
    for r in range(min(scan, len(rows))):
        guess = score_header(rows, r, merged)
        if guess is not None and guess.score >= 4 and (best is None or guess.score > best.score):
            best = guess
    return best
