"""The partners' letters as data: one merged letter per partner of the Cadrage, the letterhead,
and what is wrong with them before anything is written.

The sender, signatory and recipients come from the Cadrage (structure and postal address,
signatory and their title; per partner the article of its name, the contact's civility and
title, the postal address); the atelier, deadline and requested documents from the letter's
options (the kit's tool with the role `letter`, its fields found by field role). Dates are checked against `today`: an atelier or a
deadline already past is reported in `LetterBatch.past`, which the export refuses unless the
user confirms. `LetterService` (services.letters) gives them; `ExportService.letters` writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.french import AnswerError, clean_name, format_time, parse_time, with_article
from desktop_app.core.letters import (
    Letterhead,
    MergedLetter,
    address_lines,
    merge_letter,
    recipient_block,
    salutation,
    town_of,
)
from desktop_app.kit.forms import compile_tool
from desktop_app.services.base import ServiceError
from desktop_app.services.forms import ResponseData
from desktop_app.services.synthesis_base import SynthesisBase, role_tool

# field role -> key of the options dict build_letters reads
OPTION_ROLES = ("meeting_date", "meeting_time", "meeting_place", "deadline", "reference", "requested_documents", "enclosures")
READY_ROLES = ("meeting_date", "meeting_place", "deadline")


def letter_options(kit, tool_id: str, answers: dict) -> dict:
    """The letter's options by field role (missing fields read as empty)."""
    out = {}
    for role in OPTION_ROLES:
        field = kit.field_for_role(tool_id, role)
        out[role] = answers.get(field) if field else None
    return out


def letter_ready(kit, tool_id: str, answers: dict) -> bool:
    """The options every letter needs are filled (date, place, deadline)."""
    options = letter_options(kit, tool_id, answers)
    return all(options[r] for r in READY_ROLES)

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class LetterBatch:
    letters: tuple[MergedLetter, ...]
    warnings: tuple[str, ...]
    past: tuple[str, ...] = ()  # dates already past: the export asks for a confirmation
    head: Letterhead | None = None


def _date(iso: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(iso)) if iso else None
    except ValueError:
        return None


def day_text(d: dt.date, weekday: bool = True) -> str:
    """"mardi 10 février 2026" ("1er" for the first day of a month)."""
    day = "1er" if d.day == 1 else str(d.day)
    text = f"{day} {_MONTHS[d.month - 1]} {d.year}"
    return f"{_DAYS[d.weekday()]} {text}" if weekday else text


def _atelier_time(
    syn: LetterService, evaluation_id: str, options: dict, atelier: dt.date | None, letter_tool: Any = None
) -> tuple[str, str]:
    """(time "HH:MM" or "", a warning or ""): the option typed, else the partners' workshop of
    that day in the fieldwork step."""
    typed = str(options.get("meeting_time") or "").strip()
    if typed:
        try:
            return parse_time(typed), ""
        except AnswerError:
            return "", f"Heure de l'atelier illisible : « {typed} » (par exemple 14:00)."
    workshops_service = syn.services.workshops
    guide = getattr(letter_tool, "invites_to", None)
    if atelier is not None and guide:
        for w in workshops_service.workshops(evaluation_id):
            if w.tool_id == guide and w.date == atelier.isoformat() and w.start_time:
                return w.start_time, ""
    return "", ""


def letterhead(cadrage, today: dt.date) -> tuple[Letterhead, list[str]]:
    """The sender block and "Douai, le 5 décembre 2026"; warnings for what is missing."""
    fields = cadrage.fields
    warnings = []
    name = (fields.get("sender_name") or "").strip() or (fields.get("territory_name") or "").strip()
    address = fields.get("sender_address") or ""
    lines = [name, *address_lines(address)]
    town = town_of(address)
    date = day_text(today, weekday=False)
    if not address.strip():
        warnings.append("Adresse postale de la structure à renseigner (Cadrage › Territoire et contrat).")
    elif not town:
        warnings.append("Adresse postale de la structure sans code postal et commune : le lieu manque avant la date.")
    return Letterhead(tuple(x for x in lines if x), f"{town}, le {date}" if town else f"Le {date}"), warnings


def build_letters(syn: LetterService, evaluation_id: str, today: dt.date) -> LetterBatch:
    """One merged letter per partner of the Cadrage, checked against `today`."""
    kit = syn.kit(evaluation_id)
    tool = kit.tool_for_role("letter")
    if tool is None:
        raise ServiceError("Le kit de cette évaluation n'a pas de courrier aux partenaires.")
    form = compile_tool(kit, tool.id)
    cadrage = syn.services.evaluations.cadrage(evaluation_id)
    found = syn._find_single(evaluation_id, tool.id)
    options = letter_options(kit, tool.id, found.answers if found else {})
    partners = cadrage.tables.get("partner", [])
    if not partners:
        raise ServiceError("Aucun partenaire dans le Cadrage : ajoutez les destinataires du courrier.")
    warnings: list[str] = []
    past: list[str] = []

    atelier, deadline = _date(options.get("meeting_date")), _date(options.get("deadline"))
    time, problem = _atelier_time(syn, evaluation_id, options, atelier, tool)
    if problem:
        warnings.append(problem)
    atelier_text = day_text(atelier) if atelier else str(options.get("meeting_date") or "")
    if atelier and time:
        atelier_text += f" à {format_time(time)}"
    elif atelier:
        warnings.append("Heure de l'atelier à renseigner dans les options du courrier.")
    if atelier and atelier < today:
        past.append(f"l'atelier du {day_text(atelier)} est déjà passé")
    if deadline and deadline < today:
        past.append(f"la date limite des contributions ({day_text(deadline)}) est déjà passée")
    if atelier and deadline and deadline > atelier:
        warnings.append(f"La date limite des contributions ({day_text(deadline)}) tombe après l'atelier ({day_text(atelier)}).")

    pilots = [m for m in cadrage.tables.get("team_member", []) if m.get("is_pilot")]
    pilot = pilots[0] if pilots else None
    pilot_text = ""
    references = []
    if options.get("reference"):
        references.append(f"N/Réf. : {str(options['reference']).strip()}")  # a field role
    if pilot:
        pilot_text = pilot.get("name", "")
        if pilot.get("role"):
            pilot_text += f", {pilot['role'][:1].lower()}{pilot['role'][1:]}"
        if pilot.get("email"):
            pilot_text += f" ({pilot['email']})"
        followed = " — ".join(x for x in (pilot.get("name", ""), pilot.get("email", "")) if x)
        references.append(f"Affaire suivie par : {followed}")
    territory = cadrage.fields.get("territory_name", "")
    common = {
        "territoire.nom": with_article(territory),
        "territoire.de_nom": with_article(territory, prep="de"),
        "atelier.date": atelier_text,
        "atelier.lieu": str(options.get("meeting_place") or ""),
        "date_limite": day_text(deadline) if deadline else str(options.get("deadline") or ""),
        "evaluation.pilote": pilot_text,
        "signataire.nom": (cadrage.fields.get("signatory_name") or "").strip(),
        "signataire.qualite": (cadrage.fields.get("signatory_title") or "").strip(),
    }
    bullets: list[str] = []
    pieces_id = kit.field_for_role(tool.id, "requested_documents")
    pieces = next((f for p in form.pages for f in p.fields if f.id == pieces_id), None) if pieces_id else None
    for value in options.get("requested_documents") or []:
        opt = pieces.option(value) if pieces else None
        bullets.append(opt.label if opt else str(value))
    enclosures = [line.strip(" -–•\t") for line in str(options.get("enclosures") or "").splitlines() if line.strip(" -–•\t")]

    letters = []
    no_address = []
    for p in partners:
        org, article = p.get("organisation", ""), p.get("article") or None
        values = dict(common)
        values.update(
            {
                "partenaire.organisation": clean_name(org),
                "partenaire.le_nom": with_article(org, article),
                "partenaire.de_nom": with_article(org, article, prep="de"),
                "partenaire.contact": p.get("contact", ""),
                "partenaire.role": p.get("role", ""),
                "appel": salutation(p.get("civility", ""), p.get("title", ""), p.get("contact", "")),
            }
        )
        if not (p.get("postal_address") or "").strip():
            no_address.append(clean_name(org) or p.get("contact") or "?")
        block = recipient_block(org, p.get("civility", ""), p.get("contact", ""), p.get("role", ""), p.get("postal_address", ""))
        letters.append(
            merge_letter(tool, values, org or p.get("contact") or "partenaire", bullets, block, references, enclosures)
        )
    if no_address:
        warnings.append("Adresse postale à renseigner (Cadrage › Partenaires) pour : " + ", ".join(no_address) + ".")
    missing = sorted({m for letter in letters for m in letter.missing})
    if missing:
        warnings.insert(0, "Champs à compléter dans les courriers : " + ", ".join(missing) + ".")
    head, head_warnings = letterhead(cadrage, today)
    return LetterBatch(tuple(letters), tuple(warnings + head_warnings), tuple(past), head)


class LetterService(SynthesisBase):
    def __init__(self, services):  # the app's `Services`
        super().__init__(services)
        self.clock: Callable[[], dt.date] = dt.date.today  # "today" of the letters; tests set it

    def letter_tool(self, evaluation_id: str) -> str | None:
        """The id of the kit's letter to partners (role letter), None when the kit has none."""
        return self.kit(evaluation_id).tool_id_for_role("letter")

    def letter_options(self, evaluation_id: str) -> ResponseData:
        return self._single(evaluation_id, role_tool(self.kit(evaluation_id), "letter", "courrier aux partenaires"))

    def letters(self, evaluation_id: str, today: dt.date | None = None) -> LetterBatch:
        """One merged letter per partner of the Cadrage, checked against today (`self.clock`)."""
        return build_letters(self, evaluation_id, today or self.clock())

    # ------------------------------------------------------------------ side navigation
    def step_states(self, evaluation_id: str) -> dict:
        """What the side navigation says of the exports step: whether the partners' letter is ready."""
        from desktop_app.core.steps import StepState

        kit = self.kit(evaluation_id)
        scope = set(self.scope(evaluation_id))
        out = {}
        letter = kit.tool_id_for_role("letter")
        if letter is not None and letter in scope:
            found = self._find_single(evaluation_id, letter)
            ready = bool(found and letter_ready(kit, letter, found.answers))
            detail = "courrier prêt" if ready else "options du courrier à renseigner"
            out["exports"] = StepState("exports", "en_cours" if ready else "a_faire", detail)
        return out
