"""What personal data leaves in a result bundle (RGPD): the rules, in one place.

Two levels:
- `pseudonymised` (the default for results sent to the resource centre): people's names become
  stable pseudonyms, contact details are cleared, attendance lists and testimonies without
  consent stay behind;
- `complete`: everything, for the facilitators of one evaluation exchanging between their own
  laptops (sync folder), who work on the same data.

A table the rules do not name is included, but any column whose name says it holds a contact
detail (e-mail, phone, address) is cleared. `describe()` gives the French text the export
dialog shows, so what the dialog says is what the code does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PSEUDONYMISED = "pseudonymised"
COMPLETE = "complete"
LEVELS = (PSEUDONYMISED, COMPLETE)

# table -> column -> ("pseudonym", prefix) or ("clear", None)
FIELD_RULES: dict[str, dict[str, tuple[str, str | None]]] = {
    "partners": {"contact": ("pseudonym", "Contact"), "email": ("clear", None)},
    "team_members": {"name": ("pseudonym", "Membre"), "email": ("clear", None)},
    # workshops: the named attendance list and the facilitators' names stay behind
    "fieldwork_workshops": {"attendance": ("clear", None), "facilitators": ("clear", None)},
    "questionnaire_invitees": {"contact": ("pseudonym", "Contact"), "email": ("clear", None)},
}
# columns that point to another record without a declared foreign key: a row pointing to a
# record left behind stays behind too (the answers of a testimony, its audio file...)
SOFT_LINK_RE = re.compile(r"^(owner_id|subject_id|response_id|target_id|record_id|[a-z_]+_record_id)$")
# any table: a column with one of these names is cleared
CONTACT_COLUMN_RE = re.compile(
    r"(^|_)(e_?mail|courriel|phone|telephone|tel|mobile|portable|address|adresse|postal_address)(_|$)"
)
# whole tables that stay behind (lists of named participants)
EXCLUDED_TABLE_RE = re.compile(r"(attendance|attendee|emargement|participant_list|presence)")

TESTIMONY_TOOLS = frozenset({"fiche-temoignage"})
# answers / columns that record the consent to transmit a testimony
CONSENT_KEYS = ("consent_transmission", "consentement_transmission", "consent_use", "consentement_utilisation")
TESTIMONY_TABLE_RE = re.compile(r"(testimon|temoign)")


@dataclass(frozen=True)
class Outcome:
    rows: dict[str, list[dict[str, Any]]]
    excluded: dict[str, int]  # table -> rows left behind
    redacted: dict[str, list[str]]  # table -> columns pseudonymised or cleared


def pseudonym(prefix: str, record_id: str) -> str:
    """A stable pseudonym: the same person gets the same code in every export."""
    return f"{prefix} {hashlib.sha256(record_id.encode()).hexdigest()[:6].upper()}"


def _empty(value: Any) -> Any:
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    if isinstance(value, bool):
        return False
    return "" if isinstance(value, str) else None


def _consent_given(values: dict[str, Any]) -> bool:
    for key in CONSENT_KEYS:
        if key in values:
            return values[key] in (True, "oui", "yes", 1, "1", "true")
    return False


def _is_testimony_without_consent(table: str, row: dict[str, Any]) -> bool:
    if table == "form_responses" and row.get("tool_id") in TESTIMONY_TOOLS:
        return not _consent_given(row.get("answers") or {})
    if TESTIMONY_TABLE_RE.search(table):
        has_consent_column = any(k in row for k in CONSENT_KEYS)
        if has_consent_column:
            return not _consent_given(row)
        answers = row.get("answers")
        if isinstance(answers, dict):
            return not _consent_given(answers)
        return True  # a testimony table with no consent recorded: leave it behind
    return False


def column_rules(table: str, columns: list[str]) -> dict[str, tuple[str, str | None]]:
    rules = dict(FIELD_RULES.get(table, {}))
    for col in columns:
        if col not in rules and CONTACT_COLUMN_RE.search(col):
            rules[col] = ("clear", None)
    return rules


def apply(
    rows: dict[str, list[dict[str, Any]]],
    level: str,
    parents: Callable[[str], dict[str, str]] | None = None,
) -> Outcome:
    """Filter and pseudonymise the encoded rows of a bundle (tables in FK order)."""
    if level not in LEVELS:
        raise ValueError(level)
    if level == COMPLETE:
        return Outcome(rows, {}, {})
    out: dict[str, list[dict[str, Any]]] = {}
    excluded: dict[str, int] = {}
    redacted: dict[str, list[str]] = {}
    kept_ids: dict[str, set[str]] = {}
    for table, records in rows.items():
        links = parents(table) if parents else {}
        if EXCLUDED_TABLE_RE.search(table):
            excluded[table] = len(records)
            kept_ids[table] = set()
            continue
        rules = column_rules(table, list(records[0]) if records else [])
        kept = []
        for rec in records:
            orphan = any(rec.get(col) is not None and p in kept_ids and rec[col] not in kept_ids[p] for col, p in links.items())
            if orphan or _is_testimony_without_consent(table, rec):
                excluded[table] = excluded.get(table, 0) + 1
                continue
            rec = dict(rec)
            for col, (action, prefix) in rules.items():
                if col not in rec or not rec[col]:
                    continue
                rec[col] = pseudonym(prefix or "Personne", rec["id"]) if action == "pseudonym" else _empty(rec[col])
            kept.append(rec)
        if rules:
            redacted[table] = sorted(rules)
        out[table] = kept
        kept_ids[table] = {r["id"] for r in kept}
    _drop_soft_orphans(rows, out, excluded)
    return Outcome(out, excluded, redacted)


def _drop_soft_orphans(rows: dict[str, list[dict[str, Any]]], out: dict[str, list[dict[str, Any]]], excluded: dict[str, int]) -> None:
    """Leave behind, until nothing changes, the rows whose soft links point to a row left behind."""
    kept_all = {r["id"] for records in out.values() for r in records}
    gone = {r["id"] for records in rows.values() for r in records} - kept_all
    changed = bool(gone)
    while changed:
        changed = False
        for table, records in out.items():
            keep = []
            for rec in records:
                if any(SOFT_LINK_RE.match(k) and isinstance(v, str) and v in gone for k, v in rec.items()):
                    gone.add(rec["id"])
                    excluded[table] = excluded.get(table, 0) + 1
                    changed = True
                else:
                    keep.append(rec)
            out[table] = keep


def describe(level: str) -> str:
    """What an export at this level contains, in French (shown by the export dialog)."""
    if level == COMPLETE:
        return (
            "Export complet : toutes les données de l'évaluation, y compris les noms et coordonnées "
            "des partenaires et de l'équipe, les listes de présence et tous les témoignages. "
            "À réserver aux échanges entre animateurs d'une même évaluation."
        )
    return (
        "Export pseudonymisé (recommandé pour le centre de ressources) :\n"
        "• les noms des contacts partenaires et des membres de l'équipe sont remplacés par un "
        "pseudonyme stable («\u00a0Contact 3F2A1C\u00a0») ; leurs e-mails et téléphones sont retirés ;\n"
        "• dans toute autre table, les colonnes d'e-mail, de téléphone et d'adresse sont vidées ;\n"
        "• les listes de présence nominatives des ateliers et les noms des animateurs ne sont pas transmis ;\n"
        "• les témoignages sans consentement à leur utilisation ne sont pas transmis, ni leurs "
        "réponses ni leurs enregistrements (pièces jointes) ;\n"
        "• tout le reste est inclus : cadrage, actions, ateliers, questionnaires, référentiel, "
        "maturité, pièces jointes des enregistrements transmis.\n"
        "Des données pseudonymisées restent des données personnelles : transmettez le fichier "
        "par un moyen sûr."
    )
