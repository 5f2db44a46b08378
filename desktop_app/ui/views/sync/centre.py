"""The resource centre's workspace: every territory's evaluation in one consolidated view.

Tabs: territories and their completion; the référentiel's appreciations per evaluative question;
questionnaire results pooled across territories; maturity levels compared; the sheets filled once
per evaluation (state of the QPV, annual reports…, `centre_sheets`). The view is computed
in the background (`desktop_app.services.consolidation`) and exported to Excel or PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.views.sync.centre_sheets import SheetsTab, SheetTable, sheet_tables
from desktop_app.ui.widgets.chart_view import ChartView


@dataclass
class Rendered:
    data: object
    referential_png: bytes | None
    maturity_png: dict[str, bytes | None]
    sheets: list[SheetTable]


def compute(services) -> Rendered:
    from desktop_app.services.charts import consolidation_maturity_chart, consolidation_referential_chart
    from desktop_app.services.consolidation import consolidate

    data = consolidate(services)
    return Rendered(
        data, consolidation_referential_chart(data), {m.tool_id: consolidation_maturity_chart(m) for m in data.maturity},
        sheet_tables(data),
    )


class CompletionCell(QWidget):
    """A territory's completion: a slim bar with the percentage written beside it, never on it (a
    label drawn over the bar's edge was half white on blue, half dark on white)."""

    def __init__(self, percent: int, parent=None):
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(percent)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        self.bar.setMinimumWidth(70)
        self.label = QLabel(f"{percent} %")
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("100 %") + 2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(8)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.label)
        self.setAccessibleName(f"Avancement : {percent} %")
        self.setToolTip(f"Avancement : {percent} %")


def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setWordWrap(True)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            item = QTableWidgetItem(str(text))
            item.setToolTip(str(text))
            t.setItem(i, j, item)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


class ConsolidationWindow(QMainWindow):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rendered: Rendered | None = None
        self.setWindowTitle("Centre de ressources — vue consolidée")
        self.resize(1200, 800)
        self.summary = QLabel("Calcul de la vue consolidée…")
        self.summary.setObjectName("centreSummary")
        import_button = QPushButton("Importer des résultats…")
        import_button.clicked.connect(self._import)
        refresh = QPushButton("Actualiser")
        refresh.clicked.connect(self.refresh)
        self.xlsx_button = QPushButton("Exporter en Excel…")
        self.pdf_button = QPushButton("Exporter en PDF…")
        self.xlsx_button.clicked.connect(lambda: self._export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self._export(".pdf"))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for b in (import_button, refresh, self.xlsx_button, self.pdf_button):
            top.addWidget(b)
        self.tabs = QTabWidget()
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(box)
        self.refresh()

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.summary.setText("Calcul de la vue consolidée…")
        self.ctx.tasks.run(lambda _p: compute(self.ctx.services), on_done=self._show, on_error=self._failed, owner=self)

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(f"La vue consolidée n'a pas pu être calculée : {exc}")

    def _show(self, rendered: Rendered) -> None:
        self.rendered = rendered
        data = rendered.data
        done = sum(1 for t in data.territories if t.steps_total and t.steps_done == t.steps_total)
        self.summary.setText(
            f"<b>{len(data.territories)} territoire(s)</b> dans cette base — {done} évaluation(s) terminée(s)."
        )
        while self.tabs.count():
            w = self.tabs.widget(0)
            self.tabs.removeTab(0)
            w.deleteLater()
        self.tabs.addTab(self._territories_tab(data), "Territoires")
        self.tabs.addTab(self._referential_tab(data, rendered.referential_png), "Référentiel")
        self.tabs.addTab(self._questionnaires_tab(data), "Questionnaires")
        self.tabs.addTab(self._maturity_tab(data, rendered.maturity_png), "Maturité")
        self.tabs.addTab(SheetsTab(rendered.sheets, self._open), "Fiches")
        has = bool(data.territories)
        self.xlsx_button.setEnabled(has)
        self.pdf_button.setEnabled(has)

    # -- tabs ------------------------------------------------------------------------------------
    def _territories_tab(self, data) -> QWidget:
        t = QTableWidget(len(data.territories), 6)
        t.setHorizontalHeaderLabels(["Territoire", "Évaluation", "Génération", "Avancement", "Étapes terminées", "Mise à jour"])
        t.verticalHeader().setVisible(False)
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for i, row in enumerate(data.territories):
            for j, text in enumerate([row.territory, row.title, row.generation]):
                t.setItem(i, j, QTableWidgetItem(text))
            t.setCellWidget(i, 3, CompletionCell(round(row.completion * 100)))
            t.setItem(i, 4, QTableWidgetItem(f"{row.steps_done} / {row.steps_total}"))
            t.setItem(i, 5, QTableWidgetItem(row.updated_at.astimezone().strftime("%d/%m/%Y")))
            t.item(i, 0).setData(Qt.ItemDataRole.UserRole, row.evaluation_id)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.cellDoubleClicked.connect(lambda r, _c: self._open(t.item(r, 0).data(Qt.ItemDataRole.UserRole)))
        box = QWidget()
        layout = QVBoxLayout(box)
        if not data.territories:
            layout.addWidget(QLabel("Aucune évaluation : importez les fichiers de résultats (.evalkit) des territoires."))
        layout.addWidget(t, 1)
        layout.addWidget(QLabel("Double-cliquez sur un territoire pour ouvrir son évaluation."))
        return box

    def _referential_tab(self, data, png: bytes | None) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        if png:
            layout.addWidget(ChartView(png, max_width=1000))
        labels = {lvl.value: lvl.label for lvl in data.scale}
        headers = ["Question évaluative"] + [lvl.label for lvl in data.scale]
        rows = [[q.theme] + [q.counts.get(lvl.value, 0) for lvl in data.scale] for q in data.questions]
        layout.addWidget(QLabel("<b>Nombre de territoires par appréciation</b>"))
        counts = _table(headers, rows)
        counts.setMinimumHeight(180)
        for i, q in enumerate(data.questions):
            counts.item(i, 0).setToolTip(q.label)
        layout.addWidget(counts)
        layout.addWidget(QLabel("<b>Appréciation de chaque territoire</b>"))
        per = _table(
            ["Territoire"] + [q.theme for q in data.questions],
            [[data.territory_name(t.evaluation_id)] + [labels.get(q.by_territory.get(t.evaluation_id, ""), "") for q in data.questions] for t in data.territories],
        )
        per.setMinimumHeight(160)
        layout.addWidget(per)
        layout.addStretch(1)
        return _scroll(box)

    def _questionnaires_tab(self, data) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        chooser = QComboBox()
        for q in data.questionnaires:
            chooser.addItem(f"{q.title} — {q.respondents} réponse(s), {q.territories} territoire(s)", q.tool_id)
        holder = QVBoxLayout()
        layout.addWidget(chooser)
        layout.addLayout(holder, 1)

        def show() -> None:
            from desktop_app.services.charts import consolidation_questionnaire_chart as questionnaire_chart

            while holder.count():
                w = holder.takeAt(0).widget()
                if w is not None:
                    w.deleteLater()
            qn = next((q for q in data.questionnaires if q.tool_id == chooser.currentData()), None)
            inner = QWidget()
            il = QVBoxLayout(inner)
            answered = [q for q in (qn.questions if qn else []) if q.answered and q.counts]  # numbers: in the report
            if not answered:
                il.addWidget(QLabel("Aucune réponse à ce questionnaire dans les territoires importés."))
            for q in answered[:40]:
                il.addWidget(ChartView(questionnaire_chart(q), max_width=760))
            il.addStretch(1)
            holder.addWidget(_scroll(inner))

        chooser.currentIndexChanged.connect(lambda _i: show())
        show()
        return box

    def _maturity_tab(self, data, pngs: dict) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        for m in data.maturity:
            layout.addWidget(QLabel(f"<h3>{m.title}</h3>"))
            if not m.levels:
                layout.addWidget(QLabel("Aucun territoire n'a encore renseigné cette échelle."))
                continue
            fmt = lambda v: "" if v is None else f"{v:g}".replace(".", ",")  # noqa: E731
            rows = [[data.territory_name(eid)] + [fmt(v) for v in levels] for eid, levels in m.levels.items()]
            rows.append(["Moyenne"] + [fmt(round(v, 1)) if v is not None else "" for v in m.mean()])
            t = _table(["Territoire"] + [label for _, label in m.domains], rows)
            t.setMinimumHeight(40 + 32 * len(rows))
            layout.addWidget(t)
            if pngs.get(m.tool_id):
                layout.addWidget(ChartView(pngs[m.tool_id], max_width=760))
        layout.addStretch(1)
        return _scroll(box)

    # -- actions -----------------------------------------------------------------------------------
    def _open(self, evaluation_id: str) -> None:
        parent = self.parent()
        if parent is not None and hasattr(parent, "open_evaluation"):
            parent.open_evaluation(evaluation_id)
            parent.raise_()

    def _import(self) -> None:
        from desktop_app.ui.views.sync.importing import import_files

        parent = self.parent()
        if parent is not None:
            import_files(parent)
            self.refresh()

    def _export(self, suffix: str) -> None:
        from desktop_app.ui.views.sync.running import run_with_progress

        if self.rendered is None:
            return
        folder = self.ctx.settings.get("export/folder") or str(Path.home())
        kind = "Classeur Excel (*.xlsx)" if suffix == ".xlsx" else "Document PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(self, "Exporter la vue consolidée", str(Path(folder) / f"vue-consolidee{suffix}"), kind)
        if not path:
            return
        out = Path(path) if path.lower().endswith(suffix) else Path(path + suffix)
        self.ctx.settings.set("export/folder", str(out.parent))
        data = self.rendered.data
        exports = self.ctx.services.exports
        run_with_progress(
            self, self.ctx, "Export de la vue consolidée", lambda _p: exports.consolidation(data, out),
            lambda written: QMessageBox.information(self, "Export terminé", f"Vue consolidée enregistrée :\n{written}"),
        )
