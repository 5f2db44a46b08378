"""Revisions count effective edits: +1 per save that changes something, none for a value already
stored; writes nest (a service calling another joins its transaction)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app.services.base import ServiceError
from desktop_app.store.models import Evaluation, FormResponse, Partner


def revision(services, model, rid: str) -> int:
    with services.store.sessions() as s:
        return s.get(model, rid).revision


def test_saving_the_stored_value_again_bumps_nothing(services, evaluation_id):
    forms = services.forms
    rid = forms.create(evaluation_id, "referentiel")
    start = revision(services, FormResponse, rid)
    forms.set_answer(rid, "gouv_1_a.valeur", "2 par an")
    forms.set_answer(rid, "gouv_1_a.valeur", "2 par an")
    forms.set_answer(rid, "absente", None)  # removing what is not there
    forms.set_answer(rid, "n", 1)
    forms.set_answer(rid, "n", True)  # a yes is not the number 1
    forms.set_status(rid, "draft")
    assert revision(services, FormResponse, rid) == start + 3  # valeur, n = 1, n = yes
    assert forms.get(rid).answers == {"gouv_1_a.valeur": "2 par an", "n": True}

    ev = services.evaluations
    before = revision(services, Evaluation, evaluation_id)
    ev.update_evaluation(evaluation_id, "title", "Évaluation finale")
    ev.update_evaluation(evaluation_id, "title", "Évaluation finale")
    assert revision(services, Evaluation, evaluation_id) == before + 1
    pid = ev.add_row("partner", evaluation_id, {"organisation": "CAF"}).id
    ev.update_row("partner", pid, "organisation", " CAF ")  # stored stripped: the same
    assert revision(services, Partner, pid) == 1


def test_a_write_inside_a_write_joins_it(services, evaluation_id):
    rid = services.forms.create(evaluation_id, "referentiel")
    with services.forms.tx() as s:
        s.execute(text("UPDATE form_responses SET label = 'dehors' WHERE id = :id"), {"id": rid})
        services.forms.set_answer(rid, "k", "v")  # its own transaction would wait for this one's lock
        with pytest.raises(ServiceError):  # an inner write that fails is undone alone (savepoint)
            services.forms.set_answer("inconnue", "k", "x")
    data = services.forms.get(rid)
    assert data.label == "dehors" and data.answers == {"k": "v"}

    # an error in the outer write after an inner one undoes both
    with pytest.raises(RuntimeError), services.forms.tx():
        services.forms.set_answer(rid, "k", "w")
        raise RuntimeError("après la sauvegarde interne")
    assert services.forms.get(rid).answers == {"k": "v"}
