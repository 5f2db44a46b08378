"""The commitments tracker (the kit's tool with the role `commitments`): the contract's
commitments, typed or imported from a list, each with its status, evidence and comment, and
their progress summary.

Each commitment is its own synced record (two laptops updating different commitments merge
cleanly). The tool's form response (subject_type `commitments`) holds the reference document,
the date of the review and the synthesis; its list of commitments is rewritten from the table
after every change, so anything reading the kit tool's answers sees the same list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Row, func, select

from desktop_app.core.fieldwork import (
    COMMITMENT_STATUSES,
    CommitmentSummary,
    commitment_summary,
    pilot_summary,
)
from desktop_app.core.fieldwork_import import CommitmentImportError, parse_commitments
from desktop_app.core.identifiers import check_iso_date
from desktop_app.services.base import Change, ServiceError
from desktop_app.services.fieldwork_base import FieldworkBase
from desktop_app.services.forms import ResponseData
from desktop_app.store.models import FormResponse
from desktop_app.store.models_fieldwork import Commitment

COMMITMENTS_ROLE = "commitments"  # the kit's commitments tracker
COMMITMENT_FIELDS = ("number", "title", "pilot", "status", "evidence", "comment", "due_date")
# table column -> the field role of the repeat group's sub-question in the kit tool
COLUMN_ROLES = {
    "number": "commitment_number",
    "title": "commitment_title",
    "pilot": "commitment_pilot",
    "status": "commitment_status",
    "evidence": "commitment_evidence",
    "comment": "commitment_comment",
    "due_date": "commitment_due",
}
NOTHING_IMPORTED = "Aucun engagement n'a été importé."


@dataclass(frozen=True)
class CommitmentData:
    id: str
    evaluation_id: str
    position: int
    number: str
    title: str
    pilot: str
    status: str
    evidence: str
    comment: str
    due_date: str

    def value(self, key: str) -> str:
        return getattr(self, key)


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int

    def text(self) -> str:
        parts = []
        if self.added:
            parts.append(
                f"{self.added} engagement{'s' if self.added > 1 else ''} ajouté{'s' if self.added > 1 else ''}"
            )
        if self.updated:
            parts.append(f"{self.updated} mis à jour")
        return (", ".join(parts) or "Aucun changement") + "."


_COMMITMENT_COLUMNS = tuple(getattr(Commitment, name) for name in (
    "id", "evaluation_id", "position", "number", "title", "pilot", "status", "evidence", "comment", "due_date",
))


class CommitmentService(FieldworkBase):
    """The commitments tracker (`services.commitments`)."""

    def commitments(self, evaluation_id: str) -> list[CommitmentData]:
        with self.read() as s:
            # plain rows, not ORM objects: building and tracking 1,200 objects was most of the read
            recs = s.execute(
                select(*_COMMITMENT_COLUMNS)
                .where(Commitment.evaluation_id == evaluation_id, Commitment.deleted.is_(False))
                .order_by(Commitment.position, Commitment.created_at)
            )
            return [self._commitment_data(c) for c in recs]

    @staticmethod
    def _commitment_data(c: Commitment | Row) -> CommitmentData:
        return CommitmentData(
            c.id,
            c.evaluation_id,
            c.position,
            c.number,
            c.title,
            c.pilot,
            c.status,
            c.evidence,
            c.comment,
            c.due_date,
        )

    def commitment_summary(
        self, evaluation_id: str, commitments: list[CommitmentData] | None = None
    ) -> CommitmentSummary:
        """The counts by status (of `commitments` when the caller has just read them)."""
        rows = self.commitments(evaluation_id) if commitments is None else commitments
        return commitment_summary(c.status for c in rows)

    def commitments_by_pilot(self, evaluation_id: str) -> list[tuple[str, CommitmentSummary]]:
        return pilot_summary((c.pilot, c.status) for c in self.commitments(evaluation_id))

    def commitments_tool(self, evaluation_id: str) -> str:
        """The id of the kit's commitments tracker (role commitments)."""
        tool_id = self.kit(evaluation_id).tool_id_for_role(COMMITMENTS_ROLE)
        if tool_id is None:
            raise ServiceError("Le kit de cette évaluation n'a pas d'outil de suivi des engagements.")
        return tool_id

    def has_commitments_sheet(self, evaluation_id: str) -> bool:
        """The tracker's own sheet was started (nothing is created)."""
        tool_id = self.kit(evaluation_id).tool_id_for_role(COMMITMENTS_ROLE)
        return bool(tool_id and self.services.forms.find(evaluation_id, tool_id, "commitments"))

    def commitments_response(self, evaluation_id: str) -> ResponseData:
        """The tracker's own sheet (reference document, date of the review, synthesis)."""
        tool_id = self.commitments_tool(evaluation_id)
        found = self.services.forms.find(evaluation_id, tool_id, "commitments")
        if found:
            return found[0]
        with self.tx() as s:
            found = self.services.forms.find(evaluation_id, tool_id, "commitments")
            if found:  # made meanwhile by another window (looked up again with the write lock held)
                return found[0]
            ev = self._evaluation(s, evaluation_id)
            rec = self._new_response(
                s, ev, tool_id, "commitments", evaluation_id, "Suivi des engagements"
            )
            self._mirror_commitments(s, evaluation_id, rec)
            response_id = rec.id
        return self.services.forms.get(response_id)

    # -- editing -------------------------------------------------------------------------------
    def add_commitment(self, evaluation_id: str, values: dict[str, Any] | None = None) -> Change:
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            rec = Commitment(
                evaluation_id=evaluation_id, position=self._next_commitment_position(s, evaluation_id)
            )
            for key, value in (values or {}).items():
                setattr(rec, key, self._clean_commitment(key, value))
            if not (values or {}).get("number"):
                rec.number = self._next_number(s, evaluation_id)
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            self._mirror_commitments(s, evaluation_id)
            return Change("commitment", rec.id, evaluation_id)

    def update_commitment(self, commitment_id: str, key: str, value: Any) -> Change:
        with self.tx() as s:
            rec = self._live(s, Commitment, commitment_id, "Cet engagement")
            setattr(rec, key, self._clean_commitment(key, value))
            self.touch(rec)
            self._mirror_commitments(s, rec.evaluation_id)
            return Change("commitment", rec.id, rec.evaluation_id, key)

    def delete_commitment(self, commitment_id: str) -> Change:
        with self.tx() as s:
            rec = self._live(s, Commitment, commitment_id, "Cet engagement")
            rec.deleted = True
            self.touch(rec)
            self._mirror_commitments(s, rec.evaluation_id)
            return Change("commitment", rec.id, rec.evaluation_id)

    def restore_commitment(self, commitment_id: str) -> Change:
        """Undo `delete_commitment`."""
        with self.tx() as s:
            rec = self._tombstone(s, Commitment, commitment_id)
            if self.revive(rec):
                self._mirror_commitments(s, rec.evaluation_id)
            return Change("commitment", rec.id, rec.evaluation_id)

    @staticmethod
    def _clean_commitment(key: str, value: Any) -> str:
        if key not in COMMITMENT_FIELDS:
            raise ServiceError(f"Colonne inconnue : {key}")
        text = "" if value is None else str(value).strip()
        if key == "status" and text and text not in COMMITMENT_STATUSES:
            raise ServiceError(f"Statut inconnu : {text}")
        if key == "due_date" and check_iso_date(text):
            raise ServiceError("Échéance invalide (JJ/MM/AAAA).")
        if key == "number" and len(text) > 20:
            raise ServiceError("Le numéro d'un engagement a 20 caractères au plus.")
        if key in ("number", "pilot"):
            text = " ".join(text.split())
        return text

    @staticmethod
    def _next_commitment_position(s, evaluation_id: str) -> int:
        return (
            s.scalar(
                select(func.coalesce(func.max(Commitment.position), -1)).where(
                    Commitment.evaluation_id == evaluation_id
                )
            )
            + 1
        )

    @staticmethod
    def _next_number(s, evaluation_id: str) -> str:
        numbers = s.scalars(
            select(Commitment.number).where(
                Commitment.evaluation_id == evaluation_id, Commitment.deleted.is_(False)
            )
        )
        ints = [int(n) for n in numbers if n and n.isdigit()]
        return str(max(ints, default=0) + 1)

    def _mirror_commitments(self, s, evaluation_id: str, response: FormResponse | None = None) -> None:
        """Rewrite the tool's list of commitments (field role `commitment_rows`) from the table."""
        if response is None:
            tool_id = self.kit(evaluation_id).tool_id_for_role(COMMITMENTS_ROLE)
            if tool_id is None:
                return
            response = s.scalar(
                select(FormResponse).where(
                    FormResponse.evaluation_id == evaluation_id,
                    FormResponse.tool_id == tool_id,
                    FormResponse.subject_type == "commitments",
                    FormResponse.deleted.is_(False),
                )
            )
            if response is None:
                return
        s.flush()
        group = next(
            (f for p in self.form(evaluation_id, response.tool_id).pages for f in p.fields if f.role == "commitment_rows"), None
        )
        if group is None:
            return  # a tracker without a list: the table is the only record
        by_role = {c.role: c.id for c in group.children if c.role}
        keys = {column: by_role[role] for column, role in COLUMN_ROLES.items() if role in by_role}
        items = []
        for c in s.scalars(
            select(Commitment)
            .where(Commitment.evaluation_id == evaluation_id, Commitment.deleted.is_(False))
            .order_by(Commitment.position, Commitment.created_at)
        ):
            item = {keys[k]: getattr(c, k) for k in COMMITMENT_FIELDS if k in keys and getattr(c, k)}
            if item:
                items.append(item)
        answers = dict(response.answers or {})
        if items:
            answers[group.id] = items
        else:
            answers.pop(group.id, None)
        if answers != response.answers:
            response.answers = answers
            self.touch(response)

    # -- import --------------------------------------------------------------------------------
    def import_commitments(
        self, evaluation_id: str, path: str | Path, progress: Callable[[int, int, str], None] | None = None
    ) -> ImportReport:
        """Read a list (.xlsx, .csv) and add its commitments; a commitment whose number is already
        in the table is updated (empty cells keep what was typed). All or nothing."""
        path = Path(path)
        report = progress or (lambda *_: None)
        report(0, 3, "Lecture du fichier…")
        rows, first_line = read_rows(path)
        check_commitment_columns(path, rows)
        report(1, 3, "Vérification des lignes…")
        try:
            parsed = parse_commitments(rows, first_line)
        except CommitmentImportError as exc:
            raise ServiceError(f"« {path.name} » : {exc}") from None
        report(2, 3, f"Enregistrement de {len(parsed)} engagements…")
        added = updated = 0
        with self.tx() as s:
            self._evaluation(s, evaluation_id)
            existing = {
                c.number.upper(): c
                for c in s.scalars(
                    select(Commitment).where(
                        Commitment.evaluation_id == evaluation_id, Commitment.deleted.is_(False)
                    )
                )
                if c.number
            }
            position = self._next_commitment_position(s, evaluation_id)
            for row in parsed:
                number = row.values.get("number", "")
                rec = existing.get(number.upper()) if number else None
                if rec is None:
                    rec = Commitment(evaluation_id=evaluation_id, position=position)
                    position += 1
                    for key, value in row.values.items():
                        setattr(rec, key, self._clean_commitment(key, value))
                    self.stamp_new(rec)
                    s.add(rec)
                    added += 1
                    if number:
                        existing[number.upper()] = rec
                    continue
                changed = False
                for key, value in row.values.items():
                    clean = self._clean_commitment(key, value)
                    if clean and clean != getattr(rec, key):
                        setattr(rec, key, clean)
                        changed = True
                if changed:
                    self.touch(rec)
                    updated += 1
            self._mirror_commitments(s, evaluation_id)
        report(3, 3, "Import terminé.")
        return ImportReport(added, updated)


def read_rows(path: Path) -> tuple[list[list[Any]], int]:
    """The cells of a list file (the first sheet holding data for a workbook), and the line
    number of the first row. French errors for anything unreadable."""
    from desktop_app.services.spreadsheet_read import read_grids

    path = Path(path)
    sheets, _format = read_grids(path, NOTHING_IMPORTED)
    for sheet in sheets:
        if any(any(c not in (None, "") for c in r) for r in sheet.rows):
            return sheet.rows, 1
    raise ServiceError(f"« {path.name} » : le classeur est vide. {NOTHING_IMPORTED}")


def check_commitment_columns(path: Path, rows: list[list[Any]]) -> None:
    """Refuse a table that has no column proper to commitments (status, pilot, evidence, due
    date, or a title naming commitments): a programmation or a subsidy table is not a list of
    commitments, even though it has an "Intitulé" or "Objet" column."""
    from desktop_app.core.fieldwork_import import find_header
    from desktop_app.core.programmation_headers import detect_header

    found = find_header(rows)
    if found is None:
        return  # parse_commitments says what is missing
    header_index, mapping = found
    keys = set(mapping.values())
    title_col = next(c for c, k in mapping.items() if k == "title")
    title_text = str(rows[header_index][title_col] or "").lower()
    if keys & {"status", "pilot", "evidence", "due_date"} or "engagement" in title_text:
        return
    subsidy = detect_header(rows)
    if subsidy is not None:
        names = ", ".join(f"« {label} »" for label in subsidy.labels if label)[:200]
        raise ServiceError(
            f"« {path.name} » ressemble à une programmation ou à un tableau de subventions (colonnes {names}), "
            "pas à une liste d'engagements : importez-le dans l'étape Actions structurantes "
            f"(evalkit import actions). {NOTHING_IMPORTED}"
        )
    raise ServiceError(
        f"« {path.name} » n'a aucune colonne propre à une liste d'engagements (Statut, Pilote, Preuves, "
        f"Échéance, ou un intitulé « Engagement ») : vérifiez le fichier. {NOTHING_IMPORTED}"
    )
