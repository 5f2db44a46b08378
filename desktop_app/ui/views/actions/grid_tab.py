"""The selection grid (kit tool 4): scores per criterion (typed 1-3, pre-filled from the data),
weights, total, rank with ties, filters, the short list, and the chart of the ranking."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.scoring import shortlist_message
from desktop_app.services.actions import FilterOptions, GridData
from desktop_app.ui.views.actions.models import GridModel, RowFilterProxy, number
from desktop_app.ui.views.actions.widgets import ChoiceDelegate, FilterBar, show_message
from desktop_app.ui.views.common import fit_header_labels
from desktop_app.ui.widgets import qt_charts
from desktop_app.ui.widgets.chart_view import ChartView
from desktop_app.ui.widgets.splitters import remember_sizes

CHART_ROWS = 10
STATE_COLORS = {"ok": "#2e7d32", "low": "#b26a00", "high": "#c62828"}


def _short(label: str) -> str:
    """A bar's label as the exported ranking cuts it."""
    return label if len(label) <= 78 else label[:77].rstrip() + "…"


class RotatedHeader(QHeaderView):
    """A horizontal header whose criterion sections show their label turned upwards, so the
    score columns can stay narrow while their names stay readable."""

    HEIGHT = 122

    def is_rotated(self, logical: int) -> bool:
        """True when the section's label is drawn upwards (its height is what must fit it)."""
        return bool(self._rotated(logical))

    def __init__(self, rotated, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._rotated = rotated
        self.setSectionsClickable(True)
        self.setHighlightSections(False)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        hint.setHeight(self.HEIGHT)
        return hint

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        if not self._rotated(logical):
            super().paintSection(painter, rect, logical)
            return
        painter.save()
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical
        option.text = ""
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()
        text = str(self.model().headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        painter.save()
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.translate(rect.x(), rect.bottom())
        painter.rotate(-90)
        painter.drawText(QRect(6, 0, rect.height() - 10, rect.width()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text.replace("\n", "  "))
        painter.restore()


class GridTable(QTableView):
    """Scoring from the keyboard: 1, 2, 3 set the score and move to the next criterion; Delete
    removes the team's score (back to the pre-filled value). A digit that is not a level of the
    criterion is refused out loud: `keyRefused(message)` and a tooltip on the cell."""

    keyRefused = Signal(str)  # French message; "" once a key was taken again

    def keyPressEvent(self, event) -> None:
        index = self.currentIndex()
        model = self.model()
        source: GridModel = model.sourceModel()
        col = index.column() if index.isValid() else -1
        crit = source.criterion_at(col)
        key = event.key()
        if crit is not None and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            text = event.text()
            if text.isdigit() and crit.level(int(text)) is None:
                values = [str(lvl.value) for lvl in crit.levels]
                allowed = ", ".join(values[:-1]) + f" ou {values[-1]}" if len(values) > 1 else "".join(values)
                message = (f"« {text} » n'est pas une note de « {crit.label} » : tapez {allowed}"
                           " (Suppr pour effacer la note de l'équipe).")
                QToolTip.showText(self.viewport().mapToGlobal(self.visualRect(index).bottomLeft()), message, self)
                self.keyRefused.emit(message)
                return
            if text.isdigit() and crit.level(int(text)) is not None:
                self.keyRefused.emit("")
                row = index.row()
                action_id = source.action_id(model.mapToSource(index).row())
                if model.setData(index, int(text)):
                    self._restore(action_id, col + 1 if source.criterion_at(col + 1) is not None else col, row)
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                action_id = source.action_id(model.mapToSource(index).row())
                if model.setData(index, None):
                    self._restore(action_id, col, index.row())
                return
        if key == Qt.Key.Key_Space and col == GridModel.CHOSEN and index.isValid():
            state = index.data(Qt.ItemDataRole.CheckStateRole)
            new = Qt.CheckState.Unchecked if Qt.CheckState(state) == Qt.CheckState.Checked else Qt.CheckState.Checked
            model.setData(index, new.value, Qt.ItemDataRole.CheckStateRole)
            return
        super().keyPressEvent(event)

    def _restore(self, action_id: str, column: int, fallback_row: int) -> None:
        """After a save (the grid refreshes), put the cursor back on the same action."""
        model = self.model()
        source: GridModel = model.sourceModel()
        src_row = source.row_of(action_id)
        target = model.mapFromSource(source.index(src_row, column)) if src_row is not None else model.index(fallback_row, column)
        if target.isValid():
            self.setCurrentIndex(target)


class WeightsDialog(QDialog):
    def __init__(self, grid: GridData, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Pondération des critères")
        self.grid = grid
        self.spins: dict[str, QDoubleSpinBox] = {}
        intro = QLabel(
            "Ajustez les poids si une priorité locale le justifie, de préférence avant de noter. Un poids de 0 "
            "écarte le critère. Le score maximal est la somme des poids multipliés par 3."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        for c in grid.criteria:
            spin = QDoubleSpinBox()
            spin.setLocale(QLocale(QLocale.Language.French, QLocale.Country.France))
            spin.setRange(0, 10)
            spin.setSingleStep(0.5)
            spin.setDecimals(1)
            spin.setValue(grid.weights[c.id])
            spin.setAccessibleName(f"Poids : {c.label}")
            spin.setToolTip(c.description)
            self.spins[c.id] = spin
            row = QHBoxLayout()
            row.addWidget(spin)
            kit = QLabel(f"(kit : × {number(c.default_weight)})")
            kit.setObjectName("muted")
            row.addWidget(kit)
            row.addStretch(1)
            label = QLabel(c.label)
            label.setToolTip(c.description)
            form.addRow(label, row)
        reset = QPushButton("Rétablir les poids du kit")
        reset.clicked.connect(lambda: [self.spins[c.id].setValue(c.default_weight) for c in grid.criteria])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Appliquer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        bottom = QHBoxLayout()
        bottom.addWidget(reset)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

    def weights(self) -> dict[str, float]:
        return {cid: spin.value() for cid, spin in self.spins.items()}

    def changed(self) -> dict[str, float]:
        return {cid: w for cid, w in self.weights().items() if abs(w - self.grid.weights[cid]) > 1e-9}


class GridTab(QWidget):
    planRequested = Signal(str)  # a chosen action's id: show its questions and method

    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self.grid: GridData | None = None
        svc = ctx.services.actions
        self.filters = FilterBar()
        self.filters.changed.connect(self._apply_filters)
        self.weights_button = QPushButton("Pondération…")
        self.weights_button.setToolTip("Modifier le poids des critères pour cette évaluation")
        self.weights_button.clicked.connect(self.edit_weights)
        self.rerank_button = QPushButton("Reclasser")
        self.rerank_button.setToolTip("Remettre les lignes dans l'ordre du classement")
        self.rerank_button.clicked.connect(lambda: self.set_grid(self.grid) if self.grid else None)
        self.help_button = QPushButton("?")
        self.help_button.setFixedWidth(36)
        self.help_button.setStyleSheet("QPushButton { padding: 6px 0; font-weight: 600; }")
        self.help_button.setAccessibleName("Comment utiliser la grille")
        purpose, how_to = svc.grid_help(evaluation_id)
        self.help_button.setToolTip(f"{purpose}\n\n{how_to}")
        self.help_button.clicked.connect(
            lambda: show_message(self, "La grille de choix", purpose, informative=how_to))
        top = QHBoxLayout()
        top.addWidget(self.filters, 1)
        top.addWidget(self.rerank_button)
        top.addWidget(self.weights_button)
        top.addWidget(self.help_button)

        self.shortlist = QLabel()
        self.shortlist.setObjectName("shortlist")
        self.legend = QLabel()
        self.legend.setObjectName("muted")
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.key_message = QLabel()  # why a key typed in the grid was not taken
        self.key_message.setObjectName("error")
        self.key_message.setWordWrap(True)
        self.key_message.hide()
        info = QHBoxLayout()
        info.addWidget(self.shortlist)
        info.addWidget(self.key_message, 1)
        info.addWidget(self.legend, 1)

        self.model = GridModel(
            on_score=lambda aid, cid, v: self._set_score(aid, cid, v),
            on_chosen=lambda aid, on: self._set_chosen(aid, on),
            parent=self,
        )
        self.proxy = RowFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = GridTable()
        self.table.setHorizontalHeader(RotatedHeader(lambda c: self.model.criterion_at(c) is not None, self.table))
        self.table.setObjectName("gridTable")
        self.table.setAccessibleName("Grille de choix des actions")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        self.table.setItemDelegate(ChoiceDelegate(self._score_choices, self.table))
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.keyRefused.connect(lambda m: (self.key_message.setText(m), self.key_message.setVisible(bool(m))))
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(30)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignBottom)

        self.chart = ChartView(max_width=1500)
        self.chart.setAccessibleName("Graphique du classement")
        chart_area = QScrollArea()
        chart_area.setWidgetResizable(True)
        chart_area.setWidget(self.chart)
        chart_area.setFrameShape(QScrollArea.Shape.NoFrame)
        # a scroll bar coming and going would change the width the chart is scaled to, hence its
        # height, hence the scroll bar: kept, the layout settles at once
        chart_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        chart_area.setStyleSheet("QScrollArea { background: white; }")
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(chart_area)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([480, 200])  # the grid first: its rotated headers take 120 px of a laptop screen
        remember_sizes(self.split, "actions/grille")
        self._chart_shown = False
        self._chart_timer = QTimer(self, singleShot=True, interval=300)
        self._chart_timer.timeout.connect(self._draw_chart)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        layout.addLayout(info)
        layout.addWidget(self.split, 1)

    # -- undoable edits --------------------------------------------------------------------------
    def _names(self, action_id: str, criterion_id: str = "") -> tuple[str, str]:
        grid = self.grid
        title = next((r.action.title for r in grid.rows if r.action.id == action_id), "") if grid else ""
        label = next((c.label for c in grid.criteria if c.id == criterion_id), criterion_id) if grid else criterion_id
        return title, label

    def _set_score(self, action_id: str, criterion_id: str, value: int | None) -> bool:
        svc = self.ctx.services.actions
        old = svc.manual_score(action_id, criterion_id)
        title, label = self._names(action_id, criterion_id)
        return self.ctx.apply_undoable(
            f"la note « {label} » de « {title} »",
            lambda: svc.set_score(action_id, criterion_id, value),
            lambda: svc.set_score(action_id, criterion_id, old),
        ) is not None

    def _set_chosen(self, action_id: str, chosen: bool) -> bool:
        svc = self.ctx.services.actions
        title, _ = self._names(action_id)
        what = "le choix" if chosen else "le retrait"
        return self.ctx.apply_undoable(
            f"{what} de l'action « {title} »",
            lambda: svc.set_chosen(action_id, chosen),
            lambda: svc.set_chosen(action_id, not chosen),
        ) is not None

    # -- data ----------------------------------------------------------------------------------
    def set_grid(self, grid: GridData, options: FilterOptions | None = None, keep_order: bool = False) -> None:
        self.grid = grid
        if options is not None:
            self.filters.set_options(options)
        first = self.model.grid is None or len(self.model.grid.criteria) != len(grid.criteria)
        if not keep_order:
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_grid(grid, keep_order=keep_order)
        if first or not keep_order:
            self._size_columns()
        if not keep_order:
            self.proxy.sort(-1)
        self._apply_filters(redraw=True)
        state, text = shortlist_message(len(grid.chosen), grid.shortlist_min, grid.shortlist_max)
        self.shortlist.setText(text)
        self.shortlist.setStyleSheet(f"color: {STATE_COLORS[state]}; font-weight: 600;")
        weights = "poids modifiés pour cette évaluation" if grid.custom_weights else "poids proposés par le kit"
        self.legend.setText(
            f"<i style='color:#6b7780'>3 en italique gris</i> : pré-rempli depuis la programmation · score maximal "
            f"{number(grid.max_total)} ({weights})"
        )

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        self.table.setColumnWidth(GridModel.CHOSEN, 70)
        self.table.setColumnWidth(GridModel.RANK, 92)
        for c in range(GridModel.FIXED, self.model.score_column):
            self.table.setColumnWidth(c, 42)
        self.table.setColumnWidth(self.model.score_column, 62)
        header.setSectionResizeMode(GridModel.TITLE, QHeaderView.ResizeMode.Stretch)
        fit_header_labels(self.table)
        header.setFixedHeight(RotatedHeader.HEIGHT)

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.column() not in (GridModel.TITLE, GridModel.RANK):
            return
        row = self.model.rows[self.proxy.mapToSource(index).row()]
        if row.action.chosen:
            self.planRequested.emit(row.action.id)

    def _score_choices(self, index: QModelIndex) -> list[tuple[str, object]]:
        crit = self.model.criterion_at(index.column())
        if crit is None:
            return []
        return [("— (valeur pré-remplie ou non noté)", None)] + [(f"{lv.value} – {lv.label}", lv.value) for lv in crit.levels]

    def _apply_filters(self, redraw: bool = True) -> None:
        model = self.model
        if self.filters.active:
            accepts = self.filters.predicate()  # the model's rows looked up each time: a sort replaces the list
            self.proxy.set_predicate(lambda r: r < len(model.rows) and accepts(model.rows[r].action))
        else:  # every row: no filter to ask 3,000 times
            self.proxy.set_predicate(lambda r: r < len(model.rows))
        if redraw:
            if not self._chart_shown:
                self._draw_chart()  # a first picture at once; later ones wait for a pause in the typing
            else:
                self._chart_timer.start()

    def visible_rows(self):
        if not self.filters.active:  # every row (their order here does not matter to the callers)
            return list(self.model.rows)
        return [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()] for r in range(self.proxy.rowCount())]

    def _draw_chart(self) -> None:
        """Paint the ranking of the visible rows (Qt, a few milliseconds: no worker thread)."""
        if self.grid is None:
            return
        rows = sorted(self.visible_rows(), key=lambda r: (r.rank.rank, r.action.title.lower()))
        top = rows[:CHART_ROWS]
        if not top:
            self.chart.clear()
            return
        scope = f" (filtre : {self.filters.describe()})" if self.filters.active else ""
        title = f"Classement — les {len(top)} premières actions sur {len(rows)}{scope}"
        chosen = [r.action.chosen for r in top]
        self.chart.set_picture(
            qt_charts.bars(  # painted by Qt: a few ms, no matplotlib in the window (see qt_charts)
                [_short(f"{r.rank.rank}. {r.action.title}") for r in top],
                [r.total for r in top],
                width=1500,
                max_value=self.grid.max_total,
                decimals=0 if all(float(r.total).is_integer() for r in top) else 1,
                colors=[qt_charts.ACCENT if c else qt_charts.OTHER for c in chosen],
                bold=chosen,
                title=title,
                legend=[("Retenue", qt_charts.ACCENT), ("Non retenue", qt_charts.OTHER)] if any(chosen) else (),
                font_px=17,
                row_px=30,
                wrap_chars=80,
                headroom=1.06,
            )
        )
        self._chart_shown = True

    def flush_chart(self) -> None:
        """Draw the pending chart now (screenshots, tests)."""
        if self._chart_timer.isActive() or (self.grid is not None and not self._chart_shown):
            self._chart_timer.stop()
            self._draw_chart()

    # -- weights -------------------------------------------------------------------------------
    def edit_weights(self) -> None:
        if self.grid is None:
            return
        dialog = WeightsDialog(self.grid, self)
        accepted = dialog.exec()
        changed = dialog.changed() if accepted else {}
        dialog.deleteLater()
        if changed:
            svc = self.ctx.services.actions
            self.ctx.apply(lambda: svc.set_weights(self.evaluation_id, changed))
