"""The kit's YAML parsed at one start is read back at the next (`kit/yaml_cache.py`), and the cache
never changes what a kit is or what is wrong with it."""

from __future__ import annotations

import pytest
import yaml

from desktop_app.kit import loader
from desktop_app.kit.loader import KitError, load_files, read_folder
from desktop_app.kit.yaml_cache import ParsedYamlCache


@pytest.fixture
def files():
    from tests.conftest import FORMS

    return read_folder(FORMS)


def _no_yaml(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("YAML parsed again")

    monkeypatch.setattr(loader.yaml, "load", refuse)


def test_the_second_start_reads_the_kit_without_parsing_yaml(files, tmp_path, monkeypatch):
    path = tmp_path / "cache" / "kit-yaml.json"
    first_cache = ParsedYamlCache(path)
    first = load_files(files, first_cache)
    first_cache.save()
    assert path.is_file()
    _no_yaml(monkeypatch)
    second = load_files(files, ParsedYamlCache(path))
    assert second.manifest == first.manifest and second.tools == first.tools
    assert second.digest == first.digest


def test_a_changed_file_is_parsed_again_and_its_mistake_reported(files, tmp_path):
    path = tmp_path / "kit-yaml.json"
    cache = ParsedYamlCache(path)
    load_files(files, cache)
    cache.save()
    broken = dict(files)
    name = next(n for n in files if n != "kit.yaml")
    broken[name] = files[name].replace("label:", "label: [", 1)
    with pytest.raises(KitError, match="YAML illisible"):
        load_files(broken, ParsedYamlCache(path))


def test_a_damaged_cache_is_ignored_and_written_again(files, tmp_path):
    path = tmp_path / "kit-yaml.json"
    path.write_bytes(b"\x00pas du json")
    cache = ParsedYamlCache(path)
    kit = load_files(files, cache)
    cache.save()
    assert kit.tools and path.read_bytes().startswith(b"{")


def test_only_what_json_gives_back_exactly_is_kept(tmp_path):
    cache = ParsedYamlCache(tmp_path / "c.json")
    dated = "quand: 2026-11-22\n"
    numbered = "1: un\n"
    plain = "titre: Référentiel\nnombre: 3\ntaux: 0.5\nactif: true\nvide: null\n"
    for text in (dated, numbered, plain):
        cache.put(text, yaml.safe_load(text))
    cache.save()
    again = ParsedYamlCache(tmp_path / "c.json")
    assert again.get(plain) == {"titre": "Référentiel", "nombre": 3, "taux": 0.5, "actif": True, "vide": None}
    assert again.get(dated) is loader.MISSING and again.get(numbered) is loader.MISSING


def test_a_cache_that_cannot_be_written_changes_nothing(files, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cache = ParsedYamlCache(blocker / "kit-yaml.json")
    kit = load_files(files, cache)
    cache.save()  # no exception: logged, and the next start parses again
    assert kit.tools


def test_the_kit_service_keeps_the_cache_in_the_data_folder(tmp_path, monkeypatch):
    from desktop_app import paths
    from desktop_app.services.app_services import Services

    monkeypatch.setenv("EVALKIT_HOME", str(tmp_path / "home"))
    services = Services.open(tmp_path / "a.db")
    try:
        services.kits.bundled()
    finally:
        services.close()
    assert (paths.data_dir() / "cache" / "kit-yaml.json").is_file()
    _no_yaml(monkeypatch)
    services = Services.open(tmp_path / "b.db")
    try:
        assert services.kits.bundled().tools
    finally:
        services.close()
