"""The mode atelier: a presentation window for the projector or a second screen.

It shows the current step of the guide and the question being discussed in large type, with a
countdown for the step's planned duration. It is driven from the keyboard (→ / Espace /
Page suivante: next; ← / Page précédente: previous; P: pause; R: restart the countdown;
F11: full screen; Échap: close) and by presentation remotes, which send the same keys. It
follows the section the facilitator opens in the notes (and the question they type in), and
the notes follow it, so one person can drive both.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.workshop_mode import Countdown, Slide, build_slides, first_slide_of_page, slide_of_field
from desktop_app.kit.forms import Form

NEXT_KEYS = {
    Qt.Key.Key_Right,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Space,
    Qt.Key.Key_Down,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
STATE_COLORS = {"ok": "#7bd389", "warning": "#f0b94b", "over": "#ff7a7a", "none": "#dfe7ee"}
HELP = "→ ou Espace : suivant   ·   ← : précédent   ·   P : pause   ·   R : relancer le chrono   ·   F11 : plein écran   ·   Échap : fermer"


class PresentationWindow(QWidget):
    """The projected screen. Keys are handed to the controller."""

    def __init__(self, mode: WorkshopMode):
        super().__init__(None, Qt.WindowType.Window)
        self.mode = mode
        self.setObjectName("presentation")
        self.setWindowTitle(f"Mode atelier — {mode.header}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # closing the main window quits
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.resize(1280, 720)

        self.header = QLabel(mode.header)
        self.header.setObjectName("pHeader")
        self.step = QLabel()
        self.step.setObjectName("pStep")
        self.step.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.step)

        self.title = QLabel()
        self.title.setObjectName("pTitle")
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setObjectName("pDescription")
        self.description.setWordWrap(True)
        self.question = QLabel()
        self.question.setObjectName("pQuestion")
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.question.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.position = QLabel()
        self.position.setObjectName("pPosition")
        self.dots = QLabel()
        self.dots.setObjectName("pDots")
        self.dots.setTextFormat(Qt.TextFormat.RichText)
        left = QVBoxLayout()
        left.addStretch(1)
        left.addWidget(self.position)
        left.addWidget(self.dots)
        self.clock = QLabel()
        self.clock.setObjectName("pClock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.clock_note = QLabel()
        self.clock_note.setObjectName("pClockNote")
        self.clock_note.setAlignment(Qt.AlignmentFlag.AlignRight)
        right = QVBoxLayout()
        right.addStretch(1)
        right.addWidget(self.clock)
        right.addWidget(self.clock_note)
        bottom = QHBoxLayout()
        bottom.addLayout(left, 1)
        bottom.addLayout(right)

        rule = QFrame()
        rule.setObjectName("pRule")
        rule.setFixedHeight(3)
        self.help = QLabel(HELP)
        self.help.setObjectName("pHelp")
        self.help.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self._layout.addSpacing(10)
        self._layout.addWidget(rule)
        self._layout.addSpacing(18)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.description)
        self._layout.addSpacing(24)
        self._layout.addWidget(self.question, 1)
        self._layout.addLayout(bottom)
        self._layout.addWidget(self.help)
        self._scale = 0.0
        self._apply_scale()

    # -- content -------------------------------------------------------------------------------
    def show_slide(self, slide: Slide, index: int, count: int) -> None:
        self._slide = (slide, index, count)
        if slide.step_number == 0:
            self.step.setText("Ouverture")
            self.title.setText(self.mode.title_text)
            self.description.setText(self.mode.subtitle_text)
            objectives = [
                line.lstrip("• ").strip() for line in slide.description.splitlines() if line.strip()
            ]
            self.question.setText(self._points("Objectifs de la séance", objectives) if objectives else "")
        else:
            self.step.setText(f"Étape {slide.step_number} / {slide.step_count}")
            self.title.setText(slide.title)
            self.description.setText(slide.description)
            if slide.question:
                self.question.setText(
                    self._fit(
                        lambda size: (
                            f"<div style='font-size:{size}px; font-weight:600'>{html.escape(slide.question)}</div>"
                        ),
                        46,
                    )
                )
            else:
                self.question.setText(self._points("", list(slide.points)))
        self.description.setVisible(bool(self.description.text()))
        if slide.question_count > 1:
            self.position.setText(f"Question {slide.question_number} sur {slide.question_count}")
        else:
            self.position.setText("")
        steps = max(slide.step_count, 1)
        marks = []
        for n in range(1, steps + 1):
            color = (
                "#6fb3e0" if n == slide.step_number else ("#9fb4c4" if n < slide.step_number else "#3b4e5e")
            )
            marks.append(f'<span style="color:{color}">●</span>')
        self.dots.setText("&nbsp;".join(marks))

    def show_time(self, text: str, state: str, running: bool, has_duration: bool) -> None:
        self.clock.setText(text)
        color = STATE_COLORS.get(state, "#dfe7ee")
        self.clock.setStyleSheet(f"color: {color};")
        if not has_duration:
            self.clock.setText(datetime.now().strftime("%H:%M"))
            self.clock_note.setText("heure")
        elif state == "over":
            self.clock_note.setText("temps prévu dépassé" + ("" if running else " · en pause"))
        else:
            self.clock_note.setText("restantes" + ("" if running else " · en pause (P)"))

    # -- look ----------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if self._apply_scale() and getattr(self, "_slide", None):
            self.show_slide(*self._slide)

    def _points(self, heading: str, points: list[str]) -> str:
        """A list in rich text, sized for the window (rich text ignores the style sheet sizes)."""
        head = int(22 * self._scale)
        title = (
            f"<p style='font-size:{head}px; color:#9fb4c4; font-weight:600'>{html.escape(heading)}</p>"
            if heading
            else ""
        )

        def build(size: int) -> str:
            items = "".join(
                f"<li style='margin-bottom:{int(size * 0.3)}px'>{html.escape(p)}</li>" for p in points
            )
            return f"{title}<ul style='font-size:{size}px; font-weight:400'>{items}</ul>"

        return self._fit(build, 32)

    def _fit(self, build, base: int) -> str:
        """The largest text size (from `base`, scaled) whose text fits the space left for it."""
        width = max(self.width() - self._layout.contentsMargins().left() * 2, 200)
        other = sum(
            w.sizeHint().height()
            for w in (self.header, self.title, self.description, self.clock, self.help)
            if w.isVisibleTo(self) or w is self.description
        )
        available = max(self.height() - other - int(150 * self._scale), 120)
        size = int(base * self._scale)
        floor = max(int(16 * self._scale), 12)
        while size > floor:
            doc = QTextDocument()
            doc.setDefaultFont(self.question.font())
            doc.setHtml(build(size))
            doc.setTextWidth(width)
            if doc.size().height() <= available:
                break
            size -= 2
        return build(size)

    def _apply_scale(self) -> bool:
        scale = max(0.5, min(self.width() / 1280, self.height() / 720))
        if abs(scale - self._scale) < 0.02:
            return False
        self._scale = scale

        def px(n: float) -> int:
            return max(int(n * scale), 9)

        margin = px(56)
        self._layout.setContentsMargins(margin, px(36), margin, px(24))
        self.setStyleSheet(
            f"""
            QWidget#presentation {{ background: #14212b; }}
            QLabel {{ color: #f4f7fa; }}
            QLabel#pHeader {{ color: #9fb4c4; font-size: {px(20)}px; }}
            QLabel#pStep {{ color: #9fb4c4; font-size: {px(20)}px; font-weight: 600; }}
            QFrame#pRule {{ background: #6fb3e0; border: none; }}
            QLabel#pTitle {{ color: #9fd3f7; font-size: {px(36)}px; font-weight: 700; }}
            QLabel#pDescription {{ color: #c9d6e0; font-size: {px(22)}px; }}
            QLabel#pQuestion {{ color: #ffffff; font-size: {px(46)}px; font-weight: 600; }}
            QLabel#pPosition {{ color: #9fb4c4; font-size: {px(20)}px; }}
            QLabel#pDots {{ font-size: {px(18)}px; }}
            QLabel#pClock {{ font-size: {px(84)}px; font-weight: 700; font-family: "DejaVu Sans Mono", monospace; }}
            QLabel#pClockNote {{ color: #9fb4c4; font-size: {px(18)}px; }}
            QLabel#pHelp {{ color: #6f8597; font-size: {px(14)}px; }}
            """
        )
        return True

    # -- keys ----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in NEXT_KEYS:
            self.mode.next()
        elif key in PREVIOUS_KEYS:
            self.mode.previous()
        elif key == Qt.Key.Key_Home:
            self.mode.go(0)
        elif key == Qt.Key.Key_End:
            self.mode.go(len(self.mode.slides) - 1)
        elif key == Qt.Key.Key_P:
            self.mode.toggle_timer()
        elif key == Qt.Key.Key_R:
            self.mode.reset_timer()
        elif key in (Qt.Key.Key_F11, Qt.Key.Key_F):
            self.toggle_full_screen()
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        super().closeEvent(event)
        try:
            self.mode.on_window_closed()
        except RuntimeError:  # the mode went with the notes' view (another evaluation opened)
            pass


def _close_quietly(window: QWidget) -> None:
    try:
        window.close()
    except RuntimeError:  # already closed and deleted
        pass


class WorkshopMode(QObject):
    """Drives the presentation window from a rendered guide, and the other way round."""

    stateChanged = Signal()
    closed = Signal()

    def __init__(
        self,
        renderer,
        form: Form,
        header: str,
        title_text: str = "",
        subtitle_text: str = "",
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.renderer = renderer
        self.form = form
        self.header = header
        self.title_text = title_text or header
        self.subtitle_text = subtitle_text
        self.countdown = Countdown(clock)
        self.slides = build_slides(form, renderer.visible_page_ids() if renderer is not None else None)
        self.index = 0
        self._following = False
        self.window = PresentationWindow(self)
        if parent is not None:  # the notes go away (another evaluation opened): so does the projection
            window = self.window
            parent.destroyed.connect(lambda *_: _close_quietly(window))
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._on_tick)
        self._poll = QTimer(self, interval=200)
        self._poll.timeout.connect(self._follow_renderer)
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        start = first_slide_of_page(self.slides, renderer.current_page()) if renderer is not None else None
        self.go(start or 0, move_renderer=False)

    # -- window --------------------------------------------------------------------------------
    def open(self) -> None:
        """Show the window: full screen on another screen when there is one."""
        screens = QGuiApplication.screens()
        main = (
            self.renderer.window().screen() if self.renderer is not None else QGuiApplication.primaryScreen()
        )
        others = [s for s in screens if s is not main]
        if others:
            self.window.setScreen(others[0])
            self.window.move(others[0].geometry().topLeft())
            self.window.showFullScreen()
        else:
            self.window.show()
        self._tick.start()
        self._poll.start()
        self.window.raise_()
        self._on_tick()

    def is_open(self) -> bool:
        return self.window.isVisible()

    def close(self) -> None:
        if self.window.isVisible():
            self.window.close()
        else:
            self.on_window_closed()

    def on_window_closed(self) -> None:
        if not self._tick.isActive() and not self._poll.isActive() and self.renderer is None:
            return
        self._tick.stop()
        self._poll.stop()
        try:
            QApplication.instance().focusChanged.disconnect(self._on_focus_changed)
        except (RuntimeError, TypeError):
            pass
        self.renderer = None
        self.closed.emit()

    # -- navigation ----------------------------------------------------------------------------
    @property
    def slide(self) -> Slide:
        return self.slides[self.index]

    def go(self, index: int, move_renderer: bool = True) -> None:
        if not self.slides:
            return
        index = max(0, min(index, len(self.slides) - 1))
        self.index = index
        slide = self.slides[index]
        self.countdown.set_step(slide.page_id, (slide.duration_minutes or 0) * 60, start=True)
        self.window.show_slide(slide, index, len(self.slides))
        if move_renderer and self.renderer is not None and self.renderer.current_page() != slide.page_index:
            self._following = True
            try:
                self.renderer.go_to_page(slide.page_index)
            finally:
                self._following = False
        self._on_tick()

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def toggle_timer(self) -> None:
        self.countdown.toggle()
        self._on_tick()

    def reset_timer(self) -> None:
        self.countdown.reset()
        self._on_tick()

    # -- following the notes -------------------------------------------------------------------
    def _follow_renderer(self) -> None:
        if self.renderer is None or self._following:
            return
        page = self.renderer.current_page()
        if page != self.slide.page_index:
            target = first_slide_of_page(self.slides, page)
            if target is not None:
                self.go(target, move_renderer=False)

    def _on_focus_changed(self, _old, new) -> None:
        if self.renderer is None or new is None or self._following:
            return
        try:
            if not self.renderer.isAncestorOf(new):
                return
        except RuntimeError:  # the renderer was deleted
            return
        for s in self.slides:
            if not s.field_id:
                continue
            try:
                row = self.renderer.row(s.field_id)
            except KeyError:
                continue
            if row is new or row.isAncestorOf(new):
                target = slide_of_field(self.slides, s.field_id)
                if target is not None and target != self.index:
                    self.go(target, move_renderer=False)
                return

    def _on_tick(self) -> None:
        self.window.show_time(
            self.countdown.text(), self.countdown.state(), self.countdown.running, self.countdown.has_duration
        )
        self.stateChanged.emit()

    def status_text(self) -> str:
        s = self.slide
        where = "Ouverture" if s.step_number == 0 else f"Étape {s.step_number}/{s.step_count}"
        if s.question_count > 1:
            where += f" · question {s.question_number}/{s.question_count}"
        clock = self.countdown.text()
        pause = "" if self.countdown.running else " (pause)"
        return f"Mode atelier ouvert — {where} · chrono {clock}{pause}"
