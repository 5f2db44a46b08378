"""The Cadrage fields the partners' letters need: the sender, the signatory, and per partner the
article of its name (guessed, editable), civility, title and postal address."""

from __future__ import annotations

import pytest

from desktop_app.services.base import ServiceError


def test_partner_article_is_guessed_and_kept_once_chosen(services, evaluation_id):
    ev = services.evaluations
    rid = ev.add_row("partner", evaluation_id, {"organisation": "Région Hauts-de-France"}).id
    row = next(r for r in ev.rows("partner", evaluation_id) if r["id"] == rid)
    assert row["article"] == "la"
    change = ev.update_row("partner", rid, "organisation", "Département du Nord")
    assert change.field is None  # the article changed too: the screen reloads the table
    assert ev.rows("partner", evaluation_id)[0]["article"] == "le"
    ev.update_row("partner", rid, "article", "L’")  # the user's choice, as typed
    assert ev.rows("partner", evaluation_id)[0]["article"] == "l'"
    assert ev.update_row("partner", rid, "organisation", "Office du Nord").field == "organisation"
    assert ev.rows("partner", evaluation_id)[0]["article"] == "l'"  # a chosen article is not guessed again
    with pytest.raises(ServiceError, match="n'est pas un article"):
        ev.update_row("partner", rid, "article", "une")
    assert ev.rows("partner", evaluation_id)[0]["article"] == "l'"
    # a row added empty, then named, gets its guess
    empty = ev.add_row("partner", evaluation_id).id
    ev.update_row("partner", empty, "organisation", "Éducation nationale")
    assert next(r for r in ev.rows("partner", evaluation_id) if r["id"] == empty)["article"] == "l'"


def test_partner_civility_title_and_address(services, evaluation_id):
    ev = services.evaluations
    rid = ev.add_row("partner", evaluation_id, {"organisation": "France Travail", "civility": "Mme", "title": "Directrice",
                                                "postal_address": "8 avenue de la Gare, 59870 Marchiennes"}).id
    row = ev.rows("partner", evaluation_id)[0]
    assert (row["civility"], row["title"], row["postal_address"]) == ("Madame", "Directrice", "8 avenue de la Gare, 59870 Marchiennes")
    ev.update_row("partner", rid, "civility", "monsieur")
    assert ev.rows("partner", evaluation_id)[0]["civility"] == "Monsieur"
    with pytest.raises(ServiceError, match="Civilité inconnue"):
        ev.update_row("partner", rid, "civility", "Docteur")


def test_sender_and_signatory_are_evaluation_fields(services, evaluation_id):
    ev = services.evaluations
    for key, value in (("sender_name", "Agglo — Direction de la cohésion sociale"), ("sender_address", "1 rue X, 59500 Douai"),
                       ("signatory_name", "Bernard Lemoine"), ("signatory_title", "Le Vice-président")):
        assert ev.update_evaluation(evaluation_id, key, value).field == key
        assert ev.cadrage(evaluation_id).fields[key] == value
