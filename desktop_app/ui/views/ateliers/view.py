"""The Ateliers step: the workshops of the Partenaires, Associations and Conseils citoyens
groups, and the thematic working groups in three sessions; each recorded through its guide.

The list of workshops (hundreds at scale, each with its completion) is read in the background:
« Chargement des ateliers… » the first time, the list kept on screen while it reloads after a
change; what needs the new list (selecting a workshop just created) waits for it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fieldwork import working_group_name
from desktop_app.services.base import Change, ServiceError
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.ateliers.editor import WorkshopEditor, long_date
from desktop_app.ui.views.ateliers.tree import WorkshopTree
from desktop_app.ui.views.common import card, page_header, section_title
from desktop_app.ui.views.terrain.shared import STYLE, Coalescer, run_export
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.splitters import remember_sizes

LOADING = "Chargement des ateliers…"

WATCHED = {
    "workshop",
    "form_response",
    "attachment",
    "evaluation",
    "qpv",
    "milestone",
    "immersion",
    "testimony",
}


class NewWorkingGroupDialog(QDialog):
    def __init__(self, themes: list[tuple[str, str]], taken: set[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Nouveau groupe de travail")
        self.theme = QComboBox()
        self.theme.setEditable(True)
        self.theme.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for value, label in themes:
            if value not in taken:
                self.theme.addItem(label, value)
        self.theme.setCurrentIndex(0 if self.theme.count() else -1)
        self.theme.lineEdit().setPlaceholderText("Choisissez un thème ou tapez le vôtre")
        info = QLabel(
            "Le groupe se réunit trois fois (mars, juin, octobre) : les trois séances sont créées ensemble, avec les "
            "dates et les lieux du calendrier du Cadrage quand ils y figurent."
        )
        info.setWordWrap(True)
        info.setObjectName("muted")
        form = QFormLayout()
        form.addRow("Thème", self.theme)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer le groupe")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 180)

    def value(self) -> str:
        text = self.theme.currentText().strip()
        index = self.theme.findText(text)
        return self.theme.itemData(index) if index >= 0 else text


class GroupOverview(QWidget):
    """A working group: its three sessions, and the immersions and testimonies tied to it."""

    def __init__(self, ctx: AppContext, evaluation_id: str, open_session, delete_group, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.series_id = ""
        self._open_session = open_session
        self._delete_group = delete_group
        self.title = QLabel()
        self.title.setObjectName("recordTitle")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.linkActivated.connect(lambda link: self._open_session(link))
        delete = QPushButton("Supprimer le groupe de travail")
        delete.clicked.connect(lambda: self._delete_group(self.series_id))
        self.add_immersion = QPushButton("+ Immersion pour ce groupe")
        self.add_testimony = QPushButton("+ Témoignage pour ce groupe")
        self.add_immersion.setToolTip("Nouvelle fiche immersion rattachée à ce groupe (étape Terrain)")
        self.add_testimony.setToolTip("Nouvelle fiche témoignage rattachée à ce groupe (étape Terrain)")
        self.add_immersion.clicked.connect(lambda: self._new_record("immersion"))
        self.add_testimony.clicked.connect(lambda: self._new_record("testimony"))
        frame, inner = card()
        inner.addWidget(self.body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_immersion)
        buttons.addWidget(self.add_testimony)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(delete, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        layout.addWidget(frame)
        layout.addStretch(1)

    def _new_record(self, kind: str) -> None:
        """Create an immersion or a testimony tied to this group, and open it in the Terrain step."""
        terrain_service = self.ctx.services.terrain
        eid, series = self.evaluation_id, self.series_id
        if kind == "immersion":
            change = self.ctx.apply(lambda: terrain_service.create_immersion(eid, series))
        else:
            change = self.ctx.apply(lambda: terrain_service.create_testimony(eid, "testimony", series))
        window = self.window()
        if change is None or not hasattr(window, "show_step"):
            return
        window.show_step("terrain")
        terrain = getattr(window, "views", {}).get("terrain")
        if terrain is not None and hasattr(terrain, "open_record"):
            terrain.immersions.reload()
            terrain.testimonies.reload()
            terrain.open_record(kind, change.id)

    def show_group(self, series_id: str) -> None:
        workshops_service = self.ctx.services.workshops
        terrain_service = self.ctx.services.terrain
        self.series_id = series_id
        group = next((g for g in workshops_service.working_groups(self.evaluation_id) if g.series_id == series_id), None)
        if group is None:
            return
        self.title.setText(working_group_name(group.theme_label))
        lines = ["<b>Séances</b><ul>"]
        for w in group.sessions:
            when = long_date(w.date) or "date à fixer"
            state = "terminée" if w.status == "complete" else f"{w.answered}/{w.questions} réponses"
            lines.append(
                f"<li><a href='{w.id}'>Séance {w.session}</a> — {when}{' · ' + w.place if w.place else ''} · {state}</li>"
            )
        lines.append("</ul>")
        immersions = [i for i in terrain_service.immersions(self.evaluation_id) if i.series_id == series_id]
        testimonies = [t for t in terrain_service.testimonies(self.evaluation_id) if t.series_id == series_id]
        lines.append(f"<b>Immersions rattachées : {len(immersions)}</b> (objectif : deux par thème)<ul>")
        lines += [f"<li>{i.display_name}</li>" for i in immersions] or [
            "<li>aucune pour l'instant (étape Terrain)</li>"
        ]
        lines.append("</ul>")
        usable = sum(1 for t in testimonies if t.usable)
        lines.append(
            f"<b>Témoignages et contributions rattachés : {len(testimonies)}</b>, dont {usable} avec accord d'utilisation."
        )
        self.body.setText("".join(lines))


class AteliersView(QWidget):
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
                "Ateliers",
                "Ateliers des groupes Partenaires, Associations et Conseils citoyens, et groupes de travail "
                "thématiques : notes, verbatims, forces, faiblesses et préconisations, étape par étape du guide.",
            ),
            1,
        )
        self.new_button = QPushButton("+ Nouvel atelier")
        self.new_button.setObjectName("primary")
        self.new_menu = QMenu(self)
        self.new_button.setMenu(self.new_menu)
        self.new_menu.aboutToShow.connect(self._fill_menu)
        export = QPushButton("Exporter vers Excel…")
        export.setToolTip("Ateliers, immersions, témoignages (avec accord) et engagements dans un classeur")
        export.clicked.connect(lambda: run_export(self, ctx, evaluation_id))
        header.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(export, 0, Qt.AlignmentFlag.AlignTop)

        self.tree = WorkshopTree()
        self.tree.selected.connect(self._selected)
        self.tree.setMinimumWidth(200)
        self.stack = QStackedWidget()
        self.loading = QLabel(LOADING, self.stack)
        self.loading.setObjectName("emptyState")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.stack.addWidget(self.loading)
        # The workshop editor, the group overview and the empty state are built when first
        # needed, in place in the stack (a subtree moved into a styled parent is styled again:
        # building the three up front and moving them in was ≈ 40 ms of the step's first pass).
        self._editor: WorkshopEditor | None = None
        self._group: GroupOverview | None = None
        self._empty: QWidget | None = None
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 880])
        remember_sizes(splitter, "ateliers/liste")
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

        self._loader = BackgroundLoad(self, ctx.tasks)
        self._after_load: list = []  # what waits for the list being read
        self._refresher = Coalescer(self.reload_list, parent=self)
        ctx.watch(self, self._on_change)
        self.stack.setCurrentWidget(self.loading)
        # the list is drawn first, then the editor is built, then the first workshop is opened
        # in it, each at its own pass (at once they held the window ≈ 50–100 ms at scale 100)
        self.reload_list(then=lambda: ctx.tasks.next_pass(self._open_first, owner=self))

    @property
    def editor(self) -> WorkshopEditor:
        if self._editor is None:
            self._editor = WorkshopEditor(self.ctx, self.evaluation_id, parent=self.stack)
            self._editor.deleteRequested.connect(self.delete_workshop)
            self.stack.addWidget(self._editor)
        return self._editor

    @property
    def group(self) -> GroupOverview:
        if self._group is None:
            self._group = GroupOverview(
                self.ctx, self.evaluation_id, self.select_workshop, self.delete_group, parent=self.stack
            )
            self.stack.addWidget(self._group)
        return self._group

    @property
    def empty(self) -> QWidget:
        if self._empty is None:
            self._empty = self._empty_state()
            self.stack.addWidget(self._empty)
        return self._empty

    def _open_first(self) -> None:
        if self.tree.current() is None and self.tree.topLevelItemCount():
            self.editor  # noqa: B018 (built, hidden, at this pass)
            self.ctx.tasks.next_pass(self._select_first, owner=self)
        else:
            self._select_first()

    def _select_first(self) -> None:
        self.tree.select_first()
        if self.tree.current() is None:
            self.stack.setCurrentWidget(self.empty)

    # -- building ------------------------------------------------------------------------------
    def _empty_state(self) -> QWidget:
        box = QWidget(self.stack)
        frame, inner = card()
        inner.addWidget(section_title("Préparer le premier atelier"))
        text = QLabel(
            "Chaque atelier suit son guide d'animation : le déroulé minuté, les questions à poser et, pour chaque "
            "étape, les champs où noter ce qui est dit. Le mode atelier affiche l'étape en cours et son chronomètre "
            "sur le vidéoprojecteur pendant que vous prenez les notes."
        )
        text.setWordWrap(True)
        inner.addWidget(text)
        self.empty_buttons = QVBoxLayout()
        inner.addLayout(self.empty_buttons)
        layout = QVBoxLayout(box)
        layout.addWidget(frame)
        layout.addStretch(1)
        return box

    def _fill_menu(self) -> None:
        self.new_menu.clear()
        try:
            tools = self.ctx.services.workshops.workshop_tools(self.evaluation_id)
        except ServiceError as exc:
            self.new_menu.addAction(str(exc)).setEnabled(False)
            return
        hidden = []
        for tool in tools:
            if not tool.in_scope:
                hidden.append(tool.label)
                continue
            text = "Groupe de travail thématique (3 séances)…" if tool.working_group else tool.label
            self.new_menu.addAction(text, lambda t=tool.tool_id: self.new_workshop(t))
        if hidden:
            self.new_menu.addSeparator()
            note = self.new_menu.addAction(
                "Hors périmètre : " + ", ".join(hidden) + " (voir Cadrage › Périmètre)"
            )
            note.setEnabled(False)

    # -- data ----------------------------------------------------------------------------------
    def reload_list(self, then=None) -> None:
        """Read the workshops in the background, then show them (and call `then()`)."""
        if then is not None:
            self._after_load.append(then)
        workshops_service = self.ctx.services.workshops
        eid = self.evaluation_id

        def failed(exc: Exception) -> None:
            self._after_load.clear()
            self.loading.setText(f"Lecture des ateliers impossible : {exc}")

        self._loader.run(lambda _p: workshops_service.workshops(eid), self._show_list, failed)

    def _show_list(self, workshops) -> None:
        first = self.stack.currentWidget() is self.loading
        self.tree.set_workshops(workshops)
        self._fill_empty_buttons(bool(workshops))
        current = self.tree.current()
        if current is None:
            if not (first and workshops):  # else « Chargement… » until the first one opens
                self.stack.setCurrentWidget(self.empty)
        elif current[0] == "workshop" and self._editor is not None and self.stack.currentWidget() is self._editor:
            self.editor.refresh()
        elif current[0] == "group" and self._group is not None and self.stack.currentWidget() is self._group:
            self.group.show_group(current[1])
        waiting, self._after_load = self._after_load, []
        for fn in waiting:
            fn()

    def _fill_empty_buttons(self, has_workshops: bool) -> None:
        if self._empty is None and has_workshops:
            return  # nothing to take away, nothing to add
        self.empty  # noqa: B018 (built when first needed)
        while self.empty_buttons.count():
            item = self.empty_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if has_workshops:
            return
        for tool in self.ctx.services.workshops.workshop_tools(self.evaluation_id):
            if tool.in_scope:
                label = tool.label
                text = (
                    "Créer un groupe de travail thématique…"
                    if tool.working_group
                    else f"Préparer un {label[0].lower()}{label[1:]}"
                )
                button = QPushButton(text)
                button.clicked.connect(lambda _=False, t=tool.tool_id: self.new_workshop(t))
                self.empty_buttons.addWidget(button)

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id == self.evaluation_id and change.entity in WATCHED:
            self._refresher.request()

    def _selected(self, kind: str, record_id: str) -> None:
        if kind == "workshop":
            self.editor.flush()
            try:
                self.editor.show_workshop(record_id)
            except ServiceError as exc:
                QMessageBox.warning(self, "Atelier", str(exc))
                return
            self.stack.setCurrentWidget(self.editor)
        else:
            if self._editor is not None:
                self.editor.flush()
                self.editor.close_mode()
            self.group.show_group(record_id)
            self.stack.setCurrentWidget(self.group)

    def select_workshop(self, workshop_id: str, then=None) -> None:
        """Reload the list and select this workshop in it (then call `then()`)."""

        def select() -> None:
            self.tree.select("workshop", workshop_id)
            if then is not None:
                then()

        self.reload_list(then=select)

    # -- actions -------------------------------------------------------------------------------
    def new_workshop(self, tool_id: str) -> None:
        workshops_service = self.ctx.services.workshops
        tools = workshops_service.workshop_tools(self.evaluation_id)
        if any(t.tool_id == tool_id and t.working_group for t in tools):
            labels = workshops_service.labels(self.evaluation_id)
            taken = {g.theme for g in workshops_service.working_groups(self.evaluation_id)}
            dialog = NewWorkingGroupDialog(labels.group_themes, taken, self)
            if not dialog.exec():
                return
            theme = dialog.value()
            change = self.ctx.apply(lambda: workshops_service.create_working_group(self.evaluation_id, theme))
        else:
            change = self.ctx.apply(lambda: workshops_service.create_workshop(self.evaluation_id, tool_id))
        if change is None:
            QMessageBox.warning(
                self, "Nouvel atelier", "L'atelier n'a pas pu être créé : voir la barre d'état."
            )
            return
        self.select_workshop(
            change.id,
            then=lambda: self.editor.tabs.setCurrentIndex(
                1 if not self.editor.workshop or not self.editor.workshop.date else 0
            ),
        )

    def delete_workshop(self, workshop_id: str) -> None:
        w = self.editor.workshop
        if w is None:
            return
        if w.is_working_group:
            QMessageBox.information(
                self,
                "Supprimer",
                "Les trois séances d'un groupe de travail vont ensemble : sélectionnez le groupe "
                "dans la liste pour le supprimer.",
            )
            return
        answer = QMessageBox.question(
            self,
            "Supprimer l'atelier",
            f"Supprimer « {w.display_name} », ses notes et ses photos ? L'atelier va dans la corbeille "
            "(Édition › Corbeille…) : Ctrl+Z ou la corbeille le rétablissent.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.editor.close_mode()
            fw = self.ctx.services.workshops
            if self.ctx.apply_undoable(f"la suppression de l'atelier « {w.display_name} »",
                                       lambda: fw.delete_workshop(workshop_id),
                                       lambda: fw.restore_workshop(workshop_id)):
                self.editor.workshop = None
                self.reload_list(then=self.tree.select_first)

    def delete_group(self, series_id: str) -> None:
        answer = QMessageBox.question(
            self,
            "Supprimer le groupe de travail",
            "Supprimer ce groupe de travail, ses trois séances, leurs notes et leurs photos ? Les immersions et "
            "témoignages rattachés sont conservés. Le groupe va dans la corbeille (Édition › Corbeille…) : "
            "Ctrl+Z le rétablit.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            fw = self.ctx.services.workshops
            if self.ctx.apply_undoable("la suppression du groupe de travail",
                                       lambda: fw.delete_working_group(series_id),
                                       lambda: fw.restore_working_group(series_id)):
                self.editor.workshop = None
                self.reload_list(then=self.tree.select_first)

    def flush(self) -> None:
        if self._editor is not None:
            self._editor.flush()
