"""Keys and small readings of programmation rows: the same action across years, one funding row
across re-imports, a year in a title, a section title as a pillar name, a SIRET as spreadsheets
damage it, amounts to the cent.

`natural_key` is the stable key of a row (documented in `core.programmation_rows`):
`dossier:<file number>` when the row has one, else `ligne:<title>|<carrier>|<year>|<quartiers>`.

Qt-free and without I/O.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from desktop_app.core.identifiers import check_siret
from desktop_app.core.programmation import clean_text, normalize

# --------------------------------------------------------------------------- keys

_YEARS = re.compile(r"\b(19|20)\d\d\b")
_EDITION = re.compile(r"\b(\d+ ?(e|eme|er|ere) edition|edition \d+|saison \d+|reconduction|renouvellement|v\d)\b")
_CARRIER_NOISE = re.compile(r"\b(association|asso|assoc|l|la|le|les|de|du|des|d)\b")


def _bounded(key: str, limit: int) -> str:
    """A key that fits its column: a long one keeps its start and a digest of the whole."""
    if len(key) <= limit:
        return key
    return key[: limit - 14] + "~" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:13]


def series_key(title: str, carrier: str) -> str:
    """The same action across years: title without years or edition marks, and its carrier."""
    t = _EDITION.sub(" ", _YEARS.sub(" ", normalize(title)))
    c = _CARRIER_NOISE.sub(" ", normalize(carrier))
    return _bounded(f"{' '.join(t.split())}|{' '.join(c.split())}", 480)


def natural_key(file_number: str, series: str, year: int | None, qpv: str = "") -> str:
    number = normalize(file_number).replace(" ", "")
    if number:
        return _bounded(f"dossier:{number}", 580)
    return _bounded(f"ligne:{series}|{year or ''}|{normalize(qpv)}", 580)  # room for a "#2" suffix


def infer_year(*texts: str) -> int | None:
    """The first plausible year in a sheet name, a title row or a file name."""
    for text in texts:
        m = re.search(r"(?<!\d)(20[0-4]\d)(?!\d)", text or "")
        if m:
            return int(m.group(1))
    return None


_SECTION_PREFIX = re.compile(
    r"^\s*(pilier|axe|volet|th[èe]me|th[ée]matique|orientation|priorit[ée])?\s*([0-9]+|[IVX]+)?\s*[—–:.\-]\s*",
    re.IGNORECASE,
)


def section_label(text: str) -> str:
    """A section title as a pillar name: "PILIER 2 — CADRE DE VIE" -> "Cadre de vie"."""
    label = clean_text(text)
    stripped = _SECTION_PREFIX.sub("", label, count=1).strip()
    if stripped and stripped != label and len(stripped) >= 3:
        label = stripped
    letters = [ch for ch in label if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.8 * len(letters):
        label = label.lower()
    return label[:1].upper() + label[1:]


def split_qpv(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,/\n]+|\s+\+\s+", text or "") if p.strip()]


CENT = Decimal("0.01")


def to_decimal(value: float | None) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(repr(float(value))).quantize(CENT)


def repair_siret(value: Any) -> tuple[str, str | None]:
    """A SIRET as typed or as a spreadsheet turned it (21860194600000.0, 2.18601946E+13 aside),
    and a French remark when it is not a valid one."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = clean_text(value)
    text = re.sub(r"[.,]0+$", "", raw) if re.fullmatch(r"[\d\s]+[.,]0+", raw) else raw
    digits = re.sub(r"[\s.]", "", text)
    if not digits.isdigit():
        return raw, f"SIRET « {raw} » : ce n'est pas un numéro (conservé tel quel)"
    if len(digits) == 13 and not check_siret(digits.zfill(14)):
        digits = digits.zfill(14)  # a leading zero lost by a number cell
    problem = check_siret(digits)
    if problem:
        return digits, f"SIRET « {raw} » : {problem[0].lower() + problem[1:]} (conservé tel quel)"
    return digits, None
