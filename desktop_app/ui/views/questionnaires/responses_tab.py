"""The « Réponses » tab: respondents on the left, the selected response in the form renderer.

A banner says when a respondent answered more than once and opens the choice of the response to
keep. Every answer is saved as it is committed (`answerChanged`), through `ctx.apply`.
The list (each response's respondent and completion, the duplicates) is read in the background:
« Chargement des réponses… » under the empty list the first time, the list kept while it reloads.
The first response opens in the form when the list is read, or when the tab is first shown if it
is behind another one (building a form takes a moment: not for a tab nobody looks at).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.services.base import Change, ServiceError
from desktop_app.services.questionnaires import DuplicateRespondent
from desktop_app.ui.views.questionnaires.common import muted
from desktop_app.ui.views.questionnaires.dialogs import KeepDialog, NewResponseDialog
from desktop_app.ui.views.questionnaires.models import (
    STATUS_COLORS,
    STATUS_LABELS,
    ResponsesModel,
    ResponsesProxy,
)
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.splitters import remember_sizes

if TYPE_CHECKING:  # imported when a response is first opened, not with the step
    from desktop_app.ui.widgets.form_renderer import FormRenderer

LOADING = "Chargement des réponses…"

BANNER_STYLE = "QFrame#duplicates { background: #fff3cd; border: 1px solid #f0c36d; border-radius: 6px; }"


class ResponsesTab(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.service = ctx.services.questionnaires
        self.info = None
        self.form = None
        self.renderer: FormRenderer | None = None
        self.response_id: str | None = None
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._after_load: list = []  # what waits for the list being read (selecting the first row)
        self._first_when_shown = False  # the first response is opened when the tab is next shown

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_editor())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 830])
        remember_sizes(splitter, "questionnaires/reponses")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)

    # ------------------------------------------------------------------ building

    def _build_list(self) -> QWidget:
        box = QWidget()
        box.setMinimumWidth(240)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 6, 0)
        self.banner = QFrame()
        self.banner.setObjectName("duplicates")
        self.banner.setStyleSheet(BANNER_STYLE)
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 8, 10, 8)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.keep_button = QPushButton("Choisir la réponse à garder…")
        self.keep_button.clicked.connect(self.resolve_duplicates)
        banner_layout.addWidget(self.banner_label)
        banner_layout.addWidget(self.keep_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Rechercher un répondant…")
        self.filter.setAccessibleName("Rechercher un répondant")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.model = ResponsesModel(self)
        self.proxy = ResponsesProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Réponses")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for col in (2, 3, 4):  # in the tooltip; the list stays narrow
            self.table.setColumnHidden(col, True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.table, 1)
        self.count = muted()
        layout.addWidget(self.count)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("Nouvelle réponse…")
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_response)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_response)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def _build_editor(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        self.who = QLabel()
        self.who.setObjectName("sectionTitle")
        self.who.setWordWrap(True)
        self.status = QLabel()
        titles.addWidget(self.who)
        titles.addWidget(self.status)
        head.addLayout(titles, 1)
        self.complete_button = QPushButton("Marquer comme complète")
        self.complete_button.clicked.connect(self.mark_complete)
        self.draft_button = QPushButton("Repasser en brouillon")
        self.draft_button.clicked.connect(lambda: self._set_status("draft"))
        head.addWidget(self.complete_button)
        head.addWidget(self.draft_button)
        layout.addLayout(head)
        self.holder = QVBoxLayout()
        self.holder.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.holder, 1)
        self.empty = muted("Sélectionnez une réponse dans la liste, ou créez-en une avec « Nouvelle réponse… ». "
                           "Pour envoyer le questionnaire par courriel, voyez l'onglet « Diffusion Excel ».")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.holder.addWidget(self.empty, 1)
        self._show_header(None)
        return box

    # ------------------------------------------------------------------ data

    def set_questionnaire(self, info) -> None:
        self.flush()
        self._first_when_shown = False
        self.info = info
        self.form = self.service.form(self.evaluation_id, info.tool_id)
        self._open(None)
        self.model.set_rows([])
        self.count.setText(LOADING)
        self.banner.hide()
        self.reload(then=self._select_first)

    def _select_first(self) -> None:
        if not self.isVisible():  # behind another tab: the form is built when the tab is shown
            self._first_when_shown = True
            return
        self._first_when_shown = False
        if self.proxy.rowCount() and self.response_id is None:
            first = self.model.rows[self.proxy.mapToSource(self.proxy.index(0, 0)).row()]
            self.select(first.id)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first_when_shown:
            self._select_first()

    def reload(self, then=None) -> None:
        """Read the responses in the background, then show them (and call `then()`)."""
        if self.info is None:
            return
        if then is not None:
            self._after_load.append(then)
        service, eid, tool_id = self.service, self.evaluation_id, self.info.tool_id

        def work(_progress):
            rows = service.responses(eid, tool_id)
            return rows, service.duplicates(eid, tool_id, rows)

        def failed(exc: Exception) -> None:
            self._after_load.clear()
            self.count.setText(f"Lecture des réponses impossible : {exc}")

        self._loader.run(work, self._show_rows, failed)

    def _show_rows(self, data) -> None:
        rows, groups = data
        current = self.response_id
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self.table.selectionModel().blockSignals(False)
        if current and self.model.row_of(current) >= 0:
            self._highlight(current)
        elif current:
            self._open(None)
        done = sum(1 for r in rows if r.status == "complete")
        kind = type_label(self.info.respondent_type, plural=True).lower()
        self.count.setText(f"{len(rows)} réponse{'s' if len(rows) > 1 else ''} ({kind}), dont {done} complète{'s' if done > 1 else ''}.")
        self._refresh_banner(groups)
        if current:
            self._show_header(next((r for r in rows if r.id == current), None))
        waiting, self._after_load = self._after_load, []
        for fn in waiting:
            fn()

    def _refresh_banner(self, groups) -> None:
        self._groups = groups
        if not groups:
            self.banner.hide()
            return
        names = ", ".join(g.label for g in groups[:3]) + (" …" if len(groups) > 3 else "")
        n = len(groups)
        self.banner_label.setText(
            f"⚠ {n} répondant{'s ont' if n > 1 else ' a'} répondu plusieurs fois : {names}. "
            "Choisissez la réponse à garder pour ne compter chaque répondant qu'une fois."
        )
        self.banner.show()

    def _highlight(self, response_id: str) -> None:
        row = self.model.row_of(response_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().blockSignals(True)
        self.table.setCurrentIndex(index)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(index)

    def select(self, response_id: str) -> None:
        self._highlight(response_id)
        self._open(response_id)

    def _row_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        response_id = self.model.rows[self.proxy.mapToSource(current).row()].id
        if response_id != self.response_id:
            self._open(response_id)

    def _open(self, response_id: str | None) -> None:
        """Show a response in a new renderer (the previous one is flushed first)."""
        self.flush()
        if self.renderer is not None:
            old, self.renderer = self.renderer, None
            self.holder.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self.response_id = response_id
        if response_id is None or self.form is None:
            self.empty.show()
            self._show_header(None)
            return
        try:
            data = self.ctx.services.forms.get(response_id)
        except ServiceError:
            self.response_id = None
            self.empty.show()
            self._show_header(None)
            return
        self.empty.hide()
        from desktop_app.ui.widgets.completion import bind_drafts
        from desktop_app.ui.widgets.form_renderer import FormRenderer

        self.renderer = FormRenderer(self.form, data.answers)
        self.renderer.answerChanged.connect(self._save_answer)
        self.ctx.follow_saves(self.renderer, ("answers", response_id), self.renderer.mark_unsaved)
        bind_drafts(self.ctx, self.renderer, response_id, drafts=data.drafts)
        self._note = data.status_comment
        self.holder.addWidget(self.renderer, 1)
        self.renderer.show()  # at once, not at the next event loop pass
        row = next((r for r in self.model.rows if r.id == response_id), None)
        self._show_header(row)

    def _show_header(self, row) -> None:
        has = row is not None
        self.complete_button.setVisible(has and row.status != "complete")
        self.draft_button.setVisible(has and row.status == "complete")
        self.delete_button.setEnabled(has)
        if not has:
            self.who.setText("")
            self.status.setText("")
            return
        self.who.setText(row.label or "Répondant non identifié : renseignez les premières questions")
        color = STATUS_COLORS.get(row.status, "#1d2a35")
        extra = f" · {row.source}" + ("" if row.invited else " · hors liste des invités")
        note = getattr(self, "_note", "") if row.status == "complete" else ""
        if note:
            from desktop_app.ui.widgets.completion import completion_note_text

            extra += " · " + html.escape(completion_note_text(note))
        self.status.setText(f'<span style="color:{color}; font-weight:600">{STATUS_LABELS.get(row.status, row.status)}</span>'
                            f' · {row.answered} / {row.total} réponses{extra}')

    # ------------------------------------------------------------------ actions

    def _save_answer(self, key: str, value) -> None:
        response_id = self.response_id
        if response_id is None:
            return
        self.ctx.apply(lambda: self.service.set_answer(response_id, key, value), key=("answers", response_id, key))

    def flush(self) -> None:
        if self.renderer is not None:
            self.renderer.flush()

    def new_response(self) -> None:
        if self.info is None:
            return
        kind = self.info.respondent_type
        invitees = self.service.invitees(self.evaluation_id, kind)
        answered = self._answered_invitees(invitees)
        dialog = NewResponseDialog(kind, invitees, answered, self)
        if not dialog.exec():
            return
        name, code = dialog.values()
        try:
            response_id = self.service.new_response(self.evaluation_id, self.info.tool_id, name, code)
        except DuplicateRespondent as exc:
            box = QMessageBox(QMessageBox.Icon.Question, "Répondant déjà présent",
                              f"{exc}\nOuvrir la réponse existante, ou créer une seconde réponse (vous choisirez ensuite celle à garder) ?",
                              parent=self)
            open_button = box.addButton("Ouvrir la réponse existante", QMessageBox.ButtonRole.AcceptRole)
            second = box.addButton("Créer une seconde réponse", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is open_button:
                self.select(exc.existing)
                return
            if box.clickedButton() is not second:
                return
            response_id = self.ctx.apply(lambda: self.service.new_response(
                self.evaluation_id, self.info.tool_id, name, code, allow_duplicate=True))
        except ServiceError as exc:
            QMessageBox.warning(self, "Nouvelle réponse", str(exc))
            return
        if response_id:
            self.ctx.changed.emit(Change("form_response", response_id, self.evaluation_id))
            self.select(response_id)

    def _answered_invitees(self, invitees) -> set[str]:
        from desktop_app.core.questionnaire_respondents import same_respondent

        return {i.id for i in invitees if any(same_respondent(i.respondent, r.respondent) for r in self.model.rows)}

    def delete_response(self) -> None:
        row = next((r for r in self.model.rows if r.id == self.response_id), None)
        if row is None:
            return
        answer = QMessageBox.question(
            self, "Supprimer la réponse", f"Supprimer la réponse de {row.label or 'ce répondant'} ({row.answered} réponses) ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            response_id = row.id
            self._open(None)
            service = self.service
            self.ctx.apply_undoable(f"la suppression de la réponse de {row.label or 'ce répondant'}",
                                    lambda: service.delete_response(response_id),
                                    lambda: self.ctx.services.forms.restore(response_id))

    def mark_complete(self) -> None:
        if self.renderer is None or self.response_id is None:
            return
        from desktop_app.ui.widgets.completion import ask_complete

        self.renderer.flush()
        ok, note = ask_complete(self, self.renderer, extra=self.service.respondent_problems(self.response_id),
                                what="la réponse", count_blank=False)
        if ok:
            self._set_status("complete", note)

    def _set_status(self, status: str, note: str = "") -> None:
        if self.response_id is None:
            return
        response_id = self.response_id
        self.flush()
        self._note = note
        old = self.ctx.services.forms.get(response_id)
        old_status, old_note = old.status, getattr(old, "status_comment", "")
        service = self.service
        self.ctx.apply_undoable("le changement de statut de la réponse",
                                lambda: service.set_status(response_id, status, note),
                                lambda: service.set_status(response_id, old_status, old_note))

    def resolve_duplicates(self) -> None:
        for group in list(getattr(self, "_groups", [])):
            newest = self.ctx.services.forms.get(group.rows[0].id).answers
            differences = {}
            for row in group.rows[1:]:
                other = self.ctx.services.forms.get(row.id).answers
                differences[row.id] = sum(1 for k in set(newest) | set(other) if newest.get(k) != other.get(k))
            dialog = KeepDialog(group, differences, self)
            if not dialog.exec():
                return
            kept = dialog.kept()
            others = [r.id for r in group.rows if r.id != kept]
            if self.response_id in others:
                self._open(None)
            self.ctx.apply(lambda kept=kept, others=others: self.service.keep(kept, others))
            self.select(kept)

    def on_change(self, change: Change) -> None:
        if change.entity in ("form_response", "questionnaire_import", "questionnaire_invitee", "commune"):
            self.reload()
