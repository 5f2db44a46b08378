"""Fichier › Installer une version du kit… and Fichier › Passer à une version plus récente du kit…:
the file dialog patched, the message boxes recorded (their text is what the user reads).
`EVALKIT_SCREENSHOTS=DIR` also saves what the user sees (the install result, the upgrade preview
at its own size and at 1366x768)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop_app.cli import main
from desktop_app.ui import kit_versions
from desktop_app.ui.main_window import MainWindow
from tests.kit_versions import ADDED, NEW_TOOL, QUESTIONNAIRE, REMOVED, REWORDED, make_version


@pytest.fixture(scope="module")
def kit_zip(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kit-ui")
    out = root / "kit-1.2.0.zip"
    assert main(["kit", "pack", str(make_version(root / "v1.1", "1.2.0")), "--out", str(out)]) == 0
    return out


@pytest.fixture
def boxes(monkeypatch) -> list[tuple[str, str, str]]:
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(kit_versions, "show_box", lambda parent, icon, title, text: shown.append((icon.name, title, text)))
    return shown


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def _action(window: MainWindow, text: str):
    file_menu = window.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text().replace("&", "") == text)


def _shoot(widget, name: str, size: tuple[int, int] | None = None) -> None:
    folder = os.environ.get("EVALKIT_SCREENSHOTS")
    if not folder:
        return
    if size:
        widget.resize(*size)
    widget.show()
    widget.grab().save(str(Path(folder) / name))


def test_install_from_the_menu(qtbot, ctx, kit_zip, boxes, monkeypatch, tmp_path):
    window = _window(qtbot, ctx)
    monkeypatch.setattr(kit_versions.QFileDialog, "getOpenFileName", lambda *a, **k: (str(kit_zip), ""))
    _action(window, "Installer une version du kit…").trigger()
    assert len(boxes) == 1
    icon, title, text = boxes[0]
    assert icon == "Information" and title == "Installer une version du kit"
    assert "version 1.2.0 est installé" in text and str(kit_zip) in text
    assert [e.version for e in ctx.services.kits.available()] == ["1.1.0", "1.2.0"]
    assert ctx.services.kits.latest().version == "1.2.0"
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    _shoot(box, "kit-install.png")

    bad = tmp_path / "abime.zip"
    bad.write_bytes(kit_zip.read_bytes()[:200])
    monkeypatch.setattr(kit_versions.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    _action(window, "Installer une version du kit…").trigger()
    icon, title, text = boxes[1]
    assert icon == "Warning" and title == "Kit non installé" and "« abime.zip »" in text
    assert [e.version for e in ctx.services.kits.available()] == ["1.1.0", "1.2.0"]
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    _shoot(box, "kit-install-refused.png")


def test_upgrade_the_open_evaluation_with_a_preview(qtbot, ctx, services, evaluation_id, kit_zip, boxes, monkeypatch):
    rid = services.forms.create(evaluation_id, QUESTIONNAIRE, "commune", "59001", "Lille",
                                answers={REWORDED[0]: "Lille", REMOVED: False})
    window = _window(qtbot, ctx)
    _action(window, "Passer à une version plus récente du kit…").trigger()
    assert boxes[-1][2] == "Ouvrez d'abord l'évaluation à faire passer à une autre version du kit."
    window.open_evaluation(evaluation_id, "cadrage")
    _action(window, "Passer à une version plus récente du kit…").trigger()
    assert "déjà la version la plus récente" in boxes[-1][2]
    services.kits.install(kit_zip)

    seen: dict[str, str] = {}

    def confirm(dialog: kit_versions.KitUpgradeDialog) -> int:
        seen["text"] = dialog.preview.toPlainText()
        seen["button"] = dialog.confirm.text()
        _shoot(dialog, "kit-upgrade-preview.png")
        _shoot(dialog, "kit-upgrade-preview-1366x768.png", (1366, 768))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(kit_versions.KitUpgradeDialog, "exec", confirm)
    _action(window, "Passer à une version plus récente du kit…").trigger()
    assert seen["button"] == "Passer à la version 1.2.0"
    text = seen["text"]
    assert "de la version 1.1.0 à la version 1.2.0" in text
    assert f"({NEW_TOOL})" in text and f"({ADDED})" in text and f"({REMOVED})" in text
    assert f"« {REWORDED[1]} » → « {REWORDED[2]} »" in text
    assert "Réponses conservées (par identifiant de question) : 1." in text
    assert services.evaluations.get(evaluation_id).kit_version == "1.2.0"
    assert "Kit 1.2.0" in window.side_subtitle.text()
    assert services.forms.get(rid).answers == {REWORDED[0]: "Lille", REMOVED: False}
