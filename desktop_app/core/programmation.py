"""Reading a contract's programmation as territories really have it: values and columns.

An export of the national subsidy portal, edited by hand: title rows above the headers, merged
cells, amounts typed as `12 500 €` or as text, `NC` or `environ 50` in a number column, several
funder columns. This module reads cell values French-style and proposes, for each column of a
header row, what it holds (title, carrier, SIRET, pillar, QPV, amounts per funder…).

Header detection and column mapping are in `core.programmation_headers`; row interpretation
(sections, totals, duplicates, reconciliation) is in `core.programmation_rows`.
Qt-free and without I/O: it works on grids of cell values read by the services.
"""

from __future__ import annotations

import re
import unicodedata
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
