"""Kit versions across machines: an evaluation's kit is the copy its database keeps (by digest),
and the same id and version with other content is refused wherever it comes in (a bundle's kit
copy, a snapshot at creation), both digests in the French message, nothing written.

Each "laptop" has its own installed kits (`KitLibrary` in a folder of its own)."""

from __future__ import annotations

import pytest

from desktop_app.kit.loader import load_folder
from desktop_app.services.base import ServiceError
from desktop_app.services.kit_library import KitLibrary
from desktop_app.store.models import KitSnapshot
from desktop_app.sync import privacy
from tests.kit_versions import NEW_TOOL, alter, make_version
from tests.sync.sync_helpers import open_machine


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions")
    return {
        "x": make_version(root / "x", "1.2.0"),
        "y": alter(make_version(root / "y", "1.2.0")),
        "bundled-altered": alter(make_version(root / "b", "1.1.0", changes=False)),
    }


def laptop(tmp_path, name: str, *kits):
    services = open_machine(tmp_path, name)
    services.kits.library = KitLibrary(tmp_path / f"{name}-kits")
    for folder in kits:
        assert services.kits.install(folder)[1]
    return services


def test_new_evaluation_uses_the_newest_version(tmp_path, versions):
    a = laptop(tmp_path, "a")
    try:
        assert a.evaluations.get(a.evaluations.create("Avant")).kit_version == "1.1.0"
        a.kits.install(versions["x"])
        eid = a.evaluations.create("Après")
        summary = a.evaluations.get(eid)
        assert summary.kit_version == "1.2.0"
        assert NEW_TOOL in a.kits.get(summary.kit_id, summary.kit_version).tools
        assert a.kits.latest().digest == load_folder(versions["x"]).digest
    finally:
        a.close()


def test_bundle_with_a_new_version_brings_its_tools(tmp_path, versions):
    a, b = laptop(tmp_path, "a", versions["x"]), laptop(tmp_path, "b")
    try:
        eid = a.evaluations.create("CA")
        a.sync.export_bundle(eid, tmp_path / "a.evalkit", privacy.COMPLETE)
        b.sync.import_bundle(tmp_path / "a.evalkit")
        summary = b.evaluations.get(eid)
        kit = b.kits.get(summary.kit_id, summary.kit_version)
        assert summary.kit_version == "1.2.0" and NEW_TOOL in kit.tools
        assert kit.digest == load_folder(versions["x"]).digest
    finally:
        a.close()
        b.close()


def test_bundle_kit_differing_from_an_installed_one_is_refused(tmp_path, versions):
    a, b = laptop(tmp_path, "a", versions["x"]), laptop(tmp_path, "b", versions["y"])
    try:
        eid = a.evaluations.create("CA")
        a.sync.export_bundle(eid, tmp_path / "a.evalkit", privacy.COMPLETE)
        with pytest.raises(ServiceError) as exc:
            b.sync.import_bundle(tmp_path / "a.evalkit")
        message = str(exc.value)
        assert "« a.evalkit »" in message and "La version 1.2.0 du kit « kit-evaluation-cv » existe déjà sur ce poste" in message
        assert load_folder(versions["x"]).digest[:12] in message and load_folder(versions["y"]).digest[:12] in message
        assert b.evaluations.list() == [] and b.kits.versions() == []  # nothing recorded
    finally:
        a.close()
        b.close()


def test_bundle_kit_differing_from_the_database_copy_is_refused(tmp_path, versions):
    a, b = laptop(tmp_path, "a", versions["x"]), laptop(tmp_path, "b", versions["y"])
    try:
        own = b.evaluations.create("Mon évaluation")  # keeps the copy y of 1.2.0
        b.kits.library = KitLibrary(tmp_path / "b-reinstalled")  # the installed kit is gone since
        eid = a.evaluations.create("CA")
        a.sync.export_bundle(eid, tmp_path / "a.evalkit", privacy.COMPLETE)
        with pytest.raises(ServiceError, match="existe déjà dans cette base avec un contenu différent") as exc:
            b.sync.import_bundle(tmp_path / "a.evalkit")
        assert load_folder(versions["x"]).digest[:12] in str(exc.value)
        assert load_folder(versions["y"]).digest[:12] in str(exc.value)
        assert [e.id for e in b.evaluations.list()] == [own]
    finally:
        a.close()
        b.close()


def test_bundle_kit_differing_from_the_bundled_one_is_refused(tmp_path, versions):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    try:
        a.kits.forms_dir = versions["bundled-altered"]  # an application whose 1.0.0 was edited
        eid = a.evaluations.create("CA")
        assert a.evaluations.get(eid).kit_version == "1.1.0"
        a.sync.export_bundle(eid, tmp_path / "a.evalkit", privacy.COMPLETE)
        with pytest.raises(ServiceError, match="existe déjà dans l'application avec un contenu différent") as exc:
            b.sync.import_bundle(tmp_path / "a.evalkit")
        assert load_folder(versions["bundled-altered"]).digest[:12] in str(exc.value)
        assert b.kits.bundled().digest[:12] in str(exc.value)
        assert b.evaluations.list() == []
    finally:
        a.close()
        b.close()


def test_the_database_copy_is_used_not_the_bundled_kit_of_that_number(services, versions):
    """A database that keeps another 1.1.0 (received before this check existed) opens with it."""
    altered = load_folder(versions["bundled-altered"])
    with services.kits.tx() as s:
        s.add(KitSnapshot(kit_id=altered.id, version=altered.version, digest=altered.digest, files=altered.files))
    kit = services.kits.get(altered.id, altered.version)
    assert kit.digest == altered.digest != services.kits.bundled().digest
    with pytest.raises(ServiceError, match="existe déjà dans cette base") as exc:  # never mixed with the bundled one
        services.evaluations.create("CA")
    assert altered.digest[:12] in str(exc.value) and services.kits.bundled().digest[:12] in str(exc.value)
    assert services.evaluations.list() == []


def test_install_refuses_what_the_database_keeps_otherwise(tmp_path, versions):
    b = laptop(tmp_path, "b", versions["y"])
    try:
        b.evaluations.create("CA")
        b.kits.library = KitLibrary(tmp_path / "b-reinstalled")
        with pytest.raises(ServiceError, match="existe déjà dans cette base") as exc:
            b.kits.install(versions["x"])
        assert load_folder(versions["x"]).digest[:12] in str(exc.value)
        assert b.kits.library.installed() == []
    finally:
        b.close()
