"""A kit tool's form response edited in place: the one form renderer, each answer saved as it is
committed, and a "fiche complète" switch. Shared by the référentiel, conseils citoyens and
maturity screens.

Ticking « Fiche complète » follows the one rule of every form (`widgets.completion`): what is
missing is listed, and the fiche is complete only in full or « quand même » with a reason,
shown in the bar. Texts typed that are not valid answers are kept « à corriger » (drafts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.kit.forms import Form
from desktop_app.services.forms import ResponseData
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import set_status_undoable
from desktop_app.ui.widgets.completion import ask_complete, bind_drafts, completion_note_text
from desktop_app.ui.widgets.form_renderer import FormRenderer


class ResponseEditor(QWidget):
    answersChanged = Signal(dict)  # every answer, after one was saved

    def __init__(self, ctx: AppContext, response: ResponseData, form: Form, mode: str = "pages", parent=None,
                 extra_problems: Callable[[], list[str]] | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.extra_problems = extra_problems  # what the screen adds to the « complete » rule
        self.response_id = response.id
        self._answers: dict[str, Any] = dict(response.answers)
        # Children are created in place (not moved in later): Qt re-styles a moved subtree.
        bar = QFrame(self)
        bar.setObjectName("responseBar")
        bar.setStyleSheet("QFrame#responseBar { background: #eef1f4; border-bottom: 1px solid #dde2e7; }")
        row = QHBoxLayout(bar)
        row.setContentsMargins(24, 6, 24, 6)
        self.saved_hint = QLabel(self.tr("Chaque réponse est enregistrée dès qu'elle est saisie."), bar)
        self.saved_hint.setObjectName("muted")
        self.complete = QCheckBox(self.tr("Fiche complète"), bar)
        self.complete.setToolTip(self.tr("Cochez quand la fiche est relue et terminée : l'étape passe alors à « Terminé »."))
        self.complete.setChecked(response.status == "complete")
        self.complete.toggled.connect(self._set_status)
        self.note_label = QLabel(completion_note_text(response.status_comment) if response.status == "complete" else "", bar)
        self.note_label.setObjectName("completionNote")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("QLabel#completionNote { color: #6b4500; }")
        self.note_label.setVisible(bool(self.note_label.text()))
        row.addWidget(self.saved_hint, 1)
        row.addWidget(self.note_label, 2)
        row.addWidget(self.complete)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        self.renderer = FormRenderer(form, response.answers, parent=self, mode=mode)
        self.renderer.answerChanged.connect(self._save)
        ctx.follow_saves(self.renderer, ("answers", self.response_id), self.renderer.mark_unsaved)
        bind_drafts(ctx, self.renderer, self.response_id, drafts=response.drafts)
        layout.addWidget(self.renderer, 1)

    def answers(self) -> dict[str, Any]:
        return dict(self._answers)

    def _save(self, key: str, value: Any) -> None:
        if value is None:
            self._answers.pop(key, None)
        else:
            self._answers[key] = value
        self.ctx.apply(
            lambda: self.ctx.services.forms.set_answer(self.response_id, key, value), key=("answers", self.response_id, key)
        )
        self.answersChanged.emit(dict(self._answers))

    def _set_status(self, checked: bool) -> None:
        note = ""
        if checked:
            ok, note = ask_complete(self, self.renderer, extra=self.extra_problems() if self.extra_problems else None)
            if not ok:
                self.complete.blockSignals(True)
                self.complete.setChecked(False)
                self.complete.blockSignals(False)
                return
        status = "complete" if checked else "draft"
        set_status_undoable(self.ctx, self.response_id, status, note=note)
        self.note_label.setText(completion_note_text(note))
        self.note_label.setVisible(bool(note))

    def flush(self) -> None:
        self.renderer.flush()
