"""Moving the demo evaluation from the kit 1.0.1 to the kit 1.1.0 keeps every answer.

The demo is built with the shipped kit (1.1.0); it is then turned back into what a 1.0.1
evaluation holds: the 1.0.1 kit copy (resources/kits/kit-evaluation-cv-1.0.1, forms/ as shipped then),
answers only to 1.0.1's questions, with 1.0.1's values (difficulty scales 1 = very easy … 5 = very
difficult). `kits.upgrade` must keep every answer under its question id, convert the values the
kit's migration notes say, and leave every answer valid for the 1.1.0 form.
"""

from __future__ import annotations

from sqlalchemy import select

from desktop_app import paths
from desktop_app.core.validation import validate
from desktop_app.kit.compare import question_of, tool_questions
from desktop_app.kit.forms import compile_tool, iter_fields
from desktop_app.kit.loader import load_folder
from desktop_app.services.kits import preview_lines
from desktop_app.store.models import Evaluation, FormResponse, KitSnapshot

OLD = load_folder(paths.resource("kits", "kit-evaluation-cv-1.0.1"))
DIFFICULTY = ("difficulte_portail", "difficulte_cerfa")
OLD_DIFFICULTY = {"tres_facile": 1, "facile": 2, "moyen": 3, "difficile": 4, "tres_difficile": 5}
NEW_EVOLUTION = {1: 3, 2: 4, 3: 4, 4: 5, 5: 5}


def _as_101(services, eid) -> dict[str, dict]:
    """The demo as a 1.0.1 evaluation; returns {response id: (tool id, answers as stored then)}."""
    new = services.kits.get("kit-evaluation-cv", "1.1.0")
    stored = {}
    with services.kits.tx() as s:
        s.add(KitSnapshot(kit_id=OLD.id, version=OLD.version, digest=OLD.digest, files=dict(OLD.files)))
        ev = s.get(Evaluation, eid)
        ev.kit_version = OLD.version
        ev.scope = [t for t in (ev.scope or []) if t in OLD.tools]
        for rec in s.scalars(select(FormResponse).where(FormResponse.evaluation_id == eid, FormResponse.deleted.is_(False))):
            assert rec.tool_id in OLD.tools  # the demo fills no tool new in 1.1.0 by itself
            known = set(tool_questions(OLD.tools[rec.tool_id]))
            answers = {k: v for k, v in (rec.answers or {}).items() if question_of(k) in known}
            for fid in DIFFICULTY:
                if fid in answers and rec.tool_id == "questionnaire-associations":
                    if answers[fid] in OLD_DIFFICULTY:
                        answers[fid] = OLD_DIFFICULTY[answers[fid]]
                    else:
                        del answers[fid]  # « non concerné » did not exist
            rec.answers = answers
            stored[rec.id] = (rec.tool_id, answers)
    assert new.version == "1.1.0"
    return stored


def test_the_demo_moves_from_101_to_110_with_every_answer(services, demo_id):
    before = _as_101(services, demo_id)
    assert sum(len(a) for _t, a in before.values()) > 500  # a full demo
    preview = services.kits.upgrade_preview(demo_id, "1.1.0")
    assert preview.answers_hidden == 0 and preview.responses_of_removed_tools == 0
    assert preview.answers_kept == sum(len(a) for _t, a in before.values())
    assert preview.answers_mapped > 0
    text = "\n".join(preview_lines(preview))
    assert "Notes de migration du kit" in text and "Réponses converties selon ces notes" in text
    assert {tid for tid, _ in preview.changes.tools_added} == {
        "guide-restitution", "guide-entretien", "reflexion-elus", "etat-qpv", "bilans-annuels", "questions-transversales",
    }

    services.kits.upgrade(demo_id, "1.1.0")
    summary = services.evaluations.get(demo_id)
    assert summary.kit_version == "1.1.0"
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    forms = {}
    converted = 0
    for rid, (tool_id, old) in before.items():
        after = services.forms.get(rid).answers
        assert set(after) == set(old), tool_id  # every answer kept, under its question id
        for key, value in old.items():
            if tool_id == "questionnaire-associations" and key in DIFFICULTY:
                expected = {v: k for k, v in OLD_DIFFICULTY.items()}[value]
            elif tool_id == "questionnaire-communes" and key == "evolution_droit_commun":
                expected = NEW_EVOLUTION[value]
            else:
                expected = value
            converted += expected != value
            assert after[key] == expected, (tool_id, key)
        form = forms.setdefault(tool_id, {f.id: f for f in iter_fields(compile_tool(kit, tool_id))})
        for key, value in after.items():
            if key in form:
                assert validate(form[key], value) is None, (tool_id, key, value)
    assert converted == preview.answers_mapped
