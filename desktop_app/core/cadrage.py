"""The Cadrage step as plain data: its tables, their columns, validation and completion.

Entries are never refused: an invalid value is kept as typed and flagged with a French message,
so nothing the facilitator typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core import identifiers as ids
from desktop_app.core.french import ARTICLES

MILESTONE_KINDS = {
    "copil": "Comité de pilotage (COPIL)",
    "cotech": "Comité technique (COTECH)",
    "groupe_travail": "Séance de groupe de travail",
    "atelier": "Atelier d'évaluation",
    "temps_fort": "Temps fort",
    "immersion": "Immersion",
    "rendu": "Remise du rapport",
    "autre": "Autre",
}

CIVILITIES = {"": "—", "Madame": "Madame", "Monsieur": "Monsieur"}
# "" = guessed from the name (the service stores its guess when the name is typed)
ARTICLE_CHOICES = {"": "automatique", **ARTICLES}

EPCI_TYPES = {
    "metropole": "Métropole",
    "cu": "Communauté urbaine",
    "ca": "Communauté d'agglomération",
    "cc": "Communauté de communes",
    "commune": "Commune (hors EPCI)",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | bool | choice | date
    check: Callable[[str], str | None] | None = None
    required: bool = False
    choices: Mapping[str, str] | None = None
    width: int = 160
    placeholder: str = ""


@dataclass(frozen=True)
class TableSpec:
    entity: str
    title: str
    singular: str
    columns: tuple[Column, ...]
    help: str


TABLES: dict[str, TableSpec] = {
    spec.entity: spec
    for spec in (
        TableSpec(
            "commune",
            "Communes",
            "une commune",
            (
                Column("name", "Commune", required=True, width=220),
                Column("insee", "Code INSEE", check=ids.check_insee, required=True, width=110, placeholder="59350"),
            ),
            "Les communes signataires ou concernées par le contrat.",
        ),
        TableSpec(
            "qpv",
            "Quartiers prioritaires (QPV)",
            "un quartier",
            (
                Column("code", "Code QPV", check=ids.check_qpv, required=True, width=120, placeholder="QN05901M"),
                Column("name", "Nom du quartier", required=True, width=220),
                Column("communes", "Commune(s)", width=200),
            ),
            "Codes 2024 (QN…) ou 2015 (QP…), tels que publiés par l'ANCT.",
        ),
        TableSpec(
            "partner",
            "Partenaires",
            "un partenaire",
            (
                Column("organisation", "Organisation", required=True, width=220),
                Column("article", "Article", kind="choice", choices=ARTICLE_CHOICES, width=90),
                Column("civility", "Civilité", kind="choice", choices=CIVILITIES, width=90),
                Column("contact", "Personne contact", width=160, placeholder="Nadia Ouali"),
                Column("title", "Titre (appel)", width=110, placeholder="Directrice"),
                Column("role", "Fonction", width=180, placeholder="Directrice d'agence"),
                Column("postal_address", "Adresse postale", width=260, placeholder="12 rue de la Gare, 59500 Douai"),
                Column("email", "E-mail", check=ids.check_email, width=200),
            ),
            "Signataires et partenaires à associer : ils recevront le courrier d'invitation. L'article sert aux "
            "courriers (« de la Région », « du Département », « d'Habitat… ») ; le titre donne l'appel « Madame la "
            "Directrice ». Adresse : lignes séparées par des virgules.",
        ),
        TableSpec(
            "team_member",
            "Équipe d'évaluation",
            "un membre",
            (
                Column("name", "Nom", required=True, width=180),
                Column("organisation", "Structure", width=180),
                Column("role", "Rôle", width=180),
                Column("is_pilot", "Pilote", kind="bool", width=70),
                Column("email", "E-mail", check=ids.check_email, width=200),
            ),
            "Qui anime, qui pilote : cochez les pilotes de l'évaluation.",
        ),
        TableSpec(
            "milestone",
            "Calendrier",
            "un jalon",
            (
                Column("date", "Date", kind="date", check=ids.check_iso_date, required=True, width=110),
                Column("kind", "Type", kind="choice", choices=MILESTONE_KINDS, width=210),
                Column("label", "Intitulé", required=True, width=260),
                Column("place", "Lieu", width=160),
            ),
            "Jalons de l'évaluation : COPIL, séances des groupes de travail, temps fort…",
        ),
    )
}


def check_cell(entity: str, key: str, value: Any) -> str | None:
    spec = TABLES[entity]
    for col in spec.columns:
        if col.key == key:
            text = "" if value is None else str(value)
            if col.required and not text.strip():
                return f"{col.header} : à renseigner."
            if col.check:
                return col.check(text)
            return None
    return None


def row_problems(entity: str, row: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for col in TABLES[entity].columns:
        msg = check_cell(entity, col.key, row.get(col.key))
        if msg:
            out[col.key] = msg
    return out


EVALUATION_FIELDS = {
    "title": ("Titre de l'évaluation", None, False),
    "territory_name": ("Nom de l'EPCI", None, True),
    "epci_type": ("Type d'EPCI", None, False),
    "siren": ("SIREN de l'EPCI", ids.check_siren, True),
    "generation": ("Génération du contrat", None, True),
    "description": ("Objet de l'évaluation", None, False),
    "start_date": ("Début", None, False),
    "end_date": ("Fin", None, False),
    "sender_name": ("Structure qui écrit aux partenaires", None, False),
    "sender_address": ("Adresse postale de la structure", None, False),
    "signatory_name": ("Signataire des courriers", None, False),
    "signatory_title": ("Qualité du signataire", None, False),
}


def check_evaluation_field(key: str, value: Any) -> str | None:
    label, check, required = EVALUATION_FIELDS[key]
    text = "" if value is None else str(value)
    if required and not text.strip():
        return f"{label} : à renseigner."
    if key == "generation" and text not in ids.GENERATIONS:
        return "Génération du contrat inconnue."
    return check(text) if check else None


@dataclass(frozen=True)
class CadrageCompletion:
    done: int
    total: int
    problems: tuple[str, ...]

    @property
    def state(self) -> str:
        if self.done == 0:
            return "a_faire"
        return "termine" if self.done == self.total and not self.problems else "en_cours"


DEADLINE_KINDS = ("rendu",)  # milestones that are deadlines: not expected in the past


@dataclass(frozen=True)
class CrossChecks:
    """Checks between fields, flagged where they are typed: {field key: message} of the
    evaluation and {milestone id: {column key: message}}."""

    evaluation: dict[str, str] = field(default_factory=dict)
    milestones: dict[str, dict[str, str]] = field(default_factory=dict)
    past_deadlines: set[str] = field(default_factory=set)  # milestone ids: a warning only

    def messages(self) -> list[str]:
        """What keeps the Cadrage from being complete (a past deadline is only a warning: the
        report of a finished evaluation was handed in on a past date)."""
        out = list(self.evaluation.values())
        out += [f"Calendrier : {m}" for rid, row in self.milestones.items() if rid not in self.past_deadlines
                for m in row.values()]
        return out


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def cross_checks(
    evaluation: Mapping[str, Any], milestones: list[Mapping[str, Any]], today: dt.date | None = None
) -> CrossChecks:
    """The end of the contract after its start, milestones within that period, deadlines
    (« Remise du rapport ») not in the past. Nothing is refused: these are shown in place."""
    today = today or dt.date.today()
    start, end = _day(evaluation.get("start_date")), _day(evaluation.get("end_date"))
    out = CrossChecks()
    if start and end and end < start:
        out.evaluation["end_date"] = (
            f"La fin du contrat ({end:%d/%m/%Y}) est avant son début ({start:%d/%m/%Y}) : corrigez l'une des deux dates."
        )
        start = end = None  # no period to check the milestones against
    for row in milestones:
        day = _day(row.get("date"))
        if day is None:
            continue
        label = row.get("label") or MILESTONE_KINDS.get(row.get("kind") or "", "ce jalon")
        if (start and day < start) or (end and day > end):
            period = " au ".join(f"{d:%d/%m/%Y}" for d in (start, end) if d)
            where = f"du {period}" if start and end else (f"à partir du {start:%d/%m/%Y}" if start else f"jusqu'au {end:%d/%m/%Y}")
            out.milestones.setdefault(row["id"], {})["date"] = (
                f"« {label} » ({day:%d/%m/%Y}) est hors de la période du contrat ({where})."
            )
        elif row.get("kind") in DEADLINE_KINDS and day < today:
            out.milestones.setdefault(row["id"], {})["date"] = (
                f"« {label} » est fixée au {day:%d/%m/%Y}, une date passée : reportez l'échéance si elle n'est pas tenue."
            )
            out.past_deadlines.add(row["id"])
    return out


def cadrage_completion(evaluation: Mapping[str, Any], tables: Mapping[str, list[Mapping[str, Any]]],
                       today: dt.date | None = None) -> CadrageCompletion:
    """What remains to fill for the frame of the evaluation to be complete."""
    checks = [
        (bool((evaluation.get("territory_name") or "").strip()), "le nom de l'EPCI"),
        (bool(evaluation.get("siren")) and ids.check_siren(evaluation.get("siren", "")) is None, "un SIREN valide"),
        (bool(tables.get("commune")), "au moins une commune"),
        (bool(tables.get("qpv")), "au moins un QPV"),
        (bool(tables.get("partner")), "au moins un partenaire"),
        (any(r.get("is_pilot") for r in tables.get("team_member", [])), "un pilote de l'évaluation"),
        (bool(tables.get("milestone")), "au moins un jalon au calendrier"),
        (bool(evaluation.get("scope")), "les outils du kit utilisés"),
    ]
    problems = []
    for entity, rows in tables.items():
        for row in rows:
            for msg in row_problems(entity, row).values():
                problems.append(f"{TABLES[entity].title} : {msg}")
    problems += cross_checks(evaluation, list(tables.get("milestone", [])), today).messages()
    done = sum(1 for ok, _ in checks if ok)
    missing = tuple(f"Il manque {what}." for ok, what in checks if not ok)
    return CadrageCompletion(done, len(checks), missing + tuple(problems))
