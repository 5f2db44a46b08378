"""XLSForm fixtures written with openpyxl, in the shape of public KoboToolbox French forms
(household surveys: nested groups, a repeat, or_other, select_multiple, skip logic, GPS, photo)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

SURVEY_HEADER = [
    "type", "name", "label::Français (fr)", "label::English (en)", "hint::Français (fr)",
    "required", "relevant", "constraint", "constraint_message::Français (fr)", "calculation", "appearance",
]

# (type, name, label fr, label en, hint fr, required, relevant, constraint, constraint message, calculation)
SURVEY_ROWS = [
    ("start", "start", "", "", "", "", "", "", "", ""),
    ("today", "today", "", "", "", "", "", "", "", ""),
    ("begin_group", "Identification", "Identification du ménage", "Household identification", "", "", "", "", "", ""),
    ("text", "NomEnqueteur", "Nom de l'enquêteur", "Enumerator name", "Prénom et nom", "yes", "", "", "", ""),
    ("date", "date_enquete", "Date de l'enquête", "Survey date", "", "true", "", "", "", ""),
    ("select_one quartiers or_other", "quartier", "Quartier", "Neighbourhood", "", "yes", "", "", "", ""),
    ("geopoint", "gps", "Position GPS du logement", "GPS", "", "", "", "", "", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "menage", "Composition du ménage", "Household", "", "", "", "", "", ""),
    ("integer", "taille_menage", "Combien de personnes vivent dans le ménage ?", "Household size", "", "yes", "",
     ". >= 1 and . <= 30", "Entre 1 et 30 personnes", ""),
    ("integer", "nb_enfants", "Dont combien d'enfants de moins de 18 ans ?", "Children", "", "", "${taille_menage} > 1",
     ". < ${taille_menage}", "Moins que la taille du ménage", ""),
    ("calculate", "nb_adultes", "", "", "", "", "", "", "", "${taille_menage} - ${nb_enfants}"),
    ("begin_group", "logement", "Logement", "Housing", "", "", "", "", "", ""),
    ("select_one statut", "statut_logement", "Statut d'occupation du logement", "Tenure", "", "yes", "", "", "", ""),
    ("decimal", "loyer", "Montant du loyer mensuel (€)", "Rent", "Hors charges", "",
     "${statut_logement} = 'locataire_social' or ${statut_logement} = 'locataire_prive'", ". >= 0", "", ""),
    ("image", "photo_logement", "Photo de la façade", "Photo", "", "", "", "", "", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_repeat", "membres", "Membres du ménage", "Members", "", "", "", "", "", ""),
    ("text", "prenom", "Prénom", "First name", "", "yes", "", "", "", ""),
    ("integer", "age", "Âge de ${prenom}", "Age", "", "", "", ". <= 120", "", ""),
    ("end_repeat", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "services", "Accès aux services", "Services", "", "", "", "", "", ""),
    ("select_multiple services", "services_utilises", "Quels services avez-vous utilisés cette année ?",
     "Services used", "Plusieurs réponses possibles", "", "", "", "", ""),
    ("text", "autre_service", "Précisez l'autre service", "Other service", "", "",
     "selected(${services_utilises}, 'autre')", "", "", ""),
    ("select_one oui_non", "satisfait", "Êtes-vous satisfait de ces services ?", "Satisfied?", "", "",
     "count-selected(${services_utilises}) >= 1 and not(selected(${services_utilises}, 'aucun'))", "", "", ""),
    ("note", "merci", "Merci ${NomEnqueteur}, l'enquête est terminée.", "Thank you", "", "", "", "", "", ""),
    ("audio", "commentaire_audio", "Commentaire enregistré", "Audio comment", "", "", "", "", "", ""),
    ("text", "remarques", "Remarques", "Remarks", "", "", "string-length(${NomEnqueteur}) > 3", "", "", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
]

CHOICES = [
    ("quartiers", "centre_ville", "Centre-ville", "Downtown"),
    ("quartiers", "les_bosquets", "Les Bosquets", "Les Bosquets"),
    ("quartiers", "la_noue", "La Noue", "La Noue"),
    ("statut", "proprietaire", "Propriétaire", "Owner"),
    ("statut", "locataire_social", "Locataire HLM", "Social tenant"),
    ("statut", "locataire_prive", "Locataire du parc privé", "Private tenant"),
    ("statut", "heberge", "Hébergé", "Hosted"),
    ("services", "caf", "CAF", "Family allowance office"),
    ("services", "mairie", "Mairie de quartier", "Town hall"),
    ("services", "centre_social", "Centre social", "Social centre"),
    ("services", "autre", "Autre", "Other"),
    ("services", "aucun", "Aucun", "None"),
    ("oui_non", "oui", "Oui", "Yes"),
    ("oui_non", "non", "Non", "No"),
]


def write_household_form(path: Path) -> Path:
    """The French household survey (29 rows) with everything XLSForm can throw at the importer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(SURVEY_HEADER)
    for row in SURVEY_ROWS:
        typ, name, fr, en, hint, req, rel, cons, msg, calc = row
        ws.append([typ, name, fr, en, hint, req, rel, cons, msg, calc, ""])
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label::Français (fr)", "label::English (en)"])
    for row in CHOICES:
        ch.append(list(row))
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append(["Enquête ménages – quartier prioritaire", "EnqueteMenages2024", "2024031501", "Français (fr)"])
    wb.save(path)
    return path


def write_form(path: Path, survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None) -> Path:
    """A small XLSForm from rows (first row: headers) for the edge cases."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey:
        ws.append(row)
    if choices:
        ch = wb.create_sheet("choices")
        for row in choices:
            ch.append(row)
    if settings:
        st = wb.create_sheet("settings")
        for row in settings:
            st.append(row)
    wb.save(path)
    return path
