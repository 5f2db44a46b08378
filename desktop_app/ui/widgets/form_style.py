"""Look and small building blocks shared by the form renderer's widgets.

The style sheet (scoped by object names so it never leaks into the rest of the window), a
collapsible box, a combo box that leaves the mouse wheel to the page, word-wrapped labels,
coloured dots for scored choices, page status icons, and the tab-order helper.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# Readable line length for the page content (pixels), and field widths.
CONTENT_MAX_WIDTH = 820
LINE_EDIT_MAX_WIDTH = 560
NUMBER_EDIT_WIDTH = 180

COLOR_TEXT = "#1f2933"
COLOR_MUTED = "#5b6675"
COLOR_ERROR = "#c62828"
COLOR_ACCENT = "#2456b8"
COLOR_DONE = "#2e7d32"
COLOR_PARTIAL = "#ef8f00"

STYLE_SHEET = f"""
QWidget#formRenderer {{ background: #f4f6f9; }}
QFrame#formHeader {{ background: #ffffff; border-bottom: 1px solid #dde2e8; }}
QLabel#formTitle {{ font-size: 16pt; font-weight: 600; color: {COLOR_TEXT}; }}
QLabel#formTitle[compact="true"] {{ font-size: 12.5pt; }}
QLabel#formKind {{ color: {COLOR_MUTED}; }}
QLabel#completionLabel {{ color: {COLOR_TEXT}; font-weight: 600; }}
QProgressBar#completionBar {{ border: none; background: #e3e7ec; border-radius: 3px; }}
QProgressBar#completionBar::chunk {{ background: {COLOR_DONE}; border-radius: 3px; }}
QLabel#aboutHeading {{ font-weight: 600; color: {COLOR_TEXT}; }}
QLabel#aboutText {{ color: #364152; }}
QListWidget#pageList {{ border: none; border-right: 1px solid #dde2e8; background: #eef1f5;
    padding: 8px 6px; outline: 0; }}
QListWidget#pageList::item {{ border-radius: 5px; padding: 0px 2px; color: {COLOR_TEXT}; }}
QListWidget#pageList::item:selected {{ background: #d7e4fa; color: #0b3274; }}
QListWidget#pageList::item:hover:!selected {{ background: #e2e8f0; }}
QFrame#pageSurface {{ background: #ffffff; border: 1px solid #e1e5eb; border-radius: 8px; }}
QFrame#navBar {{ background: #ffffff; border-top: 1px solid #dde2e8; }}
QLabel#navPosition {{ color: {COLOR_MUTED}; }}
QLabel#pageTitle {{ font-size: 14pt; font-weight: 600; color: {COLOR_TEXT}; }}
QLabel#pageMeta {{ color: {COLOR_MUTED}; }}
QLabel#pageDescription {{ color: #364152; }}
QFrame#instructions {{ background: #eef5ff; border: 1px solid #cddff8; border-radius: 6px; }}
QLabel#instructionsHeading {{ font-weight: 600; color: #0b3274; }}
QToolButton#instructionsHeading {{ border: none; font-weight: 600; color: #0b3274; padding: 2px 0; }}
QToolButton#instructionsHeading:focus, QToolButton#collapseButton:focus {{ border: 1px dotted {COLOR_ACCENT}; }}
QFrame#card {{ background: #f9fafb; border: 1px solid #e1e5eb; border-radius: 6px; }}
QFrame#repeatItem {{ background: #f9fafb; border: 1px solid #e1e5eb; border-radius: 6px; }}
QLabel#repeatItemTitle {{ font-weight: 600; color: {COLOR_TEXT}; }}
QLabel#fieldLabel {{ font-weight: 600; color: {COLOR_TEXT}; }}
QLabel#fieldHelp {{ color: {COLOR_MUTED}; }}
QLabel#fieldError {{ color: {COLOR_ERROR}; }}
QLabel#fieldDraft {{ color: {COLOR_ERROR}; font-weight: 600; }}
QLabel#fieldUnsaved {{ background: #fdecea; color: {COLOR_ERROR}; border-left: 3px solid {COLOR_ERROR};
    padding: 4px 8px; font-weight: 600; }}
QLabel#privacyNotice {{ color: #7a5d00; }}
QLabel#privacyWarning {{ background: #fff4e5; color: #7a3e00; border-left: 3px solid {COLOR_PARTIAL};
    padding: 4px 8px; }}
QLabel#noteTitle {{ font-weight: 600; color: {COLOR_TEXT}; font-size: 11pt; }}
QLabel#noteBody {{ color: #364152; }}
QLabel#scaleEnd {{ color: {COLOR_MUTED}; }}
QLabel#unitLabel {{ color: {COLOR_MUTED}; }}
QLineEdit, QPlainTextEdit {{ border: 1px solid #c3cad4; border-radius: 4px; padding: 4px 6px;
    background: #ffffff; selection-background-color: #b9d0f5; selection-color: {COLOR_TEXT}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 1px solid {COLOR_ACCENT}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 1px solid {COLOR_ERROR}; }}
QLineEdit:read-only, QPlainTextEdit:read-only {{ background: #f4f6f9; color: #364152; }}
QPushButton#linkButton, QToolButton#linkButton {{ border: none; color: {COLOR_ACCENT};
    background: transparent; padding: 2px 4px; }}
QPushButton#linkButton:focus, QToolButton#linkButton:focus {{ border: 1px dotted {COLOR_ACCENT}; }}
QToolButton#collapseButton {{ border: none; font-weight: 600; color: {COLOR_ACCENT}; padding: 4px 0; }}
QToolButton#dateButton {{ padding: 3px 8px; }}
QToolButton#dateButton::menu-indicator {{ image: none; width: 0; }}
QLabel#sectionCount {{ color: {COLOR_MUTED}; }}
QToolButton#sectionButton {{ border: none; font-size: 13pt; font-weight: 600; color: {COLOR_TEXT};
    padding: 6px 0; }}
"""


class WrapLabel(QLabel):
    """A word-wrapped label whose text becomes selectable with the mouse when the pointer first
    comes over it. A selectable QLabel lays its text out through a QTextDocument, several times
    slower than a plain one (measured: a quarter of the cost of a form page); heights and
    minimum widths are the same either way, so nothing moves when it switches."""

    def enterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().enterEvent(event)


def wrap_label(
    text: str = "", object_name: str | None = None, rich: bool = False, parent: QWidget | None = None
) -> QLabel:
    """A word-wrapped label (plain text unless `rich`), selectable with the mouse."""
    label = WrapLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # until pointed at
    if object_name:
        label.setObjectName(object_name)
    return label


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Toggle the red border of an editor (style sheet property)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class RoomyItemDelegate(QStyledItemDelegate):
    """Rows of a word-wrapped list with breathing room, measured on the width they really get
    (Qt's own estimate sometimes wraps a title that is painted on one line)."""

    PADDING = 14

    def __init__(self, parent=None):
        super().__init__(parent)
        self._sizes: dict[tuple, QSize] = {}  # Qt asks again and again for the same rows

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 (Qt naming)
        view = self.parent()
        if not isinstance(view, QAbstractItemView):
            hint = super().sizeHint(option, index)
            return QSize(hint.width(), hint.height() + self.PADDING)
        key = (index.data(), view.viewport().width(), option.font.key(), option.decorationSize.toTuple())
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > 1000:  # widths seen while resizing the window
                self._sizes.clear()
            size = self._sizes[key] = self._measure(option, index, view)
        return QSize(size)

    def _measure(self, option: QStyleOptionViewItem, index, view: QAbstractItemView) -> QSize:
        hint = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.rect = QRect(0, 0, view.viewport().width(), 10_000)
        style = view.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        width = max(20, text_rect.width() - 2 * margin)
        flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
        text_height = opt.fontMetrics.boundingRect(QRect(0, 0, width, 10_000), flags, opt.text).height()
        height = max(text_height, opt.decorationSize.height()) + self.PADDING
        return QSize(hint.width(), height)


class NoWheelComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless it has focus, so scrolling the page
    over it never changes an answer by accident."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt naming)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class CollapsibleBox(QWidget):
    """A title button with an arrow that shows or hides its content."""

    toggled = Signal(bool)

    def __init__(self, title: str, expanded: bool = True, button_name: str = "collapseButton", parent=None):
        super().__init__(parent)
        self.button = QToolButton(self)
        self.button.setObjectName(button_name)
        self.button.setText(title)
        self.button.setCheckable(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.content = QFrame(self)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 4, 0, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.header_layout = QHBoxLayout()
        self.header_layout.addWidget(self.button)
        self.header_layout.addStretch(1)
        layout.addLayout(self.header_layout)
        layout.addWidget(self.content)
        self.button.toggled.connect(self._on_toggled)
        self.button.setChecked(expanded)
        self._on_toggled(expanded)

    def _on_toggled(self, expanded: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)
        self.toggled.emit(expanded)

    def is_expanded(self) -> bool:
        return self.button.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.button.setChecked(expanded)

    def set_title(self, title: str) -> None:
        self.button.setText(title)


@cache
def dot_icon(color: str, size: int = 12) -> QIcon:
    """A filled circle, used before scored choices (appreciation colours); drawn once per
    colour (a grid shows the same five colours on every indicator)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(color).darker(130), 1))
    painter.setBrush(QColor(color))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def status_icon(answered: int, total: int, size: int = 16, inset: int = 6) -> QIcon:
    """Page status: green tick (all answered), orange arc (partly), grey ring (nothing yet).

    Drawn `inset` pixels from the left so it does not touch the edge of the selected row."""
    pixmap = QPixmap(size + inset, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if total == 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(inset, 0)
    rect = QRect(0, 0, size, size).adjusted(2, 2, -2, -2)
    if answered >= total:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(COLOR_DONE))
        painter.drawEllipse(rect)
        pen = QPen(QColor("white"), 2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        s = size / 16
        painter.drawLine(int(4.5 * s), int(8.5 * s), int(7 * s), int(11 * s))
        painter.drawLine(int(7 * s), int(11 * s), int(11.5 * s), int(5.5 * s))
    else:
        painter.setPen(QPen(QColor("#b8c0cc"), 2))
        painter.drawEllipse(rect)
        if answered:
            painter.setPen(QPen(QColor(COLOR_PARTIAL), 2))
            painter.drawArc(rect, 90 * 16, -int(360 * 16 * answered / total))
    painter.end()
    return QIcon(pixmap)


ICON_SIZE = QSize(22, 16)


def focusable_in_order(root: QWidget) -> list[QWidget]:
    """Widgets that take Tab focus under `root`, in layout order (top to bottom)."""
    out: list[QWidget] = []

    def visit_widget(w: QWidget) -> None:
        if w.focusProxy() is None and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            if not isinstance(w, QComboBox) or w.isEditable() is False:
                out.append(w)
        if isinstance(w, QScrollArea) and w.widget() is not None:
            visit_widget(w.widget())
            return
        if isinstance(w, QStackedWidget):
            for i in range(w.count()):
                visit_widget(w.widget(i))
            return
        if isinstance(w, (QAbstractScrollArea, QComboBox)):
            return  # text edits, lists: their insides are not separate stops
        if w.layout() is not None:
            visit_layout(w.layout())

    def visit_layout(layout: QLayout) -> None:
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item.widget() is not None:
                visit_widget(item.widget())
            elif item.layout() is not None:
                visit_layout(item.layout())

    visit_widget(root)
    return out


def apply_tab_order(root: QWidget) -> None:
    """Make Tab follow the layout order of `root` (needed after widgets are added later)."""
    widgets = focusable_in_order(root)
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)
