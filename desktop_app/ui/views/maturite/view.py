"""Maturity scales: the form (one page per domain) beside its live result. The radar chart is
drawn in the background; a scale's form is built when its tab is first shown."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.maturity import MaturityResult, format_points
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import page_header
from desktop_app.ui.views.referentiel.fit_image import FitImage
from desktop_app.ui.views.referentiel.response_editor import ResponseEditor
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.splitters import remember_sizes

CHART_LOADING = "Chargement du graphique…"
RESULT_LOADING = "Calcul du résultat…"


def _chip(color: str | None, text: str) -> str:
    from desktop_app.services.charts import ink as _ink

    bg = color or "#e0e0e0"
    return (
        f"<span style='background:{bg}; color:{_ink(bg)}; font-weight:600;'>&nbsp;{escape(text)}&nbsp;</span>"
    )


class ResultPanel(QScrollArea):
    """Score, overall level, radar chart and the findings drawn from the levels."""

    def __init__(self, tasks=None, parent=None):
        super().__init__(parent)
        self._charts = BackgroundLoad(self, tasks) if tasks is not None else None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(8)
        self.score = QLabel()
        self.score.setObjectName("maturityScore")
        self.score.setStyleSheet("font-size: 20pt; font-weight: 700; color: #1f5f8b;")
        self.score.setWordWrap(True)  # a narrow panel (1280×720): « points » goes under the score
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.chart = FitImage(max_width=460)
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop)
        for w in (self.score, self.detail, self.chart, self.findings):
            layout.addWidget(w)
        layout.addStretch(1)
        self.setWidget(body)
        self._png_key: tuple | None = None

    def show_result(self, r: MaturityResult) -> None:
        self.score.setText(f"{format_points(r.score)} / {format_points(r.max_score)} points")
        overall = r.overall
        parts = [f"{round(r.percent)} % du niveau le plus avancé — {r.assessed} domaine(s) évalué(s) sur {r.total}."]
        if overall:
            parts.append(f"Niveau d'ensemble : {_chip(overall.color, f'{overall.number} – {overall.label}')}")
        self.detail.setText("<br>".join(parts))
        key = tuple(r.profile())
        if r.assessed and key != self._png_key:
            args = ([d.label for d in r.domains], r.profile(), r.max_level)
            self._png_key = key
            if self._charts is None:
                self.chart.set_image(_radar(args))
            else:
                if not self.chart.has_image():
                    self.chart.set_placeholder(CHART_LOADING)
                self._charts.run(lambda _p: _radar(args), self.chart.set_image, self._chart_failed)
        self.chart.setVisible(bool(r.assessed))
        html = []
        for title, color, items in (
            ("Points forts", "#2e7d32", r.strengths),
            ("Axes de progrès", "#b26a00", r.progress),
            ("Recommandations", "#1f5f8b", r.recommendations),
        ):
            html.append(f"<p style='margin-top:10px'><b style='color:{color}; font-size:11pt'>{title}</b></p>")
            if items:
                html.append("<ul style='margin-left:-20px'>")
                html += [f"<li><b>{escape(f.domain)}</b> : {escape(f.text)}</li>" for f in items]
                html.append("</ul>")
            else:
                html.append("<p style='color:#5f6b76'>Aucun pour l'instant.</p>")
        missing = [d.label for d in r.domains if not d.assessed]
        if missing:
            html.append(f"<p style='color:#5f6b76'>Domaines à évaluer : {escape(', '.join(missing))}.</p>")
        self.findings.setText("".join(html))

    def _chart_failed(self, _exc) -> None:
        self._png_key = None
        self.chart.set_placeholder("Graphique indisponible.")


def _radar(args):
    """The scale's radar, painted by Qt (QImage; any thread): see `widgets.qt_charts`."""
    from desktop_app.ui.widgets.qt_charts import radar

    labels, values, max_value = args
    return radar(labels, values, max_value, width=560, font_px=18)


class ScaleTab(QSplitter):
    """One scale: its form beside its result; the form is built by `ensure_built` (when shown)."""

    def __init__(self, ctx: AppContext, evaluation_id: str, tool_id: str, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.tool_id = tool_id
        self._editor: ResponseEditor | None = None
        self._holder = QWidget()
        QVBoxLayout(self._holder).setContentsMargins(0, 0, 0, 0)
        self.result = ResultPanel(ctx.tasks)
        self.result.setMinimumWidth(240)
        self.addWidget(self._holder)
        self.addWidget(self.result)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)  # a narrow screen gives its width to the levels first (1280×720)
        self.setSizes([900, 300])
        remember_sizes(self, "maturite/resultat")
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.refresh)
        self._shown_once = False  # the result (and its radar, drawn in the background) comes when shown
        self._refreshed = False
        # the first result and the scale's response are read in the background (the window
        # answers while the tabs are drawn, then the form is built with what was read)
        self._result_load = BackgroundLoad(self, ctx.tasks)
        self._editor_load = BackgroundLoad(self, ctx.tasks)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self._shown_once:
            self._shown_once = True
            syn, evaluation_id, tool_id = self.ctx.services.maturity, self.evaluation_id, self.tool_id
            self.result.detail.setText(RESULT_LOADING)
            self._result_load.run(lambda _p: syn.maturity(evaluation_id, tool_id, None), self._first_result)
        super().showEvent(event)

    def _first_result(self, result: MaturityResult) -> None:
        if not self._refreshed:  # else a refresh from the answers typed meanwhile is newer
            self.result.show_result(result)

    def ensure_built(self) -> None:
        if self._editor is not None or self._editor_load.pending:
            return
        syn, evaluation_id, tool_id = self.ctx.services.maturity, self.evaluation_id, self.tool_id
        self._editor_load.run(
            lambda _p: (syn.maturity_response(evaluation_id, tool_id), syn.form(evaluation_id, tool_id)),
            self._build_editor,
        )

    def _build_editor(self, read) -> None:
        if self._editor is not None:
            return
        response, form = read
        self._editor = ResponseEditor(self.ctx, response, form, parent=self._holder)
        self._holder.layout().addWidget(self._editor)
        self._editor.show()  # at once, not at the next event loop pass
        self._editor.answersChanged.connect(lambda _a: self._timer.start())

    @property
    def editor(self) -> ResponseEditor:
        if self._editor is None:  # asked for before its tab was shown (or while it is read)
            self._editor_load.cancel()
            syn = self.ctx.services.maturity
            self._build_editor(
                (syn.maturity_response(self.evaluation_id, self.tool_id), syn.form(self.evaluation_id, self.tool_id))
            )
        return self._editor

    def refresh(self) -> None:
        self._refreshed = True
        answers = self._editor.answers() if self._editor is not None else None  # None: the stored ones
        self.result.show_result(self.ctx.services.maturity.maturity(self.evaluation_id, self.tool_id, answers))

    def flush(self) -> None:
        if self._editor is None:
            return
        self._editor.flush()
        if self._timer.isActive():
            self._timer.stop()
            self.refresh()


class MaturityView(QWidget):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 12)
        layout.addWidget(
            page_header(
                "Maturité des politiques transversales",
                "Pour chaque domaine, retenez le niveau qui décrit la situation réelle d'aujourd'hui et justifiez-le : "
                "le score, le profil et les recommandations se mettent à jour au fil de la saisie.",
            )
        )
        self.evaluation_id = evaluation_id
        self.tabs = QTabWidget(self)  # widgets created in place: Qt re-styles a subtree moved in
        self.tabs.hide()
        layout.addWidget(self.tabs, 1)
        self.scales: dict[str, ScaleTab] = {}
        self.step_forms: list = []  # the kit's forms of this step (role step_form), after the scales
        self._built = False

    def _build(self) -> None:
        """The scales' tabs, built when the screen is first shown (then in the window, their
        widgets are styled once, not again when the screen is moved into it)."""
        self._built = True
        ctx, evaluation_id = self.ctx, self.evaluation_id
        scope = ctx.services.maturity.scope(evaluation_id)
        kit = ctx.services.maturity.kit(evaluation_id)
        for tool_id in ctx.services.maturity.maturity_tools(evaluation_id):
            if tool_id in scope:
                tab = ScaleTab(ctx, evaluation_id, tool_id, parent=self.tabs)
                self.scales[tool_id] = tab
                self.tabs.addTab(tab, kit.tool(tool_id).title.replace("Échelle de maturité : ", "").capitalize())
        from desktop_app.ui.views.step_forms import StepFormTab, step_form_tools

        if self.scales:
            for tool_id, title in step_form_tools(ctx, evaluation_id, "maturite"):
                tab = StepFormTab(ctx, evaluation_id, tool_id, parent=self.tabs)
                self.step_forms.append(tab)
                self.tabs.addTab(tab, title)
        if self.scales:
            self.tabs.currentChanged.connect(self._tab_changed)  # a scale's form is built when shown
            self.tabs.show()
        else:
            layout = self.layout()
            layout.removeWidget(self.tabs)
            empty = QLabel(
                "Aucune échelle de maturité n'est retenue dans le périmètre de l'évaluation (Cadrage › Périmètre).", self
            )
            empty.setObjectName("muted")
            empty.setWordWrap(True)
            layout.addWidget(empty)
            layout.addStretch(1)
            empty.show()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self._built:
            self._build()
        # the scale's form at the next pass: the tabs are drawn first and the window answers
        # between the two (building both at once held it ≈ 120 ms at scale 100)
        self.ctx.tasks.next_pass(lambda: self._tab_changed(self.tabs.currentIndex()), owner=self)
        super().showEvent(event)

    def _tab_changed(self, _index: int) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, ScaleTab) and self.isVisible():
            tab.ensure_built()

    def flush(self) -> None:
        for tab in self.scales.values():
            tab.flush()
        for tab in self.step_forms:
            tab.flush()
