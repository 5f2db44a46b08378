"""The workshops, terrain and commitments services: workshops and working groups, immersions,
testimonies with their consent columns, deletion that erases personal data, and the synthesis."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.services.base import ServiceError


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


def test_workshop_takes_date_and_place_from_the_calendar_and_owns_its_guide(services, evaluation_id):
    _calendar(services, evaluation_id)
    change = services.workshops.create_workshop(evaluation_id, "guide-partenaires")
    w = services.workshops.workshop(change.id)
    assert (w.date, w.place, w.title) == ("2026-02-10", "Mairie", "Atelier Partenaires")
    response = services.forms.get(w.response_id)
    assert (response.tool_id, response.subject_type, response.subject_id) == (
        "guide-partenaires",
        "workshop",
        w.id,
    )
    assert response.label == "Atelier Partenaires — 10/02/2026"
    # a second workshop of the same guide does not reuse the planned date
    assert services.workshops.workshop(services.workshops.create_workshop(evaluation_id, "guide-partenaires").id).date == ""
    with pytest.raises(ServiceError):
        services.workshops.create_workshop(evaluation_id, "fiche-immersion")


def test_workshop_facts_are_checked(services, evaluation_id):
    wid = services.workshops.create_workshop(evaluation_id, "guide-associations").id
    services.workshops.update_workshop(wid, "start_time", "9h")
    services.workshops.update_workshop(wid, "participants", {"associations": 12, "habitants": 0, "elus": "2"})
    services.workshops.update_workshop(
        wid, "attendance", [{"name": " Jeanne  Martin ", "organisation": "Asso"}, {"name": ""}]
    )
    w = services.workshops.workshop(wid)
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
            services.workshops.update_workshop(wid, key, value)


def test_working_group_has_three_linked_sessions(services, evaluation_id):
    _calendar(services, evaluation_id)
    first = services.workshops.create_working_group(evaluation_id, "scolarite").id
    [group] = services.workshops.working_groups(evaluation_id)
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
    pages = [p.id for p in services.workshops.workshop_form(group.sessions[2]).pages]
    assert pages == ["_presentation", "session_3", "session_3_constats", "session_3_preconisations",
                     "session_3_pause", "session_3_vote", "session_3_cloture"]  # its timed steps, no other session's
    with pytest.raises(ServiceError, match="existe déjà"):
        services.workshops.create_working_group(evaluation_id, "scolarite")
    services.workshops.delete_working_group(group.series_id)
    assert services.workshops.working_groups(evaluation_id) == []
    assert services.forms.find(evaluation_id, "groupe-travail") == []


def test_deleting_a_workshop_removes_its_notes_names_and_photos(services, evaluation_id, tmp_path):
    wid = services.workshops.create_workshop(evaluation_id, "guide-partenaires").id
    services.workshops.update_workshop(wid, "attendance", [{"name": "Jeanne Martin"}])
    photo = tmp_path / "paperboard.png"
    photo.write_bytes(b"\x89PNG fake image content")
    services.attachments.add_file(evaluation_id, "workshop", wid, photo)
    digest = services.attachments.list(evaluation_id, wid)[0].sha256
    services.workshops.delete_workshop(wid)
    assert services.workshops.workshops(evaluation_id) == []
    assert services.forms.find(evaluation_id, "guide-partenaires") == []
    assert services.attachments.list(evaluation_id, wid) == []
    # in the Corbeille until it is emptied: then names and photos are erased for good
    services.workshops.restore_workshop(wid)
    assert [p["name"] for p in services.workshops.workshop(wid).attendance] == ["Jeanne Martin"]
    assert [a.sha256 for a in services.attachments.list(evaluation_id, wid)] == [digest]
    services.workshops.delete_workshop(wid)
    assert services.trash.empty(evaluation_id) == 1
    from desktop_app.store.models_fieldwork import Workshop

    with services.store.sessions() as s:
        assert s.get(Workshop, wid).deleted and s.get(Workshop, wid).attendance == []
    assert not services.attachments.has_blob(digest)


def test_testimony_consent_is_mirrored_into_columns(services, evaluation_id):
    tid = services.terrain.create_testimony(evaluation_id, today=date(2026, 5, 1)).id
    t = services.terrain.testimony(tid)
    assert t.pseudonym == "T01" and t.kind == "testimony" and t.date == "2026-05-01"
    assert t.consent_use is None and not t.usable
    assert t.retention_date == date(2028, 5, 1)  # no end date for the evaluation: two years
    services.terrain.set_testimony_answer(tid, "consentement_utilisation", True)
    services.terrain.set_testimony_answer(tid, "consentement_diffusion", False)
    services.terrain.set_testimony_answer(tid, "date_conservation", "2027-06-30")
    services.terrain.set_testimony_answer(tid, "profil", "habitant")
    services.terrain.set_testimony_answer(tid, "texte_temoignage", "Mme Lefort m'a aidée, appelez le 06 12 34 56 78.")
    t = services.terrain.testimony(tid)
    assert (t.consent_use, t.consent_broadcast, t.retention_date) == (True, False, date(2027, 6, 30))
    assert t.profile_label == "Habitant·e"
    assert len(t.warnings) == 2  # a phone number and a name
    services.terrain.set_testimony_answer(tid, "type_contribution", "avis")
    assert services.terrain.testimony(tid).kind == "contribution"
    services.terrain.set_testimony_answer(tid, "consentement_utilisation", None)
    assert services.terrain.testimony(tid).consent_use is None
    c = services.terrain.testimony(services.terrain.create_testimony(evaluation_id, "contribution").id)
    assert c.pseudonym == "C01" and c.contribution_type == "avis"


def test_erasing_a_testimony_removes_its_content(services, evaluation_id, tmp_path):
    tid = services.terrain.create_testimony(evaluation_id).id
    services.terrain.set_testimony_answer(tid, "texte_temoignage", "Des propos personnels")
    audio = tmp_path / "T01.wav"
    audio.write_bytes(b"RIFF fake audio")
    services.attachments.add_file(evaluation_id, "testimony", tid, audio)
    digest = services.attachments.list(evaluation_id, tid)[0].sha256
    response_id = services.terrain.testimony(tid).response_id
    services.terrain.erase_testimony(tid)
    from desktop_app.store.models import FormResponse
    from desktop_app.store.models_fieldwork import Testimony

    with services.store.sessions() as s:
        assert s.get(FormResponse, response_id).answers == {}
        assert s.get(FormResponse, response_id).deleted
        assert s.get(Testimony, tid).deleted and s.get(Testimony, tid).pseudonym == ""
    assert not services.attachments.has_blob(digest)
    assert services.terrain.testimonies(evaluation_id) == []


def test_expired_testimonies_are_erased(services, evaluation_id):
    old = services.terrain.create_testimony(evaluation_id).id
    keep = services.terrain.create_testimony(evaluation_id).id
    binned = services.terrain.create_testimony(evaluation_id).id
    for tid in (old, binned):
        services.terrain.set_testimony_answer(tid, "date_conservation", "2026-01-31")
    services.terrain.delete_testimony(binned)  # in the Corbeille: its retention date holds there too
    today = date(2026, 3, 1)
    assert [t.id for t in services.terrain.expired_testimonies(evaluation_id, today)] == [old]
    assert services.terrain.erase_expired(evaluation_id, today) == 2
    assert [t.id for t in services.terrain.testimonies(evaluation_id)] == [keep]
    assert services.trash.items(evaluation_id) == []
    assert services.terrain.erase_expired(evaluation_id, today) == 0


def test_immersion_tied_to_a_group_gets_its_theme(services, evaluation_id):
    services.workshops.create_working_group(evaluation_id, "aller_vers")
    [group] = services.workshops.working_groups(evaluation_id)
    iid = services.terrain.create_immersion(evaluation_id, group.series_id).id
    [imm] = services.terrain.immersions(evaluation_id)
    assert imm.id == iid and imm.theme == "aller_vers" and imm.series_id == group.series_id
    services.terrain.set_series(iid, "")
    assert services.terrain.immersions(evaluation_id)[0].series_id == ""
    services.terrain.delete_immersion(iid)
    assert services.terrain.immersions(evaluation_id) == []


def test_synthesis_leaves_out_testimonies_without_consent(services, evaluation_id):
    services.evaluations.add_row("qpv", evaluation_id, {"code": "QN05991M", "name": "Les Hauts-Champs"})
    wid = services.workshops.create_workshop(evaluation_id, "guide-partenaires").id
    services.forms.set_answers(
        services.workshops.workshop(wid).response_id,
        {
            "gouvernance_q1": "Le COPIL se réunit une fois par an.",
            "forces": "Des techniciens engagés",
            "accueil_nb_participants": 12,
        },
    )
    yes = services.terrain.create_testimony(evaluation_id).id
    no = services.terrain.create_testimony(evaluation_id).id
    for tid, consent, text in (
        (yes, True, "Les délais de paiement sont longs."),
        (no, False, "Propos à ne pas reprendre."),
    ):
        services.terrain.set_testimony_answer(tid, "consentement_utilisation", consent)
        services.terrain.set_testimony_answer(tid, "texte_temoignage", text)
        services.terrain.set_testimony_answer(tid, "qpv", "les hauts-champs")
    excerpts, hidden = services.terrain.excerpts(evaluation_id)
    assert hidden == 1
    texts = {e.text: e for e in excerpts}
    assert "Propos à ne pas reprendre." not in texts
    gov = texts["Le COPIL se réunit une fois par an."]
    assert gov.group == "Partenaires" and gov.themes == ("Gouvernance",) and gov.kind == "workshop"
    assert texts["Des techniciens engagés"].category == "force"
    assert texts["Les délais de paiement sont longs."].qpv == ("QN05991M",)
    assert all(e.text != "12" for e in excerpts)  # numbers are not excerpts


def test_attachment_caption(services, evaluation_id, tmp_path):
    iid = services.terrain.create_immersion(evaluation_id).id
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"fake")
    att = services.attachments.add_file(evaluation_id, "immersion", iid, photo).id
    services.workshops.set_attachment_caption(att, "  Panneau   des bénévoles ")
    assert services.attachments.list(evaluation_id, iid)[0].caption == "Panneau des bénévoles"
    assert services.workshops.attachment_counts(evaluation_id) == {iid: 1}
