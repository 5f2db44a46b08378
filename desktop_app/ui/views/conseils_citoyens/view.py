"""Conseils citoyens: the list of the evaluation's QPV on the left, the selected council's three
tools on the right (or a button to begin assessing it), with a live summary of the gaps.

The councils (every QPV with its responses and gap counts) load in the background, « Chargement
des conseils citoyens… » meanwhile."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.councils import GAP_ORDER, gap_summary, gap_words
from desktop_app.services.base import Change
from desktop_app.services.synthesis_councils import Council
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import card, page_header, section_title
from desktop_app.ui.views.referentiel.response_editor import ResponseEditor
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.form_style import dot_icon

LOADING = "Chargement des conseils citoyens…"


def _chips(gaps) -> str:
    from desktop_app.services.charts import ink as _ink

    parts = []
    for key in GAP_ORDER:
        if key not in gaps.labels:
            continue
        color = gaps.colors.get(key, "#e0e0e0")
        parts.append(
            f"<span style='background:{color}; color:{_ink(color)}; font-weight:600'>&nbsp;"
            f"{escape(gap_words(key, gaps.counts.get(key, 0), gaps.labels[key]))}&nbsp;</span>"
        )
    if gaps.unanswered:
        parts.append(f"<span style='color:#5f6b76'>{gaps.unanswered} à examiner</span>")
    return " &nbsp; ".join(parts)


class CouncilPage(QWidget):
    """The three tools of one council, with its gap summary."""

    def __init__(self, ctx: AppContext, evaluation_id: str, council: Council, parent=None, scope=None):
        """`scope`: the evaluation's scope (tool ids) when the caller has it (read otherwise)."""
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.council = council
        syn = ctx.services.councils
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QFrame()
        hl = QVBoxLayout(head)
        hl.setContentsMargins(2, 6, 2, 6)
        hl.setSpacing(4)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        hl.addWidget(self.summary)
        layout.addWidget(head)
        self.tabs = QTabWidget()
        self.editors: dict[str, ResponseEditor] = {}  # built when their tab is first shown
        self._tools: list[tuple[str, QWidget]] = []
        scope = syn.scope(evaluation_id) if scope is None else scope
        kit = syn.kit(evaluation_id)
        self._gap_tool = syn.gap_tool(evaluation_id)  # its answers make the summary above the tabs
        for tool_id in syn.council_tools(evaluation_id):
            if tool_id not in scope and not council.responses.get(tool_id):
                continue
            holder = QWidget()
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            self._tools.append((tool_id, holder))
            tool = kit.tool(tool_id)
            self.tabs.addTab(holder, tool.tab_title or tool.short_title or tool.title)
        layout.addWidget(self.tabs, 1)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.refresh_summary)
        self.tabs.currentChanged.connect(self._ensure_tab)
        # The page's frame first, the form of the tab shown at the next pass, then the gap tool's
        # (its answers make the summary) if another: the window answers between them.
        ctx.tasks.next_pass(self._build_first, owner=self)

    def _build_first(self) -> None:
        self._ensure_tab(self.tabs.currentIndex())
        if self._gap_tool in dict(self._tools) and self._gap_tool not in self.editors:
            self.ctx.tasks.next_pass(self._ensure_gap_tool, owner=self)
        else:
            self.refresh_summary()

    def _ensure_gap_tool(self) -> None:
        self._ensure_tool(self._gap_tool)
        self.refresh_summary()

    def _ensure_tab(self, index: int) -> None:
        if 0 <= index < len(self._tools):
            self._ensure_tool(self._tools[index][0])

    def _ensure_tool(self, tool_id: str) -> ResponseEditor:
        editor = self.editors.get(tool_id)
        if editor is None:
            syn = self.ctx.services.councils
            response = syn.council_response(self.evaluation_id, self.council.qpv_id, tool_id, council=self.council)
            holder = dict(self._tools)[tool_id]
            editor = ResponseEditor(self.ctx, response, syn.form(self.evaluation_id, tool_id), parent=holder)
            self.editors[tool_id] = editor
            holder.layout().addWidget(editor)
            editor.show()  # at once, not at the next event loop pass
            if tool_id == self._gap_tool:
                editor.answersChanged.connect(lambda _a: self._timer.start())
        return editor

    def refresh_summary(self) -> None:
        auto = self.editors.get(self._gap_tool) if self._gap_tool else None
        if auto is None:
            self.summary.setText("")
            return
        kit = self.ctx.services.councils.kit(self.evaluation_id)
        gaps = gap_summary(kit.tool(self._gap_tool), auto.renderer.form, auto.answers())
        examined = "obligation examinée" if gaps.assessed <= 1 else "obligations examinées"
        self.summary.setText(f"{gaps.assessed} {examined} sur {gaps.total} &nbsp; " + _chips(gaps))
        self.summary.setToolTip(
            "Écarts importants :\n• " + "\n• ".join(gaps.important) if gaps.important else "Aucun écart important relevé."
        )

    def flush(self) -> None:
        for editor in self.editors.values():
            editor.flush()


class CouncilsView(QWidget):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 12)
        layout.addWidget(
            page_header(
                "Conseils citoyens",
                "Un conseil par quartier prioritaire : la grille d'autoévaluation, le portrait-robot et les questions "
                "évaluatives se remplissent avec les conseillers citoyens, pas à leur place.",
            )
        )
        bar = QHBoxLayout()
        label = QLabel("Quartier :")
        label.setStyleSheet("font-weight: 600;")
        self.picker = QComboBox()
        self.picker.setAccessibleName("Conseil citoyen du quartier")
        self.picker.setMinimumWidth(380)
        # Filled once the councils are loaded, after it is first shown: as wide as its items then.
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.setIconSize(self.picker.iconSize())
        self.picker.currentIndexChanged.connect(self._picked)
        label.setBuddy(self.picker)
        self.overview = QLabel()
        self.overview.setObjectName("muted")
        bar.addWidget(label)
        bar.addWidget(self.picker)
        bar.addSpacing(12)
        bar.addWidget(self.overview, 1)
        layout.addLayout(bar)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.pages: dict[str, CouncilPage] = {}
        self.start_page = self._build_start_page()
        self.stack.addWidget(self.start_page)
        self._councils: dict[str, Council] = {}
        self._unshown: str | None = None  # the council whose page waits for the screen to show
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._scope = None  # loaded with the councils
        self.overview.setText(LOADING)
        self.start_title.setText(LOADING)
        self.start_text.hide()
        self.picker.setEnabled(False)
        self.start_button.hide()
        ctx.watch(self, self._on_change)
        self.reload()

    # -- the council picker --------------------------------------------------------------------
    def _build_start_page(self) -> QWidget:
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 6, 0, 0)
        frame, inner = card()
        self.start_title = section_title("")
        inner.addWidget(self.start_title)
        self.start_text = QLabel(
            "Ce conseil n'est pas encore évalué. L'évaluation s'appuie sur trois outils du kit « Mesurer l'impact des "
            "conseils citoyens » :<ul>"
            "<li><b>la grille d'autoévaluation</b> : obligation par obligation, ce que la loi prévoit et ce qui est observé ;</li>"
            "<li><b>le portrait-robot</b> : la composition et le fonctionnement, de l'arrêté initial à aujourd'hui ;</li>"
            "<li><b>les questions évaluatives</b> sur la gouvernance, le partenariat local et l'ancrage dans le quartier.</li></ul>"
            "Si le quartier n'a pas de conseil citoyen en activité, c'est un résultat : notez-le dans la grille d'un "
            "autre conseil (ligne « un conseil citoyen dans chaque quartier prioritaire »)."
        )
        self.start_text.setWordWrap(True)
        self.start_text.setTextFormat(Qt.TextFormat.RichText)
        inner.addWidget(self.start_text)
        row = QHBoxLayout()
        self.start_button = QPushButton("Commencer l'évaluation de ce conseil")
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start_current)
        row.addWidget(self.start_button)
        row.addStretch(1)
        inner.addLayout(row)
        outer.addWidget(frame)
        outer.addStretch(1)
        return holder

    def reload(self, select: str | None = None) -> None:
        """Load the councils again (in the background), then show `select` or the one shown."""
        councils, evaluation_id = self.ctx.services.councils, self.evaluation_id

        def load(_progress):
            return councils.councils(evaluation_id), councils.scope(evaluation_id)

        self._loader.run(load, lambda loaded: self._fill(*loaded, select=select))

    def _fill(self, councils: list[Council], scope, select: str | None = None) -> None:
        current = select or self.current_qpv()
        self._scope = scope
        self._councils = {c.qpv_id: c for c in councils}
        self.start_text.show()
        self.picker.blockSignals(True)
        self.picker.clear()
        for c in councils:
            started = [r for r in c.responses.values() if r]
            if not started:
                color, state = "#9aa7b2", "à évaluer"
            elif all(r.status == "complete" for r in started):
                color, state = "#2e7d32", "fiches complètes"
            else:
                color, state = "#f0b94b", "en cours"
            detail = state
            if c.gaps and c.gaps.assessed:
                detail = gap_words("important", c.gaps.counts.get("important", 0))
            self.picker.addItem(dot_icon(color, 14), f"{c.name} ({c.code}) — {detail}", c.qpv_id)
        self.picker.blockSignals(False)
        started = sum(1 for c in councils if c.started)
        self.overview.setText(f"{started} conseil(s) évalué(s) sur {len(councils)} quartier(s)." if councils else "")
        if not councils:
            self.picker.setEnabled(False)
            self.start_title.setText("Aucun quartier prioritaire")
            self.start_text.setText("Ajoutez d'abord les quartiers prioritaires de l'évaluation dans le Cadrage.")
            self.start_button.hide()
            self.stack.setCurrentWidget(self.start_page)
            return
        self.picker.setEnabled(True)
        self.start_button.show()
        ids = [c.qpv_id for c in councils]
        chosen = current if current in ids else ids[0]
        if chosen in self.pages or not self._councils[chosen].started:
            self.select(chosen)
        else:  # the list first, the council's page (its forms) at the next pass
            self.start_text.hide()  # « Chargement… » until then, not the start page's offer
            self.start_button.hide()
            self.picker.blockSignals(True)
            self.picker.setCurrentIndex(self.picker.findData(chosen))
            self.picker.blockSignals(False)
            self.ctx.tasks.next_pass(lambda: self.current_qpv() == chosen and self._show(chosen), owner=self)

    def current_qpv(self) -> str | None:
        return self.picker.currentData()

    def select(self, qpv_id: str) -> None:
        index = self.picker.findData(qpv_id)
        if index < 0:
            return
        self.picker.blockSignals(True)
        self.picker.setCurrentIndex(index)
        self.picker.blockSignals(False)
        self._show(qpv_id)

    def _picked(self, _index: int) -> None:
        qpv_id = self.current_qpv()
        if qpv_id:
            self._show(qpv_id)

    def _show(self, qpv_id: str) -> None:
        council = self._councils.get(qpv_id)
        if council is None:
            return
        if not council.started:
            self.start_title.setText(f"{council.title} ({council.code})")
            self.start_text.show()
            self.start_button.show()
            self.stack.setCurrentWidget(self.start_page)
            return
        page = self.pages.get(qpv_id)
        if page is None:
            if not self.isVisible():
                self._unshown = qpv_id  # built when the screen is shown, in place in the window
                return
            page = CouncilPage(self.ctx, self.evaluation_id, council, parent=self.stack, scope=self._scope)
            self.pages[qpv_id] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self._unshown is not None:
            qpv_id, self._unshown = self._unshown, None
            if qpv_id == self.current_qpv():
                self._show(qpv_id)
        super().showEvent(event)

    def start_current(self) -> None:
        qpv_id = self.current_qpv()
        if qpv_id and self.ctx.apply(lambda: self.ctx.services.councils.start_council(self.evaluation_id, qpv_id)):
            self.reload(select=qpv_id)

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id:
            return
        if change.entity == "qpv":
            for page in self.pages.values():
                self.stack.removeWidget(page)
                page.deleteLater()
            self.pages.clear()
            self.reload()
        elif change.entity == "form_response" and change.field == "status":
            QTimer.singleShot(0, self.reload)

    def flush(self) -> None:
        for page in self.pages.values():
            page.flush()
