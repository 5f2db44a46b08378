"""`evalkit kit install | list | pack | upgrade`: what a resource centre and a facilitator type.

Commands run in-process through `cli.main`; each test has its own data folder (EVALKIT_HOME), so
its installed kits start empty. The kit versions are built once per module."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.kit.loader import load_folder
from tests.kit_versions import ADDED, NEW_TOOL, QUESTIONNAIRE, REMOVED, REWORDED, alter, make_version


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    root = tmp_path_factory.mktemp("kits")
    v11 = make_version(root / "v1.1", "1.2.0")
    zip11 = root / "kit-1.2.0.zip"
    assert main(["kit", "pack", str(v11), "--out", str(zip11)]) == 0
    other = alter(make_version(root / "v1.1-autre", "1.2.0"))
    return {"v11": v11, "zip11": zip11, "other": other, "digest11": load_folder(v11).digest,
            "digest_other": load_folder(other).digest}


def home() -> Path:
    return Path(os.environ["EVALKIT_HOME"])


def installed_versions() -> list[str]:
    folder = home() / "kits" / "kit-evaluation-cv"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_install_a_zip_then_list(kits, capsys):
    assert main(["kit", "install", str(kits["zip11"])]) == 0
    out = capsys.readouterr().out
    assert "kit-evaluation-cv version 1.2.0" in out and "installé" in out
    assert installed_versions() == ["1.2.0"]
    folder = home() / "kits" / "kit-evaluation-cv" / "1.2.0"
    assert (folder / "kit.yaml").is_file() and (folder / f"{NEW_TOOL}.yaml").is_file()
    if os.name == "posix":  # the user's only
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "kit.yaml").stat().st_mode) == 0o600
    assert main(["kit", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Kit", "Version", "Empreinte", "Provenance"]
    bundled = load_folder(Path(__file__).resolve().parents[2] / "forms").digest
    assert lines[1].split()[:3] == ["kit-evaluation-cv", "1.1.0", bundled[:12]] and "fourni avec l'application" in lines[1]
    assert lines[2].split()[:4] == ["kit-evaluation-cv", "1.2.0", "*", kits["digest11"][:12]]
    assert str(kits["zip11"]) in lines[2]  # where it came from
    assert main(["kit", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["kits"]
    assert [(k["version"], k["bundled"], k["newest"], k["digest"]) for k in listed] == [
        ("1.1.0", True, False, bundled), ("1.2.0", False, True, kits["digest11"]),
    ]


def test_install_a_folder_twice(kits, capsys):
    assert main(["kit", "install", str(kits["v11"]), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["installed"] is True and first["digest"] == kits["digest11"]
    assert main(["kit", "install", str(kits["zip11"])]) == 0  # the same content, zipped: nothing to do
    assert "déjà installée" in capsys.readouterr().out
    assert installed_versions() == ["1.2.0"]


def test_invalid_kit_is_refused_and_nothing_installed(tmp_path, capsys):
    bad = make_version(tmp_path / "bad", "1.3.0", changes=False)
    (bad / "referentiel.yaml").write_text("id: referentiel\nkind: referential\n", encoding="utf-8")
    assert main(["kit", "install", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "n'est pas un kit valide : rien n'a été installé" in captured.err
    assert "referentiel.yaml" in captured.err and "champ obligatoire manquant" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert installed_versions() == []
    not_a_kit = tmp_path / "photo.zip"
    not_a_kit.write_bytes(b"pas un zip")
    assert main(["kit", "install", str(not_a_kit)]) == 1
    assert "ni un dossier de kit ni un fichier .zip lisible" in capsys.readouterr().err


def test_zip_with_a_path_out_of_the_folder_is_refused(tmp_path, capsys):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("kit.yaml", "id: x\n")
        zf.writestr("../../outside.yaml", "x: 1\n")
    assert main(["kit", "install", str(evil)]) == 1
    assert "chemin refusé dans l'archive" in capsys.readouterr().err
    assert installed_versions() == [] and not (tmp_path.parent / "outside.yaml").exists()


def test_same_version_other_content_is_refused_with_both_digests(kits, capsys):
    assert main(["kit", "install", str(kits["zip11"])]) == 0
    capsys.readouterr()
    assert main(["kit", "install", str(kits["other"])]) == 1
    err = capsys.readouterr().err
    assert "La version 1.2.0 du kit « kit-evaluation-cv » existe déjà sur ce poste avec un contenu différent" in err
    assert kits["digest11"][:12] in err and kits["digest_other"][:12] in err
    assert load_folder(home() / "kits" / "kit-evaluation-cv" / "1.2.0").digest == kits["digest11"]  # untouched


def test_bundled_version_with_other_content_is_refused(tmp_path, capsys):
    changed = alter(make_version(tmp_path / "v1", "1.1.0", changes=False))
    assert main(["kit", "install", str(changed)]) == 1
    err = capsys.readouterr().err
    assert "existe déjà dans l'application avec un contenu différent" in err
    assert load_folder(changed).digest[:12] in err
    assert installed_versions() == []


def test_pack_is_deterministic_and_round_trips(kits, tmp_path, capsys):
    again = tmp_path / "again.zip"
    assert main(["kit", "pack", str(kits["v11"]), "--out", str(again), "--json"]) == 0
    packed = json.loads(capsys.readouterr().out)
    assert packed == {"ok": True, "id": "kit-evaluation-cv", "version": "1.2.0", "digest": kits["digest11"], "out": str(again)}
    assert again.read_bytes() == kits["zip11"].read_bytes()  # same files, same bytes
    with zipfile.ZipFile(again) as zf:
        assert "kit.yaml" in zf.namelist() and all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    assert main(["kit", "install", str(again)]) == 0
    installed = load_folder(home() / "kits" / "kit-evaluation-cv" / "1.2.0")
    assert installed.digest == kits["digest11"] and NEW_TOOL in installed.tools


def test_pack_refuses_an_invalid_folder(tmp_path, capsys):
    bad = make_version(tmp_path / "bad", "1.4.0", changes=False)
    (bad / "kit.yaml").write_text("id: kit-evaluation-cv\n", encoding="utf-8")
    out = tmp_path / "kit.zip"
    assert main(["kit", "pack", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "le kit n'est pas valide, aucun fichier n'a été écrit" in err and "kit.yaml" in err
    assert not out.exists()


def test_new_evaluation_then_upgrade(kits, services, db_path, capsys):
    db = str(db_path)
    eid = services.evaluations.create("CA")  # nothing installed: the bundled 1.1.0
    rid = services.forms.create(eid, QUESTIONNAIRE, "commune", "59001", "Lille",
                                answers={REWORDED[0]: "Lille", REMOVED: True, "nb_qpv": 3})
    assert main(["kit", "upgrade", "--db", db, "--dry-run"]) == 1
    assert "déjà la version la plus récente" in capsys.readouterr().err
    assert main(["kit", "install", str(kits["zip11"])]) == 0
    capsys.readouterr()
    assert main(["kit", "upgrade", "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "de la version 1.1.0 à la version 1.2.0" in out
    assert f"+ question ajoutée : « Nombre d'habitants en QPV » ({ADDED})" in out
    assert f"({REMOVED})" in out and "− question retirée" in out
    assert f"~ question reformulée ({REWORDED[0]}) : « {REWORDED[1]} » → « {REWORDED[2]} »" in out
    assert "Réponses conservées (par identifiant de question) : 2." in out
    assert "Réponses à des questions retirées : 1" in out
    assert "rien n'a été modifié" in out
    assert services.evaluations.get(eid).kit_version == "1.1.0"
    assert main(["kit", "upgrade", "--db", db, "--evaluation", eid, "--to", "1.2.0", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["applied"] and result["counts"] == {"tools_added": 1, "tools_removed": 0, "added": 1, "removed": 1, "reworded": 1}
    summary = services.evaluations.get(eid)
    assert summary.kit_version == "1.2.0"
    assert services.forms.get(rid).answers == {REWORDED[0]: "Lille", REMOVED: True, "nb_qpv": 3}  # kept by id
    assert NEW_TOOL in services.evaluations.cadrage(eid).fields["scope"]
    assert NEW_TOOL in services.kits.get(summary.kit_id, summary.kit_version).tools
    assert services.kits.get("kit-evaluation-cv", "1.2.0").digest == kits["digest11"]
    assert services.evaluations.get(services.evaluations.create("Nouvelle")).kit_version == "1.2.0"  # newest
