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
from collections import Counter
from pathlib import Path

from desktop_app.kit.loader import _tool_sections, iter_questions, load_folder

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "desktop_app"
# The demo builder writes the shipped kit's answers: it may name its tools and fields.
DEMO = re.compile(r"^desktop_app/(demo/.*|services/[^/]*demo[^/]*\.py)$")

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
}

# Field ids still named in Python, per file (commitments' list, immersion and testimony columns
# of the fieldwork workbook, the excerpts' categories, and spreadsheet headings that are also
# field ids). This list may only shrink: move such a read to a field role (`role:` in the YAML,
# `Kit.field_for_role`) and lower or remove its line.
KNOWN_FIELD_ID_READS = {
    "desktop_app/core/fieldwork_import.py": 9,
    "desktop_app/services/fieldwork_commitments.py": 7,
    "desktop_app/exports/fieldwork_xlsx.py": 7,
    "desktop_app/core/fieldwork_synthesis.py": 5,
    "desktop_app/core/programmation.py": 4,
    "desktop_app/services/fieldwork_terrain.py": 4,
    "desktop_app/services/actions_import.py": 2,
    "desktop_app/exports/pdf_charts.py": 1,
    "desktop_app/core/letters.py": 1,
    "desktop_app/services/letters.py": 1,
    "desktop_app/core/fieldwork.py": 1,
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


def _occurrences(ids: set[str], allowed: dict[str, str]) -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if DEMO.match(rel):
            continue
        for line, value in _literals(path):
            if value in ids and value not in allowed:
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


def test_kit_field_ids_only_where_still_listed():
    _tools, fields = _kit_ids()
    hits = _occurrences(fields, ALLOWED_FIELD_IDS)
    per_file = Counter(file for file, _line, _value in hits)
    new = [(f, n, v) for f, n, v in hits if per_file[f] > KNOWN_FIELD_ID_READS.get(f, 0)]
    assert not new, "Identifiants de champs du kit cités dans le code (utilisez un rôle de champ) :\n" + "\n".join(
        f"{file}:{line}: « {value} »" for file, line, value in new
    )
    fewer = {f: (KNOWN_FIELD_ID_READS[f], per_file.get(f, 0)) for f in KNOWN_FIELD_ID_READS if per_file.get(f, 0) < KNOWN_FIELD_ID_READS[f]}
    assert not fewer, f"Moins d'identifiants de champs qu'indiqué : baissez KNOWN_FIELD_ID_READS {fewer}"


def test_allowed_words_are_still_kit_ids():
    """An allowed word no longer in the kit leaves the list (it stays short and true)."""
    tools, fields = _kit_ids()
    assert set(ALLOWED_TOOL_IDS) <= tools
    assert set(ALLOWED_FIELD_IDS) <= fields | tools
