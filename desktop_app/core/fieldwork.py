"""The participatory fieldwork as plain data: groups and profiles, consent and retention rules,
pseudonyms, the commitments' progress summary, and the synthesis (excerpts, filters, search).

Qt-free: the services, the exports and the views share these rules, so what the synthesis
shows, what the Excel export leaves out and what the list flags are decided in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop_app.core.french import fold
from desktop_app.core.personal_data import find_personal_data
from desktop_app.kit.forms import Form

# --------------------------------------------------------------------------- groups, profiles

# Workshop guides and the working groups' guide are found by role in the kit
# (`Kit.tools_with_role("workshop_guide", "working_group")`); their group label is in their YAML.
WORKSHOP_ROLES = ("workshop_guide", "working_group")
WORKING_GROUP_ROLE = "working_group"


# Who came, counted by profile (a named list is kept only when really needed).
PARTICIPANT_PROFILES: dict[str, str] = {
    "elus": "Élu·es",
    "etat": "Services de l'État",
    "collectivites": "Agents EPCI et communes",
    "partenaires": "Autres institutions",
    "bailleurs": "Bailleurs sociaux",
    "associations": "Associations",
    "conseillers_citoyens": "Conseiller·es citoyen·nes",
    "habitants": "Habitant·es",
    "autres": "Autres",
}

# The four themes of the common framework: guide steps with these ids are about that theme.
REFERENTIAL_THEMES = ("gouvernance", "droit_commun", "conseils_citoyens", "vie_associative")

IMMERSIONS_PER_THEME = 2


def plain_label(label: str) -> str:
    """A theme label without its inner quotation marks (« Aller-vers » les habitants)."""
    return " ".join((label or "").replace("«", " ").replace("»", " ").split())


def working_group_name(theme_label: str) -> str:
    label = plain_label(theme_label)
    return f"Groupe de travail « {label} »" if label else "Groupe de travail"


def workshop_title(group_label: str, working_group: bool = False, theme_label: str = "", session: int = 0) -> str:
    """The default title of a workshop: « Atelier Partenaires », or a working group's session."""
    if working_group:
        base = working_group_name(theme_label)
        return f"{base} — séance {session}" if session else base
    return f"Atelier {group_label}" if group_label else "Atelier"


def participants_total(counts: Mapping[str, Any]) -> int:
    total = 0
    for value in counts.values():
        try:
            total += max(int(value), 0)
        except (TypeError, ValueError):
            continue
    return total


def participants_text(counts: Mapping[str, Any]) -> str:
    """« 14 participants : 5 Services de l'État, 4 Associations… » (empty when nobody counted)."""
    parts = []
    for key, label in PARTICIPANT_PROFILES.items():
        n = counts.get(key) or 0
        if isinstance(n, int) and n > 0:
            parts.append(f"{n} {label}")
    total = participants_total(counts)
    if not total:
        return ""
    return f"{total} participant{'s' if total > 1 else ''} : " + ", ".join(parts)


def session_form(form: Form, session: int) -> Form:
    """A working group's guide reduced to one session: the presentation and `session_<n>`, with
    the timed steps of that session (`session_<n>_…`)."""
    wanted = f"session_{session}"
    if not any(p.id == wanted for p in form.pages):
        return form
    pages = tuple(p for p in form.pages if p.id == wanted or p.id.startswith((wanted + "_", "_")))
    from dataclasses import replace

    return replace(form, pages=pages)


def without_pages(form: Form, page_ids: Iterable[str]) -> Form:
    from dataclasses import replace

    drop = set(page_ids)
    return replace(form, pages=tuple(p for p in form.pages if p.id not in drop))


# --------------------------------------------------------------------------- consent, retention

TESTIMONY = "testimony"
CONTRIBUTION = "contribution"
KIND_LABELS = {TESTIMONY: "Témoignage", CONTRIBUTION: "Contribution libre"}
CONTRIBUTION_TYPES = {
    "temoignage": "Témoignage",
    "ressource": "Ressource",
    "avis": "Avis ou proposition",
    "retour_action": "Retour sur une action",
}
RETENTION_WARNING_DAYS = 30


def kind_of(contribution_type: str | None, current: str = TESTIMONY) -> str:
    """The record kind from the sheet's « type de contribution » answer."""
    if not contribution_type:
        return current
    return TESTIMONY if contribution_type == "temoignage" else CONTRIBUTION


def usable(consent_use: bool | None) -> bool:
    """Words may be used in the evaluation only with an explicit yes (not asked = no)."""
    return consent_use is True


def broadcastable(consent_use: bool | None, consent_broadcast: bool | None) -> bool:
    return consent_use is True and consent_broadcast is True


def consent_text(consent_use: bool | None, consent_broadcast: bool | None) -> str:
    if consent_use is None:
        use = "Accord d'utilisation à recueillir"
    elif consent_use:
        use = "Utilisation autorisée"
    else:
        use = "Utilisation refusée"
    if consent_broadcast is None:
        cast = "diffusion voix/image non renseignée"
    elif consent_broadcast:
        cast = "diffusion voix/image autorisée"
    else:
        cast = "diffusion voix/image refusée"
    return f"{use} · {cast}"


def retention_state(retention: date | None, today: date | None = None) -> str:
    """missing | expired | soon | ok."""
    if retention is None:
        return "missing"
    today = today or date.today()
    if retention < today:
        return "expired"
    if retention <= today + timedelta(days=RETENTION_WARNING_DAYS):
        return "soon"
    return "ok"


RETENTION_TEXT = {
    "missing": "Date de fin de conservation à fixer",
    "expired": "Durée de conservation dépassée : à supprimer",
    "soon": "Fin de conservation proche",
    "ok": "",
}


def default_retention(evaluation_end: date | None, today: date | None = None) -> date:
    """One year after the end of the evaluation (its restitution), else two years from today."""
    base = evaluation_end or (today or date.today()) + timedelta(days=365)
    try:
        return base.replace(year=base.year + 1)
    except ValueError:  # 29 February
        return base.replace(year=base.year + 1, day=28)


def next_pseudonym(existing: Iterable[str], prefix: str = "T") -> str:
    """The next free code of the series: T01, T02… (C01… for contributions)."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$", re.IGNORECASE)
    numbers = [int(m.group(1)) for code in existing if (m := pattern.match((code or "").strip()))]
    return f"{prefix}{(max(numbers, default=0) + 1):02d}"


def duplicates(codes: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for code in codes:
        key = (code or "").strip().upper()
        if not key:
            continue
        if key in seen:
            twice.add(key)
        seen.add(key)
    return twice


def privacy_warnings(form: Form, answers: Mapping[str, Any]) -> list[str]:
    """French warnings for the sheet's free texts that seem to hold a name, an e-mail, a phone."""
    out: list[str] = []
    for page in form.pages:
        for f in page.fields:
            value = answers.get(f.id)
            if (
                f.type in ("text", "long_text")
                and isinstance(value, str)
                and (f.sensitive or f.role == "pseudonym")
            ):
                for warning in find_personal_data(value):
                    out.append(f"« {f.label} » : {warning}")
    return out


def mask_personal_data(text: str) -> tuple[str, int]:
    """The text with e-mails, phone numbers and likely names replaced; and how many were masked
    (the one privacy filter, `core.privacy_filter`)."""
    from desktop_app.core.privacy_filter import PrivacyFilter

    if not text:
        return text, 0
    f = PrivacyFilter()
    return f.text(text, guess_names=True), f.masked


# --------------------------------------------------------------------------- commitments

COMMITMENT_STATUSES: dict[str, tuple[str, str]] = {
    "realise": ("Réalisé", "#2e7d32"),
    "en_cours": ("En cours", "#9ccc65"),
    "non_engage": ("Non engagé", "#ffb74d"),
    "abandonne": ("Abandonné", "#e53935"),
}
UNSET_STATUS = ("À renseigner", "#c5ccd3")


def status_label(status: str) -> str:
    return COMMITMENT_STATUSES.get(status, UNSET_STATUS)[0]


def status_color(status: str) -> str:
    return COMMITMENT_STATUSES.get(status, UNSET_STATUS)[1]


@dataclass(frozen=True)
class CommitmentSummary:
    total: int
    counts: dict[str, int]  # status (or "") -> count

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    def percent(self, status: str) -> int:
        return round(100 * self.count(status) / self.total) if self.total else 0

    @property
    def engaged(self) -> int:
        return self.count("realise") + self.count("en_cours")

    @property
    def engaged_percent(self) -> int:
        return round(100 * self.engaged / self.total) if self.total else 0

    def text(self) -> str:
        if not self.total:
            return "Aucun engagement saisi."
        parts = [
            f"{self.count(s)} {plural(status_label(s).lower(), self.count(s))}"
            for s in COMMITMENT_STATUSES
            if self.count(s)
        ]
        if self.count(""):
            parts.append(f"{self.count('')} à renseigner")
        return (
            f"{self.total} engagement{'s' if self.total > 1 else ''} : "
            + ", ".join(parts)
            + f". {self.percent('realise')} % réalisés, {self.engaged_percent} % réalisés ou en cours."
        )


def plural(label: str, n: int) -> str:
    """« réalisé » -> « réalisés » for n > 1 (status labels)."""
    if n < 2 or label.endswith("cours"):
        return label
    return " ".join(w + "s" if w.endswith("é") else w for w in label.split())


def commitment_summary(statuses: Iterable[str]) -> CommitmentSummary:
    counts: dict[str, int] = {}
    total = 0
    for status in statuses:
        key = status if status in COMMITMENT_STATUSES else ""
        counts[key] = counts.get(key, 0) + 1
        total += 1
    return CommitmentSummary(total, counts)


def pilot_summary(rows: Iterable[tuple[str, str]]) -> list[tuple[str, CommitmentSummary]]:
    """(pilot, summary) per pilot, from (pilot, status) pairs; largest first."""
    by_pilot: dict[str, list[str]] = {}
    for pilot, status in rows:
        by_pilot.setdefault(pilot.strip() or "Pilote non désigné", []).append(status)
    out = [(p, commitment_summary(s)) for p, s in by_pilot.items()]
    return sorted(out, key=lambda item: (-item[1].total, fold(item[0])))
