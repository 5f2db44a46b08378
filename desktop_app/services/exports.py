"""The deliverables of an evaluation: the PDF summary, the filled-grids workbook, the partners'
letters. Used alike by the Exports step (in a background task) and by `evalkit export …`.

Every file is written to a temporary name and renamed at the end, so a failed or cancelled
export leaves nothing half-written. Progress goes to any object with `report(done, total,
text)` (the GUI's task `Progress`, which stops the export when the user cancels) or a callable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.exports.safe_output import ScaledProgress, as_progress
from desktop_app.services.base import ServiceError
from desktop_app.services.report_data import gather

__all__ = ["KINDS", "ExportResult", "ExportService", "PastDatesError", "ScaledProgress", "past_sentence"]

KINDS = {
    "pdf": "Synthèse de l'évaluation (PDF)",
    "xlsx": "Grilles remplies (Excel)",
    "letters": "Courriers aux partenaires",
}


def past_sentence(past: tuple[str, ...] | list[str]) -> str:
    text = " ; ".join(past)
    return text[:1].upper() + text[1:] + "."


class PastDatesError(ServiceError):
    """The letters invite to an atelier or ask for documents by a date already past."""

    def __init__(self, past: tuple[str, ...]):
        self.past = tuple(past)
        super().__init__(
            f"Courriers non exportés : {' ; '.join(self.past)}. Corrigez les dates "
            "dans les options du courrier (étape Exports › Courrier aux partenaires), ou confirmez l'export."
        )


@dataclass(frozen=True)
class ExportResult:
    kind: str
    paths: tuple[Path, ...]
    detail: str = ""
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"kind": self.kind, "files": [str(p) for p in self.paths], "detail": self.detail, "warnings": list(self.warnings)}


class ExportService:
    def __init__(self, services):  # the app's `Services`
        self.services = services

    # ------------------------------------------------------------------ names
    def default_name(self, evaluation_id: str, kind: str, today: dt.date | None = None) -> str:
        from desktop_app.exports.letters import file_stem

        summary = self.services.evaluations.get(evaluation_id)
        territory = file_stem(summary.territory_name or summary.display_name, 60)
        day = (today or dt.date.today()).isoformat()
        return {
            "pdf": f"Synthèse de l'évaluation — {territory} — {day}.pdf",
            "xlsx": f"Grilles remplies — {territory} — {day}.xlsx",
            "letters": f"Courriers aux partenaires — {day}",
        }[kind]

    # ------------------------------------------------------------------ exports
    def pdf(self, evaluation_id: str, out: str | Path, progress: Any = None, today: dt.date | None = None) -> ExportResult:
        from desktop_app.exports.pdf_report import build_report

        out = Path(out)
        data = gather(self.services, evaluation_id)
        info = self._guard(lambda: build_report(data, out, progress, today=today), out)
        return ExportResult("pdf", (out,), f"{info['pages']} pages")

    def xlsx(self, evaluation_id: str, out: str | Path, progress: Any = None, today: dt.date | None = None) -> ExportResult:
        from desktop_app.exports.evaluation_workbook import build_workbook

        out = Path(out)
        data = gather(self.services, evaluation_id, pdf=False)
        info = self._guard(lambda: build_workbook(data, out, progress, today=today), out)
        return ExportResult("xlsx", (out,), f"{len(info['sheets'])} feuilles")

    def letters(
        self,
        evaluation_id: str,
        out: str | Path,
        fmt: str | None = None,
        progress: Any = None,
        today: dt.date | None = None,
        force: bool = False,
    ) -> ExportResult:
        """`out` ending in .docx / .pdf: one document with every letter; otherwise a folder with
        one file per partner, in `fmt` ("docx", the default, or "pdf").

        An atelier or a deadline already past (against `today`, by default the synthesis
        service's clock) refuses the export with `PastDatesError` unless `force` confirms it;
        a forced export says so in its warnings."""
        from desktop_app.exports.letters import export_letters

        if fmt not in (None, "docx", "pdf"):
            raise ServiceError(f"Format de courrier inconnu : {fmt} (docx ou pdf).")
        out = Path(out)
        if out.suffix and out.suffix.lower() not in (".docx", ".pdf"):
            raise ServiceError("Le fichier des courriers doit se terminer par .docx ou .pdf (ou indiquez un dossier).")
        if self.services.letters.letter_tool(evaluation_id) is None:
            raise ServiceError("Le kit de cette évaluation ne contient pas de courrier aux partenaires.")
        batch = self.services.letters.letters(evaluation_id, today)
        warnings = list(batch.warnings)
        if batch.past:
            if not force:
                raise PastDatesError(batch.past)
            warnings.insert(0, f"Courriers exportés malgré une date passée : {past_sentence(batch.past)}")
        paths = self._guard(lambda: export_letters(batch.letters, batch.head, out, fmt, as_progress(progress)), out)
        return ExportResult("letters", tuple(paths), f"{len(batch.letters)} courrier(s)", tuple(warnings))

    def letter_date_problems(self, evaluation_id: str, today: dt.date | None = None) -> tuple[str, ...]:
        """What the letters' dates have wrong today (empty when they can be sent): the GUI asks
        the user to confirm before exporting."""
        if self.services.letters.letter_tool(evaluation_id) is None:
            return ()
        try:
            return self.services.letters.letters(evaluation_id, today).past
        except ServiceError:
            return ()  # no partner: the export itself says so

    # ------------------------------------------------------------------ consolidation
    @staticmethod
    def consolidation(data, out: str | Path) -> Path:
        """The consolidated view (`services.consolidation.consolidate`) as a workbook (`out`
        ending in .xlsx) or a PDF."""
        from desktop_app.exports.consolidation_files import write_pdf, write_xlsx

        out = Path(out)
        return (write_xlsx if out.suffix.lower() == ".xlsx" else write_pdf)(data, out)

    # ------------------------------------------------------------------ questionnaires
    @staticmethod
    def template_file_name(title: str, respondent=None) -> str:
        """"Questionnaire communes - Douai.xlsx" (the tool's short title, then the respondent)."""
        from desktop_app.exports.questionnaire_xlsx import template_file_name

        return template_file_name(title, respondent)

    def questionnaire_template(
        self, evaluation_id: str, tool_id: str, out: str | Path, respondent=None, deadline: str = "", return_to: str = "",
    ) -> Path:
        """A fillable questionnaire workbook (blank, or with a respondent's identity)."""
        from desktop_app.exports.questionnaire_xlsx import write_template

        info = self.services.questionnaires.template(evaluation_id, tool_id, respondent, deadline=deadline, return_to=return_to)
        return write_template(info, out)

    def questionnaire_templates(
        self, evaluation_id: str, tool_id: str, folder: str | Path, respondents: list, deadline: str = "",
        return_to: str = "", progress: Any = None,
    ) -> list[Path]:
        """One pre-filled workbook per respondent in `folder`; `progress(done, total, text)`."""
        from desktop_app.exports.questionnaire_xlsx import write_templates

        infos = self.services.questionnaires.templates(evaluation_id, tool_id, respondents, deadline=deadline, return_to=return_to)
        return write_templates(infos, folder, progress)

    def questionnaire_responses(
        self, evaluation_id: str, out: str | Path, tool_ids: list[str] | None = None, include_sensitive: bool = False,
        include_drafts: bool = True, labels: bool = True,
    ) -> Path:
        """Every response of the questionnaires in one workbook (`labels=False`: codes)."""
        from desktop_app.exports.questionnaire_responses_xlsx import write_responses

        data = self.services.questionnaires.responses_workbook(
            evaluation_id, tool_ids, include_sensitive=include_sensitive, include_drafts=include_drafts)
        return write_responses(data, out, labels=labels)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _guard(fn, out: Path):
        """File-system errors as French messages the user can act on."""
        try:
            return fn()
        except PermissionError:
            raise ServiceError(
                f"Impossible d'écrire « {out} » : le fichier est peut-être ouvert dans une autre application, "
                "ou le dossier est protégé."
            ) from None
        except FileNotFoundError:
            raise ServiceError(f"Dossier introuvable pour « {out} ».") from None
        except OSError as exc:
            raise ServiceError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
