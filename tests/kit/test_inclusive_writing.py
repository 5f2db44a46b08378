"""The shipped kit's texts follow one inclusive-writing convention (docs/ecriture-inclusive.md):
person nouns take the middle dot, never the masculine alone, and ids/values are untouched."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

FORMS = Path(__file__).resolve().parents[2] / "forms"
# masculine-only forms of the person nouns the kit uses (ids and stored values excluded)
MASCULINE = (
    "habitants", "participants", "conseillers", "élus", "techniciens", "représentants", "professionnels",
    "animateurs", "agents", "salariés", "référents", "commerçants", "accompagnés", "délégué du préfet",
    "délégués du préfet", "chef de projet",
)
PATTERN = re.compile(r"(?<![\w·])(" + "|".join(re.escape(w) for w in MASCULINE) + r")(?![\w·])", re.IGNORECASE)
NOT_TEXT = {"id", "value", "choice_list", "show_if", "constraint", "calculate", "file", "role", "kind", "step"}


def _texts(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v, key)
    elif isinstance(node, str) and key not in NOT_TEXT:
        yield key, node


def test_person_nouns_take_the_middle_dot_everywhere():
    found = []
    for path in sorted(FORMS.glob("*.yaml")):
        for key, text in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            found += [f"{path.name} ({key}) : « {m.group(0)} »" for m in PATTERN.finditer(text)]
            assert "·e·s" not in text and "(e)s" not in text, (path.name, text)
    assert not found, "\n".join(found)


def test_the_convention_does_not_touch_ids():
    text = (FORMS / "cc-portrait-robot.yaml").read_text(encoding="utf-8")
    assert "id: membres_habitants" in text  # answers stay keyed as in 1.0.1
