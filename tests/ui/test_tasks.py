"""The background task runner: a task's outcome reaches its owner on the GUI thread, or is dropped
once the owner has been destroyed (a window closed while its task ran)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QLabel

from desktop_app.ui.tasks import TaskRunner


def test_the_outcome_of_a_task_whose_owner_was_destroyed_is_dropped(qtbot, qapp):
    runner = TaskRunner()
    release = threading.Event()
    gone, alive = QLabel(), QLabel()
    qtbot.addWidget(alive)
    seen = []

    def held(value):
        def work(progress):
            release.wait(30)
            progress.report(1, 2, "moitié")
            return value
        return work

    def fail(_progress):
        release.wait(30)
        raise ValueError("échec")

    # callbacks bound to the widget, as screens have them: on a deleted widget they would raise
    runner.run(held("résultat"), on_done=gone.setText, on_progress=lambda *a: gone.setText("…"), owner=gone)
    runner.run(fail, on_error=lambda exc: gone.setText(str(exc)), owner=gone)
    runner.run(held("affiché"), on_done=alive.setText, on_progress=lambda *a: seen.append(a), owner=alive)
    runner.run(fail, on_error=lambda exc: seen.append(str(exc)), owner=alive)
    shiboken6.delete(gone)  # the window is closed and deleted while its tasks run
    release.set()
    assert runner.wait()
    qtbot.waitUntil(lambda: not runner._handles, timeout=10000)  # every task delivered or dropped
    assert alive.text() == "affiché"
    assert sorted(map(str, seen)) == sorted([str((1, 2, "moitié")), "échec"])


def test_a_task_without_owner_still_delivers(qtbot):
    runner = TaskRunner()
    got = []
    runner.run(lambda _p: 42, on_done=got.append)
    qtbot.waitUntil(lambda: got == [42], timeout=10000)


def test_when_idle_waits_for_the_last_result_to_be_handed_over(qtbot, qapp):
    runner = TaskRunner()
    release = threading.Event()
    order = []
    runner.when_idle(lambda: order.append("idle at once"))  # nothing under way: now
    runner.run(lambda _p: release.wait(30) and "lu", on_done=lambda v: order.append(f"{v}, then a chart")
               or runner.run(lambda _p: "dessiné", on_done=order.append))
    runner.when_idle(lambda: order.append("idle"))
    runner.when_idle(lambda: order.append("idle, second"))
    assert order == ["idle at once"]
    release.set()
    qtbot.waitUntil(lambda: "idle, second" in order, timeout=10000)
    # the chart a result started was waited for too; each callback ran once, in order
    assert order == ["idle at once", "lu, then a chart", "dessiné", "idle", "idle, second"]


def test_next_pass_runs_after_the_event_loop_turned_and_is_waited_for(qtbot, qapp):
    """A screen built in parts: the next part runs once the event loop has turned (a timer due
    meanwhile fires first), counts as work under way for `when_idle` (a step's "ready"), and is
    dropped if its owner was deleted meanwhile."""
    from PySide6.QtCore import QTimer

    runner = TaskRunner()
    order = []
    gone, alive = QLabel(), QLabel()
    qtbot.addWidget(alive)
    QTimer.singleShot(0, lambda: order.append("pending event"))
    runner.next_pass(lambda: order.append("next part"), owner=alive)
    runner.next_pass(lambda: order.append("part of a deleted screen"), owner=gone)
    runner.when_idle(lambda: order.append("idle"))
    shiboken6.delete(gone)
    assert order == []  # not now
    qtbot.waitUntil(lambda: "idle" in order, timeout=5000)
    assert order == ["pending event", "next part", "idle"]
    assert not runner._handles
