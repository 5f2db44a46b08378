"""Fixtures of the questionnaires tests: an evaluation with two communes, a pre-filled template."""

from __future__ import annotations

import pytest
from questionnaire_helpers import COMMUNES


@pytest.fixture
def evaluation(services):
    eid = services.evaluations.create("CA du Douaisis", title="Évaluation test")
    services.evaluations.add_row("commune", eid, {"name": "Douai", "insee": "59178"})
    services.evaluations.add_row("commune", eid, {"name": "Sin-le-Noble", "insee": "59569"})
    return eid


@pytest.fixture
def template(services, evaluation, tmp_path):
    """A template of the communes questionnaire pre-filled for Douai."""
    from desktop_app.core.questionnaire_respondents import Respondent
    from desktop_app.exports.questionnaire_xlsx import write_template

    info = services.questionnaires.template(evaluation, COMMUNES, Respondent("commune", "Douai", "59178"),
                         deadline="15/03/2026", return_to="pilote@agglo.example")
    return write_template(info, tmp_path / "douai.xlsx")
