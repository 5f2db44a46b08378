"""A chart (PNG bytes) drawn at the width it is given, height following the aspect ratio: fits
narrow side panels where a fixed-size picture would be clipped. While the chart is drawn in the
background, a short text ("Chargement du graphique…") stands in its place. The PNG can be
decoded in the background too (`decode_png`, then `set_image` on the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget


class FitImage(QWidget):
    def __init__(self, png: bytes | None = None, max_width: int = 520, parent=None):
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._max_width = max_width
        self._placeholder = ""
        self._scaled: QPixmap | None = None  # the picture at the width last painted
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        if png:
            self.set_png(png)

    PLACEHOLDER_HEIGHT = 48

    def set_png(self, png: bytes) -> None:
        self._placeholder = ""
        self._pixmap.loadFromData(png, "PNG")
        self._scaled = None
        self.updateGeometry()
        self.update()

    def set_image(self, image: QImage) -> None:
        """Show a picture already decoded (see `decode_png`)."""
        self._placeholder = ""
        self._pixmap = QPixmap.fromImage(image)
        self._scaled = None
        self.updateGeometry()
        self.update()

    def set_placeholder(self, text: str) -> None:
        """Show `text` instead of the picture (kept until the next `set_png`)."""
        self._placeholder = text
        self._pixmap = QPixmap()
        self._scaled = None
        self.setAccessibleDescription(text)
        self.updateGeometry()
        self.update()

    def placeholder(self) -> str:
        return self._placeholder

    def has_image(self) -> bool:
        return not self._pixmap.isNull()

    def _ratio(self) -> float:
        return self._pixmap.height() / self._pixmap.width() if not self._pixmap.isNull() and self._pixmap.width() else 0.0

    def _empty_height(self) -> int:
        return self.PLACEHOLDER_HEIGHT if self._placeholder else 0

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self._pixmap.isNull():
            return self._empty_height()
        return int(min(width, self._max_width) * self._ratio())

    def sizeHint(self) -> QSize:
        if self._pixmap.isNull():
            return QSize(self._max_width, self._empty_height())
        return QSize(self._max_width, int(self._max_width * self._ratio()))

    def minimumSizeHint(self) -> QSize:
        if self._pixmap.isNull():
            return QSize(120, self._empty_height())
        return QSize(120, int(120 * self._ratio()))

    def paintEvent(self, event) -> None:
        if self._pixmap.isNull():
            if self._placeholder:
                painter = QPainter(self)
                painter.setPen(QColor("#5f6b76"))
                painter.drawText(self.rect().adjusted(0, 0, -(max(0, self.width() - self._max_width)), 0),
                                 Qt.AlignmentFlag.AlignCenter, self._placeholder)
            return
        width = min(self.width(), self._max_width)
        height = int(width * self._ratio())
        if self._scaled is None or self._scaled.width() != width:
            self._scaled = self._pixmap.scaled(
                width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._scaled)


def decode_png(png: bytes) -> QImage:
    """The picture of PNG bytes; a QImage, so it may be decoded off the GUI thread."""
    return QImage.fromData(png, "PNG")
