"""Texts kept « à corriger » (form_responses.drafts) are filtered like the answers they stand for."""

from __future__ import annotations

from desktop_app.core.privacy_filter import ToolRules
from desktop_app.sync import privacy


def test_drafts_of_personal_fields_stay_behind_and_contacts_are_removed():
    rules = {"questionnaire": ToolRules(personal=frozenset({"contact"}))}
    row = {
        "id": "r1", "tool_id": "questionnaire", "subject_type": "commune", "deleted": False,
        "answers": {"budget": 12}, "status_comment": "",
        "drafts": {"contact": "Mme Nadia Ouali", "budget": "voir avec dgs@mairie.example ou 06 12 34 56 78"},
    }
    out = privacy.apply({"form_responses": [row]}, privacy.PSEUDONYMISED, rules=rules)
    [sent] = out.rows["form_responses"]
    assert "contact" not in sent["drafts"]
    assert "dgs@mairie.example" not in sent["drafts"]["budget"] and "06 12 34 56 78" not in sent["drafts"]["budget"]
    assert sent["drafts"]["budget"].startswith("voir avec")


def test_a_draft_in_a_repeat_group_item_follows_its_sub_question():
    """« membres[2].nom » is a personal sub-question's text: it stays behind."""
    rules = {"fiche": ToolRules(groups={"membres": ToolRules(personal=frozenset({"nom"}))})}
    row = {
        "id": "r2", "tool_id": "fiche", "subject_type": "workshop", "deleted": False,
        "answers": {}, "status_comment": "",
        "drafts": {"membres[2].nom": "Nadia Ouali", "membres[2].age": "la quarantaine"},
    }
    out = privacy.apply({"form_responses": [row]}, privacy.PSEUDONYMISED, rules=rules)
    [sent] = out.rows["form_responses"]
    assert sent["drafts"] == {"membres[2].age": "la quarantaine"}
