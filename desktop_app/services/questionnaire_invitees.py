"""Invited respondents, and reading a list of them from a spreadsheet (.xlsx or .csv).

The communes of the Cadrage are invited automatically; other respondents (associations of the
programmation, communes that left the priority geography…) are added here (`InviteeMixin`,
mixed into `QuestionnaireService`).

The lists facilitators have are messy: the programmation exported from the subsidy portal (title
rows, one line per action so the same association several times, SIRET typed as a number), an
address book, a hand-made table. The header row is searched in the first rows; columns are
recognised by their heading (« Nom », « Structure », « Porteur », « SIRET », « Code INSEE »,
« Courriel », « Contact »…). Returns (line, name, code, email, contact) tuples and French
problems; duplicates are removed by the caller.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.questionnaire_respondents import Respondent, clean_code, code_problem, same_respondent
from desktop_app.services.base import Change, NotFound, ServiceError
from desktop_app.store.models import Commune
from desktop_app.store.models_questionnaires import QuestionnaireInvitee


@dataclass(frozen=True)
class Invitee:
    id: str  # "cadrage:<commune id>" for the communes of the Cadrage
    respondent_type: str
    name: str
    code: str
    email: str
    contact: str
    source: str  # cadrage | liste

    @property
    def respondent(self) -> Respondent:
        return Respondent(self.respondent_type, self.name, self.code)

    @property
    def label(self) -> str:
        return self.respondent.label

    @property
    def editable(self) -> bool:
        return self.source == "liste"


@dataclass(frozen=True)
class InviteeImport:
    added: int
    already: int
    problems: tuple[str, ...]


class InviteeMixin:
    # ------------------------------------------------------------------ invited respondents

    def invitees(self, evaluation_id: str, kind: str) -> list[Invitee]:
        out: list[Invitee] = []
        with self.read() as s:
            if kind == "commune":
                stmt = select(Commune).where(Commune.evaluation_id == evaluation_id, Commune.deleted.is_(False))
                for c in s.scalars(stmt.order_by(Commune.position, Commune.created_at)):
                    if c.name.strip() or c.insee.strip():
                        out.append(Invitee(f"cadrage:{c.id}", "commune", c.name.strip(), clean_code("commune", c.insee), "", "", "cadrage"))
            stmt = select(QuestionnaireInvitee).where(
                QuestionnaireInvitee.evaluation_id == evaluation_id,
                QuestionnaireInvitee.respondent_type == kind,
                QuestionnaireInvitee.deleted.is_(False),
            )
            for i in s.scalars(stmt.order_by(QuestionnaireInvitee.position, QuestionnaireInvitee.created_at)):
                out.append(Invitee(i.id, i.respondent_type, i.name, i.code, i.email, i.contact, "liste"))
        return out

    def _check_invitee(self, kind: str, name: str, code: str) -> tuple[str, str]:
        name = " ".join((name or "").split())
        code = clean_code(kind, code)
        if not name and not code:
            raise ServiceError("Indiquez au moins le nom du répondant invité.")
        problem = code_problem(kind, code)
        if problem:
            raise ServiceError(problem)
        return name, code

    def add_invitee(self, evaluation_id: str, kind: str, name: str, code: str = "", email: str = "", contact: str = "") -> Change:
        name, code = self._check_invitee(kind, name, code)
        new = Respondent(kind, name, code)
        for inv in self.invitees(evaluation_id, kind):
            if same_respondent(inv.respondent, new):
                raise ServiceError(f"{inv.label} figure déjà dans la liste des invités.")
        with self.tx() as s:
            position = s.scalar(select(func.coalesce(func.max(QuestionnaireInvitee.position), -1)).where(
                QuestionnaireInvitee.evaluation_id == evaluation_id)) + 1
            rec = QuestionnaireInvitee(evaluation_id=evaluation_id, respondent_type=kind, name=name, code=code,
                                       email=(email or "").strip(), contact=(contact or "").strip(), position=position)
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            return Change("questionnaire_invitee", rec.id, evaluation_id)

    def update_invitee(self, invitee_id: str, key: str, value: str) -> Change:
        if key not in ("name", "code", "email", "contact"):
            raise ServiceError(f"Champ inconnu : {key}")
        with self.tx() as s:
            rec = s.get(QuestionnaireInvitee, invitee_id)
            if rec is None or rec.deleted:
                raise NotFound("Ce répondant invité a été supprimé entre-temps.")
            value = (value or "").strip()
            if key == "code":
                value = clean_code(rec.respondent_type, value)
                problem = code_problem(rec.respondent_type, value)
                if problem:
                    raise ServiceError(problem)
            setattr(rec, key, value)
            self.touch(rec)
            return Change("questionnaire_invitee", rec.id, rec.evaluation_id, key)

    def delete_invitee(self, invitee_id: str) -> Change:
        if invitee_id.startswith("cadrage:"):
            raise ServiceError("Cette commune vient du Cadrage : retirez-la de la liste des communes du Cadrage.")
        with self.tx() as s:
            rec = s.get(QuestionnaireInvitee, invitee_id)
            if rec is None:
                raise NotFound("Répondant invité introuvable.")
            rec.deleted = True
            self.touch(rec)
            return Change("questionnaire_invitee", rec.id, rec.evaluation_id)

    def import_invitees(self, evaluation_id: str, kind: str, path: str | Path) -> InviteeImport:
        """Add the respondents listed in a spreadsheet (.xlsx or .csv: name, SIRET / INSEE, e-mail, contact)."""
        rows, problems = read_invitee_list(Path(path), kind)
        known = [i.respondent for i in self.invitees(evaluation_id, kind)]
        added = already = 0
        problems = list(problems)
        for line, name, code, email, contact in rows:
            code = clean_code(kind, code)
            if code and code_problem(kind, code):
                problems.append(f"Ligne {line} : {code_problem(kind, code)} ({name or code}) — ajouté sans code.")
                code = ""
            candidate = Respondent(kind, " ".join(name.split()), code)
            if not candidate.identified:
                continue
            if any(same_respondent(k, candidate) for k in known):
                already += 1
                continue
            self.add_invitee(evaluation_id, kind, candidate.name, code, email, contact)
            known.append(candidate)
            added += 1
        return InviteeImport(added, already, tuple(problems))


_HEADINGS = {
    "name": ("nom", "structure", "association", "organisme", "porteur", "raison sociale", "commune", "denomination", "libelle"),
    "code": ("siret", "insee", "code commune", "code"),
    "email": ("courriel", "mail", "e-mail", "email", "adresse electronique"),
    "contact": ("contact", "interlocuteur", "responsable", "referent", "president"),
}


def _norm(value: Any) -> str:
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^a-z0-9@.\- ]+", " ", text).split())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _table(path: Path) -> list[list[Any]]:
    from desktop_app.services.input_files import check_spreadsheet

    check_spreadsheet(path)  # an ordinary file, of a sane size, not password-protected
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text.strip() else csv.excel
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    if suffix not in (".xlsx", ".xlsm"):
        raise ServiceError(f"Format « {suffix} » non pris en charge : utilisez un fichier Excel (.xlsx) ou CSV.")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise ServiceError(f"« {path.name} » n'est pas un classeur Excel lisible.") from None
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _columns(header: list[Any], kind: str) -> dict[str, int]:
    found: dict[str, int] = {}
    cells = [_norm(h) for h in header]
    for role, words in _HEADINGS.items():
        for word in words:
            if role == "name" and kind == "association" and word == "commune":
                continue
            for i, text in enumerate(cells):
                if i in found.values() or not text:
                    continue
                if text == word or text.startswith(word + " ") or f" {word}" in f" {text}":
                    found[role] = i
                    break
            if role in found:
                break
    return found


def read_invitee_list(path: Path, kind: str) -> tuple[list[tuple[int, str, str, str, str]], list[str]]:
    if not path.is_file():
        raise ServiceError(f"Fichier introuvable : {path}")
    table = _table(path)
    header_at, columns = None, {}
    for i, row in enumerate(table[:20]):
        cols = _columns(list(row), kind)
        if "name" in cols:
            header_at, columns = i, cols
            break
    if header_at is None:
        raise ServiceError(
            f"Aucune colonne de noms trouvée dans « {path.name} » : la première ligne du tableau doit avoir un titre "
            "comme « Nom », « Structure » ou « Association » (et si possible « SIRET », « Courriel »)."
        )
    rows = []
    problems: list[str] = []
    for n, row in enumerate(table[header_at + 1:], start=header_at + 2):
        values = {role: _cell(row[i]) if i < len(row) else "" for role, i in columns.items()}
        name, code = values.get("name", ""), values.get("code", "")
        if not name and not code:
            continue
        rows.append((n, name, code, values.get("email", ""), values.get("contact", "")))
    if not rows:
        problems.append(f"« {path.name} » ne contient aucune ligne à importer.")
    return rows, problems
