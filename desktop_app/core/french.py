"""French as users type it and read it: numbers, dates and yes/no answers.

Reading (`parse_number`, `parse_date`, `parse_yes_no`) accepts what people actually write, in a
form or in an Excel sheet: "12 500,50 €", "1 234", "-3,5", "21/11/2026", "21/11/26", "2026-11-21",
"21 novembre 2026", an Excel serial date, "oui" / "Non" / "x". What cannot be read raises
`AnswerError` with a French, user-facing message. Writing (`format_number`, `format_date`) gives the
French display: "12 500,5" (no-break space), "21/11/2026".

Qt-free and independent of the kit: `desktop_app.core.validation` builds the per-field rules on top
of it (and re-exports these names, which callers have long imported from there).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

NBSP = "\u00a0"


class AnswerError(ValueError):
    """An answer that cannot be accepted; `message` is French and user-facing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- display and keys


def format_number(value: float | int) -> str:
    """French display of a number: 12500.5 -> "12 500,5" (no-break space), 3.0 -> "3"."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{round(float(value), 10):,}"
    return text.replace(",", NBSP).replace(".", ",")


def format_date(iso: str) -> str:
    """ "2026-11-21" -> "21/11/2026" (unchanged when not an ISO date)."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)


def shown(raw: Any) -> str:
    """A raw answer as it appears, quoted, in a French message (long text cut at 60 characters)."""
    if isinstance(raw, bool):
        return "Oui" if raw else "Non"
    if isinstance(raw, (int, float, Decimal)):
        return format_number(float(raw) if isinstance(raw, Decimal) else raw)
    text = str(raw).strip()
    return text if len(text) <= 60 else text[:57] + "…"


def fold(text: str) -> str:
    """Lower case without accents, for comparisons and search."""
    s = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def fold_key(text: Any) -> str:
    """Case-, accent- and spacing-insensitive form used to match choices and keywords:
    "  Février. " -> "fevrier"."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace("\u2013", "-").replace("\u2014", "-").casefold()
    return re.sub(r"\s+", " ", s).strip(" .;:!?")


# --------------------------------------------------------------------------- numbers


_SPACES_RE = re.compile(r"[\s\u00a0\u202f\u2009'’_]")
_CURRENCY = ("€", "eur", "euros", "euro", "%")


def parse_number(text: str, unit: str | None = None, integer: bool = False) -> float:
    """Read a number typed the French way ("12 500,50 €", "1 234", "-3,5", "1.234.567").

    Raise AnswerError("« … » n'est pas un nombre"). With `integer`, "1.234" reads as 1234
    (a dot followed by three digits is a thousands separator in French).
    """
    original = str(text).strip()
    error = AnswerError(f"« {shown(original)} » n'est pas un nombre")
    s = original.replace("\u2212", "-")
    suffixes = [u for u in (unit, *_CURRENCY) if u]
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if s.lower().endswith(suffix.lower()) and len(s) > len(suffix):
                s = s[: -len(suffix)].rstrip()
                changed = True
    s = _SPACES_RE.sub("", s)
    sign = ""
    if s[:1] in ("+", "-"):
        sign, s = s[0], s[1:]
    if not s:
        raise error
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        if s.count(decimal_sep) > 1:
            raise error
        s = s.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in s:
        if s.count(",") > 1:
            if not re.fullmatch(r"\d{1,3}(,\d{3})+", s):
                raise error
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif "." in s:
        if s.count(".") > 1 or (integer and re.fullmatch(r"\d{1,3}(\.\d{3})+", s)):
            if not re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
                raise error
            s = s.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", s):
        raise error
    return float(sign + s)


# --------------------------------------------------------------------------- dates


_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?")  # text is casefolded
_FR_RE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?:\s+.*)?")
_TEXT_RE = re.compile(r"(?:[a-z]+\.?\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(raw: Any) -> dt.date:
    """Read a date: date/datetime objects, "21/11/2026", "21/11/26", "2026-11-21",
    "21 novembre 2026", or an Excel serial number. Raise AnswerError in French."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    error = AnswerError(f"« {shown(raw)} » n'est pas une date valide (JJ/MM/AAAA)")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 20000 <= raw <= 80000:  # Excel serial day number (1954-2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise error
    text = fold_key(raw)
    try:
        if m := _ISO_RE.fullmatch(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _FR_RE.fullmatch(text):
            year = int(m.group(3))
            if len(m.group(3)) == 2:
                year += 2000 if year < 70 else 1900
            return dt.date(year, int(m.group(2)), int(m.group(1)))
        if (m := _TEXT_RE.fullmatch(text)) and m.group(2) in _MONTHS:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    except ValueError:
        raise error from None
    raise error


# --------------------------------------------------------------------------- yes / no


YES_WORDS = {"oui", "o", "yes", "y", "vrai", "true", "1", "x", "ok", "✓", "✔", "☑", "☒"}
NO_WORDS = {"non", "n", "no", "faux", "false", "0", "-", "☐"}


def parse_yes_no(raw: Any) -> bool:
    """Read a yes/no answer: True/False, 1/0, "oui", "Non", "x", "✔", "faux"… (any case, accents).
    Raise AnswerError in French."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    key = fold_key(raw)
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise AnswerError(f"« {shown(raw)} » : répondez par « Oui » ou « Non »")


def with_article(name: str) -> str:
    """"Communauté d'agglomération du Douaisis" -> "la Communauté d'agglomération du Douaisis",
    so that "le contrat de ville de {nom}" reads well; a town's name is left as it is."""
    name = (name or "").strip()
    lowered = name.casefold()
    for prefix, article in (("communauté", "la "), ("métropole", "la "), ("eurométropole", "l'"), ("agglomération", "l'")):
        if lowered.startswith(prefix):
            return article + name
    return name


_MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")


def long_date(iso) -> str:
    """"2026-02-10" -> "mardi 10 février 2026" (empty when not a date)."""
    if not iso:
        return ""
    try:
        d = dt.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    days = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    day = "1er" if d.day == 1 else str(d.day)
    return f"{days[d.weekday()]} {day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def month_year(d) -> str:
    return f"{_MONTH_NAMES[d.month - 1]} {d.year}"
