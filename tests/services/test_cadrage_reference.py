"""The Cadrage against the official reference and the kit's QPV list, through the service:
choosing the EPCI fills its communes (undo, redo), codes are flagged and repaired in place."""

from __future__ import annotations

import pytest

from desktop_app.core.reference_checks import reference_checks
from desktop_app.services.base import ServiceError
from tests.reference_helpers import QPV_KIT_VERSION, kit_with_qpv_list

DOUAISIS = "200044618"  # CA Douaisis Agglo, 35 communes


def _communes(services, eid):
    return {r["insee"]: r for r in services.evaluations.rows("commune", eid)}


def _add(services, eid, entity, **values):
    return services.evaluations.add_row(entity, eid, values).id


def test_choosing_the_epci_fills_its_communes_and_undo_takes_them_back(services, evaluation_id):
    ev = services.evaluations
    kept = _add(services, evaluation_id, "commune", name="Douai", insee="59178")
    damaged = _add(services, evaluation_id, "commune", name="Arleux", insee="9015")  # not repairable: 09015?
    fill = ev.fill_from_epci(evaluation_id, DOUAISIS)
    fields = ev.cadrage(evaluation_id).fields
    assert (fields["territory_name"], fields["epci_type"], fields["siren"]) == ("CA Douaisis Agglo", "ca", DOUAISIS)
    communes = _communes(services, evaluation_id)
    assert len(communes) == 36 and communes["59569"]["name"] == "Sin-le-Noble"
    assert communes["59178"]["id"] == kept and fill.already == 1 and len(fill.added_ids) == 34
    assert communes["9015"]["id"] == damaged  # typed rows are never removed by a fill
    checks = ev.reference_checks(evaluation_id)
    assert not checks.evaluation and list(checks.rows.get("commune", {})) == []

    ev.undo_fill(fill)
    assert set(_communes(services, evaluation_id)) == {"59178", "9015"}
    assert ev.cadrage(evaluation_id).fields["siren"] == ""
    assert services.trash.items(evaluation_id) == []  # taken back, not deleted: not in the Corbeille
    ev.redo_fill(fill)
    assert len(_communes(services, evaluation_id)) == 36
    assert ev.cadrage(evaluation_id).fields["territory_name"] == "CA Douaisis Agglo"


def test_an_unknown_epci_is_refused_in_french(services, evaluation_id):
    with pytest.raises(ServiceError, match="Aucun EPCI"):
        services.evaluations.fill_from_epci(evaluation_id, "123456789")


def test_codes_are_checked_for_existence_and_consistency_with_the_epci(services, evaluation_id):
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "territory_name", "Métropole européenne de Lille")
    ev.update_evaluation(evaluation_id, "siren", DOUAISIS)  # the SIREN of another EPCI
    rows = {
        "outside": _add(services, evaluation_id, "commune", name="Lille", insee="59350"),
        "unknown": _add(services, evaluation_id, "commune", name="Nulle-Part", insee="59999"),
        "misnamed": _add(services, evaluation_id, "commune", name="Waziers", insee="59569"),
        "former": _add(services, evaluation_id, "commune", name="Hellemmes-Lille", insee="59298"),
        "zero": _add(services, evaluation_id, "commune", name="L'Abergement-Clémenciat", insee="1001"),
    }
    checks = ev.reference_checks(evaluation_id)
    assert "CA Douaisis Agglo" in checks.evaluation["territory_name"]
    flags = checks.rows["commune"]
    assert "n'appartient pas à « CA Douaisis Agglo »" in flags[rows["outside"]]["insee"]
    assert "Métropole Européenne de Lille" in flags[rows["outside"]]["insee"]
    assert "n'existe pas" in flags[rows["unknown"]]["insee"]
    assert "Sin-le-Noble" in flags[rows["misnamed"]]["name"]
    assert checks.fixes["commune"][rows["misnamed"]].values == {"insee": "59654"}  # Waziers is in the EPCI
    assert "ancien code" in flags[rows["former"]]["insee"]
    assert checks.fixes["commune"][rows["former"]].values == {"insee": "59350", "name": "Lille"}
    assert checks.fixes["commune"][rows["zero"]].values == {"insee": "01001"}
    assert rows["unknown"] not in checks.fixes.get("commune", {})  # nothing certain to offer

    ev.set_row_values("commune", rows["zero"], {"insee": "01001"})
    assert _communes(services, evaluation_id)["01001"]["name"] == "L'Abergement-Clémenciat"
    assert rows["zero"] not in ev.reference_checks(evaluation_id).fixes["commune"]


def test_a_damaged_or_unknown_siren(services, evaluation_id):
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "siren", "2.00044618E+8")
    checks = ev.reference_checks(evaluation_id)
    assert checks.evaluation_fixes["siren"].values == {"siren": DOUAISIS}
    ev.set_evaluation_values(evaluation_id, checks.evaluation_fixes["siren"].values)
    assert not ev.reference_checks(evaluation_id).evaluation  # « CA du Douaisis » is CA Douaisis Agglo
    ev.update_evaluation(evaluation_id, "territory_name", "")
    checks = ev.reference_checks(evaluation_id)
    assert checks.evaluation_fixes["territory_name"].values == {"territory_name": "CA Douaisis Agglo"}
    ev.update_evaluation(evaluation_id, "siren", "200099919")  # valid key, no such EPCI
    assert "Aucun EPCI" in ev.reference_checks(evaluation_id).evaluation["siren"]
    ev.update_evaluation(evaluation_id, "siren", "215903501")  # Lille's: a commune, not an EPCI
    ev.update_evaluation(evaluation_id, "epci_type", "ca")
    assert "commune, pas d'un EPCI" in ev.reference_checks(evaluation_id).evaluation["siren"]


def test_without_a_kit_list_the_qpv_departement_is_checked(services, evaluation_id):
    _add(services, evaluation_id, "commune", name="Douai", insee="59178")
    far = _add(services, evaluation_id, "qpv", code="QN06201M", name="Quartier", communes="Arras")
    near = _add(services, evaluation_id, "qpv", code="QN05901M", name="Quartier", communes="Douai")
    flags = services.evaluations.reference_checks(evaluation_id).rows["qpv"]
    assert "département 62" in flags[far]["code"] and near not in flags


@pytest.fixture
def qpv_evaluation(services, tmp_path):
    services.kits.install(kit_with_qpv_list(tmp_path / "kit"))
    eid = services.evaluations.create("CA Douaisis Agglo")
    assert services.evaluations.get(eid).kit_version == QPV_KIT_VERSION
    return eid


def test_qpv_codes_are_checked_against_the_kit_list(services, qpv_evaluation):
    ev, eid = services.evaluations, qpv_evaluation
    qpv_list = ev.qpv_list(eid)
    assert qpv_list.label == "QPV de test (Douaisis)" and len(qpv_list.rows) == 3
    _add(services, eid, "commune", name="Douai", insee="59178")
    known = _add(services, eid, "qpv", code="QN05902I", name="Les Deux Rives", communes="Douai, Sin-le-Noble")
    invented = _add(services, eid, "qpv", code="QN05999M", name="Quartier imaginaire")
    empty = _add(services, eid, "qpv", code="QN05903N")
    checks = ev.reference_checks(eid)
    flags = checks.rows["qpv"]
    assert "n'est pas dans la liste « QPV de test (Douaisis) »" in flags[invented]["code"]
    assert "Sin-le-Noble (59569)" in flags[known]["communes"]  # its commune is not in the Cadrage
    assert checks.fixes["qpv"][empty].values == {"name": "Cité des Mineurs", "communes": "Waziers"}
    _add(services, eid, "commune", name="Sin-le-Noble", insee="59569")
    assert known not in ev.reference_checks(eid).rows.get("qpv", {})


def test_the_check_is_pure_data(services, evaluation_id):
    """The same checks from plain data (what the screen computes in its task)."""
    ref = services.evaluations.reference()
    out = reference_checks({"siren": DOUAISIS, "territory_name": "Douaisis Agglo", "epci_type": "ca"},
                           {"commune": [{"id": "a", "name": "Douai", "insee": "59178"}]}, ref)
    assert not out.messages() and out.fix_count() == 0


def test_a_filled_cadrage_with_unknown_codes_is_not_done(services, demo_id):
    """The demo's Cadrage has every element filled, but its fictional territory's codes do not
    exist: checked against the reference, the step is « en cours » with the codes to check."""
    from desktop_app.services.progress import step_states

    assert services.evaluations.cadrage(demo_id).completion().state == "termine"
    state = step_states(services, demo_id, reference=True)["cadrage"]
    assert state.state == "en_cours" and state.detail.endswith("codes à vérifier")
    assert step_states(services, demo_id, reference=False)["cadrage"].state == "termine"
