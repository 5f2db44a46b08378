"""The demo evaluation: a fictional agglomeration a newcomer can explore.

`build(services)` is the one entry point (CLI `evalkit demo`, the welcome screen, tests): it
creates the evaluation with its framing (`data/evaluation.py`), then each area's content, in
this order: actions, fieldwork, questionnaires, synthesis (the synthesis links evidence the
others recorded). The content itself is plain data in `desktop_app/demo/data/`.
"""

from __future__ import annotations

from desktop_app.demo.actions import build_actions
from desktop_app.demo.data.evaluation import (
    COMMUNES,
    DEMO_TERRITORY,
    DEMO_TITLE,
    MILESTONES,
    PARTNER_POSTAL,
    PARTNERS,
    QPV,
    SENDER,
    TEAM,
)
from desktop_app.demo.fieldwork import build_fieldwork
from desktop_app.demo.questionnaires import build_questionnaires
from desktop_app.demo.synthesis import build_synthesis
from desktop_app.services.app_services import Services

__all__ = ["DEMO_TITLE", "build"]


def build(services: Services) -> str:
    """Create the demo evaluation in `services`' database; returns its id."""
    ev = services.evaluations
    eid = ev.create(DEMO_TERRITORY, generation="2024-2030", title=DEMO_TITLE)
    ev.update_evaluation(eid, "epci_type", "ca")
    ev.update_evaluation(eid, "siren", "200099919")
    ev.update_evaluation(eid, "start_date", "2026-01-05")
    ev.update_evaluation(eid, "end_date", "2026-12-18")
    ev.update_evaluation(
        eid,
        "description",
        "Évaluation participative centrée sur les coopérations : gouvernance, mobilisation du droit "
        "commun, place des conseils citoyens et soutien à la vie associative. Trois thèmes "
        "approfondis en groupes de travail : soutien aux associations, accompagnement à la "
        "scolarité, « aller-vers » les habitant·es. Démonstration : le territoire, ses communes, "
        "ses quartiers et les personnes sont fictifs ; leurs codes n'existent pas dans le référentiel "
        "officiel, ce que le Cadrage signale.",
    )
    for name, insee in COMMUNES:
        ev.add_row("commune", eid, {"name": name, "insee": insee})
    for code, name, communes in QPV:
        ev.add_row("qpv", eid, {"code": code, "name": name, "communes": communes})
    for key, value in SENDER.items():
        ev.update_evaluation(eid, key, value)
    for org, contact, role, email in PARTNERS:
        civility, title, address = PARTNER_POSTAL[org]
        ev.add_row(
            "partner", eid,
            {"organisation": org, "contact": contact, "role": role, "email": email, "civility": civility, "title": title,
             "postal_address": address},
        )
    for name, org, role, pilot, email in TEAM:
        ev.add_row("team_member", eid, {"name": name, "organisation": org, "role": role, "is_pilot": pilot, "email": email})
    for day, kind, label, place in MILESTONES:
        ev.add_row("milestone", eid, {"date": day, "kind": kind, "label": label, "place": place})
    build_actions(services, eid)
    build_fieldwork(services, eid)
    build_questionnaires(services, eid)
    build_synthesis(services, eid)
    return eid
