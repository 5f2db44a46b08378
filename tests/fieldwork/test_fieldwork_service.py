"""The fieldwork service: workshops and working groups, immersions, testimonies with their consent
columns, deletion that erases personal data, and the synthesis."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.services.base import ServiceError


@pytest.fixture
def fw(services):
    return services.fieldwork


def _calendar(services, eid):
    ev = services.evaluations
    ev.add_row(
        "milestone",
        eid,
        {"date": "2026-02-10", "kind": "atelier", "label": "Atelier groupe Partenaires", "place": "Mairie"},
    )
    ev.add_row(
        "milestone",
        eid,
        {"date": "2026-03-17", "kind": "groupe_travail", "label": "GT séance 1", "place": "Agglo"},
    )
    ev.add_row(
        "milestone",
        eid,
        {"date": "2026-06-16", "kind": "groupe_travail", "label": "GT séance 2", "place": "Centre social"},
    )


def test_workshop_takes_date_and_place_from_the_calendar_and_owns_its_guide(services, fw, evaluation_id):
    _calendar(services, evaluation_id)
    change = fw.create_workshop(evaluation_id, "guide-partenaires")
    w = fw.workshop(change.id)
    assert (w.date, w.place, w.title) == ("2026-02-10", "Mairie", "Atelier Partenaires")
    response = services.forms.get(w.response_id)
    assert (response.tool_id, response.subject_type, response.subject_id) == (
        "guide-partenaires",
        "workshop",
        w.id,
    )
    assert response.label == "Atelier Partenaires — 10/02/2026"
    # a second workshop of the same guide does not reuse the planned date
    assert fw.workshop(fw.create_workshop(evaluation_id, "guide-partenaires").id).date == ""
    with pytest.raises(ServiceError):
        fw.create_workshop(evaluation_id, "fiche-immersion")


def test_workshop_facts_are_checked(fw, evaluation_id):
    wid = fw.create_workshop(evaluation_id, "guide-associations").id
    fw.update_workshop(wid, "start_time", "9h")
    fw.update_workshop(wid, "participants", {"associations": 12, "habitants": 0, "elus": "2"})
    fw.update_workshop(
        wid, "attendance", [{"name": " Jeanne  Martin ", "organisation": "Asso"}, {"name": ""}]
    )
    w = fw.workshop(wid)
    assert w.start_time == "09:00"
    assert w.participants == {"associations": 12, "elus": 2} and w.participants_total == 14
    assert w.attendance == ({"name": "Jeanne Martin", "organisation": "Asso", "role": ""},)
    for key, value in (
        ("date", "31/02/2026"),
        ("start_time", "25:00"),
        ("participants", {"aliens": 3}),
        ("participants", {"habitants": -1}),
        ("title", " "),
        ("nope", 1),
    ):
        with pytest.raises(ServiceError):
            fw.update_workshop(wid, key, value)


def test_working_group_has_three_linked_sessions(services, fw, evaluation_id):
    _calendar(services, evaluation_id)
    first = fw.create_working_group(evaluation_id, "scolarite").id
    [group] = fw.working_groups(evaluation_id)
    assert [s.session for s in group.sessions] == [1, 2, 3]
    assert {s.series_id for s in group.sessions} == {group.series_id}
    assert group.sessions[0].id == first
    assert [(s.date, s.place) for s in group.sessions] == [
        ("2026-03-17", "Agglo"),
        ("2026-06-16", "Centre social"),
        ("", ""),
    ]
    assert group.theme_label == "Accompagnement et aide à la scolarité"
    # each session answers its own step of the guide
    pages = [p.id for p in fw.workshop_form(group.sessions[2]).pages]
    assert pages == ["_presentation", "session_3"]
    with pytest.raises(ServiceError, match="existe déjà"):
        fw.create_working_group(evaluation_id, "scolarite")
    fw.delete_working_group(group.series_id)
    assert fw.working_groups(evaluation_id) == []
    assert services.forms.find(evaluation_id, "groupe-travail") == []


def test_deleting_a_workshop_removes_its_notes_names_and_photos(services, fw, evaluation_id, tmp_path):
    wid = fw.create_workshop(evaluation_id, "guide-partenaires").id
    fw.update_workshop(wid, "attendance", [{"name": "Jeanne Martin"}])
    photo = tmp_path / "paperboard.png"
    photo.write_bytes(b"\x89PNG fake image content")
    services.attachments.add_file(evaluation_id, "workshop", wid, photo)
    digest = services.attachments.list(evaluation_id, wid)[0].sha256
    fw.delete_workshop(wid)
    assert fw.workshops(evaluation_id) == []
    assert services.forms.find(evaluation_id, "guide-partenaires") == []
    assert services.attachments.list(evaluation_id, wid) == []
    # in the Corbeille until it is emptied: then names and photos are erased for good
    fw.restore_workshop(wid)
    assert [p["name"] for p in fw.workshop(wid).attendance] == ["Jeanne Martin"]
    assert [a.sha256 for a in services.attachments.list(evaluation_id, wid)] == [digest]
    fw.delete_workshop(wid)
    assert services.trash.empty(evaluation_id) == 1
    from desktop_app.store.models_fieldwork import Workshop

    with services.store.sessions() as s:
        assert s.get(Workshop, wid).deleted and s.get(Workshop, wid).attendance == []
    assert not services.attachments.has_blob(digest)


def test_testimony_consent_is_mirrored_into_columns(fw, evaluation_id):
    tid = fw.create_testimony(evaluation_id, today=date(2026, 5, 1)).id
    t = fw.testimony(tid)
    assert t.pseudonym == "T01" and t.kind == "testimony" and t.date == "2026-05-01"
    assert t.consent_use is None and not t.usable
    assert t.retention_date == date(2028, 5, 1)  # no end date for the evaluation: two years
    fw.set_testimony_answer(tid, "consentement_utilisation", True)
    fw.set_testimony_answer(tid, "consentement_diffusion", False)
    fw.set_testimony_answer(tid, "date_conservation", "2027-06-30")
    fw.set_testimony_answer(tid, "profil", "habitant")
    fw.set_testimony_answer(tid, "texte_temoignage", "Mme Lefort m'a aidée, appelez le 06 12 34 56 78.")
    t = fw.testimony(tid)
    assert (t.consent_use, t.consent_broadcast, t.retention_date) == (True, False, date(2027, 6, 30))
    assert t.profile_label == "Habitant·e"
    assert len(t.warnings) == 2  # a phone number and a name
    fw.set_testimony_answer(tid, "type_contribution", "avis")
    assert fw.testimony(tid).kind == "contribution"
    fw.set_testimony_answer(tid, "consentement_utilisation", None)
    assert fw.testimony(tid).consent_use is None
    c = fw.testimony(fw.create_testimony(evaluation_id, "contribution").id)
    assert c.pseudonym == "C01" and c.contribution_type == "avis"


def test_erasing_a_testimony_removes_its_content(services, fw, evaluation_id, tmp_path):
    tid = fw.create_testimony(evaluation_id).id
    fw.set_testimony_answer(tid, "texte_temoignage", "Des propos personnels")
    audio = tmp_path / "T01.wav"
    audio.write_bytes(b"RIFF fake audio")
    services.attachments.add_file(evaluation_id, "testimony", tid, audio)
    digest = services.attachments.list(evaluation_id, tid)[0].sha256
    response_id = fw.testimony(tid).response_id
    fw.erase_testimony(tid)
    from desktop_app.store.models import FormResponse
    from desktop_app.store.models_fieldwork import Testimony

    with services.store.sessions() as s:
        assert s.get(FormResponse, response_id).answers == {}
        assert s.get(FormResponse, response_id).deleted
        assert s.get(Testimony, tid).deleted and s.get(Testimony, tid).pseudonym == ""
    assert not services.attachments.has_blob(digest)
    assert fw.testimonies(evaluation_id) == []


def test_expired_testimonies_are_erased(services, fw, evaluation_id):
    old = fw.create_testimony(evaluation_id).id
    keep = fw.create_testimony(evaluation_id).id
    binned = fw.create_testimony(evaluation_id).id
    for tid in (old, binned):
        fw.set_testimony_answer(tid, "date_conservation", "2026-01-31")
    fw.delete_testimony(binned)  # in the Corbeille: its retention date holds there too
    today = date(2026, 3, 1)
    assert [t.id for t in fw.expired_testimonies(evaluation_id, today)] == [old]
    assert fw.erase_expired(evaluation_id, today) == 2
    assert [t.id for t in fw.testimonies(evaluation_id)] == [keep]
    assert services.trash.items(evaluation_id) == []
    assert fw.erase_expired(evaluation_id, today) == 0


def test_immersion_tied_to_a_group_gets_its_theme(fw, evaluation_id):
    fw.create_working_group(evaluation_id, "aller_vers")
    [group] = fw.working_groups(evaluation_id)
    iid = fw.create_immersion(evaluation_id, group.series_id).id
    [imm] = fw.immersions(evaluation_id)
    assert imm.id == iid and imm.theme == "aller_vers" and imm.series_id == group.series_id
    fw.set_series(iid, "")
    assert fw.immersions(evaluation_id)[0].series_id == ""
    fw.delete_immersion(iid)
    assert fw.immersions(evaluation_id) == []


def test_synthesis_leaves_out_testimonies_without_consent(services, fw, evaluation_id):
    services.evaluations.add_row("qpv", evaluation_id, {"code": "QN05991M", "name": "Les Hauts-Champs"})
    wid = fw.create_workshop(evaluation_id, "guide-partenaires").id
    services.forms.set_answers(
        fw.workshop(wid).response_id,
        {
            "gouvernance_q1": "Le COPIL se réunit une fois par an.",
            "forces": "Des techniciens engagés",
            "accueil_nb_participants": 12,
        },
    )
    yes = fw.create_testimony(evaluation_id).id
    no = fw.create_testimony(evaluation_id).id
    for tid, consent, text in (
        (yes, True, "Les délais de paiement sont longs."),
        (no, False, "Propos à ne pas reprendre."),
    ):
        fw.set_testimony_answer(tid, "consentement_utilisation", consent)
        fw.set_testimony_answer(tid, "texte_temoignage", text)
        fw.set_testimony_answer(tid, "qpv", "les hauts-champs")
    excerpts, hidden = fw.excerpts(evaluation_id)
    assert hidden == 1
    texts = {e.text: e for e in excerpts}
    assert "Propos à ne pas reprendre." not in texts
    gov = texts["Le COPIL se réunit une fois par an."]
    assert gov.group == "Partenaires" and gov.themes == ("Gouvernance",) and gov.kind == "workshop"
    assert texts["Des techniciens engagés"].category == "force"
    assert texts["Les délais de paiement sont longs."].qpv == ("QN05991M",)
    assert all(e.text != "12" for e in excerpts)  # numbers are not excerpts


def test_attachment_caption(services, fw, evaluation_id, tmp_path):
    iid = fw.create_immersion(evaluation_id).id
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"fake")
    att = services.attachments.add_file(evaluation_id, "immersion", iid, photo).id
    fw.set_attachment_caption(att, "  Panneau   des bénévoles ")
    assert services.attachments.list(evaluation_id, iid)[0].caption == "Panneau des bénévoles"
    assert fw.attachment_counts(evaluation_id) == {iid: 1}
