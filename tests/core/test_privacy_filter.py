"""The one privacy filter (`core.privacy_filter`): known people, e-mails, phones, kit declarations."""

from __future__ import annotations

import pytest

from desktop_app.core.privacy_filter import (
    EMAIL_MASK,
    NAME_MASK,
    PHONE_MASK,
    PrivacyFilter,
    ToolRules,
    tool_rules,
)


@pytest.fixture
def people():
    f = PrivacyFilter()
    f.add_person("Élodie Vasseur", "m1", "Membre")
    f.add_person("Samia Benali", "p1", "Contact")
    f.add_person("Jean-Pierre DURAND", "p2", "Contact")
    f.add_person("Paul Martin", "p3", "Contact")
    f.add_person("Anne Martin", "p4", "Contact")
    return f


@pytest.mark.parametrize(
    "written",
    ["Élodie Vasseur", "ELODIE VASSEUR", "elodie vasseur", "Vasseur Élodie", "VASSEUR Elodie", "Mme Vasseur", "vasseur"],
)
def test_a_known_name_in_any_case_accent_or_order_becomes_its_pseudonym(people, written):
    pseudo = people.pseudonym_of("Élodie Vasseur")
    assert pseudo.startswith("Membre ")
    out = people.text(f"Réunion avec {written}, puis bilan.")
    assert pseudo in out and "asseur" not in out.casefold()


def test_names_are_matched_as_words_and_surnames_only_when_unambiguous(people):
    durand = people.pseudonym_of("Jean-Pierre Durand")
    assert people.text("Jean-Pierre Durand et M. DURAND") == f"{durand} et M. {durand}"
    # two known Martin: the surname alone stays (ambiguous), the full names do not
    out = people.text("Paul Martin, Anne MARTIN et Martin")
    assert out.endswith("et Martin") and "Paul" not in out and "Anne" not in out
    # a name inside another word is left alone; in a file name it is not
    assert people.text("Les Vasseurdiers") == "Les Vasseurdiers"
    pseudo = people.pseudonym_of("Élodie Vasseur")
    assert people.text("entretien-vasseur.ogg, T01_Vasseur.mp3") == f"entretien-{pseudo}.ogg, T01_{pseudo}.mp3"


def test_same_person_same_pseudonym_whoever_registers_it_again():
    f = PrivacyFilter()
    first = f.add_person("Samia Benali", "a", "Contact")
    assert f.add_person("SAMIA BENALI (déléguée)", "b", "Membre") == first
    assert f.text("Samia Benali") == first


@pytest.mark.parametrize(
    "phone", ["06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "0612345678", "+33 6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78"]
)
def test_french_phone_numbers_are_removed(phone):
    assert PrivacyFilter().text(f"Appeler le {phone} demain") == f"Appeler le {PHONE_MASK} demain"


def test_emails_removed_and_identifiers_untouched():
    f = PrivacyFilter()
    assert f.text("Écrire à dgs@mairie-demo.example.") == f"Écrire à {EMAIL_MASK}."
    uuid = "08598058-41e5-4e16-8a41-9ff8b7367c8b"
    assert f.value({"id": uuid, "action_id": uuid, "date": "2026-06-12", "n": 612345678}) == {
        "id": uuid, "action_id": uuid, "date": "2026-06-12", "n": 612345678,
    }
    assert f.value(uuid) == uuid


def test_answers_personal_fields_dropped_free_texts_guessed(people):
    rules = ToolRules(
        personal=frozenset({"contact"}), free_text=frozenset({"texte"}),
        groups={"plan": ToolRules(free_text=frozenset())},
    )
    answers = {
        "contact": "Marie Curie — marie@x.fr",
        "texte": "Jacqueline Dupont m'a dit : appelez Élodie Vasseur",
        "titre": "Jacqueline Dupont",  # not a free text: only known people and patterns
        "plan": [{"qui": "Élodie Vasseur et Samia Benali", "quand": "2026-01-01"}],
    }
    out = people.answers(rules, answers)
    assert "contact" not in out
    assert out["texte"] == f"{NAME_MASK} m'a dit : appelez {people.pseudonym_of('Élodie Vasseur')}"
    assert out["titre"] == "Jacqueline Dupont"
    assert out["plan"] == [
        {"qui": f"{people.pseudonym_of('Élodie Vasseur')} et {people.pseudonym_of('Samia Benali')}", "quand": "2026-01-01"}
    ]


def test_people_listed_in_a_text_are_registered():
    f = PrivacyFilter()
    f.add_people_in("Élodie Vasseur (animation), Antoine Delattre (prise de notes)", "w1")
    f.add_people_in("Direction générale des services — dgs@mairie.fr", "i1")
    assert f.pseudonym_of("Antoine Delattre") and f.pseudonym_of("Élodie Vasseur")
    assert len(f.people) == 2  # a service is not a person


def test_rules_come_from_the_kit_declarations():
    from desktop_app.core.privacy_filter import kit_rules
    from desktop_app.kit.loader import load_folder
    from tests.conftest import FORMS

    rules = kit_rules(load_folder(FORMS))
    assert "contact_suite" in rules["questionnaire-communes"].personal
    assert "contact" in rules["questionnaire-associations"].personal
    assert rules["fiche-temoignage"].consent == ("consentement_utilisation",)
    assert {"texte_temoignage", "contexte"} <= rules["fiche-temoignage"].free_text
    assert "plan" in rules["methode-actions"].groups  # plan[].qui: known people pseudonymised


def test_tool_rules_read_field_declarations():
    class F:
        def __init__(self, id, type, sensitive=False, personal=False, consent=False, children=()):
            self.id, self.type, self.sensitive, self.personal, self.consent, self.children = id, type, sensitive, personal, consent, children

    r = tool_rules([F("a", "text", personal=True), F("b", "text", sensitive=True), F("c", "yes_no", consent=True), F("d", "integer")])
    assert r.personal == {"a"} and r.free_text == {"b"} and r.consent == ("c",)
