"""What personal data leaves in a result bundle (RGPD): the rules, in one place.

Two levels:
- `pseudonymised` (the default for results sent to the resource centre): every text goes
  through the one privacy filter (`core.privacy_filter`): the people the evaluation knows
  (team, partners' contacts, invitees, facilitators, attendees) become stable pseudonyms
  wherever they are named, e-mails and phone numbers are removed, other likely names in free
  texts are masked, the answers the kit declares `personal` are dropped, attendance lists stay
  behind; a testimony without consent (or whose consent was withdrawn) travels as a tombstone,
  with its attachments: the receiver deletes it (`sync.privacy_receive`);
- `complete`: everything, for the facilitators of one evaluation exchanging between their own
  laptops (sync folder), who work on the same data.

A table the rules do not name is included, but any column whose name says it holds a contact
detail (e-mail, phone, address) is cleared. `describe()` gives the French text the export
dialog shows, so what the dialog says is what the code does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core import privacy_filter
from desktop_app.core.privacy_filter import PrivacyFilter, ToolRules, looks_like_name

SYNC_META = ("created_at", "updated_at", "device_id", "revision")

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
# record left behind stays behind too, one pointing to a record withdrawn (consent) is withdrawn
# with it (the answers of a testimony, its audio file...)
SOFT_LINK_RE = re.compile(r"^(owner_id|subject_id|response_id|target_id|record_id|[a-z_]+_record_id)$")
# any table: a column with one of these names is cleared
CONTACT_COLUMN_RE = re.compile(
    r"(^|_)(e_?mail|courriel|phone|telephone|tel|mobile|portable|address|adresse|postal_address)(_|$)"
)
# whole tables that stay behind (lists of named participants)
EXCLUDED_TABLE_RE = re.compile(r"(attendance|attendee|emargement|participant_list|presence)")

# the kit declares its consent fields (`consent: true`); without the kit at hand, a form
# response about a testimony (subject_type) is left behind: its consent field is not known.
TESTIMONY_SUBJECT = "testimony"
# columns that record the consent to transmit a testimony
CONSENT_KEYS = ("consent_transmission", "consent_use")
TESTIMONY_TABLE_RE = re.compile(r"(testimon|temoign)")


@dataclass(frozen=True)
class Outcome:
    rows: dict[str, list[dict[str, Any]]]
    excluded: dict[str, int]  # table -> rows left behind, or sent as tombstones without content
    redacted: dict[str, list[str]]  # table -> columns pseudonymised or cleared
    tombstones: dict[str, int] = field(default_factory=dict)  # table -> deletions sent (consent withdrawn...)


def pseudonym(prefix: str, record_id: str) -> str:
    """A stable pseudonym: the same person gets the same code in every export."""
    return privacy_filter.pseudonym(prefix, record_id)


def _empty(value: Any) -> Any:
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    if isinstance(value, bool):
        return False
    return "" if isinstance(value, str) else None


def _consent_given(values: dict[str, Any], keys: tuple[str, ...] = CONSENT_KEYS) -> bool:
    for key in keys:
        if key in values:
            return values[key] in (True, "oui", "yes", 1, "1", "true")
    return False


def _is_testimony_without_consent(table: str, row: dict[str, Any], rules: dict[str, ToolRules] | None = None) -> bool:
    if table == "form_responses":
        tool = rules.get(row.get("tool_id")) if rules else None
        if tool is not None and tool.consent:
            return not _consent_given(row.get("answers") or {}, tool.consent)
        if tool is None and row.get("subject_type") == TESTIMONY_SUBJECT:
            return True
        return False
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


# a tombstone keeps what the receiver needs to find the record (ids, kind, hash), nothing else
TOMBSTONE_KEEP_RE = re.compile(r"^(id|[a-z_]*_id|tool_id|kit_version|kit_id|subject_type|owner_type|kind|sha256|size|mime|position)$")
_NOT_TEXT_RE = re.compile(r"^(\d[\d\-:.TZ+ ]*)?$")  # dates, times and decimals written as text
# columns holding identifiers, tokens and hashes: machine values, never scanned (a hex token can
# hold ten digits that read like a phone number; rewriting it would corrupt the record)
IDENTIFIER_COLUMN_RE = re.compile(r"^(id|[a-z0-9_]*_id|[a-z0-9_]*token|[a-z0-9_]*sha256|[a-z0-9_]*digest|[a-z0-9_]*_hash|kit_version)$")
# columns holding free text: unknown people's names are guessed there too
FREE_TEXT_COLUMN_RE = re.compile(r"(^|_)(comment|comments|notes|description|evidence|text|remarks|observations|caption)$")


def tombstone(rec: dict[str, Any]) -> dict[str, Any]:
    """The record as a deletion: its ids and bookkeeping, every text and answer emptied."""
    out = {}
    for key, value in rec.items():
        if key in SYNC_META or TOMBSTONE_KEEP_RE.match(key) or not isinstance(value, (str, list, dict)):
            out[key] = value
        elif isinstance(value, str) and _NOT_TEXT_RE.match(value):
            out[key] = value
        else:
            out[key] = _empty(value)
    out["deleted"] = True
    return out


def known_people(rows: dict[str, list[dict[str, Any]]], rules: dict[str, ToolRules] | None = None) -> PrivacyFilter:
    """A filter knowing every person the rows name: team, partners' contacts, invitees,
    workshop facilitators and attendees, names given in the kit's `personal` fields."""
    f = PrivacyFilter()
    for rec in rows.get("team_members", []):
        f.add_person(rec.get("name") or "", rec["id"], "Membre")
    for rec in rows.get("partners", []):
        f.add_person(rec.get("contact") or "", rec["id"], "Contact")
    for rec in rows.get("questionnaire_invitees", []):
        contact = rec.get("contact") or ""
        if looks_like_name(contact):
            f.add_person(contact, rec["id"], "Contact")
        else:
            f.add_people_in(contact, rec["id"], "Contact")
    for table, records in rows.items():
        for rec in records:
            if isinstance(rec.get("facilitators"), str):
                f.add_people_in(rec["facilitators"], rec["id"], "Personne")
            for key in ("attendance", "participants_list", "attendees"):
                listed = rec.get(key)
                for person in listed if isinstance(listed, list) else []:
                    if isinstance(person, dict):
                        f.add_people_in(str(person.get("name") or person.get("nom") or ""), rec["id"], "Participant")
                    elif isinstance(person, str):
                        f.add_people_in(person, rec["id"], "Participant")
            if EXCLUDED_TABLE_RE.search(table):
                for key in ("name", "nom", "contact"):
                    if isinstance(rec.get(key), str):
                        f.add_people_in(rec[key], rec["id"], "Participant")
    if rules:
        for rec in rows.get("form_responses", []):
            tool = rules.get(rec.get("tool_id"))
            if tool is None or not tool.personal:
                continue
            for key in tool.personal:
                value = (rec.get("answers") or {}).get(key)
                if isinstance(value, str):
                    f.add_people_in(value, rec["id"], "Personne")
    return f


def apply(
    rows: dict[str, list[dict[str, Any]]],
    level: str,
    parents: Callable[[str], dict[str, str]] | None = None,
    rules: dict[str, ToolRules] | None = None,
) -> Outcome:
    """Filter and pseudonymise the encoded rows of a bundle (tables in FK order).

    `rules`: what the kit declares about its tools' fields (`privacy_filter.kit_rules`)."""
    if level not in LEVELS:
        raise ValueError(level)
    if level == COMPLETE:
        return Outcome(rows, {}, {})
    people = known_people(rows, rules)
    excluded: dict[str, int] = {}
    redacted: dict[str, list[str]] = {}
    tombstones: dict[str, int] = {}
    left = _left_behind(rows, parents)
    gone = _withdrawn(rows, left, rules)
    out: dict[str, list[dict[str, Any]]] = {}
    for table, records in rows.items():
        if EXCLUDED_TABLE_RE.search(table):
            excluded[table] = len(records)
            continue
        col_rules = column_rules(table, list(records[0]) if records else [])
        kept = []
        for rec in records:
            if rec["id"] in left:
                excluded[table] = excluded.get(table, 0) + 1
                continue
            if rec.get("deleted"):  # deleted here: travels as it is, without its content
                kept.append(tombstone(rec))
                continue
            if rec["id"] in gone:
                # consent missing or withdrawn: a deletion, one revision above the record, so
                # that a receiver holding the record (or an earlier tombstone) applies it
                excluded[table] = excluded.get(table, 0) + 1
                tombstones[table] = tombstones.get(table, 0) + 1
                t = tombstone(rec)
                t["revision"] = (rec.get("revision") or 0) + 1
                kept.append(t)
                continue
            kept.append(_filtered(table, rec, col_rules, people, rules))
        if col_rules:
            redacted[table] = sorted(col_rules)
        out[table] = kept
    return Outcome(out, excluded, redacted, tombstones)


def _filtered(table, rec, col_rules, people: PrivacyFilter, rules) -> dict[str, Any]:
    rec = dict(rec)
    for col, (action, prefix) in col_rules.items():
        if col not in rec or not rec[col]:
            continue
        if action == "pseudonym":
            rec[col] = people.pseudonym_of(rec[col]) or pseudonym(prefix or "Personne", rec["id"])
        else:
            rec[col] = _empty(rec[col])
    for col, value in rec.items():
        if col in col_rules or col in SYNC_META or not isinstance(value, (str, list, dict)) or IDENTIFIER_COLUMN_RE.match(col):
            continue
        if table == "form_responses" and col == "answers" and isinstance(value, dict):
            tool = rules.get(rec.get("tool_id")) if rules is not None else None
            rec[col] = people.answers(tool, value)
        elif table == "form_responses" and col == "drafts" and isinstance(value, dict):
            # text kept « à corriger »: a personal field's draft stays behind, the rest is free text
            tool = rules.get(rec.get("tool_id")) if rules is not None else None
            kept = people.answers(tool, value)
            rec[col] = {k: people.value(v, True, str(k)) for k, v in kept.items()}
        else:
            rec[col] = people.value(value, bool(FREE_TEXT_COLUMN_RE.search(col)), col)
    return rec


def _left_behind(rows, parents) -> set[str]:
    """Ids of rows that do not travel at all: excluded tables (named lists of people) and the
    rows pointing to them."""
    left: set[str] = set()
    for table, records in rows.items():
        if EXCLUDED_TABLE_RE.search(table):
            left.update(r["id"] for r in records)
    if not left:
        return left
    changed = True
    while changed:
        changed = False
        for table, records in rows.items():
            links = parents(table) if parents else {}
            for rec in records:
                if rec["id"] in left:
                    continue
                if any(rec.get(c) in left for c in links) or any(
                    SOFT_LINK_RE.match(k) and isinstance(v, str) and v in left for k, v in rec.items()
                ):
                    left.add(rec["id"])
                    changed = True
    return left


def _withdrawn(rows, left: set[str], rules) -> set[str]:
    """Ids of records whose consent is missing or withdrawn, and of what belongs to them (their
    answers, their recordings): they travel as tombstones, so a receiver that held them deletes them."""
    gone = {r["id"] for table, records in rows.items() for r in records if _is_testimony_without_consent(table, r, rules)}
    changed = bool(gone)
    soft = {table: _soft_links(records) for table, records in rows.items()}
    while changed:
        changed = False
        for table, records in rows.items():
            keys = soft[table]
            if not keys:
                continue
            for rec in records:
                if rec["id"] in gone or rec["id"] in left:
                    continue
                if any(rec.get(k) in gone for k in keys):
                    gone.add(rec["id"])
                    changed = True
    return gone


def _soft_links(records: list[dict[str, Any]]) -> list[str]:
    """The soft-link columns of a table's rows (every row of a table has the same columns)."""
    return [k for k in (records[0] if records else {}) if SOFT_LINK_RE.match(k)]


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
        "• les noms des membres de l'équipe, des contacts partenaires, des personnes invitées et des "
        "animateurs sont remplacés par un pseudonyme stable («\u00a0Contact 3F2A1C\u00a0»), partout où "
        "ils apparaissent, y compris dans les textes saisis ;\n"
        "• dans tous les textes, les adresses e-mail et les numéros de téléphone sont retirés ; dans les "
        "textes libres (témoignages, notes…), les autres noms de personnes repérés aussi ;\n"
        "• les coordonnées que le kit déclare personnelles (personne à recontacter…) ne sont pas transmises ;\n"
        "• les listes de présence nominatives des ateliers ne sont pas transmises ;\n"
        "• un témoignage sans consentement, ou dont le consentement a été retiré, n'est transmis que "
        "comme une suppression : le centre l'efface, avec ses enregistrements (pièces jointes) ;\n"
        "• tout le reste est inclus : cadrage, actions, ateliers, questionnaires, référentiel, "
        "maturité, pièces jointes des enregistrements transmis.\n"
        "Des données pseudonymisées restent des données personnelles : transmettez le fichier "
        "par un moyen sûr."
    )
