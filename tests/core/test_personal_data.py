"""Personal data typed in free text is spotted (e-mails, French phones, first name + surname)."""

from __future__ import annotations

import pytest

from desktop_app.core.personal_data import find_personal_data, scan


@pytest.mark.parametrize(
    "text",
    ["écrire à marie.dupont@mairie-roubaix.fr demain", "contact : j.martin+cv@gmail.com"],
)
def test_email(text):
    warnings = find_personal_data(text)
    assert len(warnings) == 1 and warnings[0].startswith("Adresse e-mail repérée")


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 1 23 45 67 89",
        "03-20-12-34-56",
    ],
)
def test_french_phone_numbers(phone):
    warnings = find_personal_data(f"Appeler au {phone} avant jeudi")
    assert len(warnings) == 1 and warnings[0].startswith("Numéro de téléphone repéré")
    assert phone.strip() in warnings[0]


@pytest.mark.parametrize(
    "text,name",
    [
        ("Rencontre avec Marie Dupont au centre social", "Marie Dupont"),
        ("Jean-Pierre MARTIN a présenté le bilan", "Jean-Pierre MARTIN"),
        ("Selon Fatima El Amrani, le lien est rompu", "Fatima El Amrani"),
        ("Mme Durand est venue", "Mme Durand"),
        ("M. Lefebvre, président de l'association", "M. Lefebvre"),
    ],
)
def test_person_names(text, name):
    findings = [f for f in scan(text) if f.kind == "name"]
    assert [f.text for f in findings] == [name]
    assert any(
        w.startswith("Nom de personne possible") and "pseudonyme" in w for w in find_personal_data(text)
    )


@pytest.mark.parametrize(
    "text",
    [
        "Une habitante du quartier témoigne : le conseil citoyen s'est réuni 4 fois.",
        "Le Conseil Citoyen de Roubaix et la Politique de la Ville",
        "Au collège Jean Moulin, rue Victor Hugo, M. le Maire a ouvert la séance.",
        "Le budget 2024 est de 120 000 € pour 3 QPV ; réunion le 12/03/2024.",
        "Mme la Préfète a signé la convention.",
        "",
    ],
)
def test_no_false_alarm_on_ordinary_notes(text):
    assert find_personal_data(text) == []


def test_several_kinds_in_one_text_give_one_warning_each():
    text = "Marie Dupont (marie@exemple.fr, 06 12 34 56 78) et Pierre Martin"
    warnings = find_personal_data(text)
    assert len(warnings) == 3
    assert "« Marie Dupont », « Pierre Martin »" in warnings[2]
