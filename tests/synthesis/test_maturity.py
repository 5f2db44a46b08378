"""Maturity scales: score, overall level, strengths, areas for progress and recommendations
drawn from the levels, on the bundled kit's anti-discrimination scale."""

from __future__ import annotations

import pytest

from desktop_app.core.maturity import compute_maturity
from desktop_app.kit.loader import load_folder
from tests.conftest import FORMS


@pytest.fixture(scope="module")
def scale():
    return load_folder(FORMS).tool("maturite-lcd")


def levels(scale, values: dict[str, str]) -> dict:
    return {f"{d}.niveau": v for d, v in values.items()}


def test_empty_scale_scores_nothing(scale):
    r = compute_maturity(scale, {})
    assert (r.score, r.max_score, r.assessed, r.total) == (0, 35, 0, 7)
    assert r.overall is None and not r.recommendations


def test_score_overall_and_findings(scale):
    answers = levels(scale, {
        "engagement_politique": "4", "moyens_dedies": "1", "organisation_gouvernance": "3",
        "communication": "2", "mobilisation_acteurs": "5", "acces_droits": "3", "observation": "0",
    })
    answers["observation.justification"] = "Aucune donnée locale."
    r = compute_maturity(scale, answers)
    assert r.score == 18 and r.max_score == 35 and r.complete
    assert round(r.percent) == 51
    # average 18/7 = 2.57: the lower level is kept when in doubt
    assert r.overall.number == 2 and r.overall.label == "Premiers pas"
    assert [f.domain_id for f in r.strengths] == ["engagement_politique", "mobilisation_acteurs"]
    assert {f.domain_id for f in r.progress} == {"moyens_dedies", "communication", "observation"}
    # the kit's recommendation for every area for progress, lowest level first…
    first = [f.domain_id for f in r.recommendations[:3]]
    assert first == ["observation", "moyens_dedies", "communication"]
    assert r.recommendations[0].text == next(d for d in scale.domains if d.id == "observation").recommendation
    # …then the next step for the domains in between (level 3 -> level 4), not for the strongest
    rest = {f.domain_id: f.text for f in r.recommendations[3:]}
    assert set(rest) == {"organisation_gouvernance", "acces_droits", "engagement_politique"}
    assert rest["acces_droits"].startswith("Pour atteindre le niveau 4 (Intégration)")
    assert "mobilisation_acteurs" not in rest  # level 5 has no next step
    obs = next(d for d in r.domains if d.id == "observation")
    assert obs.justification == "Aucune donnée locale." and obs.level.number == 0
    assert r.profile() == [4, 1, 3, 2, 5, 3, 0]


def test_partial_scale_counts_only_assessed_domains(scale):
    r = compute_maturity(scale, levels(scale, {"engagement_politique": "3", "communication": "1"}))
    assert r.assessed == 2 and not r.complete
    assert r.score == 4 and r.max_score == 35
    assert r.overall.number == 2
    assert [d.id for d in r.domains if not d.assessed][:2] == ["moyens_dedies", "organisation_gouvernance"]
