"""Importing a programmation file (.xlsx, .xlsm, .xls, .ods, .csv, .txt) into the actions of an evaluation.

`read_sheets` turns a file into grids of values (`services.spreadsheet_read`) or refuses it with
a French message naming the file;
`ImportMixin` (mixed into `ActionService`) previews a file (header row and proposed mapping
per sheet) and imports it in one transaction: rows already known (same natural key) are
updated, new rows of a known action (same series) are linked to it, the others create actions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop_app.core.programmation import AMOUNT_TARGETS, FIELD_LABELS, Target, normalize
from desktop_app.core.programmation_headers import funder_label
from desktop_app.core.programmation_rows import (
    FileReading,
    ParsedRow,
    SheetGrid,
    SheetPlan,
    auto_plan,
    describe,
    interpret_file,
    plan_for_header,
    split_qpv,
)
from desktop_app.services.base import Change, ServiceError
from desktop_app.services.spreadsheet_read import read_grids, refuse
from desktop_app.store.models import new_id
from desktop_app.store.models_actions import Action, ActionFunding, ActionScore
from desktop_app.store.models_trash import PurgedRecord

Progress = Callable[[int, int, str], None]
ACTION_FIELDS = ("title", "carrier", "siret", "pillar", "qpv", "description", "first_year", "multi_year")
FUNDING_FIELDS = (
    "year", "file_number", "qpv", "amounts", "requested", "total_cost", "beneficiaries", "beneficiaries_qpv_share",
)


# --------------------------------------------------------------------------- reading files

def _refuse(path: Path, why: str) -> ServiceError:
    return refuse(path, why)


def read_sheets(path: Path) -> tuple[list[SheetGrid], str]:
    """The sheets of a programmation file and a short French description of the format read."""
    return read_grids(Path(path))


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

    @property
    def has_amounts(self) -> bool:
        return any(t.kind in AMOUNT_TARGETS for p in self.plans if p.enabled and p.header_row is not None
                   for t in p.mapping)

    def warnings(self, reading: FileReading) -> list[str]:
        """The warnings the import would give, before anything is written."""
        return reading_warnings(reading, reading.amount_kept, reading.amount_left_out, self.several_sheets,
                                self.has_amounts)

    def reconciliation(self, reading: FileReading) -> str:
        return reconciliation_line(reading.amount_file, reading.amount_kept, reading.amount_left_out, False)

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


LEFT_OUT_WARNING_SHARE = Decimal("0.05")  # more than 5 % of the file's amount left out: a warning


def euros(value: Decimal) -> int | float:
    """A Decimal amount as a JSON number in euros (an integer when it has no cents)."""
    value = value.quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def format_euros(value: Decimal) -> str:
    """« 19 256 523 € » (narrow spaces), cents only when there are some."""
    value = value.quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        text = f"{int(value):,}".replace(",", "\u202f")
    else:
        text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} €"


def reconciliation_line(amount_file: Decimal, amount_in: Decimal, amount_out: Decimal, done: bool) -> str:
    verb = "importés" if done else "à importer"
    return (f"{format_euros(amount_file)} dans le fichier · {format_euros(amount_in)} {verb} · "
            f"{format_euros(amount_out)} écartés")


@dataclass(frozen=True)
class LeftOut:
    sheet: str
    row: int
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class ImportReport:
    filename: str
    imported: int  # new rows written (new actions, or new years of a known action)
    updated: int  # rows already known, brought up to date (changed or not)
    skipped: int  # data rows left out (listed in `left_out`)
    new_actions: int
    linked: int  # new years linked to an action already known (recurring action)
    unchanged: int  # among `updated`, the rows that were already identical
    errors: tuple[str, ...] = field(default=())  # remarks, row by row (French)
    merged: int = 0  # rows whose amounts went to the action of an earlier row (one row per funder)
    rows_read: int = 0  # data rows = imported + updated + merged + skipped
    amount_file: Decimal = Decimal(0)
    amount_imported: Decimal = Decimal(0)
    amount_left_out: Decimal = Decimal(0)
    left_out: tuple[LeftOut, ...] = ()
    warnings: tuple[str, ...] = ()
    sheets: tuple[dict, ...] = ()  # per imported sheet: name, header_row (1-based), mapping
    sections: tuple[str, ...] = ()
    totals_rows: tuple[int, ...] = ()
    dry_run: bool = False
    restored: int = 0  # rows of actions deleted in the application, brought back (`restore_deleted`)
    deleted_rows: int = 0  # rows of actions deleted in the application (left out unless restored)
    added_action_ids: tuple[str, ...] = ()  # what the import created or brought back (to undo it)
    added_funding_ids: tuple[str, ...] = ()
    restored_action_ids: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        first = self.sheets[0] if self.sheets else {}
        return {
            "file": self.filename, "dry_run": self.dry_run,
            "sheet": first.get("sheet"), "header_row": first.get("header_row"), "mapping": first.get("mapping", {}),
            "sheets": list(self.sheets), "sections": list(self.sections), "totals_rows": list(self.totals_rows),
            "rows_read": self.rows_read, "imported": self.imported, "updated": self.updated,
            "unchanged": self.unchanged, "restored": self.restored,
            "merged": self.merged, "skipped": self.skipped, "new_actions": self.new_actions,
            "amount_file": euros(self.amount_file), "amount_imported": euros(self.amount_imported),
            "amount_left_out": euros(self.amount_left_out),
            "left_out": [{"sheet": o.sheet, "row": o.row, "reason": o.reason, "amount": euros(o.amount)}
                         for o in self.left_out],
            "warnings": list(self.warnings), "remarks": list(self.errors),
        }

    def reconciliation(self) -> str:
        return reconciliation_line(self.amount_file, self.amount_imported, self.amount_left_out, not self.dry_run)

    def summary(self) -> str:
        """One French sentence for the status bar or the end-of-import dialog."""
        parts = [f"{self.imported} ligne{'s' if self.imported > 1 else ''} importée{'s' if self.imported > 1 else ''}"]
        if self.imported:
            parts[0] += f" ({self.new_actions} nouvelle{'s' if self.new_actions > 1 else ''} action{'s' if self.new_actions > 1 else ''}"
            parts[0] += f", {self.linked} reconduite{'s' if self.linked > 1 else ''})" if self.linked else ")"
        changed = self.updated - self.unchanged
        parts.append(f"{self.updated} déjà connue{'s' if self.updated > 1 else ''}"
                     + (f" dont {changed} mise{'s' if changed > 1 else ''} à jour" if self.updated else ""))
        if self.merged:
            parts.append(f"{self.merged} fusionnée{'s' if self.merged > 1 else ''}")
        parts.append(f"{self.skipped} écartée{'s' if self.skipped > 1 else ''}")
        return f"« {self.filename} » : " + ", ".join(parts) + ".\n" + self.reconciliation()


def reading_warnings(reading: FileReading, amount_in: Decimal, amount_out: Decimal, several: bool,
                     has_amounts: bool) -> list[str]:
    """What the user must be told before trusting the import."""
    out: list[str] = []
    amount_file = reading.amount_file
    if not has_amounts:
        out.append("Aucune colonne de montant n'est reconnue : le rapprochement des montants est impossible. "
                   "Indiquez la colonne du montant accordé.")
    if amount_in + amount_out != amount_file:
        out.append(f"Le rapprochement ne tombe pas juste : {format_euros(amount_file)} dans le fichier, "
                   f"{format_euros(amount_in)} importés et {format_euros(amount_out)} écartés "
                   f"(écart de {format_euros(amount_file - amount_in - amount_out)}).")
    if amount_file > 0 and amount_out > amount_file * LEFT_OUT_WARNING_SHARE:
        share = (amount_out * 100 / amount_file).quantize(Decimal("0.1"))
        out.append(f"{format_euros(amount_out)} sur {format_euros(amount_file)} ({str(share).replace('.', ',')} %) "
                   "sont écartés : vérifiez les lignes écartées avant de vous fier à la programmation importée.")
    unreadable = [(r, v) for r in reading.records for v in r.unreadable]
    if unreadable:
        rows = ", ".join(f"{r.row} (« {v} »)" for r, v in unreadable[:12])
        more = f" et {len(unreadable) - 12} autres" if len(unreadable) > 12 else ""
        out.append(f"{len(unreadable)} montant{'s' if len(unreadable) > 1 else ''} illisible{'s' if len(unreadable) > 1 else ''}, "
                   f"action{'s' if len(unreadable) > 1 else ''} importée{'s' if len(unreadable) > 1 else ''} sans montant : "
                   f"ligne{'s' if len(unreadable) > 1 else ''} {rows}{more}.")
    built = [r for r in reading.records if r.built_title]
    if built:
        rows = ", ".join(str(r.row) for r in built[:12]) + (f" et {len(built) - 12} autres" if len(built) > 12 else "")
        out.append(f"{len(built)} ligne{'s' if len(built) > 1 else ''} sans intitulé, importée{'s' if len(built) > 1 else ''} "
                   f"avec un intitulé construit (nature, objet, porteur) : ligne{'s' if len(built) > 1 else ''} {rows}.")
    return out


# --------------------------------------------------------------------------- writing

class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that it is rolled back."""


# Field names accepted by `--map champ=colonne` (French or the app's own ids).
MAP_ALIASES = {
    "intitule": "title", "titre": "title", "objet": "title", "porteur": "carrier", "structure": "carrier",
    "beneficiaire": "carrier", "pilier": "pillar", "axe": "pillar", "thematique": "pillar", "quartier": "qpv",
    "quartiers": "qpv", "dossier": "file_number", "numero": "file_number", "annee": "year", "montant": "amount",
    "sollicite": "requested", "financeur": "funder", "cout": "total_cost", "beneficiaires": "beneficiaries",
    "ignorer": "ignore", "aucun": "ignore",
}


def _column_index(plan: SheetPlan, text: str) -> int | None:
    """A column named by its heading (accents and case aside) or its letter (A, B, … AA)."""
    wanted = normalize(text)
    for i, label in enumerate(plan.labels):
        if normalize(label) == wanted:
            return i
    if text.isalpha() and text.isupper() and len(text) <= 2:
        index = 0
        for ch in text:
            index = index * 26 + ord(ch) - 64
        if 0 < index <= len(plan.labels):
            return index - 1
    return None


def adjust_plans(preview: ImportPreview, sheet: str | None = None, header_row: int | None = None,
                 overrides: list[str] | None = None) -> list[SheetPlan]:
    """The plans once a sheet, a header row (1-based) and `champ=colonne` choices are imposed,
    as the dialog lets a user do. French ServiceError for a choice that does not fit the file."""
    plans = list(preview.plans)
    names = [p.name for p in plans]
    if sheet is not None:
        if sheet not in names:
            raise _refuse(preview.path, f"n'a pas de feuille « {sheet} » (feuilles : {', '.join(names)}).")
        plans = [p if p.name == sheet else dataclasses.replace(p, enabled=False) for p in plans]
        chosen = plans[names.index(sheet)]
        if chosen.header_row is None and header_row is None:
            raise _refuse(preview.path, f": aucune ligne d'en-tête reconnue dans la feuille « {sheet} » ; "
                          "indiquez-la avec --header-row.")
    if header_row is not None or overrides:
        index = names.index(sheet) if sheet is not None else next(
            (i for i, p in enumerate(plans) if p.enabled and p.header_row is not None), 0)
        grid = preview.sheet(plans[index].name)
        if header_row is not None:
            if not 1 <= header_row <= len(grid.rows):
                raise _refuse(preview.path, f": la ligne d'en-tête {header_row} n'existe pas "
                              f"(la feuille « {grid.name} » a {len(grid.rows)} lignes).")
            plans[index] = plan_for_header(grid, header_row - 1, preview.path.name)
        plan = plans[index]
        if plan.header_row is None:
            raise _refuse(preview.path, f": indiquez la ligne d'en-tête de la feuille « {plan.name} » (--header-row).")
        mapping = list(plan.mapping)
        for item in overrides or []:
            field_name, sep, column = item.partition("=")
            kind = MAP_ALIASES.get(normalize(field_name), field_name.strip())
            if not sep or kind not in FIELD_LABELS:
                known = ", ".join(k for k in FIELD_LABELS if k != "ignore")
                raise _refuse(preview.path, f": « {item} » n'est pas un choix de colonne valable "
                              f"(champ=colonne, champs : {known}).")
            col = _column_index(plan, column.strip())
            if col is None:
                raise _refuse(preview.path, f": pas de colonne « {column.strip()} » dans l'en-tête "
                              f"(colonnes : {', '.join(h for h in plan.labels if h)}).")
            if kind not in AMOUNT_TARGETS and kind != "ignore":
                mapping = [Target() if t.kind == kind else t for t in mapping]
            mapping[col] = Target(kind, funder_label(plan.labels[col]) if kind in AMOUNT_TARGETS else "")
        plans[index] = dataclasses.replace(plan, mapping=mapping, enabled=True)
    return plans


def _sheet_json(plan: SheetPlan) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for label, target in zip(plan.labels, plan.mapping, strict=False):
        if target.kind == "ignore":
            continue
        if target.kind in AMOUNT_TARGETS:
            mapping.setdefault(target.kind, []).append({"column": label, "funder": target.funder})
        else:
            mapping[target.kind] = label
    return {"sheet": plan.name, "header_row": (plan.header_row or 0) + 1, "mapping": mapping}


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

    def preview(self, path: str | Path, require_header: bool = True) -> ImportPreview:
        """The file read, its header rows and mappings proposed. Without `require_header`, a file
        whose header was not recognised is not refused (the user is about to say where it is)."""
        path = Path(path)
        sheets, fmt = read_sheets(path)
        if not any(s.rows for s in sheets):
            raise _refuse(path, "ne contient aucune donnée.")
        plans = [auto_plan(s, path.name) for s in sheets]
        if require_header and not any(p.header_row is not None for p in plans):
            raise _refuse(
                path,
                "ne contient aucune ligne d'en-tête reconnue : il faut au moins une colonne « Intitulé de "
                "l'action » ou « Porteur » / « Bénéficiaire » et une autre colonne connue (montant, QPV…). "
                "Indiquez la ligne d'en-tête (--header-row) si le tableau en a une.",
            )
        return ImportPreview(path, fmt, sheets, plans)

    def import_file(
        self, evaluation_id: str, path: str | Path, plans: list[SheetPlan] | None = None,
        progress: Progress | None = None, dry_run: bool = False, restore_deleted: bool = False,
    ) -> ImportReport:
        """Import a programmation in one transaction. `plans` are the sheets' header rows and
        mappings as confirmed by the user (proposed ones when None). With `dry_run`, everything
        is worked out (new, updated, left out) and nothing is written. Rows of an action deleted
        in the application are left out, unless `restore_deleted` (the action comes back)."""
        preview = self.preview(path, require_header=plans is None)
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
        try:
            with self.tx() as s:
                self._evaluation(s, evaluation_id)
                counts, extra_messages, dropped, added = self._write_records(
                    s, evaluation_id, preview.path.name, records, progress, restore_deleted)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass  # everything worked out, nothing written
        several = preview.several_sheets
        left_out = [LeftOut(o.sheet, o.row, o.reason, o.amount) for o in reading.skipped]
        for rec, reason in dropped:
            left_out.extend(LeftOut(rec.sheet, row, reason, amount) for row, amount in rec.sources)
        left_out.sort(key=lambda o: ([p.name for p in preview.plans].index(o.sheet) if o.sheet in
                                     [p.name for p in preview.plans] else 0, o.row))
        amount_out = sum((o.amount for o in left_out), Decimal(0))
        dropped_ids = {id(rec) for rec, _r in dropped}
        amount_in = sum((rec.amount for rec in records if id(rec) not in dropped_ids), Decimal(0))
        merged = sum(1 for o in reading.outcomes if o.status == "merged" and id(o.record) not in dropped_ids)
        warnings = reading_warnings(reading, amount_in, amount_out, several, preview.has_amounts)
        return ImportReport(
            preview.path.name, counts["imported"], counts["updated"], len(left_out), counts["new_actions"],
            counts["linked"], counts["unchanged"], tuple(messages + extra_messages), merged=merged,
            rows_read=len(reading.data_rows), amount_file=reading.amount_file, amount_imported=amount_in,
            amount_left_out=amount_out, left_out=tuple(left_out), warnings=tuple(warnings),
            sheets=tuple(_sheet_json(p) for p in preview.plans if p.enabled and p.header_row is not None),
            sections=tuple(reading.sections), totals_rows=tuple(o.row for o in reading.totals), dry_run=dry_run,
            restored=counts["restored"], deleted_rows=counts["deleted_rows"],
            added_action_ids=tuple(added["actions"]), added_funding_ids=tuple(added["fundings"]),
            restored_action_ids=tuple(added["restored"]),
        )

    def deleted_natural_keys(self, evaluation_id: str) -> frozenset[str]:
        """The rows (natural keys) of actions deleted in the application: an import leaves
        them out unless told to bring them back (`restore_deleted`)."""
        with self.read() as s:
            undone = set(s.scalars(select(PurgedRecord.record_id).where(
                PurgedRecord.evaluation_id == evaluation_id, PurgedRecord.reason == "undone")))
            rows = s.execute(select(ActionFunding.id, ActionFunding.natural_key).join(
                Action, Action.id == ActionFunding.action_id).where(
                ActionFunding.evaluation_id == evaluation_id,
                (ActionFunding.deleted.is_(True)) | (Action.deleted.is_(True)))).all()
        return frozenset(key for fid, key in rows if fid not in undone)

    def undo_import(self, evaluation_id: str, report: ImportReport) -> Change:
        """Undo an import: the actions and years it added are removed (as tombstones marked
        "undone": not in the Corbeille, and a later import of the same rows creates them again),
        the actions it brought back are deleted again. What it updated stays as it is."""
        with self.tx() as s:
            for model, ids in ((ActionFunding, report.added_funding_ids), (Action, report.added_action_ids)):
                for rid in ids:
                    self.undo_creation(s, model, rid, evaluation_id)
            for aid in report.restored_action_ids:
                self.delete_action(aid)
        return Change("action", evaluation_id, evaluation_id)

    def redo_import(self, evaluation_id: str, report: ImportReport) -> Change:
        """Redo an undone import: what it added and brought back is there again."""
        with self.tx() as s:
            for model, ids in ((Action, report.added_action_ids), (ActionFunding, report.added_funding_ids)):
                for rid in ids:
                    self.redo_creation(s, model, rid)
            for aid in report.restored_action_ids:
                self.restore_action(aid)
        return Change("action", evaluation_id, evaluation_id)

    def _write_records(self, s, evaluation_id: str, filename: str, records: list[ParsedRow], progress: Progress | None,
                       restore_deleted: bool = False):
        undone = set(s.scalars(select(PurgedRecord.record_id).where(
            PurgedRecord.evaluation_id == evaluation_id, PurgedRecord.reason == "undone")))
        fundings = [f for f in s.scalars(select(ActionFunding).where(ActionFunding.evaluation_id == evaluation_id))
                    if f.id not in undone]
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
        counts = dict.fromkeys(("imported", "updated", "new_actions", "linked", "unchanged", "restored", "deleted_rows"), 0)
        added: dict[str, list[str]] = {"actions": [], "fundings": [], "restored": []}
        messages: list[str] = []
        dropped: list[tuple[ParsedRow, str]] = []
        several = len({r.sheet for r in records}) > 1
        for n, rec in enumerate(records):
            if progress and n % 25 == 0:
                progress(10 + int(85 * n / len(records)), 100, f"Enregistrement des actions ({n}/{len(records)})…")
            funding = by_key.get(rec.natural_key)
            if funding is not None:
                action = actions.get(funding.action_id)
                if funding.deleted or action is None or action.deleted:
                    if action is not None:
                        counts["deleted_rows"] += 1
                    if not restore_deleted or action is None:
                        reason = "action supprimée dans l'application : non réimportée"
                        dropped.append((rec, reason))
                        messages.append(describe(rec.sheet, rec.row, reason, several))
                        continue
                    if action.deleted:
                        for score in s.scalars(select(ActionScore).where(  # deleted with the action
                                ActionScore.action_id == action.id, ActionScore.deleted.is_(True),
                                ActionScore.updated_at >= action.updated_at)):
                            self.revive(score)
                        self.revive(action)
                        added["restored"].append(action.id)
                    self.revive(funding)
                    counts["restored"] += 1
                if not _same_action(action, rec):
                    reason = (f"le n° de dossier « {rec.file_number} » est déjà celui de « {action.title} »"
                              f"{f' ({action.carrier})' if action.carrier else ''} : ligne écartée, vérifiez le fichier")
                    dropped.append((rec, reason))
                    messages.append(describe(rec.sheet, rec.row, reason, several))
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
                added["actions"].append(action.id)
            funding = ActionFunding(id=new_id(), evaluation_id=evaluation_id, action_id=action.id,
                                    natural_key=rec.natural_key, edited_fields=[])
            for key, value in _funding_values(rec).items():
                setattr(funding, key, value)
            funding.source_file, funding.source_sheet, funding.source_row = filename, rec.sheet, rec.row
            funding.position = n
            self.stamp_new(funding)
            s.add(funding)
            by_key[rec.natural_key] = funding
            added["fundings"].append(funding.id)
            if rec.year is not None:
                latest[action.id] = max(latest.get(action.id, rec.year), rec.year)
            counts["imported"] += 1
        if progress:
            progress(100, 100, "Import terminé.")
        return counts, messages, dropped, added

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
