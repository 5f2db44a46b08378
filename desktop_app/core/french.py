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


def plural(count: float | int, singular: str, plural_form: str | None = None) -> str:
    """"1 commune", "5 communes", "0 commune" (French: 0 and 1 take the singular); the plural
    form when it is not the singular plus "s" ("1 QPV", "2 QPV": pass plural_form="QPV")."""
    word = singular if abs(count) < 2 else (plural_form if plural_form is not None else _pluralize(singular))
    return f"{format_number(count)} {word}"


def _pluralize(words: str) -> str:
    """Every word of a short noun phrase put in the plural ("écart faible" -> "écarts faibles"),
    except small words, acronyms and words already ending in s, x or z; what follows a
    preposition is its complement and stays as it is ("atelier de restitution" -> "ateliers de
    restitution")."""
    out = []
    parts = words.split(" ")
    for i, w in enumerate(parts):
        if w in _PREPOSITIONS:
            return " ".join(out + parts[i:])
        if not w or w.isupper() or w[-1] in "sxz" or w in _INVARIABLE or not w[-1].isalpha():
            out.append(w)
        elif w.endswith("al") and w not in ("festival", "bal", "récital"):
            out.append(w[:-2] + "aux")
        elif w.endswith(("eau", "au", "eu")):
            out.append(w + "x")
        else:
            out.append(w + "s")
    return " ".join(out)


_PREPOSITIONS = {"de", "du", "des", "d'", "à", "au", "aux", "en", "sur", "par", "pour", "sans", "avec"}
_INVARIABLE = {"de", "du", "des", "la", "le", "les", "l'", "d'", "à", "au", "aux", "en", "et", "ou", "sur", "par", "pour", "sans", "avec"}


def format_year(value: float | int) -> str:
    """A year as written in French, never with a thousands separator: 2025 -> "2025"."""
    return str(int(round(float(value))))


def looks_like_year_range(low: float | None, high: float | None) -> bool:
    """A number field bounded like a year (e.g. min 2015, max 2030): shown without separator."""
    return low is not None and high is not None and 1900 <= low <= high <= 2100


# words ending in s that are the same in the singular
_SAME_IN_SINGULAR = {"mois", "fois", "temps", "cours", "pas", "corps", "poids", "prix", "avis", "accès", "succès", "recours"}


def unit_agreeing(value: float | int, unit: str) -> str:
    """The unit agreeing with its number, French style: below 2 its first word is singular
    (1 "réunions par an" -> "réunion par an", 0,5 "jours" -> "jour", 1 "habitant·es" ->
    "habitant·e"); symbols, abbreviations and invariable words stay as they are."""
    if abs(value) >= 2 or not unit:
        return unit
    first, sep, rest = unit.strip().partition(" ")
    if first.endswith("·es"):
        first = first[:-3] + "·e"
    elif (len(first) > 3 and first.endswith("s") and first.islower() and first.isalpha()
          and first not in _SAME_IN_SINGULAR):
        first = first[:-1]
    return first + sep + rest


def format_quantity(value: float | int, unit: str | None = None, year: bool = False) -> str:
    """A number with its unit, French style: (2500, "€") -> "2 500 €", (0.3, "ETP") -> "0,3 ETP",
    (1, "réunions par an") -> "1 réunion par an", a year -> "2025" (no separator); the unit glued
    with a no-break space."""
    text = format_year(value) if year else format_number(value)
    return f"{text}{NBSP}{unit_agreeing(value, unit)}" if unit else text


# a unit written in a kit as a hint to whoever fills the value, not a unit to print after it
_HINT_UNITS = re.compile(r"^\s*(oui\s*/\s*non|texte|liste|date|description|nombre|non\s*/\s*oui)\s*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^[\s\u00a0\u202f]*[-+]?\d[\d\s\u00a0\u202f.,]*$")


def value_with_unit(value: str, unit: str | None) -> str:
    """A value typed as text, with its unit only when the value is a bare number:
    ("62", "%") -> "62 %", ("3", "réunions par an") -> "3 réunions par an", ("1", "réunions par an")
    -> "1 réunion par an", but
    ("3 QPV sur 5", "%") and ("Non", "oui / non") unchanged — the unit there was a hint."""
    value = str(value or "").strip()
    if not value or not unit or _HINT_UNITS.match(unit) or not _BARE_NUMBER.match(value):
        return value
    try:
        number = float(re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", "."))
    except ValueError:  # « 1.234,5 »: a thousands separator; the unit as written
        return f"{value}{NBSP}{unit.strip()}"
    return f"{value}{NBSP}{unit_agreeing(number, unit.strip())}"


def join_ideas(items) -> str:
    """Short ideas in one line: "a ; b ; c", or whole sentences one after the other when they
    already end with a full stop ("Liste d'attente. Manque de bénévoles."), never "enfants. ;"."""
    parts = [str(x).strip() for x in items if str(x or "").strip()]
    if not parts:
        return ""
    if any(p[-1] in ".!?…" for p in parts):
        return " ".join(p if p[-1] in ".!?…»)" else p + "." for p in parts)
    return " ; ".join(parts)


def drop_nested_parentheses(text: str) -> str:
    """"Témoignage (Professionnel·le (service public, école…))" -> "Témoignage (Professionnel·le)":
    a parenthesis inside another is dropped, so text never shows "))"."""
    out = []
    depth = 0
    for ch in str(text or ""):
        if ch == "(":
            depth += 1
            if depth > 1:
                continue
        elif ch == ")":
            if depth > 1:
                depth -= 1
                continue
            depth = max(0, depth - 1)
        elif depth > 1:
            continue
        out.append(ch)
    return re.sub(r"\s+\)", ")", "".join(out))


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


# --------------------------------------------------------------------------- articles and elision

# The article of a name as the Cadrage stores it: "le", "la", "l'", "les" or "aucun" (a proper
# name used without an article: "France Travail", "Habitat Scarpe Logement").
ARTICLES = {"le": "le", "la": "la", "l'": "l'", "les": "les", "aucun": "aucun"}

# First words of organisation names, by the article they take.
_FEMININE = {
    "academie", "administration", "agence", "agglomeration", "association", "assurance", "autorite", "banque",
    "caisse", "chambre", "circonscription", "cite", "collectivite", "commune", "communaute", "compagnie",
    "confederation", "coordination", "delegation", "direction", "ecole", "education", "entreprise", "eurometropole",
    "federation", "fondation", "gendarmerie", "inspection", "justice", "maison", "mairie", "metropole", "mission",
    "mutualite", "mutuelle", "police", "prefecture", "protection", "region", "residence", "securite", "societe",
    "sous-prefecture", "union", "universite", "ville", "halle", "cooperative", "plateforme", "plate-forme",
    "regie", "structure", "fabrique", "ligue", "maternite", "permanence", "preparation",
}
_MASCULINE = {
    "bailleur", "bureau", "cabinet", "centre", "collectif", "college", "comite", "commissariat", "conseil",
    "conservatoire", "departement", "etablissement", "foyer", "fonds", "groupement", "hopital", "institut",
    "lycee", "ministere", "observatoire", "office", "parquet", "pole", "rectorat", "reseau", "secours",
    "secretariat", "service", "syndicat", "theatre", "tribunal", "gip", "ccas", "cias", "sgar", "cada",
    "chu", "ch", "crij", "pij", "crous", "club", "espace", "atelier", "point", "relais", "dispositif",
}
_PLURAL = {"amis", "apprentis", "compagnons", "restos", "restaurants", "petits", "services", "francas", "ceméa", "cemea"}
# Acronyms pronounced as words or letters, with their gender (vowel-initial ones take "l'").
_FEMININE_ACRONYMS = {
    "caf", "cpam", "ddets", "dreets", "ddt", "ddtm", "msa", "pmi", "pjj", "mdph", "carsat", "ars", "anct", "anru",
    "cci", "cma", "drac", "drajes", "sncf", "ratp", "udaf", "dgfip", "dsden", "cnaf", "dasen", "dihal", "epci",
    "mjc", "epide",
}
_MASCULINE_ACRONYMS = {"ccas", "cias", "sgar", "gip", "crous", "chu", "ch", "crij", "pij", "cada", "oph", "cesu"}
# Words beginning with an aspirated h: no elision ("de Hautmont", "la Halle").
_ASPIRATED_H = {
    "haut", "hauts", "haute", "hautes", "hainaut", "halle", "halles", "hameau", "hameaux", "handicap", "hangar",
    "harcelement", "hasard", "havre", "hall", "heros", "hetre", "hierarchie", "hollande", "hongrie", "honte",
    "hockey", "hotte", "houille", "hutte", "hautmont", "hazebrouck", "hem", "halluin", "hautbourdin",
}
_VOWELS = set("aeiouyh")
# An internal note typed after a name: "(bailleur)", "[à relancer]". Acronyms like "(CAF)" stay.
_TAG_RE = re.compile(r"\s*[(\[]\s*[a-zà-ÿ][a-zà-ÿ' \-]*[)\]]\s*$")
_LEADING_ARTICLE_RE = re.compile(r"^(?:(les|le|la)\s+|(l['’])\s*)(?=\S)", re.IGNORECASE)


def _leading_article(name: str) -> tuple[str, str] | None:
    """("les", "Restos du cœur") for "Les Restos du cœur"; None when the name has no article."""
    m = _LEADING_ARTICLE_RE.match(name)
    if not m:
        return None
    return (m.group(1) or m.group(2)).casefold().replace("’", "'"), name[m.end():]


def _fold(word: str) -> str:
    s = unicodedata.normalize("NFKD", word)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def clean_name(name: str) -> str:
    """A name as it may appear in a deliverable: spaces tidied, an internal lowercase note at its
    end removed ("Habitat Scarpe Logement (bailleur)" -> "Habitat Scarpe Logement")."""
    text = " ".join(str(name or "").split())
    while True:
        stripped = _TAG_RE.sub("", text)
        if stripped == text or not stripped:
            return text
        text = stripped


def _first_word(name: str) -> str:
    return re.split(r"[\s'’—–,(]+", name.strip(), maxsplit=1)[0] if name.strip() else ""


def elides(word: str) -> bool:
    """Whether "de"/"le"/"la" elide before this word: a vowel or a silent h
    ("d'Habitat", "l'Éducation", but "de Hautmont", "la Halle")."""
    first = _first_word(word)
    folded = _fold(first)
    if not folded or folded[0] not in _VOWELS:
        return False
    if folded[0] == "y":
        return False  # "de Yutz", "le yaourt": y is a consonant at the start of most names
    if folded[0] == "h":
        return folded.split("-")[0].rstrip(".") not in _ASPIRATED_H
    if first.isupper() and len(first) > 1 and folded in _MASCULINE_ACRONYMS | _FEMININE_ACRONYMS:
        return folded[0] in "aeiou"  # "l'ARS", "l'UDAF", "l'OPH"
    return True


def guess_article(name: str) -> str:
    """A sensible default for the article of an organisation's name: "la" for « Région
    Hauts-de-France », "l'" for « Éducation nationale », "le" for « Département du Nord », "aucun"
    for a proper name (« France Travail », « Habitat Scarpe Logement »). The Cadrage lets the user
    correct it."""
    name = clean_name(name)
    lead = _leading_article(name)
    if lead:
        return lead[0]  # the article is part of the name: "La Poste", "Les Restos du cœur"
    first = _first_word(name)
    folded = _fold(first)
    if not folded:
        return "aucun"
    is_acronym = first.isupper() and len(first) > 1
    if is_acronym:
        if folded in _FEMININE_ACRONYMS:
            return "l'" if elides(first) else "la"
        if folded in _MASCULINE_ACRONYMS:
            return "l'" if elides(first) else "le"
        return "aucun"
    if folded in _PLURAL:
        return "les"
    if folded in _FEMININE:
        return "l'" if elides(first) else "la"
    if folded in _MASCULINE:
        return "l'" if elides(first) else "le"
    return "aucun"


def normalize_article(article: str | None) -> str:
    """A stored article value ("", "L’", " la ") as one of ARTICLES ("" -> "")."""
    text = (article or "").strip().casefold().replace("’", "'")
    if text in ("", "auto"):
        return ""
    if text in ("l", "l'"):
        return "l'"
    if text in ("aucun", "aucune", "none", "-", "—", "sans"):
        return "aucun"
    if text in ARTICLES:
        return text
    raise AnswerError(f"« {shown(article)} » n'est pas un article : le, la, l', les ou aucun")


_CONTRACTIONS = {
    "": {"le": "le ", "la": "la ", "l'": "l'", "les": "les ", "aucun": ""},
    "de": {"le": "du ", "la": "de la ", "l'": "de l'", "les": "des ", "aucun": "de "},
    "à": {"le": "au ", "la": "à la ", "l'": "à l'", "les": "aux ", "aucun": "à "},
}


def with_article(name: str, article: str | None = None, prep: str = "", capital: bool = False) -> str:
    """The name preceded by its article and a preposition, contracted and elided as French requires.

    `article` is the stored one ("le", "la", "l'", "les", "aucun"; empty or None: guessed from the
    name); `prep` is "" (the article alone), "de" or "à". Examples: ("Région Hauts-de-France", prep
    "de") -> "de la Région Hauts-de-France"; ("Éducation nationale", "de") -> "de l'Éducation
    nationale"; ("Département du Nord", "à") -> "au Département du Nord"; ("Habitat Scarpe
    Logement", "de") -> "d'Habitat Scarpe Logement"; `capital` capitalises the first letter (at the
    start of a sentence: "La Région…", "Du Département…"). An internal note such as "(bailleur)"
    is dropped. Plain apostrophes: the exporters apply French typography (’) to every line alike.
    """
    if prep not in _CONTRACTIONS:
        raise ValueError(f"unknown preposition: {prep!r}")
    name = clean_name(name)
    if not name:
        return ""
    art = normalize_article(article) or guess_article(name)
    lead = _leading_article(name)
    if lead and art == lead[0]:
        if art in ("le", "les") and prep:  # "Le Havre" -> "du Havre", "Les Restos" -> "des Restos"
            name = lead[1]
        else:  # "La Poste" -> "de La Poste": the article belongs to the name
            art = "aucun"
    if art == "aucun" and prep == "de" and elides(name):
        text = "d'" + name
    else:
        text = _CONTRACTIONS[prep][art] + name
    if capital and text:
        text = text[0].upper() + text[1:]
    return text


# --------------------------------------------------------------------------- times of day

_TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3])\s*(?:[:h.]\s*([0-5]\d)?)?\s*(?:min)?\s*$", re.IGNORECASE)


def parse_time(raw: Any) -> str:
    """A time of day as typed ("14:00", "14h", "14 h 30", "9h05") -> "HH:MM". Raise AnswerError."""
    m = _TIME_RE.match(str(raw or ""))
    if not m or not str(raw).strip():
        raise AnswerError(f"« {shown(raw)} » n'est pas une heure (par exemple 14:00)")
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def format_time(raw: Any) -> str:
    """French display of a time of day: "14:00" -> "14 h", "09:30" -> "9 h 30" (no-break spaces);
    unchanged when it is not a time."""
    try:
        hh, mm = parse_time(raw).split(":")
    except AnswerError:
        return str(raw or "")
    return f"{int(hh)}{NBSP}h" + (f"{NBSP}{mm}" if mm != "00" else "")


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
