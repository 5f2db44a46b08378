"""GUI scenarios the benchmark runs in fresh subprocesses (offscreen), one JSON line on stdout.

    python benchmarks/bench_gui.py bare                     # a bare PySide6 main window, shown then quit
    python benchmarks/bench_gui.py open --db X --evaluation ID [--saves N]

`bare` is the reference for the start-up ratio: the same QMainWindow size as the application,
shown, then the event loop quits at once (as `EVALKIT_QUIT_AFTER_SHOW=1` makes the app do).
`open` builds the application's window like `evalkit gui` does, shows the welcome screen, then
times opening the evaluation (its first step drawn, background loads finished), reads the peak
resident memory with the evaluation open, then times each step's screen and a few answers saved
through the window (every screen built, each refreshing as it does after a save).
`steps_ms` is each screen until its background loads are done (and what they start, e.g. charts
drawn once results are shown: settled when no task ran and the GUI thread was idle for 0.3 s).
Everything runs in the real event loop with a heartbeat (`LagProbe`: a precise 2 ms timer): a
gap between two ticks is time the GUI thread could not answer (building, delivering results,
painting, or waiting for the interpreter lock a background read holds). `steps_gui_ms` is the
sum of those gaps (how long the window is frozen in all), `steps_longest_gui_ms` the longest one
(the longest the window does not answer a key). `gui_save_ms`: an answer saved through the window
(`ctx.apply`) until every refresh and recount it starts is done (`gui_longest_p50`: the longest
gap during it). `referentiel_grid_ms` and `referentiel_grid_longest_ms`: the same for the first
click on the référentiel's grid tab (the step opens on the matrix when the référentiel is under
way), timed after the saves.
"""

from __future__ import annotations

import json
import sys
import time


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Fenêtre nue")
    window.resize(1360, 860)
    window.show()
    QTimer.singleShot(0, app.quit)
    return app.exec()


def peak_rss_mb(field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of this process, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LagProbe:
    """Runs the real event loop with a heartbeat: a precise timer every `TICK_MS` notes the time
    between its ticks. A gap is how long the GUI thread could not answer (a screen being built, a
    result being delivered, a paint, or waiting for the interpreter lock a background read
    holds): the longest gap is the longest the window does not respond, the sum of the gaps
    beyond a tick the GUI thread's busy time. Settled: no background task under way or waiting to
    be delivered, and no busy gap, for `quiet` seconds."""

    TICK_MS = 2

    def __init__(self, app, handles: set):
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        self.app, self.handles = app, handles
        self.loop = QEventLoop()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(self.TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.quiet = 0.3
        self.busy = self.longest = 0.0
        self.last_tick = self.last_activity = self.deadline = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last_tick
        self.last_tick = now
        if gap > 2.5 * self.TICK_MS / 1000:  # the loop was held up: work on the GUI thread
            self.busy += gap - self.TICK_MS / 1000
            self.longest = max(self.longest, gap)
            self.last_activity = now
        if self.handles:
            self.last_activity = now
        elif now - self.last_activity > self.quiet or now > self.deadline:
            self.loop.quit()

    def settle(self, quiet: float = 0.3) -> float:
        """Run the event loop until settled; returns when the last activity ended."""
        self.quiet = quiet
        self.last_tick = self.last_activity = time.perf_counter()
        self.deadline = self.last_tick + 120
        self.timer.start()
        self.loop.exec()
        self.timer.stop()
        return self.last_activity

    def timed(self, action, quiet: float = 0.3) -> tuple[float, float, float]:
        """`action` run from the event loop, then the loop until settled: (until settled, GUI
        thread busy, longest gap), in ms. The action's own run is one of the gaps."""
        from PySide6.QtCore import QTimer

        start = [0.0]

        def go() -> None:
            start[0] = time.perf_counter()
            action()

        self.busy = self.longest = 0.0
        QTimer.singleShot(0, go)
        end = self.settle(quiet)
        return (
            round((end - start[0]) * 1000, 1),
            round(self.busy * 1000, 1),
            round(self.longest * 1000, 1),
        )


class StallSampler:
    """Profiling aid (`--stalls`): a thread that, while the heartbeat is late by more than
    `late_ms`, samples the GUI thread's Python stack every 5 ms; `report()` lists the innermost
    application frames seen most often, by step. A frame blocked waiting for the interpreter
    lock shows where the GUI thread was when a background task took it."""

    def __init__(self, probe: LagProbe, late_ms: float = 20):
        import collections
        import threading

        self.probe, self.late = probe, late_ms / 1000
        self.main = threading.main_thread().ident
        self.label = ""
        self.samples: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import traceback

        while not self._stop.wait(0.005):
            if not self.probe.timer.isActive() or time.perf_counter() - self.probe.last_tick < self.late:
                continue
            frame = sys._current_frames().get(self.main)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            mine = [f for f in stack if "desktop_app" in f.filename]
            where = " < ".join(f"{f.name} ({f.filename.split('desktop_app/')[-1]}:{f.lineno})" for f in mine[-1:-4:-1])
            self.samples[self.label][where or stack[-1].name] += 1

    def report(self, top: int = 6) -> None:
        self._stop.set()
        for label, counter in self.samples.items():
            print(f"== {label}: {sum(counter.values()) * 5} ms sampled late", file=sys.stderr)
            for where, n in counter.most_common(top):
                print(f"  {n * 5:5d} ms  {where}", file=sys.stderr)


def open_evaluation(
    db: str, evaluation_id: str, saves: int = 15, only: list[str] | None = None, stalls: bool = False
) -> int:
    from PySide6.QtWidgets import QApplication

    import desktop_app.ui  # noqa: F401  (first, as in `evalkit gui`: its PySide6 import hook set-up)
    from desktop_app import paths
    from desktop_app.core.steps import STEPS
    from desktop_app.services.app_services import Services
    from desktop_app.ui.app import build_context
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.style import apply_style

    app = QApplication(sys.argv[:1])
    apply_style(app)
    services = Services.open(db)
    ctx = build_context(services, paths.settings_path())
    window = MainWindow(ctx)
    window.show()

    probe = LagProbe(app, getattr(ctx.tasks, "_handles", set()))
    settle = probe.settle
    sampler = StallSampler(probe) if stalls else None
    settle()
    open_ms, _, _ = probe.timed(lambda: window.open_evaluation(evaluation_id, "cadrage"))
    rss_open = peak_rss_mb()
    steps, steps_gui, steps_longest, rss_steps = {}, {}, {}, {}
    timed_gui = probe.timed

    for step in STEPS:
        if only and step.id not in only:
            continue
        if sampler:
            sampler.label = step.id
        steps[step.id], steps_gui[step.id], steps_longest[step.id] = timed_gui(
            lambda step=step: window.show_step(step.id)
        )
        rss_steps[step.id] = round(peak_rss_mb("VmRSS"), 1)
    if sampler:
        sampler.label = "saves"
    gui_save = save_in_window(app, ctx, window, evaluation_id, settle, timed_gui, saves) if saves else {}
    if sampler:
        sampler.report()
    grid = referentiel_grid(window, settle, timed_gui)
    report = {
        "open_ms": round(open_ms, 1),
        "gui_save_ms": gui_save,
        "steps_ms": steps,
        "steps_gui_ms": steps_gui,
        "steps_longest_gui_ms": steps_longest,
        **grid,
        "rss_open_mb": round(rss_open, 1),
        "rss_after_step_mb": rss_steps,
        "rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(report), flush=True)
    from desktop_app.ui.app import _dispose

    _dispose(window)
    services.close()
    return 0  # a clean exit: the "none_dealloc" abort came from PySide6 6.12.0, now kept out


def referentiel_grid(window, settle, timed_gui) -> dict:
    """The first click on the référentiel's grid tab, when the step opened on its matrix."""
    from desktop_app.ui.views.referentiel.view import ReferentielView

    window.show_step("referentiel")
    settle()
    view = next(iter(window.findChildren(ReferentielView)), None)
    if view is None or view.tabs.currentIndex() == 0 or view._grid is not None:
        return {}
    _, gui, longest = timed_gui(lambda: view.tabs.setCurrentIndex(0))
    return {"referentiel_grid_ms": gui, "referentiel_grid_longest_ms": longest}


def save_in_window(app, ctx, window, evaluation_id: str, settle, timed_gui, n: int = 15) -> dict:
    """Saving one answer as a form does (ctx.apply), with every step's screen built and the
    référentiel shown: the save plus every refresh it triggers, until the window is idle."""
    services = ctx.services
    responses = services.forms.find(evaluation_id, tool_id="referentiel") or services.forms.find(
        evaluation_id
    )
    if not responses:
        return {}
    from desktop_app.kit.forms import compile_tool, iter_fields

    summary = services.evaluations.get(evaluation_id)
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    rid, tool_id = responses[0].id, responses[0].tool_id
    key = next(
        (f.id for f in iter_fields(compile_tool(kit, tool_id)) if f.type in ("text", "long_text")), None
    )
    if key is None:
        return {}
    window.show_step("referentiel" if tool_id == "referentiel" else window.steps.currentItem().data(0x0100))
    settle()
    times, gui_times = [], []
    for i in range(n):
        total, _, gui = timed_gui(
            lambda i=i: ctx.apply(lambda: services.forms.set_answer(rid, key, f"Valeur saisie n°{i}")),
            quiet=0.05,
        )
        times.append(total)
        gui_times.append(gui)
    times.sort()
    gui_times.sort()
    return {
        "p50": round(times[len(times) // 2], 1),
        "max": round(times[-1], 1),
        "gui_longest_p50": round(gui_times[len(gui_times) // 2], 1),
        "n": n,
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["bare"]:
        return bare()
    if argv[:1] == ["open"]:
        import argparse

        p = argparse.ArgumentParser()
        p.add_argument("--db", required=True)
        p.add_argument("--evaluation", required=True)
        p.add_argument("--saves", type=int, default=15, help="answers saved through the window afterwards")
        p.add_argument("--steps", nargs="*", default=[], help="only these steps (profiling one screen)")
        p.add_argument("--stalls", action="store_true", help="where the GUI thread was when it was late (stderr)")
        args = p.parse_args(argv[1:])
        return open_evaluation(args.db, args.evaluation, args.saves, args.steps, args.stalls)
    print("usage: bench_gui.py bare | open --db X --evaluation ID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
