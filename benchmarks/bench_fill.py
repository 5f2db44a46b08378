"""Plausible French content for the benchmark generator: sentences, names, codes, form answers.

`answers_for(form, rng)` fills any kit tool from its compiled definition (the same `Form` the
renderer and the validation use), keeping only values that `core.validation.validate` accepts, so
generated answers are valid whatever the kit version. Deterministic for a given `random.Random`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from desktop_app.core.validation import validate
from desktop_app.kit.forms import Form, FormField, iter_fields

SENTENCES = (
    "Le comité de pilotage se réunit une fois par an, surtout pour valider la programmation.",
    "Les partenaires décrivent un réseau solide mais des procédures jugées lourdes.",
    "Les associations de proximité signalent des délais de paiement de quatre à six mois.",
    "Le conseil citoyen a été associé à la préparation du nouveau contrat en 2023.",
    "La délégation du préfet reste l'interlocuteur le plus cité par les porteurs de projet.",
    "Le droit commun est présent pour l'emploi, beaucoup moins pour la santé et la culture.",
    "Les habitants rencontrés connaissent mal les actions financées dans leur quartier.",
    "Une permanence hebdomadaire au centre social a permis d'atteindre des familles isolées.",
    "Les bilans sont demandés trois fois sous des formes différentes par les financeurs.",
    "La rotation des référents institutionnels oblige à reprendre les dossiers à zéro.",
    "L'accompagnement à la scolarité touche environ 120 enfants, dont 80 % habitent un QPV.",
    "Le tableau de bord partagé, introduit en 2022, n'est pas encore alimenté par tous.",
    "Les conventions pluriannuelles d'objectifs ont stabilisé les structures les plus fragiles.",
    "Les jeunes de 16 à 25 ans restent le public le plus difficile à mobiliser.",
    "Les bailleurs sociaux participent aux instances mais rarement aux groupes de travail.",
    "La maison du projet sert de lieu de rencontre entre habitants et techniciens.",
    "Les femmes des quartiers prioritaires sont sous-représentées dans les instances.",
    "Une démarche d'aller-vers a été expérimentée avec un médiateur en soirée.",
    "Les crédits spécifiques sont parfois utilisés à la place du droit commun.",
    "Le suivi des engagements de l'avenant n'a jamais été présenté en comité de pilotage.",
    "Les petites associations avancent les salaires sur leur trésorerie pendant des mois.",
    "La participation au comité des financeurs reste consultative, sans droit de vote.",
    "Les élus souhaitent des indicateurs simples, lisibles par les habitants.",
    "Le diagnostic partagé de 2015 n'a pas été actualisé depuis la signature du contrat.",
    "Les réunions en soirée ont doublé la participation des parents d'élèves.",
    "La coordination entre les trois communes s'est améliorée avec le poste de chargé de mission.",
)
WORDS = (
    "partenariat",
    "proximité",
    "jeunesse",
    "emploi",
    "mobilité",
    "logement",
    "santé",
    "culture",
    "parentalité",
    "insertion",
    "citoyenneté",
    "sport",
    "numérique",
    "tranquillité",
    "éducation",
)
FIRST = (
    "Amina",
    "Bruno",
    "Chloé",
    "David",
    "Émilie",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Julien",
    "Karima",
    "Louis",
    "Maëlle",
    "Nicolas",
    "Océane",
    "Pascal",
    "Rachida",
    "Sébastien",
    "Thi",
    "Yanis",
)
LAST = (
    "Martin",
    "Bernard",
    "Haddad",
    "Petit",
    "Durand",
    "Leroy",
    "Benali",
    "Moreau",
    "Nguyen",
    "Lefebvre",
    "Garcia",
    "Roux",
    "Diallo",
    "Fontaine",
    "Caron",
    "Mercier",
    "Boyer",
    "Kaci",
    "Lambert",
    "Vasseur",
)
PLACES = (
    "Marchiennes",
    "Hautbourdin",
    "Saint-Rémy",
    "Orchies",
    "Estrée",
    "Bois-Fleuri",
    "Moulin",
    "Tilleuls",
    "Val-Joli",
    "Les Prés",
    "La Gare",
    "Beauregard",
    "Les Hauts",
    "Le Faubourg",
    "Clos-Vert",
    "Pont-Neuf",
)
STRUCTURES = (
    "Centre social",
    "Association",
    "Maison de quartier",
    "Club",
    "Régie de quartier",
    "Amicale",
    "Collectif",
    "Atelier",
    "Compagnie",
    "Espace de vie sociale",
)
ACTIVITIES = (
    "Accompagnement à la scolarité",
    "Atelier sociolinguistique",
    "Médiation sociale de soirée",
    "Chantier éducatif",
    "Permanence d'accès aux droits",
    "Café des parents",
    "Repair café",
    "Sport au pied des immeubles",
    "Insertion par l'activité économique",
    "Prévention santé",
    "Théâtre forum",
    "Découverte des métiers",
    "Fête de quartier",
    "Jardin partagé",
    "Coup de pouce numérique",
    "Soutien à la création d'entreprise",
)
PILLARS = (
    "Cohésion sociale",
    "Emploi et développement économique",
    "Cadre de vie et renouvellement urbain",
    "Valeurs de la République et citoyenneté",
)


def sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES)


def paragraph(rng: random.Random, low: int = 2, high: int = 5) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(low, high)))


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def place(rng: random.Random) -> str:
    return rng.choice(PLACES)


def structure(rng: random.Random, n: int) -> str:
    return f"{rng.choice(STRUCTURES)} {rng.choice(PLACES)} {n}"


def luhn_complete(digits: str) -> str:
    """Append the check digit that makes `digits` pass the Luhn test (SIREN/SIRET)."""
    total = 0
    for i, ch in enumerate(reversed(digits + "0")):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def siret(n: int) -> str:
    return luhn_complete(f"{780000000 + n * 7919:09d}{n % 10000:04d}"[:13])


def insee(n: int) -> str:
    return f"{59 + (n // 900) % 30:02d}{100 + n % 900:03d}"


def qpv_code(n: int) -> str:
    return f"QN0{59 + (n // 900) % 30:02d}{100 + n % 900:03d}M"


def _bound(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _iso_bound(value: Any, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return default


def value_for(f: FormField, rng: random.Random) -> Any:
    """A value of the field's type, within its bounds (None for types not generated)."""
    kind = f.type
    if kind == "text":
        high = _bound(f.max)
        text = f"{rng.choice(WORDS).capitalize()} — {rng.choice(PLACES)}"
        return text[: int(high)] if high else text
    if kind == "long_text":
        high = _bound(f.max)
        text = paragraph(rng)
        return text[: int(high)] if high else text
    if kind in ("integer", "scale"):
        low, high = _bound(f.min), _bound(f.max)
        lo = int(low) if low is not None else 0
        hi = int(high) if high is not None else lo + (5 if kind == "scale" else 60)
        return rng.randint(lo, max(lo, hi))
    if kind == "decimal":
        low, high = _bound(f.min), _bound(f.max)
        lo = low if low is not None else 0.0
        hi = high if high is not None else lo + 100.0
        return round(rng.uniform(lo, hi), 1)
    if kind == "date":
        lo = _iso_bound(f.min, dt.date(2021, 1, 1))
        hi = _iso_bound(f.max, dt.date(2026, 6, 30))
        if hi < lo:
            hi = lo
        return (lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))).isoformat()
    if kind == "single_choice" and f.choices:
        return rng.choice(f.choices).value
    if kind == "multiple_choice" and f.choices:
        high = _bound(f.max)
        count = rng.randint(1, min(len(f.choices), 3, int(high) if high else 3))
        return [o.value for o in rng.sample(list(f.choices), count)]
    if kind == "yes_no":
        return rng.random() < 0.6
    if kind == "repeat_group" and f.children:
        low = int(_bound(f.min) or 1)
        return [_item(f.children, rng) for _ in range(max(low, rng.randint(1, 3)))]
    return None


def _item(children: Iterable[FormField], rng: random.Random) -> dict[str, Any]:
    out = {}
    for child in children:
        v = value_for(child, rng)
        if v is not None and validate(child, v) is None:
            out[child.id] = v
    return out


def answers_for(
    form: Form, rng: random.Random, density: float = 0.85, skip: Iterable[str] = ()
) -> dict[str, Any]:
    """Valid answers to about `density` of the form's questions (the `skip` ids left out)."""
    skipped = set(skip)
    out: dict[str, Any] = {}
    for f in iter_fields(form):
        if not f.answerable or f.id in skipped or (not f.required and rng.random() > density):
            continue
        v = value_for(f, rng)
        if v is not None and validate(f, v) is None:
            out[f.id] = v
    return out
