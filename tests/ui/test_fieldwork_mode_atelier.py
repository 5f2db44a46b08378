"""The mode atelier window driven from the keyboard (and a presentation remote's keys), following
the notes the facilitator types in the main window, and the notes following it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from desktop_app.ui.views.ateliers.view import AteliersView


def _setup(qtbot, ctx, services, evaluation_id):
    workshops_service = services.workshops
    workshops_service.create_workshop(evaluation_id, "guide-partenaires")
    view = AteliersView(ctx, evaluation_id)
    qtbot.addWidget(view)
    view.resize(1300, 860)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_mode_atelier_driven_by_the_keyboard(qtbot, ctx, services, evaluation_id):
    view = _setup(qtbot, ctx, services, evaluation_id)
    editor = view.editor
    renderer = editor.notes.renderer
    qtbot.mouseClick(editor.mode_button, Qt.MouseButton.LeftButton)
    mode = editor.mode
    window = mode.window
    qtbot.waitExposed(window)
    assert editor.mode_bar.isVisible()
    pages = [p.id for p in renderer.form.pages]

    # the opening slide, then step by step with the arrows, space and a remote's page keys
    assert mode.slide.step_number == 0 and window.step.text() == "Ouverture"
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert mode.slide.page_id == "accueil" and window.step.text() == "Étape 1 / 9"
    assert renderer.current_page() == pages.index("accueil")  # the notes follow
    assert window.clock.text() == "15:00" or window.clock.text() == "14:59"
    while mode.slide.page_id != "gouvernance":
        qtbot.keyClick(window, Qt.Key.Key_Space)
    assert "instances de pilotage" in window.question.text()
    assert window.position.text() == "Question 1 sur 3"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert mode.slide.question_number == 2 and "rôles" in window.question.text()
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert mode.slide.page_id == "brise_glace"
    assert renderer.current_page() == pages.index("brise_glace")

    # pause and restart the step's countdown
    assert mode.countdown.running
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert not mode.countdown.running and "pause" in window.clock_note.text()
    assert "pause" in editor.mode_label.text()
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert mode.countdown.running

    # the facilitator opens another step in the notes: the projector follows
    renderer.go_to_page(pages.index("synthese"))
    qtbot.waitUntil(lambda: mode.slide.page_id == "synthese", timeout=2000)
    assert "Forces identifiées" in window.question.text()
    # ...and the question they are typing in
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    renderer.go_to_page(pages.index("droit_commun"))
    qtbot.waitUntil(lambda: mode.slide.page_id == "droit_commun", timeout=2000)
    renderer.row("droit_commun_q3").findChild(QPlainTextEdit).setFocus()
    qtbot.waitUntil(lambda: mode.slide.field_id == "droit_commun_q3", timeout=2000)
    assert "engagements de signataire" in window.question.text()

    # the editor's buttons drive it too
    qtbot.mouseClick(editor.mode_next, Qt.MouseButton.LeftButton)
    assert mode.slide.field_id == "droit_commun_q4"

    # F11 full screen and back, Esc closes
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.mode is None)
    assert not editor.mode_bar.isVisible()
    assert editor.mode_button.text() == "▶  Mode atelier"


def test_mode_atelier_closes_when_another_workshop_is_opened(qtbot, ctx, services, evaluation_id):
    view = _setup(qtbot, ctx, services, evaluation_id)
    services.workshops.create_workshop(evaluation_id, "guide-associations")
    view.reload_list()
    view.editor.open_mode()
    window = view.editor.mode.window
    qtbot.waitExposed(window)
    other = next(w for w in services.workshops.workshops(evaluation_id) if w.tool_id == "guide-associations")
    view.select_workshop(other.id)
    qtbot.waitUntil(lambda: view.editor.mode is None)
    assert not window.isVisible()


def test_mode_atelier_closes_with_the_notes(qtbot, ctx, services, evaluation_id):
    from PySide6.QtCore import QEvent

    services.workshops.create_workshop(evaluation_id, "guide-partenaires")
    view = AteliersView(ctx, evaluation_id)  # not handed to qtbot: this test deletes it
    view.show()
    view.editor.open_mode()
    window = view.editor.mode.window
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert not window.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)  # never keeps the application open
    view.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not window.isVisible())
