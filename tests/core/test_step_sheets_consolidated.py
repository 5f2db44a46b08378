"""The consolidation of step_form sheets from a kit's YAML alone (`core.consolidation_sheets`):
a sheet the shipped kit does not have — a choice asked once, a repeat group of visits with a
`sensitive` remark, a second repeat group of contacts with a `personal` referent — across three
territories: one that filled it, one whose scope leaves it out, one whose kit version lacks it,
and one whose kit is not on this computer. Pure data, no database."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from kit_builders import build_kit, tool_yaml

SUIVI = tool_yaml("suivi", "record_sheet", "Suivi des permanences", "terrain", """
role: step_form
tab_title: "Permanences"
sections:
  - id: ensemble
    title: "Ensemble"
    questions:
      - id: avancement
        type: single_choice
        label: "Avancement"
        choices:
          - {value: debut, label: "Début"}
          - {value: avance, label: "Avancé"}
      - id: visites
        type: repeat_group
        label: "Visites"
        item_label: "Visite"
        questions:
          - {id: lieu, type: text, label: "Lieu", required: true}
          - {id: jour, type: date, label: "Jour"}
          - {id: venues, type: integer, label: "Personnes venues", min: 0}
          - {id: remarque, type: long_text, sensitive: true, label: "Remarque"}
          - {id: bilan, type: long_text, excerpt: enseignement, label: "Ce qu'on en retient"}
      - id: contacts
        type: repeat_group
        label: "Contacts"
        questions:
          - {id: structure, type: text, label: "Structure"}
          - {id: referent, type: text, personal: true, label: "Référent"}
""")


def _territory(eid: str, name: str):
    return SimpleNamespace(evaluation_id=eid, territory=name, title="", kit_version="2.0")


def _response(answers: dict):
    return SimpleNamespace(tool_id="suivi", answers=answers, updated_at=datetime(2025, 3, 1))


def test_a_sheet_of_any_kit_is_consolidated_with_only_what_may_leave():
    from desktop_app.core.consolidation_sheets import (
        FILLED,
        NOT_IN_KIT,
        OUT_OF_SCOPE,
        TerritoryKit,
        step_sheets,
    )

    kit = build_kit(suivi=SUIVI)
    territories = [_territory("a", "A"), _territory("b", "B"), _territory("c", "C"), _territory("d", "D")]
    responses = {
        "a": [_response({
            "avancement": "avance",
            "visites": [
                {"lieu": "Maison de quartier", "jour": "2025-02-11", "venues": 14, "remarque": "Mme Durand, expulsée",
                 "bilan": "Des permanences utiles ; voir avec Élodie Vasseur au 06 12 34 56 78."},
                {"lieu": "Centre social", "venues": 3},
            ],
            "contacts": [{"structure": "CCAS", "referent": "Samia Benali"}],
        })],
        "b": [_response({"avancement": "debut"})],  # out of its scope: not shown
        "d": [_response({"avancement": "debut"})],  # its kit version unknown here: taken as it is
    }
    kits = {
        "a": TerritoryKit("2.0", frozenset(kit.tools), frozenset(kit.tools)),
        "b": TerritoryKit("2.0", frozenset(kit.tools), frozenset()),
        "c": TerritoryKit("1.0", frozenset({"fiche"}), frozenset({"fiche"})),
        "d": TerritoryKit("3.0"),
    }
    [sheet] = step_sheets(kit, territories, responses, kits)
    assert [f.key for f in sheet.fields] == ["avancement", "contacts", "lieu", "jour", "venues", "bilan"]
    assert sheet.series is None and sheet.item_label == "Visite"
    a = sheet.territories["a"]
    assert a.state == FILLED and len(a.items) == 2
    first = a.items[0]
    assert first["avancement"] == "Avancé" and first["contacts"] == "CCAS"  # asked once: on each item
    assert (first["lieu"], first["jour"], first["venues"]) == ("Maison de quartier", date(2025, 2, 11), 14)
    assert first["bilan"] == "Des permanences utiles ; voir avec [nom retiré] au [téléphone retiré]."
    assert "remarque" not in first and "Benali" not in repr(sheet) and "Durand" not in repr(sheet)
    assert (sheet.territories["b"].state, sheet.territories["b"].items) == (OUT_OF_SCOPE, ())
    assert sheet.territories["c"].state == NOT_IN_KIT and sheet.territories["c"].label == "Absente du kit 1.0"
    assert sheet.territories["d"].state == FILLED
    # a question asked once counts its territories, a visit's question its visits
    assert sheet.distribution("avancement") == [("Début", 1, 1), ("Avancé", 1, 1)]
    assert sheet.answered("venues") == 1 and sheet.items_answered("venues") == 2
    assert sorted(sheet.numbers("venues")) == [3.0, 14.0]


def test_a_sheet_no_territory_has_is_left_out():
    from desktop_app.core.consolidation_sheets import TerritoryKit, step_sheets

    kit = build_kit(suivi=SUIVI)
    kits = {"c": TerritoryKit("1.0", frozenset({"fiche"}), frozenset({"fiche"}))}
    assert step_sheets(kit, [_territory("c", "C")], {"c": []}, kits) == []


def test_a_sheet_no_territory_has_filled_is_said_once_without_a_table_of_identical_rows():
    from reportlab.platypus import Table

    from desktop_app.core.consolidation import Consolidation
    from desktop_app.core.consolidation_sheets import NOT_FILLED, TerritoryKit, step_sheets
    from desktop_app.core.consolidation_text import sheet_text
    from desktop_app.exports.consolidation_pdf_sheets import sheets_chapter

    kit = build_kit(suivi=SUIVI)
    territories = [_territory(eid, eid.upper()) for eid in ("a", "b", "c")]
    kits = {eid: TerritoryKit("2.0", frozenset(kit.tools), frozenset(kit.tools)) for eid in ("a", "b", "c")}
    [sheet] = step_sheets(kit, territories, {}, kits)
    assert {s.state for s in sheet.territories.values()} == {NOT_FILLED}
    data = Consolidation(territories=territories, scale=[], questions=[], questionnaires=[], maturity=[], sheets=[sheet])
    assert sheet_text(data, sheet) == "Aucun territoire n'a encore renseigné cette fiche."
    story: list = []
    sheets_chapter(data, story, 8)

    def heads(table):
        first = table._cellvalues[0][0]
        return first.getPlainText() if hasattr(first, "getPlainText") else str(first)

    assert [heads(f) for f in story if isinstance(f, Table)] == ["Ce qui ressort"]  # no table of « Non renseignée »
