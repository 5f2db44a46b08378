"""French articles and elision of organisation names (`core.french.with_article`), the one helper
every export uses, and the small rules of the partners' letter (salutation, address, town)."""

from __future__ import annotations

import pytest

from desktop_app.core.french import (
    AnswerError,
    clean_name,
    format_time,
    guess_article,
    normalize_article,
    parse_time,
    with_article,
)
from desktop_app.core.letters import address_lines, recipient_block, salutation, town_of

# name -> (guessed article, "de …", "à …", article alone capitalised)
CASES = {
    "Région Hauts-de-France": ("la", "de la Région Hauts-de-France", "à la Région Hauts-de-France", "La Région Hauts-de-France"),
    "Éducation nationale": ("l'", "de l'Éducation nationale", "à l'Éducation nationale", "L'Éducation nationale"),
    "Habitat Scarpe Logement (bailleur)": ("aucun", "d'Habitat Scarpe Logement", "à Habitat Scarpe Logement", "Habitat Scarpe Logement"),
    "Département du Nord": ("le", "du Département du Nord", "au Département du Nord", "Le Département du Nord"),
    "Caisse d'allocations familiales": ("la", "de la Caisse d'allocations familiales", "à la Caisse d'allocations familiales",
                                        "La Caisse d'allocations familiales"),
    "France Travail": ("aucun", "de France Travail", "à France Travail", "France Travail"),
    "Banque des Territoires": ("la", "de la Banque des Territoires", "à la Banque des Territoires", "La Banque des Territoires"),
    "Préfecture du Nord — délégation du préfet": ("la", "de la Préfecture du Nord — délégation du préfet",
                                                  "à la Préfecture du Nord — délégation du préfet",
                                                  "La Préfecture du Nord — délégation du préfet"),
    "Communauté d'agglomération du Douaisis": ("la", "de la Communauté d'agglomération du Douaisis",
                                               "à la Communauté d'agglomération du Douaisis",
                                               "La Communauté d'agglomération du Douaisis"),
    "Office public de l'habitat": ("l'", "de l'Office public de l'habitat", "à l'Office public de l'habitat", "L'Office public de l'habitat"),
    "Eurométropole de Strasbourg": ("l'", "de l'Eurométropole de Strasbourg", "à l'Eurométropole de Strasbourg",
                                    "L'Eurométropole de Strasbourg"),
    "Agence régionale de santé": ("l'", "de l'Agence régionale de santé", "à l'Agence régionale de santé", "L'Agence régionale de santé"),
    "Hôpital de Douai": ("l'", "de l'Hôpital de Douai", "à l'Hôpital de Douai", "L'Hôpital de Douai"),
    "CAF du Nord": ("la", "de la CAF du Nord", "à la CAF du Nord", "La CAF du Nord"),
    "CCAS de Douai": ("le", "du CCAS de Douai", "au CCAS de Douai", "Le CCAS de Douai"),
    "ARS Hauts-de-France": ("l'", "de l'ARS Hauts-de-France", "à l'ARS Hauts-de-France", "L'ARS Hauts-de-France"),
    "Les Restos du cœur": ("les", "des Restos du cœur", "aux Restos du cœur", "Les Restos du cœur"),
    "Le Havre Seine Métropole": ("le", "du Havre Seine Métropole", "au Havre Seine Métropole", "Le Havre Seine Métropole"),
    "La Poste": ("la", "de La Poste", "à La Poste", "La Poste"),
    "Services de l'État": ("les", "des Services de l'État", "aux Services de l'État", "Les Services de l'État"),
    "Arras": ("aucun", "d'Arras", "à Arras", "Arras"),
    "Hautmont": ("aucun", "de Hautmont", "à Hautmont", "Hautmont"),  # aspirated h: no elision
    "Hauts-de-France Habitat": ("aucun", "de Hauts-de-France Habitat", "à Hauts-de-France Habitat", "Hauts-de-France Habitat"),
    "Yutz": ("aucun", "de Yutz", "à Yutz", "Yutz"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_articles_and_elision(name):
    article, de, a, alone = CASES[name]
    assert guess_article(name) == article
    assert with_article(name, prep="de") == de
    assert with_article(name, prep="à") == a
    assert with_article(name, capital=True) == alone
    assert with_article(name, prep="de", capital=True) == de[0].upper() + de[1:]


def test_the_stored_article_wins_over_the_guess():
    # the Cadrage says « les » for a network the guess cannot know, « aucun » for a brand name
    assert with_article("Centres sociaux connectés", "les", prep="de") == "des Centres sociaux connectés"
    assert with_article("Centres sociaux connectés", "les", prep="à") == "aux Centres sociaux connectés"
    assert with_article("Mission locale", "aucun", prep="de") == "de Mission locale"
    assert with_article("Pôle Ressources Ville", "le", prep="de") == "du Pôle Ressources Ville"
    assert with_article("Atelier Chantier d'insertion", "l'", prep="à") == "à l'Atelier Chantier d'insertion"
    assert with_article("Union des centres sociaux", "L’") == "l'Union des centres sociaux"
    assert with_article("", prep="de") == ""
    with pytest.raises(ValueError):
        with_article("Région", prep="pour")


def test_normalize_article():
    assert [normalize_article(x) for x in ("", "La", " l’ ", "L", "les", "Aucun", "-")] == ["", "la", "l'", "l'", "les", "aucun", "aucun"]
    with pytest.raises(AnswerError, match="n'est pas un article"):
        normalize_article("un")


def test_internal_notes_never_reach_the_text():
    assert clean_name("Habitat Scarpe Logement (bailleur)") == "Habitat Scarpe Logement"
    assert clean_name("  Mission  locale [à relancer] ") == "Mission locale"
    assert clean_name("Caisse d'allocations familiales (CAF)") == "Caisse d'allocations familiales (CAF)"  # an acronym stays
    assert "(bailleur)" not in with_article("Habitat Scarpe Logement (bailleur)", prep="de")


def test_times():
    assert [parse_time(x) for x in ("14:00", "14h", "14 h 30", "9h05", "9")] == ["14:00", "14:00", "14:30", "09:05", "09:00"]
    assert format_time("14:00") == "14\u00a0h" and format_time("09:30") == "9\u00a0h\u00a030"
    with pytest.raises(AnswerError):
        parse_time("25:00")


def test_salutation_matches_what_is_known():
    assert salutation("Madame", "Directrice", "Nadia Ouali") == "Madame la Directrice"
    assert salutation("Madame", "inspectrice", "Isabelle Martin") == "Madame l'Inspectrice"
    assert salutation("Monsieur", "Président", "Jean Roy") == "Monsieur le Président"
    assert salutation("Monsieur", "", "Karim Haddad") == "Monsieur"
    assert salutation("", "Directrice", "Nadia Ouali") == "Madame, Monsieur"
    assert salutation("Madame", "Directrice", "") == "Madame, Monsieur"  # no named recipient


def test_addresses():
    assert address_lines("Hôtel d'agglomération, 746 rue Jean-Perrin, BP 300, 59500 Douai") == [
        "Hôtel d'agglomération", "746 rue Jean-Perrin", "BP 300", "59500 Douai"]
    assert address_lines("1 place Jean-Jaurès\n59870 Marchiennes") == ["1 place Jean-Jaurès", "59870 Marchiennes"]
    assert town_of("151 avenue du Président-Hoover, 59555 Lille Cedex") == "Lille"
    assert town_of("12 rue X, 59500 DOUAI CEDEX 2") == "Douai"
    assert town_of("Hôtel de ville") == ""
    assert recipient_block("Habitat Scarpe Logement (bailleur)", "Monsieur", "Julien Roussel", "Responsable DSU",
                           "25 quai de la Scarpe, 59500 Douai") == [
        "Monsieur Julien Roussel", "Responsable DSU", "Habitat Scarpe Logement", "25 quai de la Scarpe", "59500 Douai"]
    assert recipient_block("France Travail") == ["France Travail"]


def test_a_template_written_with_plain_names_gets_its_articles(services, evaluation_id):
    """A kit letter from before the article-aware fields ("de {{partenaire.organisation}}") reads right too."""
    from desktop_app.core.letters import merge_letter

    tool = services.letters.kit(evaluation_id).tool("courrier-partenaires")
    old = tool.model_copy(update={
        "subject": "Contrat de ville de {{territoire.nom}}",
        "body": "À l'attention de {{partenaire.contact}}\n{{partenaire.organisation}}\n\nMadame, Monsieur,\n\n"
                "La contribution de {{partenaire.organisation}} est attendue. De {{partenaire.organisation}} nous attendons…",
    })
    values = {"partenaire.organisation": "Habitat Scarpe Logement", "partenaire.de_nom": "d'Habitat Scarpe Logement",
              "territoire.nom": "Arras", "territoire.de_nom": "d'Arras", "partenaire.contact": "Julien Roussel"}
    letter = merge_letter(old, values, "Habitat Scarpe Logement", recipient_lines=["Monsieur Julien Roussel", "Habitat Scarpe Logement"])
    assert letter.subject == "Contrat de ville d'Arras"
    assert letter.header == ("Monsieur Julien Roussel", "Habitat Scarpe Logement")  # the template's block is replaced
    assert letter.paragraphs == ("Madame, Monsieur,",
                                 "La contribution d'Habitat Scarpe Logement est attendue. D'Habitat Scarpe Logement nous attendons…")
