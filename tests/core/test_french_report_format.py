"""The one French formatter of the deliverables: plurals, years, units, joined ideas."""

from desktop_app.core.french import (
    drop_nested_parentheses,
    format_quantity,
    join_ideas,
    looks_like_year_range,
    plural,
    value_with_unit,
)

NB = "\u00a0"


def test_plural_agreement():
    assert plural(1, "commune") == "1 commune"
    assert plural(0, "commune") == "0 commune"
    assert plural(5, "commune") == "5 communes"
    assert plural(1, "QPV", "QPV") == "1 QPV" and plural(3, "QPV", "QPV") == "3 QPV"
    assert plural(2, "écart important") == "2 écarts importants"
    assert plural(3, "atelier de restitution") == "3 ateliers de restitution"
    assert plural(1200, "réponse") == f"1{NB}200 réponses"


def test_years_have_no_thousands_separator():
    assert format_quantity(2025, year=True) == "2025"
    assert format_quantity(2025) == f"2{NB}025"
    assert format_quantity(2500, "€") == f"2{NB}500{NB}€"
    assert looks_like_year_range(2015, 2030) and not looks_like_year_range(0, 100000)


def test_unit_hints_stay_out_of_values():
    assert value_with_unit("Non", "oui / non") == "Non"
    assert value_with_unit("3 QPV sur 5", "%") == "3 QPV sur 5"
    assert value_with_unit("1 par an (2 en 2023)", "réunions par an") == "1 par an (2 en 2023)"
    assert value_with_unit("62", "%") == f"62{NB}%"
    assert value_with_unit("3", "réunions par an") == f"3{NB}réunions par an"
    assert value_with_unit("", "%") == ""


def test_a_unit_agrees_with_its_number():
    assert value_with_unit("1", "réunions par an") == f"1{NB}réunion par an"
    assert value_with_unit("0,5", "jours") == f"0,5{NB}jour"
    assert value_with_unit("2", "jours") == f"2{NB}jours"
    assert format_quantity(1, "habitant·es") == f"1{NB}habitant·e"
    assert format_quantity(1, "personnes") == f"1{NB}personne"
    assert format_quantity(1.5, "€ par an") == f"1,5{NB}€ par an"
    assert format_quantity(1, "ETP") == f"1{NB}ETP" and format_quantity(1, "%") == f"1{NB}%"
    assert format_quantity(1, "mois") == f"1{NB}mois" and format_quantity(12, "mois") == f"12{NB}mois"
    assert format_quantity(1, "QPV") == f"1{NB}QPV"


def test_ideas_joined_without_full_stop_then_semicolon():
    assert join_ideas(["Liste d’attente de 25 enfants.", "Manque de bénévoles"]) == "Liste d’attente de 25 enfants. Manque de bénévoles."
    assert join_ideas(["Service apprécié", "fréquence insuffisante"]) == "Service apprécié ; fréquence insuffisante"
    assert ". ;" not in join_ideas(["a.", "b.", "c"])


def test_no_doubled_parentheses():
    assert drop_nested_parentheses("Témoignage T04 (Professionnel·le (service public, école…))") == "Témoignage T04 (Professionnel·le)"
    assert drop_nested_parentheses("Atelier (10/02)") == "Atelier (10/02)"
