"""The mode atelier as plain data: the slides shown on the projector and the step countdown.

A guide's steps are the pages of its compiled form. Each step gives one slide per question
asked to the group (or a single slide when the step has none to show), so the facilitator
moves question by question with the keyboard while the countdown runs for the whole step.

Qt-free: the clock is injected, so the countdown is tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop_app.kit.forms import Form, FormField, Page


@dataclass(frozen=True)
class Slide:
    page_index: int  # index of the page in the form (what the renderer shows)
    page_id: str
    step_number: int  # 1-based among the shown steps
    step_count: int
    title: str
    description: str
    duration_minutes: int | None
    question: str  # "" when the step has no question to show
    question_number: int  # 1-based, 0 when none
    question_count: int
    field_id: str = ""
    points: tuple[str, ...] = ()  # steps without questions: the prompts, shown as a list


def presentation_questions(page: Page) -> list[FormField]:
    """The questions put to the group during a step: those ending with « ? »."""
    return [f for f in page.fields if f.answerable and f.label.rstrip().endswith("?") and not f.sensitive]


def presentation_points(page: Page) -> list[str]:
    """For a step without questions, what the group works on: its prompts (long answers that
    are not verbatims), shown together as a list."""
    return [
        f.label
        for f in page.fields
        if f.type in ("long_text", "repeat_group") and not f.sensitive and "verbatim" not in f.id
    ]


def _intro_text(page: Page) -> str:
    for f in page.fields:
        if f.id.endswith(".objectifs") and f.help:
            return f.help
    return page.description or ""


def build_slides(form: Form, shown_page_ids: Sequence[str] | None = None) -> list[Slide]:
    """The slides of the shown pages. The guide's presentation page (id starting with « _ »)
    is the title slide, numbered 0; the steps are numbered from 1."""
    wanted = set(shown_page_ids) if shown_page_ids is not None else None
    shown = [(i, p) for i, p in enumerate(form.pages) if wanted is None or p.id in wanted]
    step_count = sum(1 for _, p in shown if not p.id.startswith("_"))
    slides: list[Slide] = []
    step_number = 0
    for index, page in shown:
        intro = page.id.startswith("_")
        if not intro:
            step_number += 1
        questions = [] if intro else presentation_questions(page)
        base = dict(
            page_index=index,
            page_id=page.id,
            step_number=0 if intro else step_number,
            step_count=step_count,
            title=form.title if intro else page.title,
            description=_intro_text(page) if intro else (page.description or ""),
            duration_minutes=None if intro else page.duration_minutes,
        )
        if not questions:
            points = () if intro else tuple(presentation_points(page))
            slides.append(Slide(**base, question="", question_number=0, question_count=0, points=points))
            continue
        for n, f in enumerate(questions, start=1):
            slides.append(
                Slide(
                    **base, question=f.label, question_number=n, question_count=len(questions), field_id=f.id
                )
            )
    return slides


def first_slide_of_page(slides: Sequence[Slide], page_index: int) -> int | None:
    for i, s in enumerate(slides):
        if s.page_index == page_index:
            return i
    return None


def slide_of_field(slides: Sequence[Slide], field_id: str) -> int | None:
    for i, s in enumerate(slides):
        if s.field_id and s.field_id == field_id:
            return i
    return None


def format_countdown(seconds: float) -> str:
    """« 12:05 » while time remains, « +01:23 » once the step runs over, « 1:02:03 » past an hour."""
    over = seconds < 0
    total = int(abs(seconds) + (0 if over else 0.999))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return f"+{text}" if over else text


class Countdown:
    """Time left in the current step. Each step keeps its elapsed time, so going back to a step
    resumes its countdown instead of starting it again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._elapsed: dict[str, float] = {}
        self._key = ""
        self._duration = 0.0
        self._started_at: float | None = None
        self.running = False

    def set_step(self, key: str, duration_seconds: float | None, start: bool = True) -> None:
        if key == self._key:
            return
        was_running = self.running
        self._bank()
        self._key = key
        self._duration = float(duration_seconds or 0)
        self.running = False
        self._started_at = None
        if self._duration and (start or was_running):
            self.resume()

    @property
    def has_duration(self) -> bool:
        return self._duration > 0

    @property
    def duration(self) -> float:
        return self._duration

    def _bank(self) -> None:
        if self.running and self._started_at is not None:
            now = self._clock()
            self._elapsed[self._key] = self._elapsed.get(self._key, 0.0) + now - self._started_at
            self._started_at = now

    def elapsed(self) -> float:
        extra = self._clock() - self._started_at if self.running and self._started_at is not None else 0.0
        return self._elapsed.get(self._key, 0.0) + extra

    def remaining(self) -> float:
        return self._duration - self.elapsed()

    def pause(self) -> None:
        self._bank()
        self.running = False
        self._started_at = None

    def resume(self) -> None:
        if not self.running:
            self.running = True
            self._started_at = self._clock()

    def toggle(self) -> None:
        self.pause() if self.running else self.resume()

    def reset(self) -> None:
        running = self.running
        self._elapsed[self._key] = 0.0
        self._started_at = self._clock() if running else None

    def text(self) -> str:
        return (
            format_countdown(self.remaining())
            if self.has_duration
            else format_countdown(-self.elapsed()).lstrip("+")
        )

    def state(self) -> str:
        """ok | warning (last 2 minutes or 10 % of the step) | over | none."""
        if not self.has_duration:
            return "none"
        left = self.remaining()
        if left < 0:
            return "over"
        if left <= max(120.0, self._duration * 0.1):
            return "warning"
        return "ok"
