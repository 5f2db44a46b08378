"""The référentiel as a matrix: codes, appreciations, counts, and the overall appreciation
suggested from the indicators when the team has not given one."""

from __future__ import annotations

import pytest

from desktop_app.core.referentiel import build_matrix
from desktop_app.kit.loader import load_folder
from tests.conftest import FORMS


@pytest.fixture(scope="module")
def tool():
    return load_folder(FORMS).tool("referentiel")


def test_blank_matrix(tool):
    m = build_matrix(tool, {})
    assert m.total == 50 and m.filled == 0 and m.appreciated == 0
    assert [q.id for q in m.questions] == ["gouvernance", "droit_commun", "conseils_citoyens", "vie_associative"]
    first = m.questions[0].sub_questions[0].cells[0]
    assert (first.id, first.code) == ("gouv_1_a", "1.1.a")
    assert m.questions[0].appreciation is None and not m.questions[0].computed
    assert m.counts()["non_renseigne"] == 50


def test_values_appreciations_and_suggested_overall(tool):
    answers = {
        "gouv_1_a.valeur": "1 par an",
        "gouv_1_a.appreciation": "atteint",
        "gouv_1_b.appreciation": "plutot_pas_atteint",
        "gouv_1_c.appreciation": "non_atteint",
        "gouv_2_a.valeur": 55.0,
        "dc_1_a.appreciation": "plutot_atteint",
        "droit_commun.appreciation": "non_atteint",
        "droit_commun.commentaire": "Engagements non suivis.",
    }
    m = build_matrix(tool, answers, {"gouvernance": "Gouvernance"}, {"gouv_1_a": 2})
    gouv, dc = m.questions[0], m.questions[1]
    assert m.filled == 5 and m.appreciated == 4
    cell = gouv.sub_questions[0].cells[0]
    assert cell.value == "1 par an" and cell.evidence == 2 and cell.appreciation.color == "#2e7d32"
    assert gouv.sub_questions[1].cells[0].value == "55"  # a number typed as such reads without ".0"
    # mean of 4, 2, 1 = 2.33 -> "Plutôt pas atteint" (score 2), marked as computed
    assert gouv.appreciation.value == "plutot_pas_atteint" and gouv.computed
    # the team's own appreciation wins and is not marked as computed
    assert dc.appreciation.value == "non_atteint" and not dc.computed and dc.comment == "Engagements non suivis."
    assert gouv.counts["atteint"] == 1 and gouv.counts["non_renseigne"] == 10
    assert m.counts()["plutot_atteint"] == 1
