"""The shipped administrative reference: what it holds, the codes it repairs, and the refresh
script's transform on a tiny synthetic tarball (no network)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from desktop_app.core import identifiers as ids
from desktop_app.core import reference_build as rb
from desktop_app.core.reference import load_reference, reference_info, same_epci_name
from tests.reference_helpers import SMALL_COMMUNES, SMALL_EPCI, tarball

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def test_shipped_reference_says_its_version_licence_and_counts(ref):
    info = reference_info()
    assert info["package"] == "@etalab/decoupage-administratif" and info["version"] == "6.0.0"
    assert "Licence Ouverte" in info["data_licence"] and info["code_licence"] == "MIT"
    assert info["integrity"].startswith("sha512-")
    assert info["counts"]["communes"] == len(ref.communes) > 34_000
    assert info["counts"]["epci"] == len(ref.epcis) > 1_200
    data = ROOT / "resources" / "reference" / info["data_file"]
    assert data.stat().st_size == info["data_bytes"] < 400_000  # small enough to ship
    assert "6.0.0" in (ROOT / "resources" / "reference" / "README.md").read_text(encoding="utf-8")


def test_communes_and_epci_lookups(ref):
    lille = ref.commune("59350")
    assert (lille.name, lille.departement, lille.siren) == ("Lille", "59", "215903501")
    mel = ref.epci(lille.epci)
    assert mel.name == "Métropole Européenne de Lille" and mel.kind == "metropole" and "59350" in mel.members
    assert ref.commune("2A004").departement == "2A"
    assert ref.commune("97101").departement == "971"
    assert [e.siren for e in ref.search_epci("douaisis")] == ["200044618"]
    assert ref.find_epci("CA Douaisis Agglo (200044618)").name == "CA Douaisis Agglo"
    assert ref.find_epci("200 044 618").siren == "200044618"


def test_communes_are_looked_up_many_at_once(ref):
    found = ref.communes_among(["59350", "59009", "99999", "", "59350"])
    assert {code: c.name for code, c in found.items()} == {"59350": "Lille", "59009": "Villeneuve-d'Ascq"}
    assert len(ref.communes_among(ref.epci("200093201").members)) == len(ref.epci("200093201").members) > 90


def test_damaged_insee_codes_are_repaired_only_when_certain(ref):
    assert ref.repair_insee("1001") == "01001"  # a leading 0 lost in a spreadsheet
    assert ref.repair_insee(1001.0) == "01001"
    assert ids.normalize_insee("59350.0") == "59350"  # the one rule already drops the « .0 »
    assert ref.repair_insee("59350") is None  # nothing to repair
    assert ref.repair_insee("5935") is None  # 05935 does not exist: 59350? 59351? only the user knows
    assert ids.check_insee("5935")  # and it stays visibly invalid


def test_damaged_sirens_are_repaired_when_the_reference_knows_them(ref):
    assert ref.repair_siren("21860194600000.0") == "218601946"  # Poitiers, a SIRET that lost its NIC
    assert ref.repair_siren("2.18601946E+13") == "218601946"
    assert ref.repair_siren(21860194600000.0) == "218601946"
    assert ids.normalize_siren("200044618.0") == "200044618"  # a SIREN read as a number: saved without « .0 »
    assert ref.repair_siren("200044618.0") is None  # so nothing left to repair
    assert ref.repair_siren("2.00044618E+8") == "200044618"
    assert ref.repair_siren("2.18601946E+13", epci_only=True) is None  # a commune's, not an EPCI's
    assert ref.repair_siren("12345") is None
    assert ids.normalize_siren("200 044 618") == ids.normalize_siren("200.044.618") == "200044618"


def test_epci_names_compare_as_a_person_would():
    assert same_epci_name("Communauté d'agglomération du Douaisis", "CA Douaisis Agglo")
    assert same_epci_name("Metropole europeenne de Lille", "Métropole Européenne de Lille")
    assert not same_epci_name("Communauté d'agglomération du Douaisis", "Métropole Européenne de Lille")


def _script():
    spec = importlib.util.spec_from_file_location("refresh_reference", ROOT / "scripts" / "refresh_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_refresh_script_transforms_a_tiny_tarball(tmp_path):
    script = _script()
    data = tarball({"data/communes.json": SMALL_COMMUNES, "data/epci.json": SMALL_EPCI}, version="9.9.9")
    meta = script.build(data, rb.integrity_of(data), tmp_path, retrieved="2026-12-05")
    assert meta["version"] == "9.9.9" and meta["retrieved"] == "2026-12-05"
    assert meta["counts"] == {"communes": 5, "epci": 1, "anciens_codes": 2, "arrondissements": 1}
    ref = load_reference(tmp_path)
    assert set(ref.communes) == {"01001", "59350", "59009", "98411", "13055"}  # current communes only
    assert ref.commune("98411").departement == "984"
    assert ref.commune("59009").epci == "200093201" and ref.commune("01001").epci == ""
    assert ref.epci("200093201").members == ("59009", "59350")
    assert ref.former_codes == {"59298": "59350", "59355": "59350"}
    assert ref.districts == {"13201": "13055"}
    assert json.loads((tmp_path / script.META_FILE).read_text(encoding="utf-8"))["data_bytes"] == \
        (tmp_path / script.DATA_FILE).stat().st_size


def test_refresh_script_refuses_a_tarball_that_does_not_match_its_hash(tmp_path):
    script = _script()
    good = tarball({"data/communes.json": SMALL_COMMUNES, "data/epci.json": SMALL_EPCI})
    bad = tarball({"data/communes.json": SMALL_COMMUNES[:2], "data/epci.json": []})
    with pytest.raises(rb.ReferenceBuildError, match="empreinte"):
        script.build(bad, rb.integrity_of(good), tmp_path)
    assert not list(tmp_path.iterdir())  # nothing written
    script.build(good, rb.integrity_of(good), tmp_path)
    with pytest.raises(rb.ReferenceBuildError, match="déjà livrée"):  # same version republished
        script.build(bad, rb.integrity_of(bad), tmp_path)
    with pytest.raises(rb.ReferenceBuildError, match="absents"):
        rb.read_package(tarball({"data/communes.json": SMALL_COMMUNES}))


def test_refresh_script_command_line_with_a_local_tarball(tmp_path, capsys):
    script = _script()
    path = tmp_path / "p.tgz"
    path.write_bytes(tarball({"data/communes.json": SMALL_COMMUNES, "data/epci.json": SMALL_EPCI}))
    assert script.main(["--tarball", str(path), "--integrity", "sha512-AAAA", "--out", str(tmp_path / "o")]) == 1
    assert "empreinte" in capsys.readouterr().err
    integrity = rb.integrity_of(path.read_bytes())
    assert script.main(["--tarball", str(path), "--integrity", integrity, "--out", str(tmp_path / "o")]) == 0
    assert "5 communes, 1 EPCI" in capsys.readouterr().out


def _small_reference(folder: Path) -> Path:
    script = _script()
    data = tarball({"data/communes.json": SMALL_COMMUNES, "data/epci.json": SMALL_EPCI}, version="9.9.9")
    script.build(data, rb.integrity_of(data), folder, retrieved="2026-12-05")
    return folder


def _forget(folder: Path) -> None:
    """A new session: the reference is no longer in this process's memory."""
    from desktop_app.core import reference

    reference._loaded.pop(folder.resolve(), None)


def test_the_reference_is_derived_once_then_opened_from_the_cache(tmp_path, monkeypatch):
    from desktop_app import paths
    from desktop_app.core import reference

    folder = _small_reference(tmp_path / "ref")
    first = load_reference(folder)
    cached = list(paths.cache_dir().glob("reference-*.sqlite"))
    assert len(cached) == 1 and cached[0].stat().st_mode & 0o777 == 0o600
    _forget(folder)
    monkeypatch.setattr(reference, "decode", lambda raw: pytest.fail("the cache was not used"))
    again = load_reference(folder)
    assert again is not first
    assert again.commune("59009").epci == "200093201" and again.epci("200093201").members == ("59009", "59350")
    assert again.former_codes == {"59298": "59350", "59355": "59350"} and again.districts == {"13201": "13055"}
    assert sorted(again.communes) == sorted(first.communes)


def test_a_damaged_cache_is_derived_again(tmp_path):
    from desktop_app import paths

    folder = _small_reference(tmp_path / "ref")
    load_reference(folder)
    (cache,) = paths.cache_dir().glob("reference-*.sqlite")
    cache.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # cut short
    _forget(folder)
    ref = load_reference(folder)
    assert ref.commune("59350").name == "Lille"
    assert cache.stat().st_size > 10_000  # written again, whole


def test_a_refreshed_reference_replaces_the_cache_of_the_former_one(tmp_path):
    from desktop_app import paths

    folder = _small_reference(tmp_path / "ref")
    load_reference(folder)
    (before,) = paths.cache_dir().glob("reference-*.sqlite")
    communes = [c for c in SMALL_COMMUNES if c["code"] != "98411"]
    script = _script()
    data = tarball({"data/communes.json": communes, "data/epci.json": SMALL_EPCI}, version="9.9.10")
    script.build(data, rb.integrity_of(data), folder, retrieved="2026-12-06")
    _forget(folder)
    ref = load_reference(folder)
    assert ref.commune("98411") is None and ref.version == "9.9.10"
    (after,) = paths.cache_dir().glob("reference-*.sqlite")
    assert after != before
