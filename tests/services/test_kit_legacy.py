"""A database made before kit tools declared their roles (kit 1.0.0 as shipped then) opens with
its evaluations moved to the kit that only added the roles (1.0.1, kept with the application):
without roles the screens, exports and privacy rules would not find the kit's tools (Ateliers
empty, testimonies left out of bundles). Going on to 1.1.0, whose notes convert some answers, is
the user's choice through the preview, as for any 1.0.1 evaluation."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop_app.services.app_services import Services

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "kits" / "before-roles-1.0.0"  # forms/ as shipped then


def _as_before_roles(db_path, eid: str) -> dict:
    """Give the evaluation the kit copy older databases hold (1.0.0, no roles); returns the
    answers stored, to compare."""
    from desktop_app.kit.loader import load_folder

    old = load_folder(LEGACY)
    assert old.version == "1.0.0" and not any(t.role for t in old.tools.values())
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO kit_snapshots (kit_id, version, digest, files, stored_at) VALUES (?, ?, ?, ?, '2025-01-01 00:00:00')",
            (old.id, old.version, old.digest, json.dumps(dict(old.files))),
        )
        conn.execute("UPDATE evaluations SET kit_version = '1.0.0' WHERE id = ?", (eid,))
        return dict(conn.execute("SELECT id, answers FROM form_responses").fetchall())


def test_an_evaluation_of_the_kit_before_roles_is_moved_to_the_kit_with_roles(db_path, tmp_path):
    services = Services.open(db_path)
    eid = services.evaluations.create("CA du Douaisis")
    kit = services.kits.get("kit-evaluation-cv", "1.1.0")
    guides = kit.tools_with_role("workshop_guide")
    assert guides
    rid = services.forms.create(eid, guides[0].id, subject_type="workshop", answers={"lieu": "Douai"})
    services.close()
    before = _as_before_roles(db_path, eid)

    services = Services.open(db_path)  # what the application does at start
    try:
        summary = services.evaluations.get(eid)
        assert summary.kit_version == "1.0.1"  # roles added, no answer converted unasked
        kit = services.kits.get(summary.kit_id, summary.kit_version)
        assert [t.id for t in kit.tools_with_role("workshop_guide")] == [
            "guide-partenaires", "guide-associations", "guide-conseils-citoyens"]  # found by their role again
        assert services.forms.get(rid).answers == {"lieu": "Douai"}  # answers untouched
        with sqlite3.connect(db_path) as conn:
            assert dict(conn.execute("SELECT id, answers FROM form_responses").fetchall()) == before
        assert services.kits.newer_versions(eid) == ["1.1.0"]  # offered, with its preview
        services.kits.upgrade(eid, "1.1.0")
        assert services.evaluations.get(eid).kit_version == "1.1.0"
    finally:
        services.close()


def test_a_database_with_the_current_kit_is_left_as_it_is(db_path):
    services = Services.open(db_path)
    eid = services.evaluations.create("CA du Douaisis")
    revision = services.evaluations.get(eid)
    services.close()
    services = Services.open(db_path)
    try:
        assert services.kits.upgrade_legacy() == []
        assert services.evaluations.get(eid) == revision
    finally:
        services.close()
