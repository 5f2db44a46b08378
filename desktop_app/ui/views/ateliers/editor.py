"""One workshop session being recorded: the guide's steps and notes (form renderer), the
session's facts and participants, its photos; the mode atelier is started from here (F5)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fieldwork import participants_text
from desktop_app.services.base import ServiceError
from desktop_app.services.fieldwork_workshops import WorkshopData
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.ateliers.details import WorkshopDetails
from desktop_app.ui.views.ateliers.mode_atelier import WorkshopMode
from desktop_app.ui.views.common import set_status_undoable
from desktop_app.ui.views.terrain.attachments import AttachmentsPanel
from desktop_app.ui.views.terrain.shared import FormHost
from desktop_app.ui.widgets.completion import ask_complete, completion_note_text

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    return f"{DAYS[d.weekday()]} {d.day}{'er' if d.day == 1 else ''} {MONTHS[d.month - 1]} {d.year}"


class WorkshopEditor(QWidget):
    deleteRequested = Signal(str)

    def __init__(self, ctx: AppContext, evaluation_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.workshop: WorkshopData | None = None
        self.mode: WorkshopMode | None = None

        self.title = QLabel()
        self.title.setObjectName("recordTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("recordMeta")
        self.meta.setWordWrap(True)
        self.mode_button = QPushButton("▶  Mode atelier")
        self.mode_button.setObjectName("primary")
        self.mode_button.setToolTip("Afficher l'étape et la question en grand sur le vidéoprojecteur (F5)")
        self.mode_button.clicked.connect(self.open_mode)
        self.complete_button = QPushButton()
        self.complete_button.clicked.connect(self.toggle_complete)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.setToolTip("Supprimer cette séance, ses notes et ses photos")
        self.delete_button.clicked.connect(
            lambda: self.workshop and self.deleteRequested.emit(self.workshop.id)
        )
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        # The record's buttons stand under « Mode atelier », not in the tabs' corner: at 1280×720
        # the tabs keep their whole names (« Photos et documents (1) ») and need no scrolling.
        record_buttons = QHBoxLayout()
        record_buttons.setSpacing(6)
        for b in (self.complete_button, self.delete_button):
            b.setStyleSheet("QPushButton { padding: 2px 10px; }")
            record_buttons.addWidget(b)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.mode_button)
        buttons.addLayout(record_buttons)
        head = QHBoxLayout()
        head.addLayout(titles, 1)
        head.addLayout(buttons)

        self.mode_bar = QFrame()
        self.mode_bar.setObjectName("modeBar")
        self.mode_label = QLabel()
        self.mode_prev = QPushButton("◀")
        self.mode_prev.setToolTip("Question précédente")
        self.mode_next = QPushButton("▶")
        self.mode_next.setToolTip("Question suivante")
        self.mode_pause = QPushButton("Pause")
        self.mode_close = QPushButton("Fermer le mode atelier")
        bar = QHBoxLayout(self.mode_bar)
        bar.setContentsMargins(12, 6, 12, 6)
        bar.addWidget(self.mode_label, 1)
        for b in (self.mode_prev, self.mode_next, self.mode_pause, self.mode_close):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            bar.addWidget(b)
        self.mode_prev.clicked.connect(lambda: self.mode and self.mode.previous())
        self.mode_next.clicked.connect(lambda: self.mode and self.mode.next())
        self.mode_pause.clicked.connect(lambda: self.mode and self.mode.toggle_timer())
        self.mode_close.clicked.connect(lambda: self.mode and self.mode.close())
        self.mode_bar.hide()

        self.notes = FormHost(ctx, mode="pages")
        self.details = WorkshopDetails()
        self.details.fieldCommitted.connect(self._save_field)
        self.details.draftChanged.connect(self._save_draft)
        ctx.follow_saves(self.details, ("workshop",), self._mark_unsaved)
        self.photos = AttachmentsPanel(ctx, "documents")
        self.photos.countChanged.connect(self._photos_count)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workshopTabs")
        self.tabs.addTab(self.notes, "Déroulé et notes")
        self.tabs.addTab(self.details, "Séance et participants")
        self.tabs.addTab(self.photos, "Photos et documents")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.mode_bar)
        layout.addWidget(self.tabs, 1)
        shortcut = QShortcut(QKeySequence("F5"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.open_mode)

    # -- showing -------------------------------------------------------------------------------
    def show_workshop(self, workshop_id: str) -> None:
        workshops_service = self.ctx.services.workshops
        w = workshops_service.workshop(workshop_id)
        same = self.workshop is not None and self.workshop.id == w.id
        self.workshop = w
        self._show_header(w)
        if not same:
            self.close_mode()
            response = self.ctx.services.forms.get(w.response_id)
            forms = self.ctx.services.forms
            rid = w.response_id
            self.notes.show_form(
                w.id, workshops_service.workshop_form(w), response.answers, lambda k, v: forms.set_answer(rid, k, v),
                response_id=rid,
            )
            qpvs = [
                (q["code"], q["name"]) for q in self.ctx.services.evaluations.rows("qpv", self.evaluation_id)
            ]
            self.details.set_workshop(w, qpvs)
            self.details.set_drafts(response.drafts)
            self._mark_details()
            for key, message in self.ctx.unsaved(("workshop", w.id)).items():
                self.details.mark_unsaved(key, message)
            self.photos.set_owner(self.evaluation_id, "workshop", w.id)
            self.tabs.setCurrentIndex(0)

    def refresh(self) -> None:
        """The record changed elsewhere (a saved field): refresh the header only."""
        if self.workshop is None:
            return
        try:
            self.workshop = self.ctx.services.workshops.workshop(self.workshop.id)
        except ServiceError:
            return
        self._show_header(self.workshop)

    def _show_header(self, w: WorkshopData) -> None:
        self.title.setText(w.title)
        parts = []
        when = long_date(w.date)
        if when:
            parts.append(
                when[:1].upper()
                + when[1:]
                + (f" à {w.start_time.replace(':', ' h ')}" if w.start_time else "")
            )
        else:
            parts.append("Date à fixer")
        if w.place:
            parts.append(w.place)
        people = participants_text(w.participants)
        parts.append(people.split(" : ")[0] if people else "participants à compter")
        if w.status == "complete":
            parts.append("fiche terminée")
            try:
                note = self.ctx.services.forms.get(w.response_id).status_comment
            except ServiceError:
                note = ""
            if note:
                parts.append(completion_note_text(note))
        self.meta.setText("  ·  ".join(parts))
        self.complete_button.setText("Rouvrir la fiche" if w.status == "complete" else "✔  Marquer terminé")
        self.complete_button.setToolTip(
            "Repasser la fiche en brouillon"
            if w.status == "complete"
            else "Vérifier les réponses obligatoires et marquer la séance comme terminée"
        )

    def _photos_count(self, n: int) -> None:
        self.tabs.setTabText(2, f"Photos et documents ({n})" if n else "Photos et documents")

    # -- saving --------------------------------------------------------------------------------
    def _save_field(self, key: str, value) -> None:
        if self.workshop is None:
            return
        workshops_service = self.ctx.services.workshops
        wid = self.workshop.id
        self.ctx.apply(lambda: workshops_service.update_workshop(wid, key, value), key=("workshop", wid, key))

    def _save_draft(self, key: str, text) -> None:
        """A date or time typed that is not one: kept « à corriger » with the session's notes."""
        if self.workshop is None:
            return
        forms = self.ctx.services.forms
        rid, wid = self.workshop.response_id, self.workshop.id
        draft_key = self.details.DRAFT_PREFIX + key
        self.ctx.apply(lambda: forms.set_draft(rid, draft_key, text), key=("workshop", wid, key))
        self._mark_details()

    def _mark_details(self) -> None:
        from desktop_app.ui.widgets.completion import mark_tab

        drafted = self.details.date.draft() is not None or self.details.start_time.draft() is not None
        mark_tab(self.tabs, self.details, drafted)

    def _mark_unsaved(self, key: tuple, message: str) -> None:
        workshop_id, field = key
        if self.workshop is not None and workshop_id == self.workshop.id:
            self.details.mark_unsaved(field, message)

    def toggle_complete(self) -> None:
        w = self.workshop
        renderer = self.notes.renderer
        if w is None or renderer is None:
            return
        if w.status == "complete":
            set_status_undoable(self.ctx, w.response_id, "draft", "la séance")
            return
        self.tabs.setCurrentIndex(0)
        # a date or time typed that is not one (kept « à corriger ») is listed with the notes
        extra = [f"Séance et participants : {line}" for _key, line in
                 (self.details.date.fields_to_correct() + self.details.start_time.fields_to_correct())]
        ok, note = ask_complete(self, renderer, extra=extra, what="la séance")
        if not ok:
            return
        set_status_undoable(self.ctx, w.response_id, "complete", "la séance", note)

    # -- mode atelier --------------------------------------------------------------------------
    def open_mode(self) -> None:
        w = self.workshop
        renderer = self.notes.renderer
        if w is None or renderer is None:
            return
        if self.mode is not None:
            self.mode.window.raise_()
            self.mode.window.activateWindow()
            return
        self.tabs.setCurrentIndex(0)
        subtitle = "  ·  ".join(p for p in (long_date(w.date).capitalize(), w.place) if p)
        self.mode = WorkshopMode(
            renderer, renderer.form, header=w.title, title_text=w.title, subtitle_text=subtitle, parent=self
        )
        self.mode.stateChanged.connect(self._mode_state)
        self.mode.closed.connect(self._mode_closed)
        self.mode.open()
        self.mode_bar.show()
        self.mode_button.setText("▶  Mode atelier (ouvert)")

    def _mode_state(self) -> None:
        if self.mode is not None:
            self.mode_label.setText(self.mode.status_text())
            self.mode_pause.setText("Reprendre" if not self.mode.countdown.running else "Pause")

    def _mode_closed(self) -> None:
        mode, self.mode = self.mode, None
        self.mode_bar.hide()
        self.mode_button.setText("▶  Mode atelier")
        if mode is not None:
            mode.window.deleteLater()
            mode.deleteLater()

    def close_mode(self) -> None:
        if self.mode is not None:
            self.mode.close()

    def flush(self) -> None:
        self.notes.flush()
        self.details.flush()
