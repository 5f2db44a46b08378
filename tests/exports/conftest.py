"""The demo evaluation for the export tests (a copy of the session's demo, shared by the module's
tests), in its own data folder; plus helpers to read PDFs with poppler-utils (installed by the Makefile)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_services(tmp_path_factory, demo_template):
    from db_templates import copy_demo, evalkit_home

    from desktop_app.services.app_services import Services

    home = tmp_path_factory.mktemp("demo-home")
    with evalkit_home(home):
        eid = copy_demo(demo_template, home / "demo.db", home / "pieces-jointes")
        services = Services.open(home / "demo.db", attachments_dir=home / "pieces-jointes")
        yield services, eid
        services.close()


@pytest.fixture(scope="session")
def demo_workbook(demo_services, tmp_path_factory):
    """The demo's workbook, exported once for the modules that read it: (path, export result)."""
    from datetime import date

    services, eid = demo_services
    out = tmp_path_factory.mktemp("xlsx") / "grilles.xlsx"
    return out, services.exports.xlsx(eid, out, today=date(2026, 12, 10))


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} est introuvable : installez poppler-utils (make system-deps).")
    return path


def pdf_text(path: Path, layout: bool = False, first: int | None = None, last: int | None = None) -> str:
    args = [poppler("pdftotext")]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_pages(path: Path) -> int:
    out = subprocess.run([poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def flat(text: str) -> str:
    """Text with every kind of space and line break collapsed (PDF lines wrap anywhere)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
