"""An XLSForm imported from the GUI joins the evaluation's kit through the kit installation:
a new kit version holding the questionnaire is installed and the evaluation moves to it, so the
questionnaire is entered, exported and reported like the kit's own."""

from __future__ import annotations

import pytest
from fixtures import write_household_form

from desktop_app.kit.xlsform import read_xlsform
from desktop_app.services.base import ServiceError


def test_an_imported_xlsform_becomes_a_questionnaire_of_a_new_kit_version(services, evaluation_id, tmp_path):
    result = read_xlsform(write_household_form(tmp_path / "menages.xlsx"), "enquete-menages")
    before = services.evaluations.get(evaluation_id).kit_version
    rid = services.forms.create(evaluation_id, "questionnaire-communes", subject_type="respondent", answers={})

    version = services.kits.add_tool(evaluation_id, result.tool_id, result.yaml_text, str(tmp_path / "menages.xlsx"))

    summary = services.evaluations.get(evaluation_id)
    assert summary.kit_version == version != before
    assert version in [e.version for e in services.kits.available()]  # installed, listed by `kit list`
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    tool = kit.tools["enquete-menages"]
    assert (tool.role, tool.respondent_kind) == ("questionnaire", "other")
    assert "enquete-menages" in [t.id for t in kit.tools_in_report_section("questionnaires")]
    assert "enquete-menages" in services.questionnaires.forms(evaluation_id)  # entered like the kit's own
    assert services.forms.get(rid).answers == {}  # nothing else touched

    with pytest.raises(ServiceError, match="a déjà un outil"):
        services.kits.add_tool(evaluation_id, result.tool_id, result.yaml_text, "again")
