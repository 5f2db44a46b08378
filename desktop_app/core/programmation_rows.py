"""From the rows of a programmation sheet to action records, saying what was skipped and why.

Given a grid of cell values (merged cells already spread over their range), the header row and
the column mapping confirmed by the user, every row below the header becomes either an action
record, a structure row (a total, a section title such as "PILIER 1 — COHÉSION SOCIALE" kept as
the pillar of the rows that follow, a repeated header whose "(theme)" starts a section), or a row
left out with a French reason (neither title nor carrier, a duplicate). A row without a title but
with a carrier is imported under a title built from its nature, object and carrier. Blank
separator rows are passed over silently.

Every data row is accounted for: imported (`ok`, or `merged` into the action of an earlier row
in a one-row-per-funder file) or left out (`skipped`) with its reason and its amount. Section
titles, repeated headers and total rows (labelled "Total…", or unlabelled amounts equal to the sum
of the rows above them) are structure (`section`, `header`, `total`): never counted. The amount
of the file is the sum of its data rows (granted amounts, else requested amounts), in Decimal to
the cent, so that imported + left out = file.

Keys: `series_key` links the same action across years (title and carrier, years removed);
`natural_key` identifies one funding row so that re-importing a file updates instead of
duplicating. It is `dossier:<file number>` when the row has one, else
`ligne:<title>|<carrier>|<year>|<quartiers>` (normalized); when several different rows of one
file share that key (two subsidies to the same carrier and object in a year, for other amounts),
the 2nd, 3rd… get `#2`, `#3` in file order. Only rows identical in every mapped field are
duplicates. The same file imported again gives the same keys: nothing is added.

Qt-free and without I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop_app.core.programmation import (
    AMOUNT_TARGETS,
    IGNORE,
    Target,
    clean_text,
    is_blank,
    normalize,
    parse_number,
    parse_year,
    parse_yes,
)
from desktop_app.core.programmation_headers import (
    column_values,
    detect_header,
    header_parts,
    looks_like_value,
    propose_mapping,
)
from desktop_app.core.programmation_keys import (
    infer_year,
    natural_key,
    repair_siret,
    section_label,
    series_key,
    split_qpv,
    to_decimal,
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
    key_suffix: str = ""  # "#2" for the second different row with the same key in a file
    built_title: bool = False  # the file had no title: built from the nature, object, carrier
    unreadable: list[str] = field(default_factory=list)  # amount cells that could not be read ("NC")
    sources: list[tuple[int, Decimal]] = field(default_factory=list)  # (row, amount) merged into it

    @property
    def series_key(self) -> str:
        return series_key(self.title, self.carrier)

    @property
    def base_key(self) -> str:
        return natural_key(self.file_number, self.series_key, self.year, self.qpv)

    @property
    def natural_key(self) -> str:
        return self.base_key + self.key_suffix

    @property
    def amount(self) -> Decimal:
        """The reconciled amount of the file rows this record holds."""
        return sum((a for _r, a in self.sources), Decimal(0))

    def content(self) -> tuple:
        """Every mapped field: two rows with the same content are duplicates."""
        return (
            self.title, self.carrier, self.siret, self.pillar, self.qpv, self.description, self.file_number,
            self.year, tuple(sorted(self.amounts.items())), tuple(sorted(self.requested.items())), self.total_cost,
            self.beneficiaries, self.beneficiaries_qpv_share, self.first_year, self.multi_year,
            tuple(self.unreadable),
        )

    @property
    def total_amount(self) -> float:
        if self.amounts:
            return sum(self.amounts.values())
        if self.requested:
            return sum(self.requested.values())
        return self.total_cost or 0.0


DATA_STATUSES = frozenset({"ok", "merged", "skipped"})


@dataclass(frozen=True)
class RowOutcome:
    sheet: str
    row: int
    status: str  # data rows: ok | merged | skipped (left out); structure: section | header | total
    reason: str = ""
    record: ParsedRow | None = None
    amount: Decimal = Decimal(0)  # the row's amount (data rows; totals: the total read)
    section: str = ""

    @property
    def is_data(self) -> bool:
        return self.status in DATA_STATUSES


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
    labels, subs = header_parts(sheet.rows, header_row, sheet.merged)
    columns = [column_values(sheet.rows, header_row + 1, c) for c in range(len(labels))]
    mapping = propose_mapping(labels, columns, subs)
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
    if looks_like_value(only):
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


_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_UNIT = re.compile(r"^(en )?(€|eur|euros?|k€|ht|ttc|n°|nb|%|s|e|es|x)$", re.IGNORECASE)


def _strip_theme(value: Any) -> tuple[str, str]:
    """A header cell without its parenthesised theme: "Association (santé)" -> ("association", "santé")."""
    text = clean_text(value)
    m = _PAREN.match(text)
    if m and not _UNIT.match(m.group(2).strip()) and len(m.group(2)) >= 3 and m.group(1):
        return normalize(m.group(1)), m.group(2).strip()
    return normalize(text), ""


def _header_theme(row: Sequence[Any], header_norm: Sequence[str]) -> tuple[bool, str]:
    """Whether a row repeats the header (themes in brackets aside), and the theme it names."""
    values = [(i, v) for i, v in enumerate(row) if not is_blank(v)]
    if not values:
        return False, ""
    same, theme = 0, ""
    for i, v in values:
        base, t = _strip_theme(v)
        if i < len(header_norm) and base and base == header_norm[i]:
            same += 1
            theme = theme or t
    return same >= max(2, int(0.6 * len(values))), theme


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


# The longest text each field keeps (the database columns' sizes).
FIELD_LIMITS = {"title": 400, "carrier": 300, "pillar": 200, "qpv": 400, "file_number": 80, "siret": 20}


def _fit(rec: ParsedRow) -> None:
    """Shorten what does not fit its field, saying so; a long title (a SCDL object written as a
    paragraph) is kept whole in the description."""
    for name, limit in FIELD_LIMITS.items():
        value = getattr(rec, name)
        if len(value) > limit:
            if name == "title" and not rec.description:
                rec.description = value
            setattr(rec, name, value[: limit - 1].rstrip() + "…")
            rec.warnings.append(f"{name_fr(name)} de plus de {limit} caractères : raccourci")


def name_fr(name: str) -> str:
    return {"title": "intitulé", "carrier": "porteur", "pillar": "pilier", "qpv": "quartiers",
            "file_number": "n° de dossier", "siret": "SIRET"}[name]


def _built_title(nature: str, description: str, carrier: str) -> str:
    what = nature or description or "Subvention"
    return f"{what} — {carrier}" if carrier else what


@dataclass
class _Cols:
    plan: SheetPlan

    def __post_init__(self) -> None:
        self.of = {kind: self.plan.column_of(kind) for kind in (
            "title", "carrier", "siret", "pillar", "qpv", "file_number", "year", "funder", "total_cost",
            "beneficiaries", "beneficiaries_qpv", "description", "first_year", "multi_year", "nature",
        )}
        self.amounts = [(i, t) for i, t in enumerate(self.plan.mapping) if t.kind in AMOUNT_TARGETS]
        granted = [i for i, t in self.amounts if t.kind == "amount"]
        self.reconciled = granted or [i for i, _t in self.amounts]  # the amounts the file adds up

    def amount(self, row: Sequence[Any]) -> Decimal:
        return sum((to_decimal(parse_number(_cell(row, i)).value) for i in self.reconciled), Decimal(0))


def interpret_sheet(sheet: SheetGrid, plan: SheetPlan) -> list[RowOutcome]:
    """Every non-blank row under the header: a data row (an action record, or left out with its
    reason and amount) or a structure row (section title, repeated header, total)."""
    if plan.header_row is None or not plan.enabled:
        return []
    cols = _Cols(plan)
    col = cols.of
    label_cols = sorted({c for c in (col["title"], col["carrier"], col["file_number"], col["pillar"], 0, 1, 2) if c is not None})
    text_cols = [c for c in (col["title"], col["carrier"], col["file_number"], col["siret"], col["description"]) if c is not None]
    header_norm = [_strip_theme(v)[0] for v in sheet.rows[plan.header_row]]
    merged_rows = _row_merged(sheet)
    outcomes: list[RowOutcome] = []
    section = _header_theme(sheet.rows[plan.header_row], header_norm)[1]
    if section:
        section = section_label(section)
        outcomes.append(RowOutcome(plan.name, plan.header_row + 1, "header",
                                   f"en-tête : début de la section « {section} »", section=section))
    since_section = since_total = overall = Decimal(0)
    for r in range(plan.header_row + 1):  # data at or above the header (a header row set too low): listed
        row = sheet.rows[r]
        amount = cols.amount(row)
        named = any(not is_blank(_cell(row, c)) and not looks_like_value(_cell(row, c))
                    for c in (col["title"], col["carrier"]) if c is not None)
        valued = any(looks_like_value(_cell(row, i)) for i in cols.reconciled)  # "2024" heads a column
        if amount and valued and named and not _is_total(row, label_cols) and len({clean_text(v) for v in row if not is_blank(v)}) > 1:
            where = ("ligne choisie comme en-tête alors qu'elle contient un montant" if r == plan.header_row
                     else "au-dessus de la ligne d'en-tête")
            outcomes.append(RowOutcome(plan.name, r + 1, "skipped", f"{where} : vérifiez la ligne d'en-tête choisie",
                                       None, amount))
            overall += amount
    for r in range(plan.header_row + 1, len(sheet.rows)):
        row = list(sheet.rows[r])
        number = r + 1
        values = [v for v in row if not is_blank(v)]
        if not values:
            continue
        amount = cols.amount(row)

        def left_out(reason: str, n: int = number, a: Decimal = amount, sec: str = section) -> None:
            outcomes.append(RowOutcome(plan.name, n, "skipped", reason, None, a, sec))

        repeated, theme = _header_theme(row, header_norm)
        if repeated:
            if theme:
                section = theme = section_label(theme)
                since_section = Decimal(0)
            outcomes.append(RowOutcome(plan.name, number, "header", "en-tête répété" + (
                f" : début de la section « {theme} »" if theme else ""), section=section))
            continue
        total = _is_total(row, label_cols)
        if total:
            outcomes.append(RowOutcome(plan.name, number, "total", f"ligne de total (« {total} »)", None, amount, section))
            since_total = Decimal(0)
            continue
        title_value = _cell(row, col["title"])
        if _is_section(row, r in merged_rows, title_value):
            section = section_label(values[0])
            since_section = Decimal(0)
            use = ("pilier des actions qui suivent dont la colonne pilier est vide" if col["pillar"] is not None
                   else f"repris comme pilier « {section} » des actions qui suivent")
            outcomes.append(RowOutcome(plan.name, number, "section",
                                       f"intertitre « {clean_text(values[0])} » ({use})", section=section))
            continue
        unlabelled = all(is_blank(_cell(row, c)) for c in text_cols)
        if unlabelled and amount and amount in (since_section, since_total, overall):
            outcomes.append(RowOutcome(plan.name, number, "total",
                                       "ligne de total sans libellé (somme des lignes au-dessus)", None, amount, section))
            since_total = Decimal(0)
            continue
        since_section += amount
        since_total += amount
        overall += amount
        title = clean_text(title_value)
        carrier = clean_text(_cell(row, col["carrier"]))
        if not title and not carrier:
            left_out("ni intitulé d'action ni porteur" + (" (ligne de commentaire ?)" if not amount else ""))
            continue
        rec = ParsedRow(sheet=plan.name, row=number, title=title, carrier=carrier)
        w = rec.warnings
        pillar_cell = clean_text(_cell(row, col["pillar"]))
        rec.pillar = pillar_cell or section
        rec.qpv = ", ".join(split_qpv(clean_text(_cell(row, col["qpv"]))))
        rec.description = clean_text(_cell(row, col["description"]))
        rec.file_number = clean_text(_cell(row, col["file_number"]))
        if not title:
            nature = clean_text(_cell(row, col["nature"]))
            rec.title = _built_title(nature, rec.description, carrier)
            rec.built_title = True
            w.append(f"pas d'intitulé : action nommée « {rec.title} » d'après la ligne")
        raw_siret = _cell(row, col["siret"])
        if not is_blank(raw_siret):
            rec.siret, problem = repair_siret(raw_siret)
            if problem:
                w.append(problem)
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
        for i, target in cols.amounts:
            cell = _cell(row, i)
            parsed = parse_number(cell)
            if parsed.note:
                w.append(f"montant « {plan.labels[i]} » : {parsed.note}")
            if parsed.value is None and not is_blank(cell):
                rec.unreadable.append(clean_text(cell))
            if parsed.value:
                funder = target.funder or funder_name or UNKNOWN_FUNDER
                _add(rec.amounts if target.kind == "amount" else rec.requested, funder, parsed.value)
        if col["total_cost"] is not None:
            rec.total_cost = _number(_cell(row, col["total_cost"]), "coût total", w)
        if col["beneficiaries"] is not None:
            value = _number(_cell(row, col["beneficiaries"]), "bénéficiaires", w)
            rec.beneficiaries = int(round(value)) if value is not None else None
        if col["beneficiaries_qpv"] is not None:
            rec.beneficiaries_qpv_share = _share(
                _cell(row, col["beneficiaries_qpv"]), plan.labels[col["beneficiaries_qpv"]], rec.beneficiaries, w
            )
        _fit(rec)
        rec.sources.append((number, amount))
        outcomes.append(RowOutcome(plan.name, number, "ok", "", rec, amount, section))
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
        """The data rows left out (duplicates, rows without title nor carrier…)."""
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def data_rows(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.is_data]

    @property
    def amount_file(self) -> Decimal:
        return sum((o.amount for o in self.data_rows), Decimal(0))

    @property
    def amount_left_out(self) -> Decimal:
        return sum((o.amount for o in self.skipped), Decimal(0))

    @property
    def amount_kept(self) -> Decimal:
        return sum((rec.amount for rec in self.records), Decimal(0))

    @property
    def sections(self) -> list[str]:
        found = [o.section for o in self.outcomes if o.status in ("section", "header") and o.section]
        return list(dict.fromkeys(found))

    @property
    def totals(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status == "total"]


def interpret_file(
    sheets: Sequence[SheetGrid], plans: Sequence[SheetPlan], progress: Callable[[int, int], None] | None = None
) -> FileReading:
    """Interpret every enabled sheet. A row identical in every mapped field to an earlier one is
    a duplicate (left out); in a one-row-per-funder file a row bringing another funder's amount
    to an earlier row's action is merged into it; any other row is its own record."""
    by_name = {s.name: s for s in sheets}
    outcomes: list[RowOutcome] = []
    contents: dict[tuple, RowOutcome] = {}
    by_base: dict[str, list[ParsedRow]] = {}
    notes = {p.name: p.note for p in plans if p.note}
    for n, plan in enumerate(plans):
        sheet = by_name.get(plan.name)
        if sheet is None or not plan.enabled or plan.header_row is None:
            continue
        if plan.column_of("title") is None and plan.column_of("carrier") is None:
            notes[plan.name] = ("aucune colonne n'est associée à l'intitulé de l'action ni au porteur : "
                                "feuille ignorée")
            continue
        for outcome in interpret_sheet(sheet, plan):
            rec = outcome.record
            if rec is None:
                outcomes.append(outcome)
                continue
            content = rec.content()
            earlier = contents.get(content)
            if earlier is not None:
                where = f"ligne {earlier.row}" + (f" de la feuille « {earlier.sheet} »" if earlier.sheet != rec.sheet else "")
                outcomes.append(RowOutcome(rec.sheet, rec.row, "skipped",
                                           f"doublon de la {where} (identique dans toutes les colonnes importées)",
                                           rec, outcome.amount, outcome.section))
                continue
            contents[content] = outcome
            same = by_base.setdefault(rec.base_key, [])
            host = next((e for e in same if plan.long_format and not (set(e.amounts) & set(rec.amounts))
                         and not (set(e.requested) & set(rec.requested))), None)
            if host is not None:
                for funder, value in rec.amounts.items():
                    _add(host.amounts, funder, value)
                for funder, value in rec.requested.items():
                    _add(host.requested, funder, value)
                host.warnings.extend(rec.warnings)
                host.unreadable.extend(rec.unreadable)
                host.sources.extend(rec.sources)
                where = f"ligne {host.row}" + (f" de la feuille « {host.sheet} »" if host.sheet != rec.sheet else "")
                outcomes.append(RowOutcome(rec.sheet, rec.row, "merged", f"montants ajoutés à l'action de la {where}",
                                           host, outcome.amount, outcome.section))
                continue
            if same:
                rec.key_suffix = f"#{len(same) + 1}"
            same.append(rec)
            outcomes.append(outcome)
        if progress:
            progress(n + 1, len(plans))
    return FileReading(outcomes, notes)


def describe(outcome_sheet: str, row: int, text: str, several_sheets: bool) -> str:
    where = f"Feuille « {outcome_sheet} », ligne {row}" if several_sheets else f"Ligne {row}"
    return f"{where} : {text}"


__all__ = [
    "FileReading", "IGNORE", "repair_siret", "to_decimal", "ParsedRow", "RowOutcome", "SheetGrid", "SheetPlan", "UNKNOWN_FUNDER",
    "auto_plan", "describe", "infer_year", "interpret_file", "interpret_sheet", "natural_key",
    "plan_for_header", "section_label", "series_key", "split_qpv",
]
