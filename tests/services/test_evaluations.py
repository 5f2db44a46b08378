"""Creating an evaluation and saving its Cadrage, field by field, as the GUI and CLI do."""

from __future__ import annotations

import pytest

from desktop_app.services.app_services import Services
from desktop_app.services.base import NotFound, ServiceError


def test_new_evaluation_records_kit_version_and_full_scope(services):
    eid = services.evaluations.create("CA du Douaisis")
    summary = services.evaluations.get(eid)
    kit = services.kits.bundled()
    assert (summary.kit_id, summary.kit_version) == (kit.id, kit.version)
    assert set(services.evaluations.cadrage(eid).fields["scope"]) == set(kit.tools)


def test_cadrage_edits_persist_across_reopen(db_path, services, evaluation_id):
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "siren", "200 099 919")
    ev.update_evaluation(evaluation_id, "start_date", "2026-02-01")
    change = ev.add_row("qpv", evaluation_id, {"code": "qn05901m", "name": "Les Oliviers"})
    ev.update_row("qpv", change.id, "communes", "Douai, Sin-le-Noble")
    services.close()

    again = Services.open(db_path)
    cadrage = again.evaluations.cadrage(evaluation_id)
    assert cadrage.fields["siren"] == "200099919"
    assert cadrage.fields["start_date"] == "2026-02-01"
    assert cadrage.tables["qpv"][0]["code"] == "QN05901M"
    assert cadrage.tables["qpv"][0]["communes"] == "Douai, Sin-le-Noble"
    again.close()


def test_delete_is_a_tombstone_with_a_new_revision(services, evaluation_id):
    ev = services.evaluations
    rid = ev.add_row("partner", evaluation_id, {"organisation": "CAF du Nord"}).id
    ev.delete_row("partner", rid)
    assert ev.rows("partner", evaluation_id) == []
    from desktop_app.store.models import Partner

    with services.store.sessions() as s:
        rec = s.get(Partner, rid)
        assert rec.deleted is True and rec.revision == 2 and rec.device_id == services.evaluations.device_id


def test_invalid_entries_are_kept_and_reported(services, evaluation_id):
    ev = services.evaluations
    ev.update_evaluation(evaluation_id, "siren", "12345")
    ev.add_row("commune", evaluation_id, {"name": "Douai", "insee": "591"})
    comp = ev.cadrage(evaluation_id).completion()
    assert ev.cadrage(evaluation_id).tables["commune"][0]["insee"] == "591"
    assert any("INSEE" in p for p in comp.problems)
    assert comp.state == "en_cours"


def test_resolve_needs_an_id_when_several_evaluations(services):
    a = services.evaluations.create("A")
    assert services.evaluations.resolve(None) == a
    services.evaluations.create("B")
    with pytest.raises(ServiceError, match="--evaluation"):
        services.evaluations.resolve(None)
    with pytest.raises(NotFound):
        services.evaluations.resolve("inconnue")


def test_demo_is_a_complete_frame(services, demo_id):
    eid = demo_id
    cadrage = services.evaluations.cadrage(eid)
    assert len(cadrage.tables["commune"]) >= 3
    assert len(cadrage.tables["qpv"]) >= 3
    assert cadrage.completion().state == "termine", cadrage.completion().problems


def test_evaluation_keeps_its_kit_after_bundled_kit_changes(db_path, tmp_path):
    import shutil

    from tests.conftest import FORMS

    kit_v1 = tmp_path / "kit1"
    shutil.copytree(FORMS, kit_v1)
    s1 = Services.open(db_path, forms_dir=kit_v1)
    eid = s1.evaluations.create("CA versionnée")
    s1.close()
    # The application is updated: its bundled kit is now 2.0 with a tool renamed.
    kit_v2 = tmp_path / "kit2"
    shutil.copytree(FORMS, kit_v2)
    manifest = (kit_v2 / "kit.yaml").read_text(encoding="utf-8").replace('version: "1.1.0"', 'version: "2.0.0"')
    (kit_v2 / "kit.yaml").write_text(manifest, encoding="utf-8")
    s2 = Services.open(db_path, forms_dir=kit_v2)
    summary = s2.evaluations.get(eid)
    assert summary.kit_version == "1.1.0"
    kit = s2.kits.get(summary.kit_id, summary.kit_version)
    assert kit.version == "1.1.0" and "referentiel" in kit.tools
    assert s2.evaluations.create("Nouvelle") and s2.kits.bundled().version == "2.0.0"
    s2.close()
