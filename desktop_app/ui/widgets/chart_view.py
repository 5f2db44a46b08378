"""Shows a chart rendered by `desktop_app.exports.charts` (PNG bytes) or painted by Qt (a pixmap),
scaled to fit its width."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy


class ChartView(QLabel):
    def __init__(self, png: bytes | None = None, parent=None, max_width: int = 900):
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._max_width = max_width
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        if png:
            self.set_png(png)

    def set_png(self, png: bytes) -> None:
        self._pixmap.loadFromData(png, "PNG")
        self._rescale()

    def set_picture(self, image: QImage) -> None:
        """Show a chart painted by Qt (`widgets.qt_charts`: no PNG to decode)."""
        self._pixmap = QPixmap.fromImage(image)
        self._rescale()

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            self.clear()
            return
        width = min(self._max_width, max(320, self.width() or self._max_width), self._pixmap.width())
        scaled = self._pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(scaled)
        self.setFixedHeight(scaled.height())

    def minimumSizeHint(self) -> QSize:
        # A label's minimum is its pixmap: that would stop the window from ever getting narrower
        # than the widest chart shown. The chart is rescaled to the width it is given instead.
        return QSize(240, self.height() if not self._pixmap.isNull() else 0)

    def sizeHint(self) -> QSize:
        if self._pixmap.isNull():
            return QSize(320, 0)
        return QSize(min(self._max_width, self._pixmap.width()), self.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._pixmap.isNull() and abs((self.pixmap().width() if self.pixmap() else 0) - min(self._max_width, self.width(), self._pixmap.width())) > 8:
            self._rescale()
