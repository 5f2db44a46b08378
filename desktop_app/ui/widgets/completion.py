"""« Complete » means complete everywhere: one rule and one dialog for every kit form.

`ask_complete(parent, renderer, ...)` lists what keeps the response shown in a `FormRenderer`
from being complete (`core.validation.missing_items`: required questions, texts « à corriger »,
questions without an answer), marks them in the form, and lets the user go back to the first
one or « Terminer quand même » with a reason, which is stored with the response
(`FormService.set_status(..., note=reason)`) and shown by `completion_note_text`.

`bind_drafts` connects a renderer to the drafts of its response: the texts typed that are not
valid answers are shown again « à corriger » and saved as they are typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.validation import missing_items

if TYPE_CHECKING:
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.widgets.form_renderer import FormRenderer

ANYWAY = "Terminer quand même"
BACK = "Revenir à la fiche"


def completion_note_text(note: str) -> str:
    """How a reason given with « Terminer quand même » is shown beside the status."""
    return f"Terminée avec des manques : {note}" if note else ""


class CompleteDialog(QDialog):
    """What is missing, « Revenir à la fiche » (default) or « Terminer quand même » with a reason."""

    def __init__(self, items: list[str], what: str = "la fiche", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Fiche incomplète")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Avant de marquer {what} comme terminée, voici ce qui manque ou est à corriger "
            f"({len(items)} point{'s' if len(items) > 1 else ''}) :", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.items = QListWidget(self)
        self.items.setAccessibleName("Ce qui manque")
        self.items.setWordWrap(True)
        self.items.setAlternatingRowColors(True)
        self.items.addItems(items)
        self.items.setMaximumHeight(220)
        layout.addWidget(self.items)
        reason_label = QLabel("Pour terminer quand même, indiquez pourquoi (gardé avec la fiche et affiché) :", self)
        reason_label.setWordWrap(True)
        layout.addWidget(reason_label)
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText("Ex. : séance écourtée, domaine non abordé avec ce partenaire…")
        self.reason.setFixedHeight(64)
        self.reason.setTabChangesFocus(True)
        reason_label.setBuddy(self.reason)
        self.reason.setAccessibleName("Raison pour terminer quand même")
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(self)
        self.back_button = buttons.addButton(BACK, QDialogButtonBox.ButtonRole.RejectRole)
        self.anyway_button: QPushButton = buttons.addButton(ANYWAY, QDialogButtonBox.ButtonRole.AcceptRole)
        self.anyway_button.setEnabled(False)
        self.anyway_button.setToolTip("Indiquez d'abord la raison")
        self.back_button.setDefault(True)
        self.reason.textChanged.connect(
            lambda: self.anyway_button.setEnabled(bool(self.reason.toPlainText().strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def note(self) -> str:
        return self.reason.toPlainText().strip()


def ask_complete(
    parent: QWidget, renderer: FormRenderer, extra: list[str] | None = None, what: str = "la fiche",
    count_blank: bool = True, exec_dialog=None,
) -> tuple[bool, str]:
    """(go ahead, reason) for marking the response shown in `renderer` complete.

    Nothing missing: (True, ""). Otherwise the dialog lists it (`extra`: what the screen adds,
    e.g. a duplicate respondent); « Revenir à la fiche » shows the first field concerned and
    returns (False, ""); « Terminer quand même » returns (True, reason). `count_blank`: False
    for a questionnaire, whose respondent may leave an optional question blank.
    `exec_dialog(dialog) -> bool` replaces `dialog.exec()` (tests)."""
    renderer.check_complete()  # marks required and invalid fields in red
    drafts = renderer.drafts()
    items = missing_items(renderer.form, renderer.answers(), drafts)
    if not count_blank:
        items = [i for i in items if not i.endswith("sans réponse")]
    items += list(extra or [])
    if not items:
        return True, ""
    dialog = CompleteDialog(items, what, parent)
    accepted = exec_dialog(dialog) if exec_dialog is not None else dialog.exec()
    if accepted and dialog.note():
        return True, dialog.note()
    to_fix = renderer.fields_to_correct()
    if to_fix:
        renderer.go_to_field(to_fix[0][0])
    return False, ""


def bind_drafts(ctx: AppContext, renderer: FormRenderer, response_id: str, key_scope: str | None = None,
                drafts: dict[str, Any] | None = None, save_scope: tuple | None = None) -> None:
    """Show a response's texts kept « à corriger » in its renderer and save those typed next
    (`FormService.set_draft`, under the same save key as the field's answer: ("answers",
    `key_scope` or the response id, field id), or `save_scope` + (field id,) when the screen
    saves its answers under another scope)."""
    from desktop_app.services.errors import ServiceError

    forms = ctx.services.forms
    if drafts is None:
        try:
            drafts = forms.get(response_id).drafts
        except ServiceError:
            drafts = {}
    if drafts:
        renderer.set_drafts(drafts)
    scope = tuple(save_scope) if save_scope is not None else ("answers", key_scope or response_id)

    def save(key: str, text: Any) -> None:
        ctx.apply(lambda: forms.set_draft(response_id, key, text), key=(*scope, key))

    renderer.draftChanged.connect(save)


TO_FIX_TIP = "À corriger : un texte saisi n'est pas valide ; il est gardé en brouillon, rien n'est perdu."


def mark_tab(tabs: QTabWidget, page: QWidget, to_fix: bool) -> None:
    """Mark the tab of `page` (a red dot and a tooltip) while one of its fields keeps a text
    « à corriger » (a tab's text is left as it is: a longer one would not fit a laptop)."""
    from PySide6.QtGui import QIcon

    from desktop_app.ui.widgets.form_style import COLOR_ERROR, dot_icon

    index = tabs.indexOf(page)
    if index < 0 or bool(tabs.property(f"to_fix_{index}")) == to_fix:
        return
    tabs.setProperty(f"to_fix_{index}", to_fix)
    tabs.setTabIcon(index, dot_icon(COLOR_ERROR, 10) if to_fix else QIcon())
    tabs.setTabToolTip(index, TO_FIX_TIP if to_fix else "")


def fields_to_fix(root: QWidget) -> list[tuple[QWidget, str, str]]:
    """(widget, key, French line) of every field « à corriger » under `root`: in the forms
    (`FormRenderer`) and in any other widget that keeps typed text as a draft, i.e. has
    `fields_to_correct() -> [(key, line)]` and `go_to_field(key)` (a table, a record's fields)."""
    out = []
    for widget in root.findChildren(QWidget):
        if callable(getattr(widget, "fields_to_correct", None)) and callable(getattr(widget, "go_to_field", None)):
            out += [(widget, key, line) for key, line in widget.fields_to_correct()]
    return out


def confirm_close(parent: QWidget, views: dict[str, QWidget], show_step, exec_box=None) -> bool:
    """Before the window closes: if fields are « à corriger », say so (their text is kept as a
    draft) and offer to go to the first one. True: close; False: stay (and maybe go there).
    `show_step(step id)` shows a step; `exec_box(box) -> button clicked` replaces exec (tests)."""
    from PySide6.QtWidgets import QMessageBox

    found = [(step, item) for step, view in views.items() for item in fields_to_fix(view)]
    if not found:
        return True
    lines = [item[2] for _step, item in found]
    shown = "\n".join(f"• {line}" for line in lines[:6]) + (f"\n… et {len(lines) - 6} autre(s)" if len(lines) > 6 else "")
    n = len(lines)
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Champs à corriger",
        (f"{n} champs sont à corriger" if n > 1 else "Un champ est à corriger")
        + f" :\n{shown}\n\nLe texte saisi est gardé en brouillon (rien n'est perdu), mais il ne compte pas "
        "comme réponse tant qu'il n'est pas corrigé.", parent=parent)
    go = box.addButton("Aller au champ", QMessageBox.ButtonRole.AcceptRole)
    quit_ = box.addButton("Quitter quand même", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(go)
    clicked = exec_box(box) if exec_box is not None else (box.exec(), box.clickedButton())[1]
    if clicked is quit_:
        return True
    if clicked is go:
        step, (renderer, field_id, _line) = found[0]
        show_step(step)
        renderer.go_to_field(field_id)
    return False
