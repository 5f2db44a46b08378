"""The référentiel's overview: one coloured cell per indicator, questions × sub-questions, with the
overall appreciation of each question and the distribution chart. A click opens the indicator.

The chart is drawn by matplotlib: with a task runner it is drawn in the background (the table is
there at once, "Chargement du graphique…" until the picture comes)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.referentiel import Matrix
from desktop_app.ui.views.referentiel.fit_image import FitImage
from desktop_app.ui.widgets.background import BackgroundLoad

CHART_LOADING = "Chargement du graphique…"

EMPTY = "#eef1f4"


def _ink(hex_color: str) -> QColor:
    c = QColor(hex_color)
    return QColor("white") if 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF() < 0.58 else QColor("#1d2a35")


class MatrixView(QScrollArea):
    indicatorClicked = Signal(str)  # indicator id

    def __init__(self, tasks=None, parent=None):
        super().__init__(parent)
        self._charts = BackgroundLoad(self, tasks) if tasks is not None else None
        self._chart_args = None
        self.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.legend = QHBoxLayout()
        self.legend.setSpacing(6)
        layout.addLayout(self.legend)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.cellClicked.connect(self._clicked)
        self.table.setAccessibleName("Matrice des appréciations")
        layout.addWidget(self.table)
        self.chart = FitImage(max_width=760)
        layout.addWidget(self.chart)
        layout.addStretch(1)
        self.setWidget(body)
        self._cells: dict[tuple[int, int], str] = {}

    def set_matrix(self, m: Matrix) -> None:
        while self.legend.count():
            item = self.legend.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for lv in m.scale:
            chip = QLabel(f"  {lv.label}  ")
            chip.setStyleSheet(f"background: {lv.color}; color: {_ink(lv.color).name()}; border-radius: 3px; padding: 3px 4px; font-weight: 600;")
            self.legend.addWidget(chip)
        self.legend.addStretch(1)
        self.summary.setText(
            f"<b>{m.filled} indicateurs renseignés sur {m.total}</b>, dont {m.appreciated} appréciés. "
            "Cliquez sur une case pour ouvrir l'indicateur dans la grille."
        )
        width = max((len(sq.cells) for q in m.questions for sq in q.sub_questions), default=1)
        rows = sum(len(q.sub_questions) for q in m.questions)
        t = self.table
        t.clearSpans()
        t.setRowCount(rows)
        t.setColumnCount(3 + width)
        t.setHorizontalHeaderLabels(["Question", "Sous-question"] + [f"Ind. {chr(97 + i)}" for i in range(width)] + ["Appréciation\nd'ensemble"])
        header = t.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.setColumnWidth(0, 150)
        for i in range(width):
            header.setSectionResizeMode(2 + i, QHeaderView.ResizeMode.Fixed)
            t.setColumnWidth(2 + i, 62)
        header.setSectionResizeMode(2 + width, QHeaderView.ResizeMode.Fixed)
        t.setColumnWidth(2 + width, 170)
        self._cells.clear()
        bold = QFont()
        bold.setBold(True)
        r = 0
        for q in m.questions:
            first = r
            for sq in q.sub_questions:
                label = QTableWidgetItem(f"{sq.code}  {sq.label}")
                label.setToolTip(sq.label)
                label.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(r, 1, label)
                for i in range(width):
                    item = QTableWidgetItem()
                    if i < len(sq.cells):
                        c = sq.cells[i]
                        color = c.appreciation.color if c.appreciation else EMPTY
                        item.setText(c.code)
                        item.setBackground(QBrush(QColor(color)))
                        item.setForeground(QBrush(_ink(color)))
                        item.setFont(bold)
                        tip = f"{c.code} {c.label}\n"
                        origin = " (calculée)" if c.value_origin == "calculée" else ""
                        tip += f"Valeur : {c.shown_value or '—'}{origin}\nAppréciation : {c.appreciation.label if c.appreciation else 'non appréciée'}"
                        if c.target:
                            tip += f"\nCible : {c.target}"
                        if c.suggested is not None:
                            tip += f"\nAppréciation suggérée : {c.suggested.label}"
                        if c.evidence:
                            tip += f"\n{c.evidence} preuve(s) liée(s)"
                        item.setToolTip(tip)
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                        self._cells[(r, 2 + i)] = c.id
                    else:
                        item.setFlags(Qt.ItemFlag.NoItemFlags)
                    t.setItem(r, 2 + i, item)
                r += 1
            head = QTableWidgetItem(f"{q.number}. {q.theme}")
            head.setFont(bold)
            head.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            head.setToolTip(q.label)
            t.setItem(first, 0, head)
            level = q.appreciation
            overall = QTableWidgetItem((level.label + (" (indicative)" if q.computed else "")) if level else "Non renseignée")
            overall.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if level:
                overall.setBackground(QBrush(QColor(level.color)))
                overall.setForeground(QBrush(_ink(level.color)))
            overall.setFont(bold)
            t.setItem(first, 2 + width, overall)
            self._cells[(first, 2 + width)] = q.id
            if r - first > 1:
                t.setSpan(first, 0, r - first, 1)
                t.setSpan(first, 2 + width, r - first, 1)
        for row in range(rows):
            t.setRowHeight(row, 48)
        t.setFixedHeight(t.horizontalHeader().height() + sum(t.rowHeight(i) for i in range(rows)) + 4)
        args = (
            [f"{q.number}. {q.theme}" for q in m.questions],
            [(lv.value, lv.label, lv.color) for lv in m.scale],
            [dict(q.counts) for q in m.questions],
        )
        if args == self._chart_args and (self.chart.has_image() or self.chart.placeholder()):
            return  # same distribution: the picture shown (or being drawn) is still right
        self._chart_args = args
        if self._charts is None:
            self.chart.set_image(_draw_chart(args))
            return
        if not self.chart.has_image():
            self.chart.set_placeholder(CHART_LOADING)
        self._charts.run(lambda _p: _draw_chart(args), self.chart.set_image, self._chart_failed)

    def _chart_failed(self, _exc) -> None:
        self._chart_args = None
        self.chart.set_placeholder("Graphique indisponible.")

    def indicator_at(self, row: int, column: int) -> str | None:
        return self._cells.get((row, column))

    def _clicked(self, row: int, column: int) -> None:
        ind = self._cells.get((row, column))
        if ind:
            self.indicatorClicked.emit(ind)


def _draw_chart(args):
    """The appreciations as stacked bars, painted by Qt (QImage, any thread; `widgets.qt_charts`:
    no matplotlib in the window)."""
    from desktop_app.ui.widgets.qt_charts import stacked_bars

    return stacked_bars(*args, width=760, axis_label="nombre d’indicateurs")
