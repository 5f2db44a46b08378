"""XLSForm in, the shared pieces: the refusal, the import result and its French report, kit ids
made from XLSForm names (`desktop_app.kit.xlsform` and `desktop_app.kit.xlsform_mapping`)."""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


class XlsFormError(ValueError):
    """The XLSForm cannot be imported (French message: what happened and what to do)."""


@dataclass(frozen=True)
class ReportLine:
    row: int | None  # row of the survey sheet (1 = headers), None when pyxform added the element
    name: str
    type: str
    reason: str
    omitted: bool  # True: the question is not in the tool; False: imported, with a loss

    def __str__(self) -> str:
        where = f"ligne {self.row}" if self.row else "ligne ?"
        what = "omise" if self.omitted else "importée"
        return f"{where} · {self.name or '(sans nom)'} ({self.type}) : {self.reason} — {what}"


@dataclass
class ImportResult:
    tool_id: str
    title: str
    yaml_text: str
    questions: int
    sections: int
    report: list[ReportLine] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # XLSForm name -> kit id
    language: str | None = None
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "tool": self.tool_id,
            "title": self.title,
            "file": str(self.path) if self.path else None,
            "questions": self.questions,
            "sections": self.sections,
            "language": self.language,
            "renamed": self.renamed,
            "report": [asdict(line) for line in self.report],
        }

    def text_report(self) -> list[str]:
        lines = [
            f"Questionnaire « {self.title} » importé sous l'identifiant « {self.tool_id} » : "
            f"{_plural(self.questions, 'question')} en {_plural(self.sections, 'section')}."
        ]
        if self.path:
            lines.append(f"Fichier écrit : {self.path}")
        if self.language:
            lines.append(f"Libellés repris dans la langue « {self.language} ».")
        if self.renamed:
            lines.append("Identifiants adaptés aux règles du kit (sans accents, espaces ni signes) :")
            lines += [f"  {old} → {new}" for old, new in self.renamed.items()]
        if self.report:
            n = len(self.report)
            lines.append(f"{_plural(n, 'élément')} non repris ou repris partiellement :")
            lines += [f"  {line}" for line in self.report]
        else:
            lines.append("Tout le formulaire a été repris.")
        return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def normalise_id(name: str, keep_case: bool = False) -> str:
    """An XLSForm name as a kit id usable in expressions: ASCII, `_` for the rest; lower case
    unless `keep_case` (question ids keep the form's capitals: `NomChef`)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_]+" if keep_case else r"[^a-z0-9_]+", "_", text if keep_case else text.lower()).strip("_")
    text = re.sub(r"_+", "_", text)
    if not text:
        text = "q"
    if text[0].isdigit():
        text = "q_" + text
    if keyword.iskeyword(text) or text.lower() in ("true", "false", "none", "answered", "count"):
        text += "_q"
    return text


class IdAllocator:
    """Unique kit ids in one namespace, remembering the names that changed. With `keep_case`,
    ids keep their capitals but stay unique ignoring case (`Nom` and `nom` would be confused
    wherever a person reads or types them, and `kit check` refuses them)."""

    def __init__(self, keep_case: bool = False):
        self.keep_case = keep_case
        self.used: set[str] = set()
        self.by_name: dict[str, str] = {}

    def take(self, name: str) -> str:
        base = normalise_id(name, self.keep_case)
        ident, n = base, 2
        while ident.lower() in self.used:
            ident, n = f"{base}_{n}", n + 1
        self.used.add(ident.lower())
        self.by_name.setdefault(name, ident)
        return ident
