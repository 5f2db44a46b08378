"""The Terrain step: immersions, testimonies and free contributions, the commitments tracker,
and the synthesis of everything collected; an overview line and the Excel export on top.

The tabs are built when the screen is first shown (inside the main window, so styled once); the
Synthèse tab (every excerpt of workshops, immersions and testimonies) when it is first opened:
until then an empty page holds its place. The other tabs read their lists in the background; the
overview line and the tab titles follow once they are read. The overview names a few
working-group themes, then « et N autres » (a hundred groups at scale)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.fieldwork import plain_label
from desktop_app.core.fieldwork_synthesis import immersion_coverage
from desktop_app.services.base import Change
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import page_header
from desktop_app.ui.views.terrain.commitments import CommitmentsTab
from desktop_app.ui.views.terrain.immersions import ImmersionsTab
from desktop_app.ui.views.terrain.shared import STYLE, Coalescer, run_export
from desktop_app.ui.views.terrain.synthesis import SynthesisTab
from desktop_app.ui.views.terrain.testimonies import TestimoniesTab

IMMERSIONS, TESTIMONIES, COMMITMENTS, SYNTHESIS = range(4)
THEMES_SHOWN = 3  # working-group themes named in the overview line; « et N autres » for the rest


def coverage_text(coverage: list[tuple[str, int, int]], limit: int = THEMES_SHOWN) -> tuple[str, str]:
    """The overview's words on the immersions per working-group theme, and its tooltip.

    Themes short of their target come first; past `limit` themes the line ends with « et N
    autres » (a large evaluation has a hundred working groups), and the tooltip lists the themes
    still to complete."""
    missing = [c for c in coverage if c[1] < c[2]]
    ordered = missing + [c for c in coverage if c[1] >= c[2]]
    shown = ordered if len(ordered) <= limit + 1 else ordered[:limit]
    detail = ", ".join(f"{plain_label(label)} {done}/{target}" for label, done, target in shown)
    rest = len(ordered) - len(shown)
    if rest:
        detail += f" et {rest} autre{'s' if rest > 1 else ''}"
    if not missing:
        return f"✔ objectif deux par thème : {detail}", ""
    if not rest:
        return f"objectif deux par thème : {detail}", ""
    n = len(missing)
    listed = "\n".join(f"• {plain_label(label)} {done}/{target}" for label, done, target in missing[:20])
    more = f"\n… et {n - 20} autres" if n > 20 else ""
    return (
        f"objectif deux par thème, {n} thème{'s' if n > 1 else ''} à compléter : {detail}",
        f"Thèmes des groupes de travail à compléter :\n{listed}{more}",
    )


class TerrainView(QWidget):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)

        header = QHBoxLayout()
        header.addWidget(
            page_header(
                "Terrain",
                "Immersions dans les structures, témoignages et contributions libres (sans nom, avec accord), "
                "suivi des engagements du contrat et synthèse de tout ce qui a été recueilli.",
            ),
            1,
        )
        export = QPushButton("Exporter vers Excel…")
        export.setToolTip(
            "Un onglet par type de fiche ; les témoignages sans accord d'utilisation sont laissés de côté"
        )
        export.clicked.connect(lambda: run_export(self, ctx, evaluation_id))
        header.addWidget(export, 0, Qt.AlignmentFlag.AlignTop)
        self.overview = QLabel()
        self.overview.setObjectName("overview")
        self.overview.setWordWrap(True)

        self.tabs = QTabWidget(self)  # before the tabs: they are created in place, styled once
        self.tabs.setObjectName("terrainTabs")
        self._immersions: ImmersionsTab | None = None  # the tabs: built by `_build_tabs`
        self._testimonies: TestimoniesTab | None = None
        self._commitments: CommitmentsTab | None = None
        self._synthesis: SynthesisTab | None = None
        self._synthesis_stale = False
        self._step_forms: list = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.overview)
        layout.addWidget(self.tabs, 1)

        self._dirty: set[str] = set()
        self._refresher = Coalescer(self._refresh, parent=self)
        ctx.watch(self, self._on_change)
        self.overview.setText("Chargement du terrain…")

    # -- tabs ----------------------------------------------------------------------------------
    def _build_tabs(self) -> None:
        """Build the tabs and start reading their lists: when the screen is first shown (or a tab
        is asked for before). The step's screen is put in the main window before it is shown, so
        its widgets are created inside the window and styled once, not again when moved into it.
        The Immersions tab (the one shown) is built at once, the others at the next pass, in
        place of empty pages (`_build_others`): the window answers between the two."""
        if self._immersions is not None:
            return
        ctx, evaluation_id = self.ctx, self.evaluation_id
        # the lists are read once the tabs are built: reading them meanwhile would slow the building down
        self._immersions = ImmersionsTab(ctx, evaluation_id, self.tabs, load=False)
        self._immersions.loaded.connect(self._on_tab_loaded)
        self.tabs.addTab(self._immersions, "Immersions")
        self.tabs.addTab(QWidget(), "Témoignages et contributions")
        self.tabs.addTab(QWidget(), "Suivi des engagements")
        self.tabs.addTab(QWidget(), "Synthèse")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._immersions_waiting = True
        self.ctx.tasks.next_pass(self._build_others, owner=self)

    def _build_others(self) -> None:
        """The testimonies' and commitments' tabs and the kit's forms of this step, then the
        lists read: the testimonies and commitments first, the immersions (the tab shown) last,
        so their sheet is built while no other read holds the interpreter's lock."""
        if self._testimonies is not None:
            return
        ctx, evaluation_id = self.ctx, self.evaluation_id
        self._testimonies = TestimoniesTab(ctx, evaluation_id, self.tabs, load=False)
        self._commitments = CommitmentsTab(ctx, evaluation_id, self.tabs, load=False)
        for tab in (self._testimonies, self._commitments):
            tab.loaded.connect(self._on_tab_loaded)
        self._put_in_place(TESTIMONIES, self._testimonies, "Témoignages et contributions")
        self._put_in_place(COMMITMENTS, self._commitments, "Suivi des engagements")
        from desktop_app.ui.views.step_forms import StepFormTab, step_form_tools

        # the kit's forms of this step (role step_form), after the synthesis
        for tool_id, title in step_form_tools(ctx, evaluation_id, "terrain"):
            tab = StepFormTab(ctx, evaluation_id, tool_id, parent=self.tabs)
            self._step_forms.append(tab)
            self.tabs.addTab(tab, title)
        for tab in (self._testimonies, self._commitments):
            tab.reload()
        self._start_immersions()
        self._refresh_overview()
        self._titles()

    def _put_in_place(self, index: int, tab: QWidget, title: str) -> None:
        """`tab` in place of the empty page at `index`, the tab shown unchanged."""
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.insertTab(index, tab, title)
        self.tabs.removeTab(index + 1)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        placeholder.deleteLater()

    @property
    def immersions(self) -> ImmersionsTab:
        self._build_tabs()
        return self._immersions

    @property
    def testimonies(self) -> TestimoniesTab:
        self._build_tabs()
        self._build_others()
        return self._testimonies

    @property
    def commitments(self) -> CommitmentsTab:
        self._build_tabs()
        self._build_others()
        return self._commitments

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self._build_tabs()
        super().showEvent(event)

    # -- refresh -------------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id:
            return
        kinds = {
            "immersion": {"immersions", "synthesis"},
            "testimony": {"testimonies", "synthesis"},
            "commitment": {"commitments"},
            "workshop": {"immersions", "testimonies", "synthesis"},
            "form_response": {"immersions", "synthesis"},
            "attachment": {"immersions"},
            "qpv": {"synthesis"},
        }.get(change.entity)
        if kinds:
            self._dirty |= kinds
            self._refresher.request()

    def _refresh(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if self._testimonies is None:
            return  # not built yet: the tabs read their lists when they are
        if "immersions" in dirty:
            self.immersions.reload()
        if "testimonies" in dirty:
            self.testimonies.reload()
        if "commitments" in dirty:
            self.commitments.reload()
        if "synthesis" in dirty and self._synthesis is not None:
            if self.tabs.currentIndex() == SYNTHESIS:
                self._synthesis.reload()
            else:
                self._synthesis_stale = True
        self._refresh_overview()
        self._titles()

    @property
    def synthesis(self) -> SynthesisTab:
        """The Synthèse tab, built (and put in place of its empty page) on first use."""
        self._build_tabs()
        if self._synthesis is None:
            tab = SynthesisTab(self.ctx, self.evaluation_id, self.open_record)
            current = self.tabs.currentIndex()
            placeholder = self.tabs.widget(SYNTHESIS)
            self.tabs.blockSignals(True)
            self.tabs.insertTab(SYNTHESIS, tab, "Synthèse")
            self.tabs.removeTab(SYNTHESIS + 1)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self._synthesis = tab
        return self._synthesis

    def _tab_changed(self, index: int) -> None:
        if index != SYNTHESIS:
            return
        if self._synthesis is None:
            _ = self.synthesis  # builds it with fresh data
        elif self._synthesis_stale:
            self._synthesis_stale = False
            self._synthesis.reload()

    def _start_immersions(self, force: bool = False) -> None:
        if not getattr(self, "_immersions_waiting", False):
            return
        others = (self._testimonies, self._commitments)
        if force or not any(tab._loader.pending for tab in others):
            self._immersions_waiting = False
            self._immersions.reload()

    def _on_tab_loaded(self) -> None:
        self._start_immersions()
        if hasattr(self, "_dirty"):  # not while the tabs are being built
            self._refresh_overview()
            self._titles()

    def _loading(self) -> bool:
        """A tab's list is still being read for the first time."""
        return self.commitments.summary_data is None or any(
            tab._loader.pending and not tab.rows for tab in (self.immersions, self.testimonies)
        )

    def _titles(self) -> None:
        if self._loading():
            return
        self.tabs.setTabText(IMMERSIONS, f"Immersions ({self.immersions.count()})")
        self.tabs.setTabText(TESTIMONIES, f"Témoignages et contributions ({self.testimonies.count()})")
        self.tabs.setTabText(COMMITMENTS, f"Suivi des engagements ({self.commitments.count()})")

    def _refresh_overview(self) -> None:
        if self._loading():
            self.overview.setText("Chargement du terrain…")
            return
        groups = self.immersions.groups  # read with the immersions
        immersions = self.immersions.rows
        series_theme = {g.series_id: g.theme for g in groups}
        themes = [series_theme.get(i.series_id) or i.theme for i in immersions]
        group_themes = [(g.theme, g.theme_label) for g in groups]
        parts = []
        coverage = immersion_coverage(group_themes, themes)
        tip = ""
        if coverage:
            text, tip = coverage_text(coverage)
            parts.append(
                f"<b>{len(immersions)} immersion{'s' if len(immersions) > 1 else ''}</b> ({html.escape(text)})"
            )
        else:
            parts.append(f"<b>{len(immersions)} immersion{'s' if len(immersions) > 1 else ''}</b>")
        testimonies = self.testimonies.rows  # the tab's list, reloaded before this overview
        t = [x for x in testimonies if x.kind == "testimony"]
        c = [x for x in testimonies if x.kind != "testimony"]
        usable = sum(1 for x in t if x.usable)
        parts.append(
            f"<b>{len(t)} témoignage{'s' if len(t) > 1 else ''}</b> dont {usable} avec accord d'utilisation"
        )
        parts.append(f"<b>{len(c)} contribution{'s' if len(c) > 1 else ''}</b>")
        summary = self.commitments.summary_data  # read with the commitments
        if summary.total:
            parts.append(
                f"<b>{summary.total} engagements</b> : {summary.percent('realise')} % réalisés, "
                f"{summary.engaged_percent} % réalisés ou en cours"
            )
        expired = self.testimonies.expired_count()
        if expired:
            parts.append(
                f"<span style='color:#b71c1c'>{expired} fiche(s) à effacer (conservation dépassée)</span>"
            )
        self.overview.setText("  ·  ".join(parts))
        self.overview.setToolTip(tip)

    # -- navigation ----------------------------------------------------------------------------
    def open_record(self, kind: str, record_id: str) -> None:
        if kind == "immersion":
            self.tabs.setCurrentIndex(IMMERSIONS)
            self.immersions.select(record_id)
        elif kind in ("testimony", "contribution"):
            self.tabs.setCurrentIndex(TESTIMONIES)
            self.testimonies.filter.setCurrentIndex(0)
            self.testimonies.search.clear()
            self.testimonies.select(record_id)
        elif kind == "workshop":
            window = self.window()
            if hasattr(window, "show_step"):
                window.show_step("ateliers")
                view = getattr(window, "views", {}).get("ateliers")
                if view is not None and hasattr(view, "select_workshop"):
                    view.select_workshop(record_id)

    def flush(self) -> None:
        built = (self._immersions, self._testimonies, self._commitments, *self._step_forms)
        for tab in built:
            if tab is not None:
                tab.flush()
