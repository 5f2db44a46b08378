"""A kit as a published file (read from a zip, packed from a folder) and the comparison of two
versions (what an evaluation moving to the newer one sees)."""

from __future__ import annotations

import zipfile

import pytest

from desktop_app.kit import package
from desktop_app.kit.compare import compare, version_key
from desktop_app.kit.loader import KitError
from tests.kit_builders import GRILLE, REFERENTIEL, build_kit, kit_files


def write_zip(path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)


def test_zip_of_a_folder_is_read_and_extras_ignored(tmp_path):
    files = kit_files()
    write_zip(tmp_path / "kit.zip", {
        **{f"kit-1.0/{n}": t for n, t in files.items()},
        "kit-1.0/LISEZMOI.txt": "à lire",
        "__MACOSX/kit-1.0/._kit.yaml": "x",
    })
    assert package.read_source(tmp_path / "kit.zip") == files
    assert package.load_source(tmp_path / "kit.zip").digest == build_kit().digest


def test_zip_without_kit_file_or_too_big_is_refused(tmp_path, monkeypatch):
    write_zip(tmp_path / "a.zip", {"outil.yaml": "id: x\n"})
    with pytest.raises(KitError, match="kit.yaml est introuvable dans l'archive"):
        package.read_source(tmp_path / "a.zip")
    write_zip(tmp_path / "b.zip", kit_files())
    monkeypatch.setattr(package, "MAX_FILE_BYTES", 100)
    with pytest.raises(KitError, match="dépasse"):
        package.read_source(tmp_path / "b.zip")


def test_pack_writes_nothing_for_an_invalid_kit(tmp_path):
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "kit.yaml").write_text("id: Kit Invalide\n", encoding="utf-8")
    with pytest.raises(KitError):
        package.pack(tmp_path / "kit", tmp_path / "kit.zip")
    assert not (tmp_path / "kit.zip").exists() and list(tmp_path.glob("*.zip")) == []


def test_compare_structured_tools():
    old = build_kit()
    new = build_kit(
        referentiel=REFERENTIEL.replace('label: "Nombre de COPIL"', 'label: "Nombre de réunions du COPIL"'),
        grille=GRILLE.replace('  - {id: locaux, label: "Locaux", group: "Fonctionnement"}\n', "").replace(
            '  - {id: budget, label: "Budget", group: "Fonctionnement"}\n',
            '  - {id: budget, label: "Budget", group: "Fonctionnement"}\n  - {id: formation, label: "Formation"}\n',
        ),
    )
    changes = {t.tool_id: t for t in compare(old, new).tools}
    assert set(changes) == {"referentiel", "grille"}
    assert [(r.id, r.old, r.new) for r in changes["referentiel"].reworded] == [
        ("nb_copil", "Nombre de COPIL", "Nombre de réunions du COPIL")
    ]
    assert changes["grille"].removed == (("locaux", "Locaux"),) and changes["grille"].added == (("formation", "Formation"),)
    assert compare(old, old).tools == ()


def test_versions_compare_as_numbers():
    assert version_key("1.10.0") > version_key("1.9") > version_key("1.2.3") > version_key("1.2")
    assert version_key("1.2") == version_key("1.2.0")
