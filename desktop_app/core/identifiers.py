"""Checks of the identifiers French urban policy uses (SIREN, SIRET, INSEE, QPV codes, e-mail).

Each `check_*` returns None when the value is valid (or empty) and a French message otherwise,
so a form can flag the entry in place without refusing what was typed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_QPV_2024 = re.compile(r"^QN(\d{3}|02A|02B)\d{2}[NMI]$")
_QPV_2015 = re.compile(r"^QP(\d{3}|02A|02B)\d{3}$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

GENERATIONS = {
    "2015-2023": "Contrat de ville 2015-2023",
    "2024-2030": "Engagements Quartiers 2030 (2024-2030)",
}


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


_SCIENTIFIC = re.compile(r"\d+(\.\d+)?E[+-]?\d+")


def normalize_siren(value: str) -> str:
    """Spaces and separating dots dropped (« 200 044 618 », « 200.044.618 »); a number read from a
    spreadsheet keeps what shows it was one (« 21860194600000.0 » -> « 21860194600000 »,
    « 2.18601946E+13 » as is), so that `siren_from_spreadsheet` can repair it."""
    text = re.sub(r"\s", "", value or "").upper()
    if _SCIENTIFIC.fullmatch(text):
        return text
    if re.fullmatch(r"\d+\.0+", text):
        return text.split(".", 1)[0]
    return text.replace(".", "")


def siren_from_spreadsheet(value: object) -> str | None:
    """The SIREN a spreadsheet damaged, when it is certain: a number (« 200044618.0 »,
    « 2.00044618E+8 ») or a SIRET cut to its SIREN by the float's precision (« 21860194600000.0 »,
    « 2.18601946E+13 »: the 9 first digits). None when no valid SIREN (Luhn key) comes out."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = normalize_siren(str(value))
    if _SCIENTIFIC.fullmatch(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        if number != number.to_integral_value():
            return None
        text = str(int(number))
    if not text.isdigit():
        return None
    candidate = text if len(text) == 9 else text[:9] if len(text) == 14 else ""
    return candidate if candidate and luhn_ok(candidate) else None


def check_siren(value: str) -> str | None:
    v = normalize_siren(value)
    if not v:
        return None
    if not v.isdigit() or len(v) != 9:
        return "Le SIREN doit comporter 9 chiffres."
    if not luhn_ok(v):
        return "Ce SIREN n'est pas valide (clé de contrôle incorrecte) : vérifiez la saisie."
    return None


def check_siret(value: str) -> str | None:
    v = normalize_siren(value)
    if not v:
        return None
    if not v.isdigit() or len(v) != 14:
        return "Le SIRET doit comporter 14 chiffres."
    if not luhn_ok(v) and not v.startswith("356000000"):  # La Poste's SIRETs follow another rule
        return "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez la saisie."
    return None


def normalize_insee(value: object) -> str:
    """The one normalisation of an INSEE code, used everywhere (Cadrage, invitees, responses,
    imports, results): spaces dropped, upper case, a number read from a spreadsheet without its
    ".0". Never padded nor otherwise repaired: « 5935 » stays « 5935 », invalid, and is shown
    so (it may be 59350 as well as 05935; only the user knows)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s", "", str(value)).upper()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".", 1)[0]
    return text


def check_insee(value: str) -> str | None:
    v = normalize_insee(value)
    if not v:
        return None
    if not _INSEE.match(v):
        hint = f" Un 0 initial perdu dans un tableur ? Saisissez alors 0{v}." if v.isdigit() and len(v) == 4 else ""
        return f"Code INSEE « {v} » invalide : il comporte 5 caractères (ex. 59350, ou 2A004 en Corse).{hint}"
    return None


def qpv_generation(code: str) -> str | None:
    v = (code or "").strip().upper()
    if _QPV_2024.match(v):
        return "2024"
    if _QPV_2015.match(v):
        return "2015"
    return None


def check_qpv(value: str) -> str | None:
    v = (value or "").strip()
    if not v:
        return None
    if qpv_generation(v) is None:
        return (
            "Code QPV invalide : format 2024 « QN » + département + numéro + N/M/I (ex. QN05901M), "
            "ou format 2015 « QP » + 6 caractères (ex. QP059001)."
        )
    return None


def check_email(value: str) -> str | None:
    v = (value or "").strip()
    if not v:
        return None
    if not _EMAIL.match(v):
        return "Adresse e-mail invalide (ex. prenom.nom@exemple.fr)."
    return None


def check_iso_date(value: str) -> str | None:
    v = (value or "").strip()
    if not v:
        return None
    try:
        date.fromisoformat(v)
    except ValueError:
        return "Date invalide (JJ/MM/AAAA)."
    return None


def check_required(value: str, what: str) -> str | None:
    return None if (value or "").strip() else f"{what} : à renseigner."


def format_date_fr(iso: str | date | None) -> str:
    """`2026-11-21` (or a date) -> `21/11/2026`; empty stays empty."""
    if not iso:
        return ""
    if isinstance(iso, date):
        return iso.strftime("%d/%m/%Y")
    return date.fromisoformat(str(iso)).strftime("%d/%m/%Y")


def format_amount(value: float | int | None, currency: bool = True) -> str:
    """French number formatting: `12 500,50 €` (narrow no-break space as thousands separator)."""
    if value is None:
        return ""
    text = f"{value:,.2f}" if isinstance(value, float) and not float(value).is_integer() else f"{int(round(value)):,}"
    text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€" if currency else text
