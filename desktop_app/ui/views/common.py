"""Small building blocks shared by the step views: page header, card frame."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

# Below this window height (1280×720, a 1600×900 laptop at 125 %), a screen's subtitle folds
# away: the room goes to the questions; the text stays in the title's tooltip and the guide (F1).
COMPACT_HEIGHT = 760


class PageHeader(QWidget):
    """A screen's title and its explanation, which hides when the window is short."""

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__()
        self._watched = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.subtitle = None
        if subtitle:
            self.subtitle = QLabel(subtitle)
            self.subtitle.setObjectName("pageSubtitle")
            self.subtitle.setWordWrap(True)
            self.title.setToolTip(subtitle)
            layout.addWidget(self.subtitle)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        window = self.window()
        if self.subtitle is not None and window is not self and window is not self._watched:
            window.installEventFilter(self)
            self._watched = window
        self._fit()
        super().showEvent(event)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        if self.subtitle is not None and self._watched is not None:
            self.subtitle.setVisible(self._watched.height() >= COMPACT_HEIGHT)


def page_header(title: str, subtitle: str = "") -> QWidget:
    return PageHeader(title, subtitle)


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 14, 16, 14)
    return frame, layout


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def fit_header_labels(table, extra: int = 24) -> None:
    """Widen the columns of `table` whose header label (bold, with its padding and sort arrow)
    is wider than the column: a header never shows « Montant (€ »."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    model = table.model()
    font = header.font()
    font.setBold(True)
    metrics = QFontMetrics(font)
    for column in range(model.columnCount()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
            continue
        if getattr(header, "is_rotated", lambda _c: False)(column):
            continue  # a label drawn upwards
        text = str(model.headerData(column, header.orientation()) or "")
        need = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0) + extra
        if table.columnWidth(column) < need:
            table.setColumnWidth(column, need)


def name_input(widget: QWidget, text: str) -> QWidget:
    """Give an input (or the line edit inside an autosaving field) the accessible name `text`
    (a trailing « * » said « obligatoire »); returns the widget that takes the focus."""
    target = getattr(widget, "edit", widget)
    name = text.rstrip(" *")
    target.setAccessibleName(f"{name} (obligatoire)" if text.rstrip().endswith("*") else name)
    return target


def form_row(form: QFormLayout, text: str, field) -> QLabel:
    """A QFormLayout row whose label is the buddy of the input it names (Alt+letter and screen
    readers reach the input itself, not the widget around it)."""
    label = QLabel(text)
    if isinstance(field, QWidget):
        label.setBuddy(name_input(field, text))
    form.addRow(label, field)
    return label


STATUS_WORDS = {"complete": "« terminée »", "draft": "« brouillon »"}


def set_status_undoable(ctx, response_id: str, status: str, what: str = "la fiche", note: str = ""):
    """Change a form response's status (draft / complete) through the undo stack: Ctrl+Z puts
    the previous status back (and its « terminé quand même » reason). `note`: why it was
    completed with items missing. Returns what `ctx.apply` returns (None when refused)."""
    forms = ctx.services.forms
    before = forms.get(response_id)
    old, old_note = before.status, getattr(before, "status_comment", "")
    if old == status:
        return ctx.apply(lambda: forms.set_status(response_id, status, note))
    return ctx.apply_undoable(f"le passage de {what} en {STATUS_WORDS.get(status, status)}",
                              lambda: forms.set_status(response_id, status, note),
                              lambda: forms.set_status(response_id, old, old_note))
