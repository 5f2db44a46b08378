"""From the rows of a programmation sheet to action records, saying what was skipped and why.

Given a grid of cell values (merged cells already spread over their range), the header row and
the column mapping confirmed by the user, every row below the header becomes either an action
record, or a skipped row with a French reason: a total row, a section title ("PILIER 1 —
COHÉSION SOCIALE", kept as the pillar of the rows that follow), a repeated header, a row without
a title, a duplicate. Blank separator rows are passed over silently.

Keys: `series_key` links the same action across years (title and carrier, years removed);
`natural_key` identifies one funding row so that re-importing a file updates instead of
duplicating (the file number, else the series, the year and the quartiers).

Qt-free and without I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.identifiers import check_siret
from desktop_app.core.programmation import (
    AMOUNT_TARGETS,
    IGNORE,
    Target,
    clean_text,
    column_values,
    detect_header,
    header_labels,
    is_blank,
    normalize,
    parse_number,
    parse_year,
    parse_yes,
    propose_mapping,
)

Merge = tuple[int, int, int, int]  # 0-based inclusive (first row, first col, last row, last col)

_TOTAL = re.compile(r"^(sous )?(total|totaux)\b|^montant total\b|^total general\b")
_SECTION_WORDS = (
    "pilier", "axe", "theme", "thematique", "volet", "orientation", "priorite", "cohesion sociale",
    "cadre de vie", "emploi", "developpement economique", "renouvellement urbain", "education",
    "sante", "jeunesse", "citoyennete", "prevention", "tranquillite", "culture", "sport",
)
UNKNOWN_FUNDER = "Financeur non précisé"


@dataclass
class SheetGrid:
    """A sheet as read from the file: values by row, merged ranges (0-based)."""

    name: str
    rows: list[list[Any]]
    merged: list[Merge] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class SheetPlan:
    """How to read one sheet: header row (0-based, None when none was found), one target per
    column, the year of rows that carry none, and whether to import the sheet at all."""

    name: str
    header_row: int | None
    labels: list[str]
    mapping: list[Target]
    year: int | None = None
    enabled: bool = True
    note: str = ""

    def column_of(self, kind: str) -> int | None:
        for i, t in enumerate(self.mapping):
            if t.kind == kind:
                return i
        return None

    @property
    def long_format(self) -> bool:
        return self.column_of("funder") is not None


@dataclass
class ParsedRow:
    sheet: str
    row: int  # spreadsheet row number (1-based), as the user sees it
    title: str = ""
    carrier: str = ""
    siret: str = ""
    pillar: str = ""
    qpv: str = ""
    description: str = ""
    file_number: str = ""
    year: int | None = None
    amounts: dict[str, float] = field(default_factory=dict)
    requested: dict[str, float] = field(default_factory=dict)
    total_cost: float | None = None
    beneficiaries: int | None = None
    beneficiaries_qpv_share: float | None = None
    first_year: int | None = None
    multi_year: bool | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def series_key(self) -> str:
        return series_key(self.title, self.carrier)

    @property
    def natural_key(self) -> str:
        return natural_key(self.file_number, self.series_key, self.year, self.qpv)

    @property
    def total_amount(self) -> float:
        if self.amounts:
            return sum(self.amounts.values())
        if self.requested:
            return sum(self.requested.values())
        return self.total_cost or 0.0


@dataclass(frozen=True)
class RowOutcome:
    sheet: str
    row: int
    status: str  # ok | skipped | merged
    reason: str = ""
    record: ParsedRow | None = None


# --------------------------------------------------------------------------- keys

_YEARS = re.compile(r"\b(19|20)\d\d\b")
_EDITION = re.compile(r"\b(\d+ ?(e|eme|er|ere) edition|edition \d+|saison \d+|reconduction|renouvellement|v\d)\b")
_CARRIER_NOISE = re.compile(r"\b(association|asso|assoc|l|la|le|les|de|du|des|d)\b")


def series_key(title: str, carrier: str) -> str:
    """The same action across years: title without years or edition marks, and its carrier."""
    t = _EDITION.sub(" ", _YEARS.sub(" ", normalize(title)))
    c = _CARRIER_NOISE.sub(" ", normalize(carrier))
    return f"{' '.join(t.split())}|{' '.join(c.split())}"


def natural_key(file_number: str, series: str, year: int | None, qpv: str = "") -> str:
    number = normalize(file_number).replace(" ", "")
    if number:
        return f"dossier:{number}"
    return f"ligne:{series}|{year or ''}|{normalize(qpv)}"


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
        label = label[:1].upper() + label[1:]
    return label


def split_qpv(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,/\n]+|\s+\+\s+", text or "") if p.strip()]


# --------------------------------------------------------------------------- plans

def auto_plan(sheet: SheetGrid, filename: str = "") -> SheetPlan:
    """Header row, mapping and default year proposed for a sheet."""
    guess = detect_header(sheet.rows, sheet.merged)
    if guess is None:
        filled = sum(1 for r in sheet.rows if any(not is_blank(c) for c in r))
        note = "feuille vide" if not filled else "aucune ligne d'en-tête reconnue (intitulé de l'action, porteur, montants…)"
        return SheetPlan(sheet.name, None, [], [], None, False, note)
    return plan_for_header(sheet, guess.row, filename)


def plan_for_header(sheet: SheetGrid, header_row: int, filename: str = "") -> SheetPlan:
    labels = header_labels(sheet.rows, header_row, sheet.merged)
    columns = [column_values(sheet.rows, header_row + 1, c) for c in range(len(labels))]
    mapping = propose_mapping(labels, columns)
    above = " ".join(clean_text(c) for r in sheet.rows[:header_row] for c in r if not is_blank(c))
    year = infer_year(sheet.name, above, filename)
    return SheetPlan(sheet.name, header_row, labels, mapping, year, True)


# --------------------------------------------------------------------------- rows

def _row_merged(sheet: SheetGrid) -> set[int]:
    return {r1 for r1, c1, r2, c2 in sheet.merged if c2 > c1}


def _cell(row: Sequence[Any], col: int | None) -> Any:
    if col is None or col >= len(row):
        return None
    return row[col]


def _is_section(values: list[Any], merged_row: bool, title_value: Any) -> bool:
    distinct = {clean_text(v) for v in values if not is_blank(v)}
    if len(distinct) != 1:
        return False
    only = next(iter(distinct))
    if not isinstance(next(v for v in values if not is_blank(v)), str) or len(only) > 160:
        return False
    key = normalize(only)
    if merged_row or is_blank(title_value):
        return True
    return any(key.startswith(w) or re.match(rf"^(\d+|[ivx]+)\b.*\b{w}\b", key) for w in _SECTION_WORDS)


def _is_total(row: Sequence[Any], cols: Sequence[int]) -> str | None:
    for c in cols:
        v = _cell(row, c)
        if isinstance(v, str) and _TOTAL.search(normalize(v)):
            return clean_text(v)
    return None


def _number(value: Any, what: str, warnings: list[str]) -> float | None:
    n = parse_number(value)
    if n.note:
        warnings.append(f"{what} : {n.note}")
    return n.value


def _share(value: Any, label: str, beneficiaries: int | None, warnings: list[str]) -> float | None:
    n = parse_number(value)
    if n.note:
        warnings.append(f"bénéficiaires QPV : {n.note}")
    if n.value is None:
        return None
    v = n.value
    is_share = n.percent or "%" in label or normalize(label).startswith(("part", "taux", "pourcentage"))
    if is_share:
        return max(0.0, min(1.0, v / 100 if v > 1 else v))
    if v <= 1 and not float(v).is_integer():
        return v
    if beneficiaries:
        if v > beneficiaries:
            warnings.append(f"bénéficiaires QPV ({int(v)}) supérieurs au total ({beneficiaries}) : part ramenée à 100 %")
        return max(0.0, min(1.0, v / beneficiaries))
    warnings.append("bénéficiaires QPV donnés en nombre sans total de bénéficiaires : part non calculée")
    return None


def _add(target: dict[str, float], funder: str, value: float) -> None:
    target[funder] = round(target.get(funder, 0.0) + value, 2)


def interpret_sheet(sheet: SheetGrid, plan: SheetPlan) -> list[RowOutcome]:
    """Every non-blank row under the header, as an action record or a skipped row."""
    if plan.header_row is None or not plan.enabled:
        return []
    col = {kind: plan.column_of(kind) for kind in (
        "title", "carrier", "siret", "pillar", "qpv", "file_number", "year", "funder", "total_cost",
        "beneficiaries", "beneficiaries_qpv", "description", "first_year", "multi_year",
    )}
    amount_cols = [(i, t) for i, t in enumerate(plan.mapping) if t.kind in AMOUNT_TARGETS]
    label_cols = sorted({c for c in (col["title"], col["carrier"], col["file_number"], col["pillar"], 0, 1, 2) if c is not None})
    header_norm = [normalize(v) for v in sheet.rows[plan.header_row]]
    merged_rows = _row_merged(sheet)
    outcomes: list[RowOutcome] = []
    section = ""
    for r in range(plan.header_row + 1, len(sheet.rows)):
        row = list(sheet.rows[r])
        number = r + 1

        def skip(reason: str, n: int = number) -> None:
            outcomes.append(RowOutcome(plan.name, n, "skipped", reason))

        values = [v for v in row if not is_blank(v)]
        if not values:
            continue
        same = sum(1 for i, v in enumerate(row) if not is_blank(v) and i < len(header_norm) and normalize(v) == header_norm[i])
        if same >= max(2, int(0.6 * len(values))):
            skip("en-tête répété")
            continue
        total = _is_total(row, label_cols)
        if total:
            skip(f"ligne de total (« {total} »)")
            continue
        title_value = _cell(row, col["title"])
        if _is_section(row, r in merged_rows, title_value):
            section = section_label(values[0])
            skip(f"intertitre « {clean_text(values[0])} » (repris comme pilier « {section} » des actions qui suivent)")
            continue
        title = clean_text(title_value)
        has_amount = any(parse_number(_cell(row, i)).value for i, _ in amount_cols)
        if not title:
            skip("pas d'intitulé d'action (ligne de total ou de commentaire ?)" if has_amount else "pas d'intitulé d'action")
            continue
        rec = ParsedRow(sheet=plan.name, row=number, title=title)
        w = rec.warnings
        rec.carrier = clean_text(_cell(row, col["carrier"]))
        rec.pillar = clean_text(_cell(row, col["pillar"])) or section
        rec.qpv = ", ".join(split_qpv(clean_text(_cell(row, col["qpv"]))))
        rec.description = clean_text(_cell(row, col["description"]))
        rec.file_number = clean_text(_cell(row, col["file_number"]))
        raw_siret = clean_text(_cell(row, col["siret"]))
        if raw_siret:
            digits = re.sub(r"[\s.]", "", raw_siret)
            rec.siret = digits if digits.isdigit() else raw_siret
            problem = check_siret(rec.siret)
            if problem:
                w.append(f"SIRET « {raw_siret} » : {problem[0].lower() + problem[1:]} (conservé tel quel)")
        year_cell = _cell(row, col["year"])
        rec.year = parse_year(year_cell) if not is_blank(year_cell) else plan.year
        if rec.year is None and not is_blank(year_cell):
            w.append(f"année « {clean_text(year_cell)} » illisible")
            rec.year = plan.year
        if col["first_year"] is not None:
            rec.first_year = parse_year(_cell(row, col["first_year"]))
        if col["multi_year"] is not None:
            rec.multi_year = parse_yes(_cell(row, col["multi_year"]))
        funder_name = clean_text(_cell(row, col["funder"])) if col["funder"] is not None else ""
        for i, target in amount_cols:
            value = _number(_cell(row, i), f"montant « {plan.labels[i]} »", w)
            if value:
                funder = target.funder or funder_name or UNKNOWN_FUNDER
                _add(rec.amounts if target.kind == "amount" else rec.requested, funder, value)
        if col["total_cost"] is not None:
            rec.total_cost = _number(_cell(row, col["total_cost"]), "coût total", w)
        if col["beneficiaries"] is not None:
            value = _number(_cell(row, col["beneficiaries"]), "bénéficiaires", w)
            rec.beneficiaries = int(round(value)) if value is not None else None
        if col["beneficiaries_qpv"] is not None:
            rec.beneficiaries_qpv_share = _share(
                _cell(row, col["beneficiaries_qpv"]), plan.labels[col["beneficiaries_qpv"]], rec.beneficiaries, w
            )
        outcomes.append(RowOutcome(plan.name, number, "ok", "", rec))
    return outcomes


@dataclass
class FileReading:
    """What a file will give once imported, before anything is written."""

    outcomes: list[RowOutcome]
    sheet_notes: dict[str, str]

    @property
    def records(self) -> list[ParsedRow]:
        return [o.record for o in self.outcomes if o.status == "ok" and o.record is not None]

    @property
    def skipped(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


def interpret_file(
    sheets: Sequence[SheetGrid], plans: Sequence[SheetPlan], progress: Callable[[int, int], None] | None = None
) -> FileReading:
    """Interpret every enabled sheet; a row repeating an action of the same file is merged
    (one row per funder) or skipped as a duplicate."""
    by_name = {s.name: s for s in sheets}
    outcomes: list[RowOutcome] = []
    first: dict[str, RowOutcome] = {}
    notes = {p.name: p.note for p in plans if p.note}
    for n, plan in enumerate(plans):
        sheet = by_name.get(plan.name)
        if sheet is None or not plan.enabled or plan.header_row is None:
            continue
        if plan.column_of("title") is None:
            notes[plan.name] = "aucune colonne n'est associée à l'intitulé de l'action : feuille ignorée"
            continue
        for outcome in interpret_sheet(sheet, plan):
            rec = outcome.record
            if rec is None:
                outcomes.append(outcome)
                continue
            key = rec.natural_key
            earlier = first.get(key)
            if earlier is None:
                first[key] = outcome
                outcomes.append(outcome)
                continue
            where = f"ligne {earlier.row}" + (f" de la feuille « {earlier.sheet} »" if earlier.sheet != rec.sheet else "")
            if plan.long_format and earlier.record is not None:
                for funder, value in rec.amounts.items():
                    _add(earlier.record.amounts, funder, value)
                for funder, value in rec.requested.items():
                    _add(earlier.record.requested, funder, value)
                earlier.record.warnings.extend(rec.warnings)
                outcomes.append(RowOutcome(rec.sheet, rec.row, "merged", f"montants ajoutés à l'action de la {where}"))
            else:
                outcomes.append(RowOutcome(rec.sheet, rec.row, "skipped", f"doublon de la {where} (même action, même année)"))
        if progress:
            progress(n + 1, len(plans))
    return FileReading(outcomes, notes)


def describe(outcome_sheet: str, row: int, text: str, several_sheets: bool) -> str:
    where = f"Feuille « {outcome_sheet} », ligne {row}" if several_sheets else f"Ligne {row}"
    return f"{where} : {text}"


__all__ = [
    "FileReading", "IGNORE", "ParsedRow", "RowOutcome", "SheetGrid", "SheetPlan", "UNKNOWN_FUNDER",
    "auto_plan", "describe", "infer_year", "interpret_file", "interpret_sheet", "natural_key",
    "plan_for_header", "section_label", "series_key", "split_qpv",
]
