"""A questionnaire as a fillable Excel workbook, the way it is sent to communes and associations.

    write_template(services.questionnaires.template(evaluation_id, tool_id), "questionnaire.xlsx")

The exporter takes plain data (`TemplateInfo`, built by `QuestionnaireService.template`) and
never reads the services.

The workbook has:
* « Mode d'emploi »: who the questionnaire is for, how to fill it (drop-down lists, crosses for
  multiple choices, numbers, dates), when and to whom to send it back, what is done with it;
* « Questionnaire »: one question per row (see `core.questionnaire_sheet` for the layout), the
  answer column in yellow and the only one open, drop-down lists built from the choices, number
  and date validation with French messages, the structure protected (no password: it prevents
  accidents, not determined users), printable on A4 landscape;
* « Listes » (hidden): the choices the drop-down lists point to;
* « _evalkit » (very hidden): questionnaire, kit version, evaluation, respondent, file token,
  and the list of questions, read back by the import.

Optionally pre-filled with a respondent's identity or with existing answers.
The export of all responses (one row per response) is in `questionnaire_responses_xlsx`.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from desktop_app import __version__
from desktop_app.core import questionnaire_sheet as sheet
from desktop_app.core.questionnaire_respondents import Respondent, identity_answers
from desktop_app.exports.questionnaire_xlsx_sheets import (
    TemplateInfo,
    instructions_sheet,
    meta_sheet,
    questions_sheet,
)

__all__ = ["TemplateInfo", "write_template", "write_templates", "template_file_name", "safe_file_name"]


def write_template(info: TemplateInfo, path: str | Path) -> Path:
    """Write the fillable workbook; returns the path written."""
    path = Path(path)
    wb = Workbook()
    guide = wb.active
    guide.title = sheet.SHEET_INSTRUCTIONS
    questions = wb.create_sheet(sheet.SHEET_QUESTIONS)
    lists = wb.create_sheet(sheet.SHEET_LISTS)
    meta = wb.create_sheet(sheet.SHEET_META)
    answers = dict(info.answers)
    if info.respondent is not None:
        answers.update(identity_answers(info.form, info.respondent))
    instructions_sheet(guide, info)
    questions_sheet(questions, lists, info, answers)
    meta_sheet(meta, info)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
    wb.properties.title = info.form.title
    wb.properties.creator = f"EvalKit Quartiers {__version__}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- file names


def safe_file_name(text: str, limit: int = 90) -> str:
    """A file name every system accepts, accents kept: "Association « Les Amis »/2" -> "Association Les Amis 2"."""
    cleaned = "".join(c if c.isalnum() or c in " -_.,'()" else " " for c in text)
    return " ".join(cleaned.split())[:limit].strip(" .") or "questionnaire"


def template_file_name(title: str, respondent: Respondent | None = None) -> str:
    """"Questionnaire communes - Douai.xlsx" (the tool's short title, then the respondent)."""
    base = title if len(title) <= 50 else title[:50].rstrip()
    if respondent is None:
        return safe_file_name(base) + ".xlsx"
    return safe_file_name(f"{base} - {respondent.name or respondent.code}", limit=120) + ".xlsx"


def write_templates(infos: list[TemplateInfo], folder: str | Path, progress=None) -> list[Path]:
    """One pre-filled file per template (each with its respondent) in `folder`; names made
    unique. Returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for n, info in enumerate(infos):
        who = info.respondent or Respondent("", "", "")
        if progress:
            progress(n, len(infos), f"Fichier de {who.name or who.code}…")
        name = template_file_name(info.short_title, info.respondent)
        if name.lower() in used:
            name = name[:-5] + f" ({who.code or n + 1}).xlsx"
        used.add(name.lower())
        written.append(write_template(info, folder / name))
    if progress:
        progress(len(infos), len(infos), "")
    return written
