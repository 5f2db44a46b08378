"""Benchmarks of what makes EvalKit Quartiers feel fast or slow, against the plain libraries.

    python benchmarks/run.py [--quick] [--json FILE] [--data DIR] [--regenerate]

Prints a table and writes JSON (default `benchmarks/results/latest.json`). Metrics and targets:

- startup_ratio   `evalkit gui --db X --evaluation ID` to its shown main window (offscreen,
                  EVALKIT_QUIT_AFTER_SHOW=1) over a bare PySide6 window doing the same; fresh
                  subprocesses, median of several runs                                      ≤ 1.5
- ready_ms        the same command until the evaluation is open in the window and usable
                  (EVALKIT_QUIT_AFTER_READY=1): the second phase of the start included      ≤ 800
- open_ms         opening the largest evaluation in the main window (first step drawn)
- save_p50_ms, save_p99_ms  saving one answer through the service layer at scale 100      p99 < 10
- xlsx_ratio      the full workbook export (ExportService.xlsx) over openpyxl write-only
                  writing the same cells                                                     ≤ 2
- pdf_ms_per_page the PDF summary (ExportService.pdf) at scale 100, per page
- pdf_demo_s      `evalkit export pdf` of the demo evaluation, a fresh process, wall time     ≤ 4
- import_ratio    (no target, context) importing the resource centre's territory bundles
                  (SyncService) over raw sqlite3 inserting the same rows
- naive_import_ratio  (no target, for scale) a naive importer over the same raw sqlite3: it
                  reads each records file from the zip, parses it with orjson and inserts its
                  rows, and writes the attachment files, checking nothing (no checksum, no
                  type, no signature, no version history)
- import_checks_ratio  the same import over that naive importer, the two run in turn      ≤ 1.5
- growth          time at scale 100 over time at scale 1, for the exports and bundle import  ≤ 120
- rss_mb          peak memory of the application with the largest evaluation open           < 300
- rss_session_mb  the same process's peak after every step's screen was visited             < 250
- step_first_ms_max  the first visit of each step until drawn and its loads done (settled), the
                  worst step (bench_gui.py open, median over runs)                          ≤ 300
- step_longest_gui_ms_max  the longest the GUI thread does not answer while a step opens (gaps
                  of a 2 ms heartbeat timer in the real event loop), the worst step          ≤ 50
- gui_save_p50_ms one answer saved through the window (ctx.apply) with every screen built,
                  until every refresh and recount it starts is done; median                 ≤ 16
- consolidation_40_s  the resource centre's consolidation of 40 territories                ≤ 15 s
                  (the whole region): computed from a centre database holding their 40 bundles,
                  then written to PDF and to XLSX; the median of a few runs. The 40 bundles are
                  generated once into DATA/centre-40 (`generate.py --territories 40`)

Data comes from `benchmarks/generate.py`, generated once into the data directory and reused
while the generator, the migrations and the feature areas present are unchanged (the first run
generates it: a minute or two). Every measurement that writes works on a copy. A metric whose
feature area is not in the tree reports "n/a (pas encore disponible)".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import AREAS, area_available  # noqa: E402

NA = "n/a (pas encore disponible)"
TARGETS = {  # metric -> (comparison, bound)
    "startup_ratio": ("<=", 1.5),
    "save_p99_ms": ("<", 10.0),
    "xlsx_ratio": ("<=", 2.0),
    "import_checks_ratio": ("<=", 1.5),
    "pdf_demo_s": ("<=", 4.0),
    "consolidation_40_s": ("<=", 15.0),
    "growth": ("<=", 120.0),
    "rss_mb": ("<", 300.0),
    "ready_ms": ("<=", 800.0),
    "step_first_ms_max": ("<=", 300.0),
    "step_longest_gui_ms_max": ("<=", 50.0),
    "gui_save_p50_ms": ("<=", 16.0),
    "rss_session_mb": ("<", 250.0),
}
ORDER = (
    "startup_ratio",
    "ready_ms",
    "open_ms",
    "step_first_ms_max",
    "step_longest_gui_ms_max",
    "gui_save_p50_ms",
    "save_p50_ms",
    "save_p99_ms",
    "xlsx_ratio",
    "pdf_ms_per_page",
    "pdf_demo_s",
    "import_ratio",
    "naive_import_ratio",
    "import_checks_ratio",
    "growth",
    "rss_mb",
    "rss_session_mb",
    "consolidation_40_s",
)
UNITS = {
    "ready_ms": "ms",
    "open_ms": "ms",
    "step_first_ms_max": "ms",
    "step_longest_gui_ms_max": "ms",
    "gui_save_p50_ms": "ms",
    "save_p50_ms": "ms",
    "save_p99_ms": "ms",
    "pdf_ms_per_page": "ms",
    "rss_mb": "Mo",
    "rss_session_mb": "Mo",
    "startup_ratio": "×",
    "xlsx_ratio": "×",
    "import_ratio": "×",
    "naive_import_ratio": "×",
    "import_checks_ratio": "×",
    "pdf_demo_s": "s",
    "growth": "×",
    "consolidation_40_s": "s",
}
CENTRE_TERRITORIES = 40
SCALES = (1, 10, 100)  # generated once; full runs compare 1 and 100, --quick 1 and 10
QUICK_LARGE = 10


class BenchError(Exception):
    pass


# -- data -------------------------------------------------------------------------------------------
def fingerprint(territories: int) -> str:
    """What the generated data depends on: the generator, the schema, the areas present, the
    bundled kit's files (the databases keep a copy of it: another content under the same version
    would be refused when they are imported)."""
    h = hashlib.sha256()
    for name in ("generate.py", "bench_fill.py"):
        h.update((HERE / name).read_bytes())
    for path in sorted((ROOT / "forms").glob("*.yaml")):
        h.update(path.name.encode() + path.read_bytes())
    versions = ROOT / "desktop_app" / "store" / "migrations" / "versions"
    h.update("\n".join(sorted(p.name for p in versions.glob("*.py"))).encode())
    h.update(repr(sorted(a for a in AREAS if area_available(a))).encode())
    h.update(f"{sys.version_info[:2]}|{SCALES}|{territories}".encode())
    return h.hexdigest()[:16]


def ensure_data(data: Path, territories: int, regenerate: bool) -> dict:
    stamp = data / "fingerprint.txt"
    wanted = fingerprint(territories)
    manifest = data / "manifest.json"
    if not regenerate and stamp.is_file() and stamp.read_text().strip() == wanted and manifest.is_file():
        return json.loads(manifest.read_text("utf-8"))
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    print(f"Génération des données dans {data} (une fois ; réutilisées ensuite)…", flush=True)
    t0 = time.perf_counter()
    cmd = [sys.executable, str(HERE / "generate.py"), "--out", str(data), "--scale", *map(str, SCALES)]
    if territories and area_available("sync"):
        cmd += ["--territories", str(territories)]
    env = dict(os.environ, EVALKIT_HOME=str(data / "home"))
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    if proc.returncode not in (0, 1):  # 1: an area failed, reported in the manifest
        raise BenchError("la génération des données a échoué")
    print(f"Données générées en {time.perf_counter() - t0:.0f} s.", flush=True)
    stamp.write_text(wanted)
    return json.loads(manifest.read_text("utf-8"))


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite database (online backup API)."""
    dst.unlink(missing_ok=True)
    a, b = sqlite3.connect(str(src)), sqlite3.connect(str(dst))
    try:
        with b:
            a.backup(b)
    finally:
        a.close()
        b.close()
    return dst


# -- helpers ----------------------------------------------------------------------------------------
def run_child(cmd: list[str], env: dict[str, str], timeout: float = 600) -> tuple[float, float, str]:
    """Run a subprocess; (wall seconds, its peak RSS in MB, stdout). BenchError when it fails."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            out = proc.stdout.read() if proc.stdout else b""
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.stdout:
            proc.stdout.close()
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise BenchError(
                f"{Path(cmd[1]).name if len(cmd) > 1 else cmd[0]} : code {proc.returncode} — {' | '.join(tail)}"
            )
    return seconds, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def median_time(fn: Callable[[], Any], reps: int, long: float = 20.0) -> float:
    """Median of `reps` runs; a run longer than `long` seconds is not repeated."""
    times = [timed(fn)[0]]
    while len(times) < reps and times[0] < long:
        times.append(timed(fn)[0])
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def gui_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EVALKIT_HOME=str(home))
    env.pop("EVALKIT_QUIT_AFTER_SHOW", None)
    return env


def reset_preferences(home: Path) -> None:
    (home / "preferences.ini").unlink(missing_ok=True)


# -- metrics ----------------------------------------------------------------------------------------
class Bench:
    def __init__(self, data: Path, manifest: dict, quick: bool, work: Path):
        self.data, self.manifest, self.quick, self.work = data, manifest, quick, work
        self.home = data / "home"
        self.metrics: dict[str, Any] = {}
        self.details: dict[str, Any] = {}
        self.largest = self._scale_entry(QUICK_LARGE if quick else max(SCALES))
        self.smallest = self._scale_entry(min(SCALES))

    def _scale_entry(self, scale: int) -> dict:
        entry = self.manifest.get("scales", {}).get(str(scale))
        if not entry or "evaluation_id" not in entry:
            raise BenchError(f"données de l'échelle {scale} absentes")
        return {**entry, "path": self.data / entry["db"]}

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full

    def services(self, db: Path, attachments: Path | None = None):
        from desktop_app.services.app_services import Services

        return Services.open(db, attachments_dir=attachments or self.home / "pieces-jointes")

    def work_copy(self, entry: dict, name: str) -> Path:
        return copy_db(entry["path"], self.work / f"{name}.db")

    # startup_ratio ----------------------------------------------------------------------------
    def startup(self) -> None:
        runs = self.reps(7, 3)
        db = self.work_copy(self.largest, "startup")
        app = [
            sys.executable,
            "-m",
            "desktop_app",
            "gui",
            "--db",
            str(db),
            "--evaluation",
            self.largest["evaluation_id"],
        ]
        bare = [sys.executable, str(HERE / "bench_gui.py"), "bare"]
        env = gui_env(self.home)
        shown_env = dict(env, EVALKIT_QUIT_AFTER_SHOW="1")
        ready_env = dict(env, EVALKIT_QUIT_AFTER_READY="1")
        # An installed copy (pip, PyInstaller) starts from bytecode; a checkout run with
        # PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module at each start.
        compile_all = [sys.executable, "-m", "compileall", "-q", str(ROOT / "desktop_app")]
        subprocess.run(compile_all, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
        app_times, bare_times, ready_times = [], [], []
        for i in range(runs + 1):  # the first round warms the disk cache and is not counted
            reset_preferences(self.home)
            a = run_child(app, shown_env)[0]
            b = run_child(bare, env)[0]
            reset_preferences(self.home)
            r = run_child(app, ready_env)[0]
            if i:
                app_times.append(a)
                bare_times.append(b)
                ready_times.append(r)
        app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
        self.metrics["startup_ratio"] = round(app_s / bare_s, 2)
        # not in --quick: valgrind's two runs alone take half a minute
        instructions = instruction_ratio(app, shown_env, bare, env) if shutil.which("valgrind") and not self.quick else None
        self.metrics["ready_ms"] = round(statistics.median(ready_times) * 1000)
        self.details["startup"] = {
            "app_ms": round(app_s * 1000),
            "bare_ms": round(bare_s * 1000),
            "ready_ms": self.metrics["ready_ms"],
            "runs": runs,
            "app_all_ms": [round(t * 1000) for t in app_times],
            "bare_all_ms": [round(t * 1000) for t in bare_times],
            "ready_all_ms": [round(t * 1000) for t in ready_times],
            # the same ratio in instructions executed (valgrind): repeatable on a busy machine
            "instructions": instructions,
        }

    # open_ms, rss_mb ----------------------------------------------------------------------------
    def open_and_memory(self) -> None:
        db = self.work_copy(self.largest, "open")
        cmd = [
            sys.executable,
            str(HERE / "bench_gui.py"),
            "open",
            "--db",
            str(db),
            "--evaluation",
            self.largest["evaluation_id"],
            "--saves",
            str(self.reps(10, 5)),
        ]
        results = []
        for _ in range(self.reps(3, 1)):
            reset_preferences(self.home)
            _, child_rss, out = run_child(cmd, gui_env(self.home))
            report = json.loads(out.strip().splitlines()[-1])
            report["child_rss_mb"] = round(child_rss, 1)
            results.append(report)
        best = sorted(results, key=lambda r: r["open_ms"])[len(results) // 2]
        self.metrics["open_ms"] = round(best["open_ms"])
        self.metrics["rss_mb"] = round(max(r["rss_open_mb"] for r in results))
        self.metrics["rss_session_mb"] = round(max(r["child_rss_mb"] for r in results))
        # the worst step of each run, then the median over the runs (the event loop's lag probe)
        self.metrics["step_first_ms_max"] = round(statistics.median(max(r["steps_ms"].values()) for r in results))
        self.metrics["step_longest_gui_ms_max"] = round(
            statistics.median(max(r["steps_longest_gui_ms"].values()) for r in results)
        )
        saves = [r["gui_save_ms"]["p50"] for r in results if r.get("gui_save_ms")]
        self.metrics["gui_save_p50_ms"] = round(statistics.median(saves), 1) if saves else NA
        self.details["open"] = {
            "steps_ms": best["steps_ms"],
            # how long the window is frozen: GUI-thread time per screen, and its longest stretch
            **{k: best.get(k) for k in ("steps_gui_ms", "steps_longest_gui_ms", "referentiel_grid_ms", "referentiel_grid_longest_ms")},
            "runs_ms": [r["open_ms"] for r in results],
            "gui_save_ms": best.get("gui_save_ms"),
            "rss_open_mb": best.get("rss_open_mb"),
            "rss_after_step_mb": best.get("rss_after_step_mb"),
        }

    # save_p50_ms, save_p99_ms -------------------------------------------------------------------
    def save(self) -> None:
        from desktop_app.kit.forms import compile_tool, iter_fields

        db = self.work_copy(self.largest, "save")
        services = self.services(db)
        eid = self.largest["evaluation_id"]
        try:
            summary = services.evaluations.get(eid)
            kit = services.kits.get(summary.kit_id, summary.kit_version)
            responses = services.forms.find(eid)

            def text_key(tool_id: str) -> str | None:
                skip = {
                    "code_pseudonyme",
                    "type_contribution",
                    "nom_commune",
                    "code_insee",
                    "nom_structure",
                    "siret",
                }
                for f in iter_fields(compile_tool(kit, tool_id)):
                    if f.type in ("long_text", "text") and f.id not in skip and not f.show_if:
                        return f.id
                return None

            def first(pred) -> Any:
                return next((r for r in responses if pred(r)), None)

            targets: list[tuple[str, str, str, Callable]] = []  # (kind, response id or subject, key, saver)
            ref = first(lambda r: r.tool_id == "referentiel")
            if ref and text_key("referentiel"):
                targets.append(("referentiel", ref.id, text_key("referentiel"), services.forms.set_answer))
            workshop = first(lambda r: r.tool_id.startswith("guide-"))
            if workshop and text_key(workshop.tool_id):
                targets.append(
                    ("atelier", workshop.id, text_key(workshop.tool_id), services.forms.set_answer)
                )
            if area_available("questionnaires"):
                quest = first(lambda r: r.tool_id.startswith("questionnaire-"))
                if quest and text_key(quest.tool_id):
                    targets.append(
                        (
                            "questionnaire",
                            quest.id,
                            text_key(quest.tool_id),
                            services.questionnaires.set_answer,
                        )
                    )
            if area_available("fieldwork"):
                testimony = next(iter(services.terrain.testimonies(eid)), None)
                if testimony and text_key("fiche-temoignage"):
                    targets.append(
                        (
                            "temoignage",
                            testimony.id,
                            text_key("fiche-temoignage"),
                            services.terrain.set_testimony_answer,
                        )
                    )
            if not targets:
                raise BenchError("aucune fiche à modifier")
            n = self.reps(1200, 300)
            times: dict[str, list[float]] = {t[0]: [] for t in targets}
            for i in range(n + 20):
                kind, rid, key, saver = targets[i % len(targets)]
                value = f"Réponse saisie n°{i} : le comité de pilotage se réunit une fois par an."
                t0 = time.perf_counter_ns()
                saver(rid, key, value)
                elapsed = (time.perf_counter_ns() - t0) / 1e6
                if i >= 20:  # warm-up: caches, compiled forms, prepared statements
                    times[kind].append(elapsed)
            every = [t for ts in times.values() for t in ts]
            self.metrics["save_p50_ms"] = round(percentile(every, 0.50), 2)
            self.metrics["save_p99_ms"] = round(percentile(every, 0.99), 2)
            self.details["save"] = {
                "n": len(every),
                **{
                    k: {"p50": round(percentile(v, 0.5), 2), "p99": round(percentile(v, 0.99), 2)}
                    for k, v in times.items()
                },
            }
        finally:
            services.close()

    # exports: xlsx_ratio, pdf_ms_per_page, growth -------------------------------------------------
    def exports(self) -> None:
        growth = self.details.setdefault("growth", {})
        if not area_available("exports"):
            self.metrics["xlsx_ratio"] = NA
            self.metrics["pdf_ms_per_page"] = NA
            return
        times: dict[str, dict[int, float]] = {"xlsx": {}, "pdf": {}}
        pages = {}
        for entry in (self.smallest, self.largest):
            scale = entry["scale"]
            with_pdf = (
                not self.quick or entry is self.smallest
            )  # --quick: the PDF of the small evaluation only
            times["xlsx"][scale], pdf_s, page_count = self._export_times(entry, with_pdf)
            if with_pdf:
                times["pdf"][scale], pages[scale] = pdf_s, page_count
        big, small = self.largest["scale"], self.smallest["scale"]
        baseline = self.work / f"grilles-{big}.xlsx"
        _SHEETS_CACHE[baseline] = _sheets(baseline)  # reading is not part of the reference
        plain = median_time(lambda: write_only_copy(baseline, self.work / "plain.xlsx"), self.reps(3))
        self.metrics["xlsx_ratio"] = round(times["xlsx"][big] / plain, 2)
        pdf_scale = max(times["pdf"])
        self.metrics["pdf_ms_per_page"] = round(times["pdf"][pdf_scale] * 1000 / max(1, pages[pdf_scale]), 1)
        growth["xlsx_export"] = round(times["xlsx"][big] / times["xlsx"][small], 1)
        if small in times["pdf"] and big in times["pdf"]:
            growth["pdf_export"] = round(times["pdf"][big] / times["pdf"][small], 1)
        self.details["exports"] = {
            "xlsx_s": {str(k): round(v, 2) for k, v in times["xlsx"].items()},
            "openpyxl_write_only_s": round(plain, 2),
            "cells": count_cells(baseline),
            "pdf_s": {str(k): round(v, 2) for k, v in times["pdf"].items()},
            "pdf_pages": {str(k): v for k, v in pages.items()},
        }

    def _export_times(self, entry: dict, with_pdf: bool = True) -> tuple[float, float, int]:
        """Median seconds of the workbook and of the PDF for one evaluation, and the PDF's pages."""
        scale, eid = entry["scale"], entry["evaluation_id"]
        services = self.services(self.work_copy(entry, f"exports-{scale}"))
        xlsx, pdf = self.work / f"grilles-{scale}.xlsx", self.work / f"synthese-{scale}.pdf"
        results = []
        try:
            xlsx_s = median_time(lambda: services.exports.xlsx(eid, xlsx), self.reps(3))
            if not with_pdf:
                return xlsx_s, 0.0, 0
            pdf_s = median_time(lambda: results.append(services.exports.pdf(eid, pdf)), self.reps(3))
        finally:
            services.close()
        return xlsx_s, pdf_s, count_pages(pdf, results[-1].detail)

    # pdf_demo_s ---------------------------------------------------------------------------------
    def pdf_demo(self) -> None:
        """`evalkit export pdf` of the demo evaluation in a fresh process, as a user runs it:
        wall time from the command to the file written, median of 5 runs (3 in --quick), from
        bytecode (compiled first, as an installed copy runs). The demo is built afresh."""
        if not area_available("exports"):
            self.metrics["pdf_demo_s"] = NA
            return
        env = dict(os.environ, EVALKIT_HOME=str(self.work / "demo-home"))
        db, out = self.work / "demo.db", self.work / "demo.pdf"
        db.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "desktop_app")], cwd=ROOT, check=True)
        run_child([sys.executable, "-m", "desktop_app", "demo", "--db", str(db)], env)
        cmd = [sys.executable, "-m", "desktop_app", "export", "pdf", "--db", str(db), "--out", str(out), "--json"]
        walls, cpus, pages = [], [], 0
        for _ in range(self.reps(5, 3)):
            before = os.times()
            wall, _, stdout = run_child(cmd, env)
            after = os.times()
            walls.append(wall)
            cpus.append(after.children_user + after.children_system - before.children_user - before.children_system)
            pages = count_pages(out, json.loads(stdout).get("detail", ""))
        self.metrics["pdf_demo_s"] = round(statistics.median(walls), 2)
        self.details["pdf_demo"] = {
            "pages": pages,
            "wall_s": [round(t, 2) for t in walls],
            "cpu_s": [round(t, 2) for t in cpus],
            "cpu_median_s": round(statistics.median(cpus), 2),
        }

    # import_ratio, growth (bundles) --------------------------------------------------------------
    def bundles(self) -> None:
        growth = self.details.setdefault("growth", {})
        if not area_available("sync"):
            self.metrics["import_ratio"] = self.metrics["import_checks_ratio"] = NA
            return
        empty = self.work / "empty.db"
        self.services(empty).close()  # a migrated, empty database
        reps = self.reps(3)
        # growth: export then import one evaluation at scale 1 and at scale 100
        export_t, import_t = {}, {}
        for entry in (self.smallest, self.largest):
            scale = entry["scale"]
            out = self.work / f"scale-{scale}.evalkit"
            export_t[scale] = self._export_bundle_time(entry, out, reps)
            import_t[scale] = self._import_time([out], empty, reps)
        big, small = self.largest["scale"], self.smallest["scale"]
        growth["bundle_export"] = round(export_t[big] / export_t[small], 1)
        growth["bundle_import"] = round(import_t[big] / import_t[small], 1)
        # import_ratio: the resource centre receives N territories' bundles
        folder = self.data / "bundles"
        paths = sorted(folder.glob("*.evalkit")) if folder.is_dir() else []
        if not paths:
            self.metrics["import_ratio"] = self.metrics["import_checks_ratio"] = NA
            return
        reps = self.reps(9, 3)  # sub-second each, on a noisy machine: the medians of more runs
        # the application's import and the naive importer in turn, so that both meet the same
        # load of the machine (run one after the other, a change of load made the ratio swing)
        apps, naives = [], []
        for _ in range(reps):
            apps.append(self._import_time(paths, empty, 1))
            naives.append(self._naive_import_time(paths, empty, 1))
        app, naive = statistics.median(apps), statistics.median(naives)
        raw = self._raw_insert_time(paths, empty, reps)
        self.metrics["import_ratio"] = round(app / raw, 2)
        self.metrics["naive_import_ratio"] = round(naive / raw, 2)
        self.metrics["import_checks_ratio"] = round(app / naive, 2)
        self.details["bundles"] = {
            "territories": len(paths),
            "import_s": round(app, 3),
            "raw_sqlite3_s": round(raw, 3),
            "naive_import_s": round(naive, 3),
            "import_runs_s": [round(t, 3) for t in apps],
            "naive_import_runs_s": [round(t, 3) for t in naives],
            "rows": self._row_count,
            "export_s": {str(k): round(v, 3) for k, v in export_t.items()},
            "import_one_s": {str(k): round(v, 3) for k, v in import_t.items()},
        }

    def _export_bundle_time(self, entry: dict, out: Path, reps: int) -> float:
        services = self.services(self.work_copy(entry, f"bundle-{entry['scale']}"))
        try:
            return median_time(lambda: services.sync.export_bundle(entry["evaluation_id"], out), reps)
        finally:
            services.close()

    def _import_time(self, paths: list[Path], empty: Path, reps: int) -> float:
        times = []
        for i in range(reps):
            db = copy_db(empty, self.work / "received.db")
            att = self.work / f"received-att-{i}"
            shutil.rmtree(att, ignore_errors=True)
            services = self.services(db, att)
            try:
                times.append(timed(lambda services=services: services.sync.import_bundles(paths))[0])
            finally:
                services.close()
        return statistics.median(times)

    def _reference_connection(self, empty: Path, name: str) -> sqlite3.Connection:
        """A copy of the empty database opened by plain sqlite3, with the application's pragmas."""
        con = sqlite3.connect(str(copy_db(empty, self.work / name)), isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            con.execute(f"PRAGMA {pragma}")
        return con

    def _raw_insert_time(self, paths: list[Path], empty: Path, reps: int) -> float:
        statements = raw_rows(paths)
        self._row_count = sum(len(rows) for _, rows in statements)
        times = []
        for _ in range(reps):
            con = self._reference_connection(empty, "raw.db")
            t0 = time.perf_counter()
            con.execute("BEGIN")
            for sql, rows in statements:
                con.executemany(sql, rows)
            con.execute("COMMIT")
            times.append(time.perf_counter() - t0)
            con.close()
        return statistics.median(times)

    def _naive_import_time(self, paths: list[Path], empty: Path, reps: int) -> float:
        """For scale: the same bundles imported the naive way, trusting them (see the docstring)."""
        import zipfile

        import orjson

        from desktop_app.sync.records import synced_tables

        tables = [
            (st.name, st.column_names, f'INSERT INTO "{st.name}" ({", ".join(st.column_names)}) VALUES ({", ".join("?" * len(st.column_names))})')
            for st in synced_tables()
        ]

        def cell(v: Any) -> Any:
            return orjson.dumps(v).decode() if isinstance(v, (dict, list)) else v

        times = []
        for i in range(reps):
            con = self._reference_connection(empty, "naive.db")
            att = self.work / f"naive-att-{i}"
            shutil.rmtree(att, ignore_errors=True)
            att.mkdir()
            t0 = time.perf_counter()
            rows: dict[str, list[tuple]] = {}
            for path in paths:
                with zipfile.ZipFile(path) as zf:
                    present = set(zf.namelist())
                    for name, cols, _ in tables:
                        if f"records/{name}.json" in present:
                            records = orjson.loads(zf.read(f"records/{name}.json"))
                            rows.setdefault(name, []).extend(tuple(map(cell, map(r.get, cols))) for r in records)
                    # a trusting importer keeps the attachments too: each file written as it comes
                    for name in present:
                        if name.startswith("attachments/") and not name.endswith("/"):
                            target = att / name.split("/", 1)[1]
                            if not target.exists():
                                target.write_bytes(zf.read(name))
            con.execute("BEGIN")
            for name, _, sql in tables:
                if rows.get(name):
                    con.executemany(sql, rows[name])
            con.execute("COMMIT")
            times.append(time.perf_counter() - t0)
            con.close()
        return statistics.median(times)

    # consolidation_40_s ----------------------------------------------------------------------
    def consolidation(self) -> None:
        if not area_available("sync"):
            self.metrics["consolidation_40_s"] = NA
            return
        from generate import generate_territories

        folder = self.data / f"centre-{CENTRE_TERRITORIES}"
        stamp = folder / "fingerprint.txt"
        wanted = fingerprint(CENTRE_TERRITORIES)
        if not (stamp.is_file() and stamp.read_text().strip() == wanted):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            print(f" (génération de {CENTRE_TERRITORIES} territoires, une fois)", end="", flush=True)
            generate_territories(folder, CENTRE_TERRITORIES)
            stamp.write_text(wanted)
        paths = sorted((folder / "bundles").glob("*.evalkit"))
        empty = self.work / "centre-empty.db"
        self.services(empty).close()
        centre_db = copy_db(empty, self.work / "centre40.db")
        services = self.services(centre_db, self.work / "centre40-att")
        try:
            services.sync.import_bundles(paths)
            from desktop_app.exports.consolidation_files import write_pdf, write_xlsx
            from desktop_app.services.consolidation import consolidate

            parts: dict[str, list[float]] = {"consolidate": [], "pdf": [], "xlsx": []}
            totals = []
            for i in range(self.reps(3)):
                t_data, data = timed(lambda: consolidate(services))
                t_pdf, _ = timed(lambda data=data, i=i: write_pdf(data, self.work / f"centre-{i}.pdf"))
                t_xlsx, _ = timed(lambda data=data, i=i: write_xlsx(data, self.work / f"centre-{i}.xlsx"))
                parts["consolidate"].append(t_data)
                parts["pdf"].append(t_pdf)
                parts["xlsx"].append(t_xlsx)
                totals.append(t_data + t_pdf + t_xlsx)
            pages = count_pages(self.work / "centre-0.pdf", "consolidation")
        finally:
            services.close()
        self.metrics["consolidation_40_s"] = round(statistics.median(totals), 2)
        self.details["consolidation"] = {
            "territories": len(paths),
            **{f"{k}_s": round(statistics.median(v), 2) for k, v in parts.items()},
            "pdf_pages": pages,
        }

    def finish(self, ran: set[str]) -> None:
        growth = self.details.get("growth") or {}
        if growth:
            self.metrics["growth"] = max(growth.values())
        elif ran & {"exports", "bundles"} and "growth" not in self.metrics:
            self.metrics["growth"] = NA


def instruction_ratio(app: list[str], app_env: dict, bare: list[str], bare_env: dict) -> dict:
    """Instructions executed (valgrind callgrind) by the application until its window is shown
    and by the bare window: unlike wall time, the same whatever else the machine is doing."""
    import re

    def count(cmd: list[str], env: dict) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", *cmd],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
        found = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or not found:
            raise BenchError("valgrind n'a pas pu compter les instructions")
        return int(found.group(1))

    try:
        a, b = count(app, app_env), count(bare, bare_env)
    except (BenchError, subprocess.TimeoutExpired, OSError) as exc:
        return {"error": str(exc)}
    return {"app": a, "bare": b, "ratio": round(a / b, 3)}


def count_pages(pdf: Path, detail: str) -> int:
    first = (detail or "").split(" ")[0]
    if first.isdigit():
        return int(first)
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def _sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


_SHEETS_CACHE: dict[Path, list] = {}


def write_only_copy(src: Path, dst: Path) -> None:
    """The plain-library reference: openpyxl write-only writing the cells of `src` (read before)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, rows in _SHEETS_CACHE[src]:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(dst)


def count_cells(path: Path) -> int:
    return sum(
        sum(1 for v in row if v is not None)
        for _, rows in _SHEETS_CACHE.get(path) or _sheets(path)
        for row in rows
    )


def raw_rows(paths: list[Path]) -> list[tuple[str, list[tuple]]]:
    """INSERT statements and parameters for the records of the bundles, as SQLite stores them."""
    import datetime as dt

    from desktop_app.sync.bundle import read_bundle
    from desktop_app.sync.codec import decode_row
    from desktop_app.sync.records import synced_tables

    def sql_value(v: Any) -> Any:
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, dt.datetime):
            return str(v.astimezone(dt.UTC).replace(tzinfo=None) if v.tzinfo else v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, (dict, list)):
            return json.dumps(v, ensure_ascii=False)
        return v

    by_table: dict[str, list[dict]] = {}
    for path in paths:
        bundle = read_bundle(path)
        for table, rows in bundle.records.items():
            by_table.setdefault(table, []).extend(rows)
    out = []
    for st in synced_tables():
        rows = by_table.get(st.name)
        if not rows:
            continue
        cols = st.column_names
        decoded = [decode_row(st, r) for r in rows]
        sql = f'INSERT INTO "{st.name}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})'
        out.append((sql, [tuple(sql_value(d.get(c)) for c in cols) for d in decoded]))
    return out


# -- report -----------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} Go"
    except (OSError, ValueError, IndexError):
        pass
    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:
        qt = ""
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "memory": mem,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pyside6": qt,
    }


def verdict(name: str, value: Any) -> str:
    if name not in TARGETS:
        return ""
    if not isinstance(value, (int, float)):
        return "n/a"
    op, bound = TARGETS[name]
    ok = value <= bound if op == "<=" else value < bound
    return "OK" if ok else "MANQUÉ"


def print_table(metrics: dict[str, Any]) -> None:
    print()
    print(f"{'mesure':<24} {'valeur':>12}  {'cible':<9} {'':<7}")
    print("-" * 57)
    for name in ORDER:
        value = metrics.get(name, NA)
        target = f"{TARGETS[name][0]} {TARGETS[name][1]:g}" if name in TARGETS else ""
        if isinstance(value, (int, float)):
            shown = f"{value:g} {UNITS.get(name, '')}".strip()
            print(f"{name:<24} {shown:>12}  {target:<9} {verdict(name, value)}")
        else:
            print(f"{name:<24} {value}" + (f"  (cible {target})" if target else ""))
    print()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Mesures de performance d'EvalKit Quartiers.")
    p.add_argument(
        "--quick",
        action="store_true",
        help="moins de répétitions (moins d'une minute, données déjà générées)",
    )
    p.add_argument("--json", default=str(HERE / "results" / "latest.json"), help="fichier JSON des résultats")
    p.add_argument("--data", default=str(HERE / ".data"), help="dossier des données générées (réutilisées)")
    p.add_argument("--regenerate", action="store_true", help="régénérer les données")
    p.add_argument(
        "--territories",
        type=int,
        default=20,
        help="paquets de territoires importés par le centre de ressources",
    )
    p.add_argument(
        "--only", nargs="*", default=[], help="seulement ces groupes : startup open save exports pdf bundles consolidation"
    )
    args = p.parse_args(argv)

    if args.quick:  # linear growth, 10× the data instead of 100×
        TARGETS["growth"] = ("<=", 1.2 * QUICK_LARGE)
    data = Path(args.data).resolve()
    os.environ["EVALKIT_HOME"] = str(data / "home")
    manifest = ensure_data(data, args.territories, args.regenerate)
    load_before = os.getloadavg()
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        bench = Bench(data, manifest, args.quick, Path(tmp))
        groups = {
            "startup": (bench.startup, ("startup_ratio", "ready_ms")),
            "open": (
                bench.open_and_memory,
                ("open_ms", "rss_mb", "rss_session_mb", "step_first_ms_max", "step_longest_gui_ms_max", "gui_save_p50_ms"),
            ),
            "save": (bench.save, ("save_p50_ms", "save_p99_ms")),
            "exports": (bench.exports, ("xlsx_ratio", "pdf_ms_per_page")),
            "pdf": (bench.pdf_demo, ("pdf_demo_s",)),
            "bundles": (bench.bundles, ("import_ratio", "naive_import_ratio", "import_checks_ratio")),
            "consolidation": (bench.consolidation, ("consolidation_40_s",)),
        }
        errors = {}
        ran = set()
        for name, (fn, produces) in groups.items():
            if args.only and name not in args.only:
                continue
            ran.add(name)
            t0 = time.perf_counter()
            print(f"… {name}", end="", flush=True)
            try:
                fn()
            except Exception as exc:  # a broken area must not hide the other figures
                errors[name] = f"{exc.__class__.__name__}: {exc}"
                for metric in produces:
                    bench.metrics.setdefault(metric, f"erreur ({exc.__class__.__name__})")
            print(f" {time.perf_counter() - t0:.1f} s", flush=True)
        bench.finish(ran)
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "quick": args.quick,
        "scales": {"small": bench.smallest["scale"], "large": bench.largest["scale"]},
        "seconds": round(time.perf_counter() - t_start, 1),
        "machine": {
            **machine(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "metrics": {k: bench.metrics.get(k, "non mesuré") for k in ORDER},
        "targets": {k: f"{op} {bound:g}" for k, (op, bound) in TARGETS.items()},
        "verdicts": {k: verdict(k, bench.metrics.get(k)) for k in TARGETS},
        "details": bench.details,
        "data": {
            k: {
                "scale": v.get("scale"),
                "form_responses": v.get("form_responses"),
                "bytes": v.get("bytes"),
                "areas": {a: s.get("status") for a, s in v.get("areas", {}).items()},
            }
            for k, v in manifest.get("scales", {}).items()
        },
        "errors": errors,
    }
    print_table(result["metrics"])
    for name, message in errors.items():
        print(f"erreur dans « {name} » : {message}", file=sys.stderr)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    print(f"Résultats : {out} ({result['seconds']} s)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
