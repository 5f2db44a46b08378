"""XLSForm in: turn a KoboToolbox / ODK form definition (.xlsx, .xls) into a kit tool YAML.

The workbook is read and checked by pyxform (`get_xlsform` + `workbook_to_json`, the reference
implementation), never by reading the sheets here. Its JSON tree is then mapped to the kit's
`FormTool` (kit/xlsform_mapping.py): groups (nested ones flattened, titles joined with « › »)
become sections, repeats repeat groups, `relevant` becomes `show_if` (kit/xlsform_expressions.py),
numeric `constraint`s become `min`/`max`, `${}` piping in labels shows the cited question in
brackets, the French translation of a label is preferred. What cannot map (GPS, media, external
lists, calculations, unsupported functions…) is listed per survey row in a French report; the
tool still imports without it, or is refused (`XlsFormError`) when no question is left. The YAML
written is checked by the kit loader before it is kept.

A column `evalkit` (JSON) on the survey sheet, written by `xlsform_export`, carries what XLSForm
has no column for (yes/no and scale types, unit, scale end labels, personal data flags), so a kit
questionnaire survives the round trip.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop_app.kit.xlsform_mapping import FormMapper
from desktop_app.kit.xlsform_model import ImportResult, ReportLine, XlsFormError, normalise_id

__all__ = ["EXTENSIONS", "ImportResult", "ReportLine", "XlsFormError", "import_xlsform", "normalise_id", "read_xlsform"]

EXTENSIONS = (".xlsx", ".xls")


def read_xlsform(path: Path | str, tool_id: str | None = None) -> ImportResult:
    """Parse and map an XLSForm; nothing is written. Raise XlsFormError when it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise XlsFormError(f"le fichier « {path} » est introuvable")
    if path.suffix.lower() not in EXTENSIONS:
        raise XlsFormError(f"« {path.name} » n'est pas un classeur XLSForm (.xlsx ou .xls attendu)")
    if tool_id is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", tool_id):
        raise XlsFormError(
            f"identifiant « {tool_id} » invalide : minuscules, chiffres, « _ » et « - » seulement"
        )
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    try:
        workbook = get_xlsform(xlsform=str(path))
        data = workbook_to_json(
            workbook_dict=workbook, fallback_form_name=workbook.fallback_form_name, warnings=[]
        )
    except (PyXFormError, ValueError, KeyError, OSError) as exc:
        raise XlsFormError(
            f"« {path.name} » n'est pas un XLSForm valide ({exc}). Corrigez le formulaire "
            "(feuilles survey, choices, settings) puis recommencez."
        ) from None
    rows = {}
    for index, row in enumerate(workbook.survey or []):
        name = row.get("name")
        if name and name not in rows and not str(row.get("type", "")).startswith("end"):
            rows[name] = index + 2
    mapper = FormMapper(data, rows)
    return mapper.build(tool_id, path.stem)


def import_xlsform(path: Path | str, out_dir: Path | str, tool_id: str | None = None, replace: bool = False) -> ImportResult:
    """Read an XLSForm and write `out_dir/<id>.yaml`."""
    result = read_xlsform(path, tool_id)
    out = Path(out_dir)
    target = out / f"{result.tool_id}.yaml"
    if target.exists() and not replace:
        raise XlsFormError(
            f"le fichier « {target} » existe déjà : choisissez un autre dossier ou un autre identifiant (--id), "
            "ou remplacez-le (--force)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        target.write_text(result.yaml_text, encoding="utf-8")
    except OSError as exc:
        raise XlsFormError(f"impossible d'écrire « {target} » ({exc.strerror or exc})") from None
    result.path = target
    return result
