"""Responses entered in the app, invited respondents and the response rate, through the service."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from questionnaire_helpers import ASSOCIATIONS, COMMUNES

from desktop_app.services.base import ServiceError
from desktop_app.services.questionnaires import DuplicateRespondent


def test_questionnaires_of_the_kit(services, evaluation):
    infos = services.questionnaires.questionnaires(evaluation)
    assert [(i.tool_id, i.number, i.respondent_type) for i in infos] == [
        (COMMUNES, 7, "commune"), (ASSOCIATIONS, 8, "association")]
    assert all(i.in_scope for i in infos)


def test_new_response_prefills_identity_and_detects_a_second_one(services, evaluation):
    q = services.questionnaires
    rid = q.new_response(evaluation, COMMUNES, "Douai", "59 178")
    data = services.forms.get(rid)
    assert data.subject_type == "commune" and data.subject_id == "59178" and data.label == "Douai (59178)"
    assert data.answers == {"nom_commune": "Douai", "code_insee": "59178"}
    with pytest.raises(DuplicateRespondent) as err:
        q.new_response(evaluation, COMMUNES, "DOUAI", "")
    assert err.value.existing == rid and "Douai (59178) a déjà une réponse" in str(err.value)
    second = q.new_response(evaluation, COMMUNES, "Douai", "59178", allow_duplicate=True)
    assert [len(g.rows) for g in q.duplicates(evaluation, COMMUNES)] == [2]
    q.keep(rid, [second])
    assert [r.id for r in q.responses(evaluation, COMMUNES)] == [rid]


def test_identity_follows_the_identification_answers(services, evaluation):
    q = services.questionnaires
    rid = q.new_response(evaluation, ASSOCIATIONS)
    assert services.forms.get(rid).subject_id == ""
    q.set_answer(rid, "nom_structure", "Les Petits Jardiniers")
    assert services.forms.get(rid).subject_id == "les petits jardiniers"
    q.set_answer(rid, "siret", "732 829 320 00074")
    q.set_answer(rid, "siret", "73282932000074")
    data = services.forms.get(rid)
    assert data.subject_id == "73282932000074" and data.label == "Les Petits Jardiniers (SIRET 73282932000074)"


def test_complete_only_when_required_answers_are_there(services, evaluation):
    q = services.questionnaires
    rid = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    with pytest.raises(ServiceError) as err:
        q.set_status(rid, "complete")
    assert "Nombre de quartiers prioritaires" in str(err.value)
    for key, value in {"nb_qpv": 2, "fonction_repondant": "maire", "role_pilotage": "associee",
                       "satisfaction_pilotage": "plutot_satisfait", "projet_ru": "aucun",
                       "connaissance_cc": "de_nom", "apports_contrat": "Des moyens."}.items():
        q.set_answer(rid, key, value)
    q.set_status(rid, "complete")
    assert services.forms.get(rid).status == "complete"
    q.set_answer(rid, "apports_contrat", None)  # a required answer removed: back to draft
    assert services.forms.get(rid).status == "draft"


def test_invitees_cadrage_communes_and_added_ones(services, evaluation):
    q = services.questionnaires
    communes = q.invitees(evaluation, "commune")
    assert [(i.name, i.code, i.source) for i in communes] == [("Douai", "59178", "cadrage"), ("Sin-le-Noble", "59569", "cadrage")]
    with pytest.raises(ServiceError, match="déjà dans la liste"):
        q.add_invitee(evaluation, "commune", "Douai", "59178")
    with pytest.raises(ServiceError, match="SIRET"):
        q.add_invitee(evaluation, "association", "Asso", "12345678901234")
    with pytest.raises(ServiceError, match="Cadrage"):
        q.delete_invitee(communes[0].id)
    change = q.add_invitee(evaluation, "association", "Les Amis du Moulin", "732 829 320 00074", "contact@amis.example")
    q.update_invitee(change.id, "contact", "Mme la présidente")
    [inv] = q.invitees(evaluation, "association")
    assert (inv.code, inv.email, inv.contact) == ("73282932000074", "contact@amis.example", "Mme la présidente")
    q.delete_invitee(inv.id)
    assert q.invitees(evaluation, "association") == []


def test_import_a_messy_list_of_associations(services, evaluation, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Programmation 2025 — contrat de ville"])
    ws.append([])
    ws.append(["N° dossier", "Intitulé de l'action", "Porteur (structure)", "SIRET", "Courriel", "Montant"])
    ws.append(["25-001", "Accompagnement scolaire", "Les Amis du Moulin", 73282932000074, "amis@ex.example", "12 000 €"])
    ws.append(["25-002", "Soutien aux familles", "Les Amis du Moulin", 73282932000074, "amis@ex.example", "3 000 €"])
    ws.append(["25-003", "Boxe éducative", "Club de boxe", "", "", "5 000 €"])
    ws.append(["25-004", "Radio", "Radio Scarpe", "12345678901234", "", "1 000 €"])
    wb.save(tmp_path / "programmation.xlsx")
    result = services.questionnaires.import_invitees(evaluation, "association", tmp_path / "programmation.xlsx")
    assert (result.added, result.already) == (3, 1)
    assert any("Ligne 7" in p and "SIRET" in p for p in result.problems)
    names = [(i.name, i.code) for i in services.questionnaires.invitees(evaluation, "association")]
    assert names == [("Les Amis du Moulin", "73282932000074"), ("Club de boxe", ""), ("Radio Scarpe", "")]
    csv = tmp_path / "liste.csv"
    csv.write_text("Nom;Courriel\nClub de boxe;boxe@ex.example\nJardins partagés;jardins@ex.example\n", encoding="cp1252")
    again = services.questionnaires.import_invitees(evaluation, "association", csv)
    assert (again.added, again.already) == (1, 1)


def test_response_rate_against_the_invited(services, evaluation):
    q = services.questionnaires
    q.add_invitee(evaluation, "commune", "Lambres-lez-Douai", "59329")
    douai = q.new_response(evaluation, COMMUNES, "Douai", "59178")
    services.forms.set_status(douai, "complete")
    q.new_response(evaluation, COMMUNES, "Sin-le-Noble", "")  # matched by name
    q.new_response(evaluation, COMMUNES, "Cuincy", "59166")  # not invited
    rate = q.rate(evaluation, COMMUNES)
    assert (rate.invited, rate.answered, rate.complete, rate.not_invited) == (3, 2, 1, 1)
    assert rate.missing == ("Lambres-lez-Douai (59329)",)
    assert round(rate.rate) == 67
