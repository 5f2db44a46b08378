"""The shipped kit's identity (a bundle's identical kit copy needs no validation) is worked out
once per state of its files: an edited kit file gives another digest."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from desktop_app.services.sync import shipped_kit

FORMS = Path(__file__).resolve().parents[2] / "forms"


def test_shipped_kit_follows_its_files(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(FORMS, folder)
    kit_id, version, digest = shipped_kit(folder)
    assert kit_id and version and len(digest) == 64
    assert shipped_kit(folder) == (kit_id, version, digest)

    edited = next(p for p in sorted(folder.rglob("*.yaml")) if p.name != "kit.yaml")
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# note\n", encoding="utf-8")
    stat = edited.stat()
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert shipped_kit(folder)[2] != digest


def test_unusable_folder_gives_no_kit(tmp_path):
    assert shipped_kit(tmp_path / "absent") == ("", "", "")
    (tmp_path / "empty").mkdir()
    assert shipped_kit(tmp_path / "empty") == ("", "", "")
