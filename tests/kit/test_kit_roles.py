"""Roles in the kit YAML: what a tool is for, where the report shows it, what its fields are for.
`kit check` refuses a role that cannot work, naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_app.kit.loader import KitError, load_folder

FORMS = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture(scope="module")
def kit():
    return load_folder(FORMS)


def test_the_shipped_kit_declares_its_roles(kit):
    assert [t.group_label for t in kit.tools_with_role("workshop_guide")] == [
        "Partenaires", "Associations", "Conseils citoyens", "Restitution et mise en débat", "Entretiens qualitatifs", "Élu·es",
    ]
    assert kit.tool_for_role("working_group").group_label == "Groupes de travail"
    assert {t.respondent_kind for t in kit.tools_with_role("questionnaire")} == {"communes", "associations"}
    assert len(kit.tools_with_role("council_tool")) == 3 and len(kit.tools_with_role("maturity_scale")) == 2
    for role in ("referential", "letter", "immersion", "testimony", "commitments", "action_scoring", "action_questions", "action_plan"):
        assert kit.tool_for_role(role) is not None, role
    assert kit.tool_for_role("nothing") is None
    # report sections, in the order the YAML gives
    assert [t.short_title for t in kit.tools_in_report_section("questionnaires")] == ["Questionnaire communes", "Questionnaire associations"]
    assert [t.role for t in kit.tools_in_report_section("terrain")] == [
        "workshop_guide", "workshop_guide", "workshop_guide", "working_group", "immersion", "testimony",
        "workshop_guide", "workshop_guide", "workshop_guide",
    ]
    assert [(t.step, t.tab_title) for t in kit.tools_with_role("step_form")] == [
        ("terrain", "État des QPV"), ("terrain", "Bilans annuels"), ("maturite", "Questions évaluatives"),
    ]
    # fields: by role, and by the flags consent / personal
    testimony = kit.tool_id_for_role("testimony")
    consent = kit.field_for_role(testimony, "consent")
    assert consent and kit.fields_flagged(testimony, "consent") == (consent,)
    assert kit.field_for_role(testimony, "retention_date") and kit.field_for_role(testimony, "pseudonym")
    assert kit.field_for_role(testimony, "meeting_date") is None
    assert kit.fields_flagged(kit.tools_with_role("questionnaire")[0].id, "personal")


def _broken(tmp_path: Path, file: str, old: str, new: str) -> str:
    folder = tmp_path / "kit"
    shutil.copytree(FORMS, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, old
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KitError) as exc:
        load_folder(folder)
    return str(exc.value)


@pytest.mark.parametrize(
    "file, old, new, field, words",
    [
        ("guide-associations.yaml", 'group_label: "Associations"\n', "", "group_label", "doit avoir un « group_label »"),
        ("questionnaire-communes.yaml", "respondent_kind: communes\n", "", "respondent_kind", "qui y répond"),
        ("questionnaire-communes.yaml", "respondent_kind: communes", "respondent_kind: bailleurs", "respondent_kind", "valeur non autorisée"),
        ("maturite-lcd.yaml", "role: maturity_scale", "role: questionnaire\nrespondent_kind: other", "role", "ne convient pas"),
        ("maturite-lcd.yaml", "role: maturity_scale", "role: referential", "role", "déjà celui de l'outil"),
        ("guide-associations.yaml", "section: terrain", "section: questionnaires", "report.section", "« terrain »"),
        ("courrier-partenaires.yaml", "role: letter\n", "role: letter\nreport: {section: terrain}\n", "report.section", "retirez « report »"),
        ("courrier-partenaires.yaml", "invites_to: guide-partenaires", "invites_to: groupe-travail", "invites_to", "n'est pas un guide d'atelier"),
        ("fiche-temoignage.yaml", "        consent: true\n", "", "role", "consentement"),
        ("fiche-temoignage.yaml", "role: retention_date", "role: pseudonym", "role", "déjà porté"),
        ("fiche-immersion.yaml", "role: visit_date", "role: referential_themes", "role", "multiple_choice"),
    ],
)
def test_a_role_that_cannot_work_is_refused(tmp_path, file, old, new, field, words):
    message = _broken(tmp_path, file, old, new)
    assert file in message and field in message and words in message, message
