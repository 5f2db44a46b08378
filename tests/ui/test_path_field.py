"""The « path + Choisir… » field of the sync and export dialogs: the button fills the field from a
file dialog, typed text stays, both parts are named and reachable from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_app.ui.widgets.path_field import PathField


class FakeDialog:
    """Stands for the file dialog: records what it was asked, answers `path` ("" = cancelled)."""

    def __init__(self, path: str):
        self.path = path
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, parent, title, start, filters) -> str:
        self.calls.append((title, start, filters))
        return self.path


def test_the_button_puts_the_path_chosen_in_the_field(qtbot):
    dialog = FakeDialog("/données/resultats-douai.evalkit")
    field = PathField(
        "save", "Exporter les résultats", "Fichier de résultats",
        filters="Résultats EvalKit (*.evalkit)", text="/données/ancien.evalkit", ask=dialog,
    )
    qtbot.addWidget(field)
    with qtbot.waitSignal(field.chosen) as chosen:
        qtbot.mouseClick(field.button, Qt.MouseButton.LeftButton)
    assert field.edit.text() == field.text() == "/données/resultats-douai.evalkit"
    assert chosen.args == ["/données/resultats-douai.evalkit"]
    # the dialog opened on the field's text, with the dialog's title and filters
    assert dialog.calls == [("Exporter les résultats", "/données/ancien.evalkit", "Résultats EvalKit (*.evalkit)")]


def test_typed_text_stays_and_a_cancelled_dialog_changes_nothing(qtbot):
    dialog = FakeDialog("")
    field = PathField("open", "Clé du poste", "Clé du poste", button_text="Fichier…", start_from_text=False, ask=dialog)
    qtbot.addWidget(field)
    qtbot.keyClicks(field.edit, "7F3A-9C12")
    field.button.click()
    assert field.edit.text() == "7F3A-9C12"
    assert dialog.calls == [("Clé du poste", "", "")]  # a fingerprint is no place to start from


def test_both_parts_are_named_and_the_button_works_from_the_keyboard(qtbot):
    dialog = FakeDialog("/partage/evalkit")
    field = PathField(
        "folder", "Dossier de synchronisation", "Dossier de synchronisation",
        placeholder="Choisissez un dossier…", ask=dialog,
    )
    qtbot.addWidget(field)
    assert field.edit.accessibleName() == "Dossier de synchronisation"
    assert field.button.text() == "Choisir…"
    assert field.button.accessibleName() == "Choisir : Dossier de synchronisation"
    assert field.edit.placeholderText() == "Choisissez un dossier…"
    assert field.focusProxy() is field.edit  # a label's buddy gives the focus to the line edit
    assert field.edit.nextInFocusChain() is field.button  # Tab: the field, then its button
    assert field.button.focusPolicy() & Qt.FocusPolicy.TabFocus
    field.show()
    qtbot.waitExposed(field)
    field.button.setFocus()
    qtbot.keyClick(field.button, Qt.Key.Key_Space)
    assert field.edit.text() == "/partage/evalkit"


@pytest.mark.parametrize(
    ("kind", "method", "answer", "expected"),
    [
        ("open", "getOpenFileName", ("/a/cle.pem", "Clé (*.pem)"), ("Clé", "/a", "Clé (*.pem)")),
        ("save", "getSaveFileName", ("/a/b.evalkit", ""), ("Clé", "/a", "Clé (*.pem)")),
        ("folder", "getExistingDirectory", "/a/dossier", ("Clé", "/a")),
    ],
)
def test_without_an_injected_dialog_the_system_one_matching_the_kind_opens(qtbot, monkeypatch, kind, method, answer, expected):
    asked = []
    monkeypatch.setattr(QFileDialog, method, lambda parent, *args: asked.append(args) or answer)
    field = PathField(kind, "Clé", "Clé", filters="Clé (*.pem)", text="/a")
    qtbot.addWidget(field)
    field.button.click()
    assert asked == [expected]
    assert field.edit.text() == (answer if isinstance(answer, str) else answer[0])


def test_an_unknown_kind_is_refused(qtbot):
    with pytest.raises(ValueError, match="unknown kind"):
        PathField("directory", "Dossier", "Dossier")
