"""Importing a programmation file (.xlsx or .csv) into the actions of an evaluation.

`read_sheets` turns a file into grids of values (merged cells spread over their range, CSV
encoding and delimiter detected) or refuses it with a French message naming the file;
`ImportMixin` (mixed into `ActionService`) previews a file (header row and proposed mapping
per sheet) and imports it in one transaction: rows already known (same natural key) are
updated, new rows of a known action (same series) are linked to it, the others create actions.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop_app.core.programmation import normalize
from desktop_app.core.programmation_rows import (
    FileReading,
    ParsedRow,
    SheetGrid,
    SheetPlan,
    auto_plan,
    describe,
    interpret_file,
    split_qpv,
)
from desktop_app.services.base import ServiceError
from desktop_app.store.models import new_id
from desktop_app.store.models_actions import Action, ActionFunding

Progress = Callable[[int, int, str], None]
MAX_BLANK_RUN = 500  # stop reading a sheet after this many blank rows in a row
ACTION_FIELDS = ("title", "carrier", "siret", "pillar", "qpv", "description", "first_year", "multi_year")
FUNDING_FIELDS = (
    "year", "file_number", "qpv", "amounts", "requested", "total_cost", "beneficiaries", "beneficiaries_qpv_share",
)


# --------------------------------------------------------------------------- reading files

def _refuse(path: Path, why: str) -> ServiceError:
    return ServiceError(f"« {path.name} » {why} Aucune action n'a été importée.")


def read_sheets(path: Path) -> tuple[list[SheetGrid], str]:
    """The sheets of a programmation file and a short French description of the format read."""
    path = Path(path)
    if not path.is_file():
        raise ServiceError(f"Fichier introuvable : {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError(f"Impossible de lire « {path.name} » : {exc.strerror}.") from None
    if not data.strip():
        raise _refuse(path, "est vide.")
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(path, data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            path,
            "est au format Excel 97-2003 (.xls), que l'application ne lit pas : ouvrez-le dans Excel ou "
            "LibreOffice et enregistrez-le au format .xlsx ou .csv.",
        )
    if data.startswith(b"%PDF"):
        raise _refuse(path, "est un document PDF, pas un tableur : exportez la programmation au format .xlsx ou .csv.")
    return _read_csv(path, data)


def _read_zip(path: Path, data: bytes) -> tuple[list[SheetGrid], str]:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise _refuse(path, "est endommagé : ce n'est pas un classeur lisible.") from None
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise _refuse(path, "est un classeur OpenDocument (.ods) : enregistrez-le au format .xlsx ou .csv.")
        if "word/document.xml" in names:
            raise _refuse(path, "est un document Word, pas un tableur (.xlsx ou .csv attendu).")
        raise _refuse(path, "n'est pas un tableur (.xlsx ou .csv attendu).")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise _refuse(path, "n'a pas pu être lu comme un classeur Excel (fichier endommagé ?).") from None
    sheets = []
    for ws in wb.worksheets:
        rows: list[list[Any]] = []
        blank_run = 0
        for values in ws.iter_rows(values_only=True):
            row = list(values)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    break
            else:
                blank_run = 0
            rows.append(row)
        while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
            rows.pop()
        merged = []
        for rng in ws.merged_cells.ranges:
            r1, c1, r2, c2 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
            if r1 >= len(rows):
                continue
            merged.append((r1, c1, min(r2, len(rows) - 1), c2))
            value = rows[r1][c1] if c1 < len(rows[r1]) else None
            for r in range(r1, min(r2, len(rows) - 1) + 1):
                row = rows[r]
                if len(row) <= c2:
                    row.extend([None] * (c2 + 1 - len(row)))
                for c in range(c1, c2 + 1):
                    row[c] = value
        sheets.append(SheetGrid(ws.title, rows, merged))
    return sheets, f"classeur Excel, {len(sheets)} feuille{'s' if len(sheets) > 1 else ''}"


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _read_csv(path: Path, data: bytes) -> tuple[list[SheetGrid], str]:
    sample_bytes = data[:4096]
    if b"\x00" in sample_bytes:
        raise _refuse(path, "n'est pas un tableur (.xlsx ou .csv attendu).")
    text, encoding = _decode(data)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 4:
        raise _refuse(path, "n'est pas un tableur (.xlsx ou .csv attendu).")
    sample = "\n".join(text.splitlines()[:40])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (";", "\t", ",", "|")}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ";"
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    rows = [[c if c.strip() else None for c in r] for r in rows]
    while rows and all(c is None for c in rows[-1]):
        rows.pop()
    names = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
    label = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}[encoding]
    return [SheetGrid(path.stem, rows)], f"fichier CSV ({label}, séparateur {names.get(delimiter, delimiter)})"


# --------------------------------------------------------------------------- preview and report

@dataclass
class ImportPreview:
    """A file read and interpreted, nothing written yet. The dialog edits `plans`."""

    path: Path
    format: str
    sheets: list[SheetGrid]
    plans: list[SheetPlan]

    @property
    def several_sheets(self) -> bool:
        return sum(1 for p in self.plans if p.header_row is not None) > 1

    def sheet(self, name: str) -> SheetGrid:
        return next(s for s in self.sheets if s.name == name)

    def reading(self) -> FileReading:
        return interpret_file(self.sheets, self.plans)

    def messages(self, reading: FileReading | None = None) -> list[str]:
        reading = reading or self.reading()
        several = self.several_sheets
        out = [f"Feuille « {name} » : {note}" for name, note in reading.sheet_notes.items() if note]
        for o in reading.outcomes:
            if o.status != "ok":
                out.append(describe(o.sheet, o.row, o.reason, several))
            if o.record is not None:
                out.extend(describe(o.sheet, o.row, w, several) for w in o.record.warnings)
        return out


@dataclass(frozen=True)
class ImportReport:
    filename: str
    imported: int  # new rows written (new actions, or new years of a known action)
    updated: int  # rows already known, brought up to date (changed or not)
    skipped: int
    new_actions: int
    linked: int  # new years linked to an action already known (recurring action)
    unchanged: int  # among `updated`, the rows that were already identical
    errors: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated, "skipped": self.skipped, "errors": list(self.errors)}

    def summary(self) -> str:
        """One French sentence for the status bar or the end-of-import dialog."""
        parts = [f"{self.imported} ligne{'s' if self.imported > 1 else ''} importée{'s' if self.imported > 1 else ''}"]
        if self.imported:
            parts[0] += f" ({self.new_actions} nouvelle{'s' if self.new_actions > 1 else ''} action{'s' if self.new_actions > 1 else ''}"
            parts[0] += f", {self.linked} reconduite{'s' if self.linked > 1 else ''})" if self.linked else ")"
        changed = self.updated - self.unchanged
        parts.append(f"{self.updated} déjà connue{'s' if self.updated > 1 else ''}"
                     + (f" dont {changed} mise{'s' if changed > 1 else ''} à jour" if self.updated else ""))
        parts.append(f"{self.skipped} ignorée{'s' if self.skipped > 1 else ''}")
        return f"« {self.filename} » : " + ", ".join(parts) + "."


# --------------------------------------------------------------------------- writing

def _funding_values(rec: ParsedRow) -> dict[str, Any]:
    return {
        "year": rec.year, "file_number": rec.file_number, "qpv": rec.qpv, "amounts": dict(rec.amounts),
        "requested": dict(rec.requested), "total_cost": rec.total_cost, "beneficiaries": rec.beneficiaries,
        "beneficiaries_qpv_share": rec.beneficiaries_qpv_share,
    }


def _same_action(action: Action, rec: ParsedRow) -> bool:
    """Whether a row found by its file number really is this action (its title may have been
    retouched, not replaced by another action's)."""
    if action.series_key == rec.series_key:
        return True
    a, b = normalize(action.title), normalize(rec.title)
    if a == b or (normalize(action.carrier) and normalize(action.carrier) == normalize(rec.carrier)):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.6


def _merge_qpv(old: str, new: str) -> str:
    seen = {normalize(p): p for p in split_qpv(old)}
    for p in split_qpv(new):
        seen.setdefault(normalize(p), p)
    return ", ".join(seen.values())


class ImportMixin:
    """Preview and import of programmation files (mixed into ActionService)."""

    def preview(self, path: str | Path) -> ImportPreview:
        path = Path(path)
        sheets, fmt = read_sheets(path)
        if not any(s.rows for s in sheets):
            raise _refuse(path, "ne contient aucune donnée.")
        plans = [auto_plan(s, path.name) for s in sheets]
        if not any(p.header_row is not None for p in plans):
            raise _refuse(
                path,
                "ne contient aucune ligne d'en-tête reconnue : il faut au moins une colonne « Intitulé de "
                "l'action » et une autre colonne connue (porteur, montant, QPV…).",
            )
        return ImportPreview(path, fmt, sheets, plans)

    def import_file(
        self, evaluation_id: str, path: str | Path, plans: list[SheetPlan] | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import a programmation in one transaction. `plans` are the sheets' header rows and
        mappings as confirmed by the user (proposed ones when None)."""
        preview = self.preview(path)
        if plans is not None:
            preview.plans = list(plans)
        if progress:
            progress(0, 100, "Lecture du fichier…")
        reading = preview.reading()
        messages = preview.messages(reading)
        records = reading.records
        if not records:
            detail = "\n".join(messages[:5])
            raise _refuse(preview.path, "ne contient aucune action importable." + (f"\n{detail}" if detail else ""))
        skipped = len(reading.skipped)
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            counts, extra_messages = self._write_records(s, evaluation_id, preview.path.name, records, progress)
        skipped += counts["skipped"]
        return ImportReport(
            preview.path.name, counts["imported"], counts["updated"], skipped, counts["new_actions"],
            counts["linked"], counts["unchanged"], tuple(messages + extra_messages),
        )

    def _write_records(self, s, evaluation_id: str, filename: str, records: list[ParsedRow], progress: Progress | None):
        fundings = list(s.scalars(select(ActionFunding).where(ActionFunding.evaluation_id == evaluation_id)))
        by_key = {f.natural_key: f for f in fundings}
        actions = {a.id: a for a in s.scalars(select(Action).where(Action.evaluation_id == evaluation_id))}
        live = [a for a in actions.values() if not a.deleted]
        by_series: dict[str, Action] = {}
        by_title_siret: dict[tuple[str, str], Action] = {}
        for a in sorted(live, key=lambda a: a.created_at):
            by_series.setdefault(a.series_key, a)
            if a.siret:
                by_title_siret.setdefault((normalize(a.title), a.siret), a)
        latest: dict[str, int] = {}
        for f in fundings:
            if not f.deleted and f.year is not None:
                latest[f.action_id] = max(latest.get(f.action_id, f.year), f.year)
        position = max((a.position for a in actions.values()), default=-1) + 1
        counts = dict.fromkeys(("imported", "updated", "skipped", "new_actions", "linked", "unchanged"), 0)
        messages: list[str] = []
        several = len({r.sheet for r in records}) > 1
        for n, rec in enumerate(records):
            if progress and n % 25 == 0:
                progress(10 + int(85 * n / len(records)), 100, f"Enregistrement des actions ({n}/{len(records)})…")
            funding = by_key.get(rec.natural_key)
            if funding is not None:
                action = actions.get(funding.action_id)
                if funding.deleted or action is None or action.deleted:
                    counts["skipped"] += 1
                    messages.append(describe(rec.sheet, rec.row, "action supprimée dans l'application : non réimportée", several))
                    continue
                if not _same_action(action, rec):
                    counts["skipped"] += 1
                    messages.append(describe(rec.sheet, rec.row, (
                        f"le n° de dossier « {rec.file_number} » est déjà celui de « {action.title} »"
                        f"{f' ({action.carrier})' if action.carrier else ''} : ligne ignorée, vérifiez le fichier"), several))
                    continue
                changed = self._update_funding(funding, rec, filename)
                changed = self._update_action(action, rec, latest.get(action.id)) or changed
                counts["updated"] += 1
                if not changed:
                    counts["unchanged"] += 1
                if rec.year is not None:
                    latest[action.id] = max(latest.get(action.id, rec.year), rec.year)
                continue
            action = by_series.get(rec.series_key) or (by_title_siret.get((normalize(rec.title), rec.siret)) if rec.siret else None)
            if action is not None:
                counts["linked"] += 1
                self._update_action(action, rec, latest.get(action.id))
            else:
                action = Action(id=new_id(), evaluation_id=evaluation_id, position=position, series_key=rec.series_key,
                                source="import", edited_fields=[])
                position += 1
                for key in ACTION_FIELDS:
                    value = getattr(rec, key)
                    setattr(action, key, value if value is not None or key in ("first_year", "multi_year") else "")
                self.stamp_new(action)
                s.add(action)
                actions[action.id] = action
                by_series[action.series_key] = action
                if action.siret:
                    by_title_siret.setdefault((normalize(action.title), action.siret), action)
                counts["new_actions"] += 1
            funding = ActionFunding(evaluation_id=evaluation_id, action_id=action.id, natural_key=rec.natural_key, edited_fields=[])
            for key, value in _funding_values(rec).items():
                setattr(funding, key, value)
            funding.source_file, funding.source_sheet, funding.source_row = filename, rec.sheet, rec.row
            funding.position = n
            self.stamp_new(funding)
            s.add(funding)
            by_key[rec.natural_key] = funding
            if rec.year is not None:
                latest[action.id] = max(latest.get(action.id, rec.year), rec.year)
            counts["imported"] += 1
        if progress:
            progress(100, 100, "Import terminé.")
        return counts, messages

    def _update_funding(self, funding: ActionFunding, rec: ParsedRow, filename: str) -> bool:
        changed = False
        for key, value in _funding_values(rec).items():
            if key in (funding.edited_fields or []):
                continue
            if getattr(funding, key) != value:
                setattr(funding, key, value)
                changed = True
        if changed:
            funding.source_file, funding.source_sheet, funding.source_row = filename, rec.sheet, rec.row
            self.touch(funding)
        return changed

    def _update_action(self, action: Action, rec: ParsedRow, latest_year: int | None) -> bool:
        """Bring an action up to date from a row of its latest year (never an older one); fields
        corrected by hand and values missing from the row are left alone."""
        if latest_year is not None and rec.year is not None and rec.year < latest_year:
            return False
        same_year = latest_year is not None and rec.year == latest_year
        changed = False
        for key in ACTION_FIELDS:
            if key in (action.edited_fields or []):
                continue
            value = getattr(rec, key)
            if value is None or value == "":
                continue
            if key == "qpv" and same_year:
                value = _merge_qpv(action.qpv, value)
            if getattr(action, key) != value:
                setattr(action, key, value)
                changed = True
        if changed:
            self.touch(action)
        return changed
