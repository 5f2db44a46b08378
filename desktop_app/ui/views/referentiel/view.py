"""The Référentiel step: the grid (one page per evaluative question) with the evidence panel,
and the colour matrix of appreciations."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.referentiel import NOT_FILLED
from desktop_app.kit.forms import Form, FormField
from desktop_app.services.base import Change
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import page_header
from desktop_app.ui.views.referentiel.computed import note_id, update_notes, with_computed_notes
from desktop_app.ui.views.referentiel.evidence import EvidencePanel
from desktop_app.ui.views.referentiel.matrix import MatrixView
from desktop_app.ui.views.referentiel.response_editor import ResponseEditor
from desktop_app.ui.widgets.background import BackgroundLoad

LOADING = "Chargement du référentiel…"


def _one_column_scale(form: Form) -> Form:
    """The appreciation scale listed one level per line: the renderer lays five short options
    out in a row ~810 px wide, more than its page's width (the page then slides sideways).
    A more explicit label for "Non renseigné" makes it list them vertically; values are unchanged."""

    def relabel(f: FormField) -> FormField:
        if not f.id.endswith(".appreciation"):
            return f
        choices = tuple(
            replace(o, label="Non renseigné (donnée manquante)") if o.value == NOT_FILLED else o for o in f.choices
        )
        return replace(f, choices=choices)

    return replace(form, pages=tuple(replace(p, fields=tuple(relabel(f) for f in p.fields)) for p in form.pages))


class GridWithDrawer(QWidget):
    """The grid, and the evidence panel beside it when there is room, or drawn over its right
    edge (a drawer, opened and closed with a button) when the window is narrow."""

    PANEL_WIDTH = 280

    def __init__(self, editor: QWidget | None = None, panel: QWidget | None = None, parent=None):
        super().__init__(parent)
        self.editor: QWidget | None = None
        self.panel: QWidget | None = None
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._open = True
        self._docked = True
        self._chosen = False  # until the user toggles it, the panel is open only when docked
        self.openChanged = None
        if editor is not None and panel is not None:
            self.set_parts(editor, panel)

    def set_parts(self, editor: QWidget, panel: QWidget) -> None:
        """The grid and the panel (create the grid with this widget as its parent: cheaper)."""
        self.editor = editor
        self.panel = panel
        self._layout.addWidget(editor)
        if panel.parentWidget() is not self:
            panel.setParent(self)
        panel.setFixedWidth(self.PANEL_WIDTH)
        self._shadow = QGraphicsDropShadowEffect(blurRadius=18, xOffset=-3, yOffset=0)
        self._shadow.setColor(Qt.GlobalColor.gray)
        panel.setGraphicsEffect(self._shadow)

    def docked(self) -> bool:
        return self._docked

    def is_open(self) -> bool:
        return self._open

    def set_open(self, open_: bool) -> None:
        self._chosen = True
        self._open = open_
        self._place()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def _editor_need(self) -> int:
        """The width the grid needs to show its pages without clipping them."""
        renderer = getattr(self.editor, "renderer", None)
        scrolls = getattr(renderer, "scrolls", None)
        if not scrolls:
            return self.editor.minimumSizeHint().width()
        page = max(sc.widget().minimumSizeHint().width() for sc in scrolls)
        return renderer.page_list.width() + page + scrolls[0].verticalScrollBar().sizeHint().width() + 4

    def _place(self) -> None:
        if self.panel is None:
            return
        need = self._editor_need() + self.PANEL_WIDTH
        self._docked = self.width() >= need
        if not self._chosen and self._open != self._docked:
            self._open = self._docked
            if self.openChanged:
                self.openChanged(self._open)
        self._shadow.setEnabled(not self._docked)
        right = self.PANEL_WIDTH if (self._docked and self._open) else 0
        self._layout.setContentsMargins(0, 0, right, 0)
        self.panel.setGeometry(self.width() - self.PANEL_WIDTH, 0, self.PANEL_WIDTH, self.height())
        self.panel.setVisible(self._open)
        self.panel.raise_()


class ReferentielView(QWidget):
    """The référentiel's form, the indicators computed from the evaluation's data and the matrix
    are read in the background (« Chargement du référentiel… », a few hundred ms at scale: every
    questionnaire answer and action the indicators compute from); the screen's frame is drawn at
    once. Refreshes after a save are computed in the background too."""

    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 10)
        layout.addWidget(
            page_header(
                "Référentiel évaluatif",
                "Pour chaque indicateur : la valeur trouvée, sa source, les preuves et une appréciation. "
                "Liez à droite les ateliers, témoignages, résultats et documents qui l'étayent.",
            )
        )
        self.tabs = QTabWidget()
        self.toggle = QPushButton("Preuves liées")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolTip("Afficher ou masquer les preuves liées à l'indicateur en cours")
        self.tabs.setCornerWidget(self.toggle, Qt.Corner.TopRightCorner)
        self.loading = QLabel(LOADING)
        self.loading.setObjectName("emptyState")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.body = QStackedWidget()
        self.body.addWidget(self.loading)
        self.body.addWidget(self.tabs)
        layout.addWidget(self.body, 1)
        self.response = None
        self.form = None
        self._values: dict = {}
        # The indicators computed from the data: once per visit (`_stale` after a change elsewhere).
        self._stale = False
        self._changes = 0  # changes seen that the values compute from (one more each)
        self._indicators: dict[str, list[tuple[str, str]]] = {}
        self._latest = None  # the matrix last read: the computed-value notes of rows built later
        # The grid (a form of some 270 fields) is built when its tab is first shown: coming back
        # to a référentiel under way opens on the matrix, which is quick to draw.
        self._grid_page = QWidget()
        grid_layout = QVBoxLayout(self._grid_page)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        self._editor = self._evidence = self._grid = None
        self.toggle.toggled.connect(lambda on: self._grid is not None and on != self.grid.is_open() and self.grid.set_open(on))
        self.tabs.addTab(self._grid_page, "Grille")
        self.matrix = MatrixView(ctx.tasks)
        self.matrix.indicatorClicked.connect(self.open_indicator)
        self.tabs.addTab(self.matrix, "Matrice des appréciations")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._refresh = QTimer(self, singleShot=True, interval=300)
        self._refresh.timeout.connect(self.reload_matrix)
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._reloader = BackgroundLoad(self, ctx.tasks)
        ctx.watch(self, self._on_change)
        self.body.setCurrentWidget(self.loading)
        self._loader.run(self._read, self._loaded, self._failed)

    def _read(self, _progress) -> dict:
        """On a worker: the référentiel's response (created on first use), form, values, matrix."""
        syn, evaluation_id = self.ctx.services.referentiel, self.evaluation_id
        ref_tool = syn.referentiel_tool(evaluation_id)
        response = syn.referentiel(evaluation_id)
        values = syn.indicator_values(evaluation_id)
        matrix = syn.matrix(evaluation_id, values)
        form = with_computed_notes(_one_column_scale(syn.form(evaluation_id, ref_tool)), matrix)
        return {
            "in_scope": syn.in_scope(evaluation_id, ref_tool),
            "response": response,
            "values": values,
            "matrix": matrix,
            "form": form,
            "indicators": self._indicators_by_question(matrix),
        }

    def _failed(self, exc: Exception) -> None:
        self.loading.setText(f"Lecture du référentiel impossible : {exc}")

    def _loaded(self, data: dict) -> None:
        if not data["in_scope"]:
            note = QLabel("Le référentiel n'est pas retenu dans le périmètre de l'évaluation (Cadrage › Périmètre).")
            note.setObjectName("muted")
            self.layout().insertWidget(1, note)
        self.response, self.form, self._values = data["response"], data["form"], data["values"]
        self._indicators = data["indicators"]
        self._latest = data["matrix"]
        self.matrix.set_matrix(data["matrix"])
        if any(key.endswith(".appreciation") for key in (self.response.answers or {})):
            # Coming back to a référentiel under way: the overview first; a cell opens the grid.
            self.tabs.setCurrentWidget(self.matrix)
        self.body.setCurrentWidget(self.tabs)
        if self._stale:  # something changed while it was read
            self._refresh.start()
        # Otherwise the grid is built at the next pass (the tab's frame drawn first), or when
        # the screen is first shown (showEvent): in place, in the window, styled once.
        if self.tabs.currentIndex() == 0 and self.isVisible():
            self.ctx.tasks.next_pass(self._ensure_grid, owner=self)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.tabs.currentIndex() == 0:
            self._ensure_grid()
        super().showEvent(event)

    def _tab_changed(self, index: int) -> None:
        self.toggle.setVisible(index == 0)
        if index == 0:
            self._ensure_grid()

    def _ensure_grid(self) -> None:
        if self._grid is not None or self.response is None:
            return
        ctx, evaluation_id = self.ctx, self.evaluation_id
        self._grid = GridWithDrawer(parent=self._grid_page)
        self._editor = ResponseEditor(ctx, self.response, self.form, parent=self._grid,
                                      extra_problems=lambda: ctx.services.referentiel.unexplained_overrides(evaluation_id))
        renderer = self._editor.renderer  # its rows come as they are scrolled to: notes of the latest values
        renderer.rowsBuilt.connect(lambda ids: update_notes(renderer, self._latest, ids))
        self._evidence = EvidencePanel(ctx, evaluation_id, parent=self._grid)
        self._evidence.countChanged.connect(lambda n: self.toggle.setText(f"Preuves liées ({n})"))
        self._grid.set_parts(self._editor, self._evidence)
        self._grid.openChanged = self._sync_toggle
        self._grid_page.layout().addWidget(self._grid)
        self._grid.show()  # at once, not at the next event loop pass
        self._editor.renderer.page_list.currentRowChanged.connect(self._page_changed)
        self._page_changed(self._editor.renderer.current_page())
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._editor.answersChanged.connect(lambda _a: self._refresh.start())

    @property
    def editor(self) -> ResponseEditor:
        self._ensure_grid()
        return self._editor

    @property
    def evidence(self) -> EvidencePanel:
        self._ensure_grid()
        return self._evidence

    @property
    def grid(self) -> GridWithDrawer:
        self._ensure_grid()
        return self._grid

    def _sync_toggle(self, open_: bool) -> None:
        self.toggle.blockSignals(True)
        self.toggle.setChecked(open_)
        self.toggle.blockSignals(False)

    # -- indicators of the page shown ----------------------------------------------------------
    @staticmethod
    def _indicators_by_question(matrix) -> dict[str, list[tuple[str, str]]]:
        out = {}
        for q in matrix.questions:
            items = [(c.id, f"{c.code} {c.label}") for c in q.cells]
            items.append((q.id, f"{q.number}. {q.theme} — appréciation d'ensemble"))
            out[q.id] = items
        return out

    def _page_changed(self, index: int) -> None:
        if 0 <= index < len(self.form.pages):
            page = self.form.pages[index]
            self.evidence.set_indicators(self._indicators.get(page.id, []))

    def _focus_changed(self, _old, new) -> None:
        if new is None or self._editor is None or not self._editor.isAncestorOf(new):
            return
        for field_id in self._field_ids():
            row = self.editor.renderer.built_row(field_id)  # the focus is in a row built already
            if row is not None and (row is new or row.isAncestorOf(new)):
                self.evidence.select_indicator(field_id.split(".", 1)[0])
                return

    def _field_ids(self) -> list[str]:
        index = self.editor.renderer.current_page()
        if not 0 <= index < len(self.form.pages):
            return []
        return [f.id for f in self.form.pages[index].fields if "." in f.id and f.type != "note"]

    def open_indicator(self, indicator_id: str) -> None:
        """Show an indicator (or a question's overall appreciation) in the grid."""
        if self.form is None:  # still loading
            return
        self.tabs.setCurrentIndex(0)
        for index, page in enumerate(self.form.pages):
            ids = [f.id for f in page.fields]
            target = f"{indicator_id}.appreciation" if f"{indicator_id}.appreciation" in ids else None
            if target is None:
                continue
            renderer = self.editor.renderer
            renderer.go_to_page(index)
            first = f"{indicator_id}.valeur" if f"{indicator_id}.valeur" in ids else target
            note = note_id(indicator_id)
            note = note if note in ids else None
            self.evidence.select_indicator(indicator_id)

            # shown once its rows (and those above) are built, a batch per pass of the event loop
            renderer.when_built([first] + ([note] if note else []),
                                partial(self._show_indicator_row, renderer, index, first, note))
            return

    @staticmethod
    def _show_indicator_row(renderer, index: int, first: str, note: str | None) -> None:
        row = renderer.row(first)
        scroll = renderer.scrolls[index]
        scroll.widget().layout().activate()
        scroll.ensureWidgetVisible(row, 40, 80)
        if note is not None:  # the computed value, just above the value, is read first
            scroll.ensureWidgetVisible(renderer.row(note), 40, 10)
        if hasattr(row, "focus"):
            row.focus()  # its input, ready for typing
        else:
            row.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- refresh -------------------------------------------------------------------------------
    def reload_matrix(self) -> None:
        """The matrix (and the grid's computed-value notes) read again, in the background; the
        indicators are computed again only after a change to what they compute from."""
        if self.response is None:
            return
        syn, evaluation_id = self.ctx.services.referentiel, self.evaluation_id
        stale, values, seen = self._stale, self._values, self._changes

        def work(_p):
            fresh = syn.indicator_values(evaluation_id) if stale else values
            return (seen if stale else None), fresh, syn.matrix(evaluation_id, fresh)

        self._reloader.run(work, self._reloaded)

    def _reloaded(self, result) -> None:
        seen, self._values, matrix = result
        if seen == self._changes:
            self._stale = False  # computed again with nothing changed since it began
        self._latest = matrix
        self.matrix.set_matrix(matrix)
        if self._editor is not None:
            update_notes(self._editor.renderer, matrix)

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id or self.response is None:
            if change.evaluation_id == self.evaluation_id:
                self._changes += 1
                self._stale = True  # still loading: the values read may predate it
            return
        if change.entity in ("evidence_link", "attachment") or (change.entity == "form_response" and change.id != self.response.id):
            self._refresh.start()
        if change.entity not in ("evidence_link", "attachment") and change.id != self.response.id:
            self._changes += 1
            self._stale = True  # answers, commitments or actions the indicators compute from
            self._refresh.start()
            if change.entity == "evidence_link" and self._evidence is not None:
                self._evidence.reload()

    def flush(self) -> None:
        if self._editor is not None:
            self._editor.flush()
