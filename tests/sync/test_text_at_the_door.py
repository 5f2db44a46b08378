"""Text is cleaned at the door, so SQLite and PostgreSQL store the same thing (issue 15, section 4):
NUL and other control characters, bidirectional overrides and decomposed accents, through the
services, on both back ends."""

from __future__ import annotations

import unicodedata

import pytest

DIRTY = "Quartier\x00 du\x0b Moulin\u202e\r\nre\u0301nove\u0301"
CLEAN = "Quartier du Moulin\nrénové"


def test_the_same_text_is_stored_on_both_back_ends(machine_a):
    eid = machine_a.evaluations.create(DIRTY, title=DIRTY)
    rid = machine_a.forms.create(eid, "questionnaire-communes", subject_type="respondent",
                                 answers={"commentaire": DIRTY, "liste": [DIRTY]})
    machine_a.forms.set_answer(rid, "autre", DIRTY)
    summary = machine_a.evaluations.get(eid)
    answers = machine_a.forms.get(rid).answers
    assert summary.territory_name == CLEAN and summary.title == CLEAN
    assert answers == {"commentaire": CLEAN, "liste": [CLEAN], "autre": CLEAN}
    assert unicodedata.is_normalized("NFC", answers["autre"])


@pytest.mark.parametrize("value", ["x" * 201])
def test_a_short_field_beyond_its_column_is_refused_on_both(machine_a, value):
    from desktop_app.services.errors import is_user_facing

    eid = machine_a.evaluations.create("CA du Douaisis")
    with pytest.raises(Exception) as refused:
        machine_a.evaluations.update_evaluation(eid, "territory_name", value)
    assert is_user_facing(refused.value) and "Texte trop long" in str(refused.value)
    assert machine_a.evaluations.get(eid).territory_name == "CA du Douaisis"


def test_long_repetitive_texts_within_the_limits_still_travel(tmp_path):
    """Accepted texts never make a bundle unreadable: 30 answers of 100,000 identical characters
    (the free-text limit) compress far beyond the ratio bundles refuse for attachments."""
    from sync_helpers import open_machine

    from desktop_app.store.text_guard import MAX_TEXT_CHARS

    a, b = open_machine(tmp_path, "a"), open_machine(tmp_path, "b")
    try:
        eid = a.evaluations.create("CA du Douaisis")
        for _ in range(30):
            a.forms.create(eid, "questionnaire-communes", subject_type="respondent", answers={"commentaire": "a" * MAX_TEXT_CHARS})
        out = tmp_path / "t.evalkit"
        a.sync.export_bundle(eid, out)
        [result] = b.sync.import_bundles([out])
        assert result["imported"] >= 31
    finally:
        a.close()
        b.close()
