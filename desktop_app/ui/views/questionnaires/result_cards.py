"""Widgets of the results tab: the response-rate card and one card per question."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.core.questionnaire_results import QuestionResult, ResponseRate, format_percent
from desktop_app.core.validation import format_number
from desktop_app.ui.widgets.chart_view import ChartView

TEXTS_SHOWN = 4
CHART_SCALE = 0.58  # charts keep the same text size whatever their width (then shrink to fit)


class CardChart(ChartView):
    """A ChartView drawn at a constant scale, narrower than the card when the chart is small."""

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            return
        available = max(240, self.width() or self._max_width)
        width = min(available, round(self._pixmap.width() * CHART_SCALE))
        scaled = self._pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(scaled)
        self.setFixedHeight(scaled.height())

    def resizeEvent(self, event) -> None:
        QLabel.resizeEvent(self, event)
        if not self._pixmap.isNull() and self.pixmap() is not None:
            wanted = min(max(240, self.width()), round(self._pixmap.width() * CHART_SCALE))
            if abs(self.pixmap().width() - wanted) > 8:
                self._rescale()


def _label(text: str, name: str | None = None, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


def _number(value: float, unit: str | None) -> str:
    text = format_number(round(value, 1) if abs(value) < 100 else round(value))
    return f"{text} {unit}" if unit else text


class QuestionCard(QFrame):
    """Title, how many answered, chart (filled in later), table or list."""

    def __init__(self, result: QuestionResult, parent: QWidget | None = None):
        super().__init__(parent)
        self.result = result
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        title = _label(f"<b>{html.escape(result.number)}</b>&nbsp; {html.escape(result.label)}", rich=True)
        title.setObjectName("questionTitle")
        layout.addWidget(title)
        layout.addWidget(_label(result.answered_text if result.answered else "Aucune réponse", "muted"))
        self.chart: CardChart | None = None
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

    def set_chart(self, png: bytes | None) -> None:
        if self.chart is None:
            return
        if png:
            self.chart.setMinimumHeight(0)
            self.chart.set_png(png)
        else:
            self.chart.setText("Graphique indisponible.")

    def _details(self) -> QWidget | None:
        r = self.result
        if r.kind in ("choice", "multiple", "scale") and r.answered:
            rows = "".join(
                f"<tr><td>{html.escape(o.label)}</td><td align='right'>&nbsp;{o.count}</td>"
                f"<td align='right'>&nbsp;&nbsp;{format_percent(o.percent)}</td></tr>"
                for o in r.options
            )
            note = ""
            if r.kind == "multiple":
                note = "<br><i>Plusieurs réponses possibles : le total dépasse 100 %.</i>"
            if r.stats is not None and r.kind == "scale":
                note += f"<br>Médiane : {_number(r.stats.median, None)} · moyenne : {_number(r.stats.mean, None)}"
            label = _label(f"<table cellspacing='0' cellpadding='1'>{rows}</table>{note}", "resultTable", rich=True)
            label.setStyleSheet("font-size: 9pt;")
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(label)
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
                quote = _label(f"« {t.text} »" if r.kind == "text" else t.text)
                quote.setToolTip(t.respondent)
                quote.setStyleSheet("color: #33414d; font-style: italic;")
                inner.addWidget(quote)
            if len(r.texts) > TEXTS_SHOWN:
                inner.addWidget(self._texts_button(f"Voir les {len(r.texts)} réponses", r.texts))
            return box
        return None

    def _texts_button(self, text: str, answers) -> QPushButton:
        button = QPushButton(text)
        button.setFlat(True)
        button.setStyleSheet("QPushButton { text-align: left; color: #1f5f8b; padding: 2px 0; border: none; background: transparent; }"
                             "QPushButton:hover { text-decoration: underline; }")
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
