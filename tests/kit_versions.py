"""Newer versions of the bundled kit, as a resource centre would publish them (for the kit
install / list / pack / upgrade tests).

`make_version(dest, version)` copies `forms/` with another version number and, unless told
otherwise, these changes in the communes' questionnaire: `nom_commune` reworded, `quartier_sortant`
removed, `nb_habitants_qpv` added; and a new tool, `guide-bailleurs` (a copy of the associations'
guide under another id).
"""

from __future__ import annotations

import shutil
from pathlib import Path

FORMS = Path(__file__).resolve().parent.parent / "forms"
REWORDED = ("nom_commune", "Nom de la commune", "Nom officiel de la commune")
REMOVED = "quartier_sortant"
ADDED = "nb_habitants_qpv"
NEW_TOOL = "guide-bailleurs"
QUESTIONNAIRE = "questionnaire-communes"


def make_version(dest: Path, version: str, changes: bool = True) -> Path:
    shutil.copytree(FORMS, dest)
    kit = dest / "kit.yaml"
    text = kit.read_text(encoding="utf-8")
    assert 'version: "1.1.0"' in text
    text = text.replace('version: "1.1.0"', f'version: "{version}"', 1)
    if changes:
        text = text.replace("tools:\n", f"tools:\n  - {{id: {NEW_TOOL}, file: {NEW_TOOL}.yaml}}\n", 1)
        guide = (dest / "guide-associations.yaml").read_text(encoding="utf-8")
        (dest / f"{NEW_TOOL}.yaml").write_text(guide.replace("id: guide-associations", f"id: {NEW_TOOL}", 1), encoding="utf-8")
        q = dest / f"{QUESTIONNAIRE}.yaml"
        body = q.read_text(encoding="utf-8")
        old = (
            "      - id: quartier_sortant\n        type: yes_no\n"
            '        label: "Un quartier de la commune est-il sorti de la géographie prioritaire en 2024 ?"\n'
        )
        assert old in body and f'label: "{REWORDED[1]}"' in body
        body = body.replace(old, f'      - id: {ADDED}\n        type: integer\n        label: "Nombre d\'habitants en QPV"\n')
        body = body.replace(f'label: "{REWORDED[1]}"', f'label: "{REWORDED[2]}"', 1)
        q.write_text(body, encoding="utf-8")
    kit.write_text(text, encoding="utf-8")
    return dest


def alter(folder: Path) -> Path:
    """The same kit, same version, other content (a reworded purpose)."""
    path = folder / "referentiel.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# corrigé sans changer de version\n", encoding="utf-8")
    return folder
