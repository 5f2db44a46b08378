"""The application icon: found in resources/icons from a checkout and from the PyInstaller bundle,
drawn at every size, and given to the Windows and macOS builds."""

from __future__ import annotations

import re
import shutil
import sys

from PIL import Image
from PySide6.QtCore import QSize

from desktop_app.ui.icon import ICON_SIZES, app_icon, icon_path
from tests.conftest import ROOT


def test_app_icon_has_every_size(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 24, 32, 48, 64, 128, 256}
    for size in ICON_SIZES:
        pixmap = icon.pixmap(QSize(size, size))
        assert (pixmap.width(), pixmap.height()) == (size, size)
        # drawn, not blank: the sky of the rounded blue square, above the house, left of the tower
        colour = pixmap.toImage().pixelColor(int(size * 0.3), int(size * 0.2))
        assert colour.alpha() == 255 and colour.blue() > colour.red()


def test_app_icon_found_in_the_frozen_bundle(qapp, tmp_path, monkeypatch):
    bundle = tmp_path / "_internal"
    shutil.copytree(ROOT / "resources" / "icons", bundle / "resources" / "icons")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert icon_path(32) == bundle / "resources" / "icons" / "evalkit-32.png"
    assert {s.width() for s in app_icon().availableSizes()} >= set(ICON_SIZES)


def test_installer_uses_the_windows_and_macos_icons():
    spec = (ROOT / "build_installer.spec").read_text(encoding="utf-8")
    assert re.search(r'ICON_ICO = ICONS / "evalkit\.ico"', spec)
    assert re.search(r'ICON_ICNS = ICONS / "evalkit\.icns"', spec)
    assert spec.count("icon=EXE_ICON") == 2 and "icon=str(ICON_ICNS)" in spec  # both EXEs, the .app
    with Image.open(ROOT / "resources" / "icons" / "evalkit.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ROOT / "resources" / "icons" / "evalkit.icns") as icns:
        assert icns.format == "ICNS" and (512, 512, 2) in icns.info["sizes"]
