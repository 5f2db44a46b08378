"""Who answered a questionnaire: respondent type, identity, subject key, duplicates.

A questionnaire of the kit is answered once per commune or per association (its
`respondent_kind`). The respondent is identified from the identification questions of the form
itself (the fields with the roles respondent_name and respondent_code: the commune's name and
INSEE code, the association's name and SIRET), so a response entered in the app and a response
imported from Excel are recognised as the same respondent.

`subject_id` (stored on the `FormResponse`): the INSEE code of a commune, the SIRET of an
association when it is valid, otherwise the respondent's normalised name.

Qt-free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.identifiers import check_insee, check_siret, normalize_insee, normalize_siren
from desktop_app.kit.forms import Form, field_index

RESPONDENT_TYPES = {
    "commune": ("Commune", "Communes"),
    "association": ("Association", "Associations"),
    "repondant": ("Répondant", "Répondants"),
}

# The questionnaire's `respondent_kind` (kit YAML) -> respondent type.
_KINDS = {"communes": "commune", "associations": "association", "other": "repondant"}


def type_label(respondent_type: str, plural: bool = False) -> str:
    labels = RESPONDENT_TYPES.get(respondent_type, (respondent_type.capitalize(), respondent_type.capitalize()))
    return labels[1 if plural else 0]


def respondent_type(form: Form) -> str:
    """"commune", "association" or "repondant" (any other questionnaire): the questionnaire's
    `respondent_kind` in the kit."""
    return _KINDS.get(form.respondent_kind or "", "repondant")


@dataclass(frozen=True)
class IdentityFields:
    """The ids of the questions that identify the respondent (None when the form has none)."""

    respondent_type: str
    name: str | None
    code: str | None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i for i in (self.name, self.code) if i)


def identity_fields(form: Form) -> IdentityFields:
    """The questions with the roles respondent_name and respondent_code; without a name role,
    the first required short text of the form."""
    kind = respondent_type(form)
    index = field_index(form)
    name = next((f.id for f in index.values() if f.role == "respondent_name" and f.type == "text"), None)
    if name is None:
        name = next((f.id for f in index.values() if f.type == "text" and f.required), None)
    code = next((f.id for f in index.values() if f.role == "respondent_code"), None)
    return IdentityFields(kind, name, code)


def normalise_name(name: str) -> str:
    """"  Les Petits-Débrouillards  " -> "les petits debrouillards" (matching key)."""
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def clean_code(respondent_type: str, code: Any) -> str:
    """The code as stored: INSEE as `identifiers.normalize_insee` (the one rule: an invalid code
    is never padded, it stays visibly invalid), SIRET digits only."""
    if code is None:
        return ""
    if respondent_type == "commune":
        return normalize_insee(code)
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    text = str(code).strip()
    if respondent_type == "association":
        return normalize_siren(text)
    return text


def code_problem(respondent_type: str, code: str) -> str | None:
    """French message when the code is not a valid INSEE code / SIRET."""
    if not code:
        return None
    if respondent_type == "commune":
        return check_insee(code)
    if respondent_type == "association":
        return check_siret(code)
    return None


@dataclass(frozen=True)
class Respondent:
    """A respondent as identified from answers or from the list of invited respondents."""

    respondent_type: str
    name: str
    code: str = ""

    @property
    def code_ok(self) -> bool:
        return bool(self.code) and code_problem(self.respondent_type, self.code) is None

    @property
    def subject_id(self) -> str:
        if self.code_ok:
            return self.code
        return normalise_name(self.name)[:80]

    @property
    def keys(self) -> frozenset[str]:
        """Everything that identifies this respondent: valid code, normalised name."""
        out = set()
        if self.code_ok:
            out.add("code:" + self.code)
        if normalise_name(self.name):
            out.add("nom:" + normalise_name(self.name))
        return frozenset(out)

    @property
    def label(self) -> str:
        name = self.name.strip() or "(sans nom)"
        if not self.code:
            return name
        invalid = "" if self.code_ok else " : code invalide"
        if self.respondent_type == "association":
            return f"{name} (SIRET {self.code}{invalid})"
        return f"{name} ({self.code}{invalid})"

    @property
    def identified(self) -> bool:
        return bool(self.name.strip()) or self.code_ok


def respondent_from_answers(form: Form, answers: Mapping[str, Any]) -> Respondent:
    fields = identity_fields(form)
    name = answers.get(fields.name) if fields.name else None
    code = answers.get(fields.code) if fields.code else None
    return Respondent(
        fields.respondent_type,
        " ".join(str(name).split()) if name not in (None, "") else "",
        clean_code(fields.respondent_type, code),
    )


def identity_answers(form: Form, respondent: Respondent) -> dict[str, str]:
    """The answers that pre-fill the identification questions for a known respondent."""
    fields = identity_fields(form)
    out: dict[str, str] = {}
    if fields.name and respondent.name:
        out[fields.name] = respondent.name
    if fields.code and respondent.code:
        out[fields.code] = respondent.code
    return out


def same_respondent(a: Respondent, b: Respondent) -> bool:
    """Same code, or same name when one of them has no valid code."""
    if a.code_ok and b.code_ok:
        return a.code == b.code
    return bool(a.keys & b.keys)


def duplicate_groups(respondents: Sequence[Respondent]) -> list[list[int]]:
    """Indexes of respondents that are the same commune or association, groups of 2 or more.

    Two responses are the same respondent when they share a valid code, or a name when one of
    them has no valid code (two associations with the same name and different SIRETs are
    different associations).
    """
    parent = list(range(len(respondents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_key: dict[str, list[int]] = {}
    for i, r in enumerate(respondents):
        for key in r.keys:
            by_key.setdefault(key, []).append(i)
    for members in by_key.values():
        for j in members[1:]:
            if same_respondent(respondents[members[0]], respondents[j]):
                parent[find(j)] = find(members[0])
    groups: dict[int, list[int]] = {}
    for i in range(len(respondents)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def match_invitee(respondent: Respondent, invitees: Iterable[Respondent]) -> int | None:
    """Index of the invited respondent this one is, if any."""
    for i, inv in enumerate(invitees):
        if inv.respondent_type == respondent.respondent_type and same_respondent(inv, respondent):
            return i
    return None
