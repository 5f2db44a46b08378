"""The synthesis tab: everything collected (workshop notes and verbatims, immersions, testimonies
and contributions with consent), filterable by kind, theme, group, QPV and heading, with a search
box; the selected excerpt is shown in full with the searched words highlighted."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fieldwork_synthesis import (
    CATEGORY_LABELS,
    EXCERPT_KINDS,
    Excerpt,
    ExcerptFilter,
    facets,
    filter_excerpts,
    highlight_spans,
)
from desktop_app.core.french import format_number, plural
from desktop_app.core.identifiers import format_date_fr
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.splitters import remember_sizes

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Type", "Source", "Date", "Thème", "Rubrique", "Extrait")
# The first entry of each filter: short, since the label before the combo already names the filter
# (« Thème  Tous »), so that the five filters fit on one row at 1280 px wide.
ALL, ALL_FEMININE = "Tous", "Toutes"  # « Toutes » for the feminine « Rubrique »


def _date(iso: str) -> str:
    try:
        return format_date_fr(iso) if iso else ""
    except ValueError:
        return iso


class ExcerptsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Excerpt] = []

    def set_rows(self, rows: list[Excerpt]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                EXCERPT_KINDS.get(e.kind, e.kind),
                e.source,
                _date(e.date),
                ", ".join(e.themes),
                CATEGORY_LABELS.get(e.category, e.category),
                " ".join(e.text.split())[:220],
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return f"{e.section} › {e.question}"
        return None


class SynthesisTab(QWidget):
    def __init__(
        self, ctx: AppContext, evaluation_id: str, open_record: Callable[[str, str], None], parent=None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.open_record = open_record
        self.excerpts: list[Excerpt] = []

        self.search = QLineEdit()
        self.search.setObjectName("synthesisSearch")
        self.search.setPlaceholderText("Rechercher dans les notes, verbatims et témoignages…")
        self.search.setAccessibleName("Rechercher dans les notes, verbatims et témoignages")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply)
        self.kind = FilterCombo()
        self.kind.addItem(ALL, "")
        for value, label in (
            ("workshop", "Ateliers"),
            ("immersion", "Immersions"),
            ("testimony", "Témoignages"),
            ("contribution", "Contributions"),
        ):
            self.kind.addItem(label, value)
        self.theme = FilterCombo()
        self.group = FilterCombo()
        self.qpv = FilterCombo()
        self.category = FilterCombo()
        for combo, name in (
            (self.kind, "Type"),
            (self.theme, "Thème"),
            (self.group, "Groupe"),
            (self.qpv, "QPV"),
            (self.category, "Rubrique"),
        ):
            combo.setAccessibleName(name)
            combo.currentIndexChanged.connect(self._apply)
        reset = QPushButton("Effacer les filtres")
        reset.clicked.connect(self.reset_filters)
        row1 = QHBoxLayout()
        row1.addWidget(self.search, 1)
        row1.addWidget(reset)
        row2 = QHBoxLayout()
        for label, combo in (
            ("Type", self.kind),
            ("Thème", self.theme),
            ("Groupe", self.group),
            ("QPV", self.qpv),
            ("Rubrique", self.category),
        ):
            lab = QLabel(label)
            lab.setBuddy(combo)
            row2.addWidget(lab)
            row2.addWidget(combo)

        self.model = ExcerptsModel(self)
        self.table = QTableView()
        self.table.setObjectName("excerpts")
        self.table.setAccessibleName("Extraits")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        for i, width in enumerate((80, 250, 82, 130, 90, 300)):
            self.table.setColumnWidth(i, width)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.table.doubleClicked.connect(lambda _i: self._open())

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Détail de l'élément choisi")
        self.detail.setObjectName("excerptDetail")
        self.detail.setOpenLinks(False)
        self.open_button = QPushButton("Ouvrir la fiche")
        self.open_button.clicked.connect(self._open)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail, 1)
        rl.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([420, 220])
        remember_sizes(splitter, "terrain/synthese")
        splitter.setChildrenCollapsible(False)

        self.count = QLabel()
        self.count.setObjectName("muted")
        self.hidden = QLabel()
        self.hidden.setObjectName("muted")
        self.hidden.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.hidden)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._loading = False
        self._loader = BackgroundLoad(self, ctx.tasks)
        self.reload()

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read every excerpt in the background (0.5 s for 9,000 of them), then show them."""
        terrain, evaluations, eid = self.ctx.services.terrain, self.ctx.services.evaluations, self.evaluation_id

        def work(_progress):
            excerpts, hidden = terrain.excerpts(eid)
            for e in excerpts:
                _ = e.folded  # searched at each keystroke: folded here, not on the GUI thread
            names = {q["code"]: q["name"] for q in evaluations.rows("qpv", eid)}
            return excerpts, hidden, facets(excerpts), names

        def failed(exc: Exception) -> None:
            self.count.setText(f"Lecture de la synthèse impossible : {exc}")

        if not self.excerpts:
            self.count.setText("Chargement de la synthèse…")
        self._loader.run(work, self._show_data, failed)

    def _show_data(self, data) -> None:
        self.excerpts, hidden, f, names = data
        self._loading = True
        for combo, values, first in (
            (self.theme, [(v, v) for v in f.themes], ALL),
            (self.group, [(v, v) for v in f.groups], ALL),
            (self.qpv, [(v, f"{v} — {names[v]}" if v in names else v) for v in f.qpv], ALL),
            (self.category, [(v, CATEGORY_LABELS[v]) for v in f.categories], ALL_FEMININE),
        ):
            chosen = combo.currentData()
            combo.clear()
            combo.addItem(first, "")
            for value, label in values:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
        for combo in (self.kind, self.theme, self.group, self.qpv, self.category):
            combo.fit_list()
        self._loading = False
        self.hidden.setText(
            ("1 témoignage ou contribution sans accord d'utilisation n'est pas repris ici." if hidden == 1 else
             f"{format_number(hidden)} témoignages ou contributions sans accord d'utilisation ne sont pas repris ici.")
            if hidden
            else ""
        )
        self._apply()

    def current_filter(self) -> ExcerptFilter:
        kind = self.kind.currentData() or ""
        return ExcerptFilter(
            kinds=frozenset({kind}) if kind else frozenset(),
            theme=self.theme.currentData() or "",
            group=self.group.currentData() or "",
            qpv=self.qpv.currentData() or "",
            category=self.category.currentData() or "",
            query=self.search.text(),
        )

    def _apply(self, *_args) -> None:
        if self._loading:
            return
        rows = filter_excerpts(self.excerpts, self.current_filter())
        self.model.set_rows(rows)
        total = len(self.excerpts)
        self.count.setText(plural(len(rows), "extrait") + (f" sur {format_number(total)}" if len(rows) != total else ""))
        if rows:
            self.table.selectRow(0)
            self._show(0)
        else:
            self.detail.setHtml(
                "<p style='color:#5f6b76'>Aucun extrait ne correspond à cette recherche.</p>"
                if total
                else "<p style='color:#5f6b76'>Rien n'a encore été recueilli : les notes des ateliers, les immersions "
                "et les témoignages apparaîtront ici.</p>"
            )
            self.open_button.setEnabled(False)

    def reset_filters(self) -> None:
        self._loading = True
        for combo in (self.kind, self.theme, self.group, self.qpv, self.category):
            combo.setCurrentIndex(0)
        self.search.clear()
        self._loading = False
        self._apply()

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            return
        e = self.model.rows[row]
        meta = [x for x in (_date(e.date), e.group, ", ".join(e.themes), ", ".join(e.qpv)) if x]
        self.detail.setHtml(
            f"<p style='margin:0'><b>{html.escape(e.source)}</b></p>"
            f"<p style='color:#5f6b76; margin:2px 0 8px 0'>{html.escape(' · '.join(meta))}</p>"
            f"<p style='color:#1f5f8b; margin:0 0 6px 0'>{html.escape(e.section)} › {html.escape(e.question)}</p>"
            f"<div style='font-size:11pt'>{_highlight(e.text, self.search.text())}</div>"
        )
        self.open_button.setEnabled(True)

    def _open(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            e = self.model.rows[index.row()]
            self.open_record(e.kind, e.record_id)


def combo_width_for(combo: QComboBox, text: str) -> int:
    """The width `combo` needs to show `text` without clipping (arrow, frame and style sheet padding
    included, as the style computes them)."""
    combo.ensurePolished()
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    fm = combo.fontMetrics()
    contents = QSize(fm.horizontalAdvance(text), fm.height())
    return combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, contents, combo).width()


class FilterCombo(QComboBox):
    """A filter drop-down that asks the layout for the width of what it shows.

    Never narrower than its first entry (« Tous »); it asks for the width of the chosen value, so
    the row gives room to the filters in use and takes it from those left on « Tous ». The open list
    is as wide as its longest entry; a chosen value too long for the row is in the tooltip.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.currentTextChanged.connect(self._current_changed)

    def _current_changed(self, text: str) -> None:
        self.setToolTip(text)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        hint = super().sizeHint()
        return QSize(max(combo_width_for(self, self.currentText()), self.minimumSizeHint().width()), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(combo_width_for(self, self.itemText(0)), hint.height())

    def fit_list(self) -> None:
        """Widen the open list to its longest entry (after the entries changed)."""
        view = self.view()
        fm = view.fontMetrics()
        widest = max((fm.horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)
        view.setMinimumWidth(widest + 24 + view.verticalScrollBar().sizeHint().width())
        self.updateGeometry()


def _highlight(text: str, query: str) -> str:
    out, last = [], 0
    for start, end in highlight_spans(text, query):
        out.append(html.escape(text[last:start]))
        out.append(f"<span style='background:#ffe58a'>{html.escape(text[start:end])}</span>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n", "<br>")
