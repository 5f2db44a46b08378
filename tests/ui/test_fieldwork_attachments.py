"""Attaching a photo to an immersion: the file is copied into the application's data by content
hash, so it stays available when the original is deleted; dropping files works too."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.ui.views.terrain.immersions import ImmersionsTab


def _photo(path, color="orange"):
    image = QImage(160, 100, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def test_attach_a_photo_to_an_immersion(qtbot, ctx, services, evaluation_id, tmp_path, monkeypatch):
    tab = ImmersionsTab(ctx, evaluation_id)
    qtbot.addWidget(tab)
    tab.resize(1100, 800)
    tab.show()
    assert tab.right.currentWidget() is tab.empty
    tab.new_immersion()
    [immersion] = services.terrain.immersions(evaluation_id)
    assert tab.current_id == immersion.id and tab.right.currentWidget() is tab.editor

    photo = _photo(tmp_path / "visite-centre-social.png")
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    tab.tabs.setCurrentWidget(tab.photos)
    tab.photos.add_files([photo])
    assert tab.photos.list.count() == 1
    assert not tab.photos.list.item(0).icon().isNull()  # a thumbnail
    assert tab.tabs.tabText(1) == "Photos et documents (1)"

    # the original vanishes: the stored copy, named by its hash, stays
    photo.unlink()
    [att] = services.attachments.list(evaluation_id, immersion.id)
    assert (att.filename, att.sha256, att.owner_type) == ("visite-centre-social.png", digest, "immersion")
    stored = services.attachments.path_of(att.id)
    assert stored.name == digest and hashlib.sha256(stored.read_bytes()).hexdigest() == digest

    # « Ouvrir » hands the system a copy under the original name
    opened = []
    monkeypatch.setattr(
        "desktop_app.ui.views.terrain.attachments.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    tab.photos.list.setCurrentRow(0)
    qtbot.mouseClick(tab.photos.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].endswith("visite-centre-social.png")

    # dropping a file from the file manager adds it too
    second = _photo(tmp_path / "panneau.jpg", "teal")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(second))])
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(tab.photos, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        tab.photos, QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    )
    assert tab.photos.list.count() == 2

    # removing asks first
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.photos.list.setCurrentRow(0)
    tab.photos.remove_selected()
    assert tab.photos.list.count() == 1
    assert len(services.attachments.list(evaluation_id, immersion.id)) == 1
