"""The kit is data: no Python file outside the demo names a kit tool id or a kit field id.

Screens, exports, privacy rules and sync steps find a tool by its role in the kit YAML
(`Kit.tools_with_role("workshop_guide")`, `Kit.tool_for_role("testimony")`) and a field by its
field role or flag (`Kit.field_for_role(tool_id, "retention_date")`, `consent: true`), so a kit
version that adds, renames or drops a tool works without a new release.

The test reads every string literal of `desktop_app/**/*.py` (the demo builder excepted: it
writes the shipped kit's answers) and fails, with file:line, on any literal equal to an id of the
shipped kit. A few ids are also ordinary words of the application's own data model: they are
listed below with the reason they are allowed.
"""

from __future__ import annotations

import ast
import re
import tokenize
from pathlib import Path

from desktop_app.kit.loader import _tool_sections, iter_questions, load_folder

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "desktop_app"
# The demo builder writes the shipped kit's answers: it may name its tools and fields.
DEMO = re.compile(r"^desktop_app/demo/.*$")

# Tool ids that are also another thing of the application.
ALLOWED_TOOL_IDS = {
    "referentiel": "the step of that name (core.steps), a report section id and an attachment owner type",
}
# Field ids that are also words of the application's own data model (never read as answers).
ALLOWED_FIELD_IDS = {
    "qpv": "the Cadrage's table of quartiers and the subject type of a council's responses",
    "question": "a plan row's question, a synced table's column, a referential level",
    "contact": "a partner's and an invitee's contact column (Cadrage, privacy rules)",
    "theme": "a workshop's theme column and a field role name",
    "siret": "a programmation column (actions import)",
    "budget": "a programmation column (actions import, grid)",
    "local": "the local side of a sync conflict",
    "reference": "a field role name, and a heading synonym of the spreadsheet imports",
    "referentiel": "see ALLOWED_TOOL_IDS",
    "engagements": "a report section id (kit schema) and the commitments import command",
    "lieu": "a word of the text guard's French names of columns",
    "recurrence": "a grid criterion's `auto` kind (kit schema, scoring)",
    "partenaires": "a participant profile of a workshop (core.fieldwork, stored in its counts)",
    "date_limite": "a merge field of the letter ({{date_limite}} in the letter's body)",
}

# Spreadsheet imports match the headings users give their columns: some headings are words that
# are also field ids of the kit. Those words, and only those, are allowed in these files.
HEADING_SYNONYMS = {
    "desktop_app/core/fieldwork_import.py": {
        "numero", "intitule", "pilote", "statut", "preuves", "sources", "commentaire", "observation", "echeance",
    },
    "desktop_app/core/programmation.py": {"intitule", "financeurs", "commentaire", "statut"},
    "desktop_app/services/actions_import.py": {"intitule", "numero"},
}


def _kit_ids() -> tuple[set[str], set[str]]:
    kit = load_folder(ROOT / "forms")
    fields: set[str] = set()
    for tool in kit.tools.values():
        fields |= {q.id for _path, q in iter_questions(_tool_sections(tool))}
        for attr in ("columns", "items", "criteria", "domains"):
            fields |= {x.id for x in getattr(tool, attr, None) or []}
    return set(kit.tools), fields


def _literals(path: Path):
    """(line, value) of every plain string literal of a Python file (f-strings skipped)."""
    with path.open("rb") as fh:
        for tok in tokenize.tokenize(fh.readline):
            if tok.type != tokenize.STRING:
                continue
            try:
                value = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError):
                continue  # an f-string
            if isinstance(value, str):
                yield tok.start[0], value


def _occurrences(ids: set[str], allowed: dict[str, str], in_file: dict[str, set[str]] | None = None) -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if DEMO.match(rel):
            continue
        local = (in_file or {}).get(rel, set())
        for line, value in _literals(path):
            if value in ids and value not in allowed and value not in local:
                out.append((rel, line, value))
    return out


def test_literals_reader_finds_quoted_ids(tmp_path):
    """The scanner itself: single and double quotes, not f-strings nor longer strings."""
    probe = tmp_path / "probe.py"
    probe.write_text('a = "guide-x"\nb = \'guide-x\'\nc = f"guide-{a}"\nd = "le guide-x"\n', encoding="utf-8")
    assert [(n, v) for n, v in _literals(probe) if v == "guide-x"] == [(1, "guide-x"), (2, "guide-x")]


def test_no_python_file_names_a_kit_tool_id():
    tools, _fields = _kit_ids()
    assert {"guide-partenaires", "fiche-temoignage", "questionnaire-communes"} <= tools  # the kit was read
    hits = _occurrences(tools, ALLOWED_TOOL_IDS)
    assert not hits, "Identifiants d'outils du kit cités dans le code (cherchez l'outil par son rôle) :\n" + "\n".join(
        f"{file}:{line}: « {value} »" for file, line, value in hits
    )


def test_no_python_file_names_a_kit_field_id():
    _tools, fields = _kit_ids()
    assert {"consentement_utilisation", "code_pseudonyme", "quand_debut"} <= fields  # the kit was read
    hits = _occurrences(fields, ALLOWED_FIELD_IDS, HEADING_SYNONYMS)
    assert not hits, "Identifiants de champs du kit cités dans le code (utilisez un rôle de champ) :\n" + "\n".join(
        f"{file}:{line}: « {value} »" for file, line, value in hits
    )


def test_allowed_words_are_still_kit_ids():
    """An allowed word no longer in the kit leaves the list (it stays short and true)."""
    tools, fields = _kit_ids()
    assert set(ALLOWED_TOOL_IDS) <= tools
    assert set(ALLOWED_FIELD_IDS) <= fields | tools
    assert all(words <= fields for words in HEADING_SYNONYMS.values())
