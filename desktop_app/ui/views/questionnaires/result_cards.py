"""Widgets of the results tab: the response-rate card and one card per question.

A results page holds dozens of cards: they are kept cheap to build and to lay out (the table of
answers is painted, not a rich-text label whose HTML table is laid out again at every width; no
style sheet per widget), and their chart arrives later as an image painted off the GUI thread.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.french import unit_agreeing
from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.core.questionnaire_results import QuestionResult, ResponseRate, format_percent
from desktop_app.core.validation import format_number
from desktop_app.ui.widgets.chart_view import ChartView

TEXTS_SHOWN = 4
CHART_SCALE = 0.58  # charts keep the same text size whatever their width (then shrink to fit)


class CardChart(ChartView):
    """A ChartView drawn at a constant scale, narrower than the card when the chart is small.

    `set_png` takes the PNG as drawn (scaled here by CHART_SCALE); `set_image` an image already
    painted at its shown size in a background task (`result_charts.question_image`), so the GUI
    thread only shows it.
    """

    _scale = CHART_SCALE

    def set_png(self, png: bytes) -> None:
        self._scale = CHART_SCALE
        super().set_png(png)

    def set_image(self, image: QImage) -> None:
        self._scale = 1.0
        self._pixmap = QPixmap.fromImage(image)
        self._rescale()

    def _wanted(self) -> int:
        return min(max(240, self.width() or self._max_width), round(self._pixmap.width() * self._scale))

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            return
        width = self._wanted()
        scaled = self._pixmap if width == self._pixmap.width() else self._pixmap.scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(scaled)
        self.setFixedHeight(scaled.height())

    def resizeEvent(self, event) -> None:
        QLabel.resizeEvent(self, event)
        if not self._pixmap.isNull() and self.pixmap() is not None:
            if abs(self.pixmap().width() - self._wanted()) > 8:
                self._rescale()


class OptionsTable(QWidget):
    """Answer, count and share of each option, painted: three aligned columns, the answers
    wrapped to the width left by the figures. Its text is also its accessible description."""

    GAP = 12

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.rows = rows
        font = QFont(self.font())
        font.setPointSizeF(9)
        self.setFont(font)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("Répartition des réponses")
        self.setAccessibleDescription(self.text())
        fm = self.fontMetrics()
        self._count_width = max((fm.horizontalAdvance(c) for _, c, _ in rows), default=0)
        self._percent_width = max((fm.horizontalAdvance(p) for _, _, p in rows), default=0)
        self._label_width = max((fm.horizontalAdvance(label) for label, _, _ in rows), default=0)
        self._heights: dict[int, int] = {}

    def text(self) -> str:
        return "\n".join(f"{label} : {count} ({percent})" for label, count, percent in self.rows)

    def _figures(self) -> int:
        return self._count_width + self._percent_width + 2 * self.GAP

    def _label_column(self, width: int) -> int:
        """The answers' column: as wide as the longest answer, so the figures stay next to it."""
        return max(40, min(self._label_width + 2, width - self._figures()))

    def _row_heights(self, width: int) -> list[int]:
        fm = self.fontMetrics()
        label_width = self._label_column(width)
        flags = int(Qt.TextFlag.TextWordWrap)
        return [max(fm.height(), fm.boundingRect(QRect(0, 0, label_width, 10_000), flags, label).height()) + 2
                for label, _, _ in self.rows]

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if width not in self._heights:
            if len(self._heights) > 8:
                self._heights.clear()
            self._heights[width] = sum(self._row_heights(width))
        return self._heights[width]

    def sizeHint(self) -> QSize:
        width = min(self._label_width, 360) + self._figures()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(120 + self._figures(), self.fontMetrics().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        width = self.width()
        label_width = self._label_column(width)
        count_x = label_width + self.GAP
        percent_x = count_x + self._count_width + self.GAP
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        y = 1
        for (label, count, percent), height in zip(self.rows, self._row_heights(width), strict=True):
            painter.drawText(QRect(0, y, label_width, height), int(left | Qt.TextFlag.TextWordWrap), label)
            painter.drawText(QRect(count_x, y, self._count_width, height), int(right), count)
            painter.drawText(QRect(percent_x, y, self._percent_width, height), int(right), percent)
            y += height
        painter.end()


def _label(text: str, name: str | None = None, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


QUOTE = "#33414d"
# set once on the results page (a style sheet per widget is slow to apply to dozens of cards)
LINK_STYLE = ("QPushButton#textsLink { text-align: left; color: #1f5f8b; padding: 2px 0; border: none; background: transparent; }"
              "QPushButton#textsLink:hover { text-decoration: underline; }"
              "QPushButton#textsLink:focus { border: none; text-decoration: underline; }")


def _small(text: str, italic: bool = False, size: float | None = 9, color: str | None = None,
           weight: QFont.Weight | None = None) -> QLabel:
    """A wrapped plain-text label, styled by its font and palette rather than a style sheet."""
    label = _label(text)
    font = QFont(label.font())
    if size:
        font.setPointSizeF(size)
    if weight is not None:
        font.setWeight(weight)
    font.setItalic(italic)
    label.setFont(font)
    if color:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
        label.setPalette(palette)
    return label


def _number(value: float, unit: str | None) -> str:
    text = format_number(round(value, 1) if abs(value) < 100 else round(value))
    return f"{text} {unit_agreeing(value, unit)}" if unit else text


class QuestionCard(QFrame):
    """Title, how many answered, chart (filled in later), table or list."""

    def __init__(self, result: QuestionResult, parent: QWidget | None = None):
        super().__init__(parent)
        self.result = result
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        # plain text in a semibold font: a rich-text title costs a text document per card to lay out
        title = _small(f"{result.number}\u00a0\u00a0{result.label}", size=None, weight=QFont.Weight.DemiBold)
        title.setObjectName("questionTitle")
        layout.addWidget(title)
        layout.addWidget(_label(result.answered_text if result.answered else "Aucune réponse", "muted"))
        self.chart: CardChart | None = None
        self.table: OptionsTable | None = None
        if result.has_chart:
            self.chart = CardChart()
            self.chart.setText("Graphique en préparation…")
            self.chart.setObjectName("muted")
            self.chart.setMinimumHeight(40 + 22 * max(len(result.options), len(result.distribution)))
            layout.addWidget(self.chart)
        details = self._details()
        if details is not None:
            layout.addWidget(details)
        layout.addStretch(1)

    def set_chart(self, chart: bytes | QImage | None) -> None:
        """Show the chart: PNG bytes, or an image from `result_charts.question_image`; None when it
        failed."""
        if self.chart is None:
            return
        if isinstance(chart, QImage) and not chart.isNull():
            self.chart.setMinimumHeight(0)
            self.chart.set_image(chart)
        elif isinstance(chart, bytes) and chart:
            self.chart.setMinimumHeight(0)
            self.chart.set_png(chart)
        else:
            self.chart.setText("Graphique indisponible.")

    def _details(self) -> QWidget | None:
        r = self.result
        if r.kind in ("choice", "multiple", "scale") and r.answered:
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(2)
            self.table = OptionsTable([(o.label, str(o.count), format_percent(o.percent)) for o in r.options])
            inner.addWidget(self.table)
            if r.kind == "multiple":
                inner.addWidget(_small("Plusieurs réponses possibles : le total dépasse 100 %.", italic=True))
            if r.stats is not None and r.kind == "scale":
                inner.addWidget(_small(f"Médiane : {_number(r.stats.median, None)} · moyenne : {_number(r.stats.mean, None)}"))
            if r.others:
                inner.addWidget(self._texts_button(f"Voir les « autres » réponses ({len(r.others)})", r.others))
            return box
        if r.kind == "number" and r.stats is not None:
            st = r.stats
            parts = [f"Minimum : <b>{_number(st.minimum, r.unit)}</b>", f"médiane : <b>{_number(st.median, r.unit)}</b>",
                     f"maximum : <b>{_number(st.maximum, r.unit)}</b>", f"moyenne : {_number(st.mean, r.unit)}"]
            if r.unit == "€":
                parts.append(f"total : {_number(st.total, r.unit)}")
            return _label(" · ".join(parts), rich=True)
        if r.kind in ("text", "date", "group") and r.answered:
            if r.hidden_texts:
                return _label("Réponses non affichées : elles peuvent contenir des données personnelles "
                              "(voir l'export Excel, sur demande).", "muted")
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            if r.kind == "date":
                first, last = r.texts[0].text, r.texts[-1].text
                inner.addWidget(_label(f"Du <b>{first}</b> au <b>{last}</b>" if first != last else f"Le <b>{first}</b>", rich=True))
                inner.addWidget(self._texts_button(f"Voir les {len(r.texts)} dates", r.texts))
                return box
            for t in r.texts[:TEXTS_SHOWN]:
                quote = _small(f"« {t.text} »" if r.kind == "text" else t.text, italic=True, size=None, color=QUOTE)
                quote.setToolTip(t.respondent)
                inner.addWidget(quote)
            if len(r.texts) > TEXTS_SHOWN:
                inner.addWidget(self._texts_button(f"Voir les {len(r.texts)} réponses", r.texts))
            return box
        return None

    def _texts_button(self, text: str, answers) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("textsLink")  # styled by the results page (LINK_STYLE)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(lambda: TextsDialog(self.result, answers, self).exec())
        return button


class TextsDialog(QDialog):
    def __init__(self, result: QuestionResult, answers, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Question {result.number}")
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(_label(f"<b>{html.escape(result.number)}</b> {html.escape(result.label)}", rich=True))
        browser = QTextBrowser()
        browser.setHtml("".join(
            f"<p>« {html.escape(a.text)} »<br><span style='color:#5f6b76'>{html.escape(a.respondent)}</span></p>"
            for a in answers
        ))
        layout.addWidget(browser, 1)


class SegmentBar(QWidget):
    """A thin horizontal bar split into coloured segments (complete / drafts / no answer)."""

    def __init__(self, segments: list[tuple[int, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.segments = segments
        self.setFixedHeight(14)
        self.setMinimumWidth(200)

    def paintEvent(self, _event) -> None:
        total = sum(n for n, _ in self.segments) or 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(self.rect()), 5, 5)
        painter.setClipPath(path)
        x = 0.0
        for n, color in self.segments:
            width = self.width() * n / total
            painter.fillRect(QRectF(x, 0, width, self.height()), QColor(color))
            x += width
        painter.end()


RATE_COLORS = ("#2e7d32", "#f0b94b", "#cfd8dc")


class RateCard(QFrame):
    """Response rate against the invited respondents, with who has not answered yet."""

    def __init__(self, rate: ResponseRate, responses: int, complete: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        kind = type_label(rate.respondent_type, plural=True).lower()
        if rate.invited:
            head = (f"<span style='font-size:20pt; font-weight:600; color:#1f5f8b'>{format_percent(rate.rate)}</span>"
                    f"&nbsp;&nbsp; de réponse : <b>{rate.answered}</b> sur <b>{rate.invited}</b> {kind} invitées")
        else:
            head = f"Aucun répondant invité : ajoutez les {kind} invitées dans l'onglet « Diffusion Excel »."
        layout.addWidget(_label(head, rich=True))
        if rate.invited:
            drafts = rate.answered - rate.complete
            missing = rate.invited - rate.answered
            segments = [(rate.complete, RATE_COLORS[0]), (drafts, RATE_COLORS[1]), (missing, RATE_COLORS[2])]
            layout.addWidget(SegmentBar(segments))
            legend = "&nbsp;&nbsp;&nbsp;".join(
                f"<span style='color:{color}'>■</span> {n} {text}"
                for (n, color), text in zip(segments, ("complète(s)", "en brouillon", "sans réponse"), strict=True)
            )
            layout.addWidget(_label(legend, rich=True))
        extra = [f"{responses} réponse{'s' if responses > 1 else ''} prise{'s' if responses > 1 else ''} en compte ci-dessous, "
                 f"dont {complete} complète{'s' if complete > 1 else ''}"]
        if rate.not_invited:
            extra.append(f"{rate.not_invited} répondant{'s' if rate.not_invited > 1 else ''} hors liste des invités")
        if rate.missing:
            shown = ", ".join(rate.missing[:5]) + (
                f" et {len(rate.missing) - 5} autre(s) (liste complète : onglet « Diffusion Excel »)" if len(rate.missing) > 5 else "")
            extra.append(f"pas encore de réponse : {shown}")
        layout.addWidget(_label(" · ".join(extra) + ".", "muted"))
