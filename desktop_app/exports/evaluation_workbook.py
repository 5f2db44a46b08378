"""The filled-in grids as one Excel workbook: a contents sheet, the Cadrage, one sheet per tool in
the evaluation's scope (and the référentiel's matrix), streamed sheet by sheet. The entry point of
the workbook export; the sheet writer and its style are in `evaluation_xlsx`, the sheets in
`evaluation_xlsx_sheets`. It writes the plain data the services gathered (`ReportData`, from
`services.report_data.gather(…, pdf=False)`) and never reads the services.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from desktop_app.exports import evaluation_xlsx_sheets as sheets
from desktop_app.exports.evaluation_xlsx import sheet_name
from desktop_app.exports.pdf_report import ReportContext
from desktop_app.exports.report_data import ReportData
from desktop_app.exports.safe_output import as_progress, atomic_output


def build_workbook(data: ReportData, out: str | Path, progress: Any = None, today: dt.date | None = None) -> dict:
    """Write the workbook to `out` (atomically). Returns {"sheets": [names]}."""
    progress = as_progress(progress)
    ctx = ReportContext(data, today or dt.date.today(), progress)
    tools = [t for t in ctx.kit.tools if t in ctx.scope]
    total = len(tools) + 4
    ctx.total = total
    progress.report(0, total, "Préparation du classeur…")
    wb = Workbook(write_only=True)  # each sheet streams its rows when it is finished
    used: set[str] = set()
    footer = f"Évaluation du contrat de ville — {ctx.territory}"
    contents = wb.create_sheet(sheet_name("Sommaire", used))  # first sheet, written last
    entries: list[tuple[str, str, str]] = []
    try:
        ws = wb.create_sheet(sheet_name("Cadrage", used))
        sheets.cadrage_sheet(ws, ctx, footer)
        entries.append((ws.title, "Cadrage", "Territoire, quartiers, partenaires, équipe et calendrier"))
        progress.report(1, total, "Cadrage")
        for i, tool_id in enumerate(tools, start=2):
            tool = ctx.kit.tool(tool_id)
            ctx.done = i
            progress.report(i, total, f"Grille : {tool.short_title or tool.title}")
            ws = wb.create_sheet(sheet_name(tool.short_title or tool.title, used))
            sheets.tool_sheet(ws, ctx, tool, footer)
            entries.append((ws.title, (f"Outil {tool.number} — " if tool.number else "") + tool.title, sheets.kind_label(tool.kind)))
            if tool.role == "referential":
                ws = wb.create_sheet(sheet_name("Matrice du référentiel", used))
                sheets.matrix_sheet(ws, ctx, footer)
                entries.append((ws.title, "Matrice des appréciations du référentiel", "Vue d'ensemble colorée"))
        progress.report(total - 2, total, "Sommaire")
        sheets.contents_sheet(contents, ctx, entries, footer)
        progress.report(total - 1, total, "Enregistrement…")
        wb.properties.title = f"Grilles remplies — {ctx.territory}"
        wb.properties.creator = "EvalKit Quartiers"
        with atomic_output(out) as tmp:
            wb.save(tmp)
    finally:
        _remove_sheet_files(wb)
    progress.report(total, total, "Classeur terminé")
    return {"sheets": [e[0] for e in entries]}


def _remove_sheet_files(wb) -> None:
    """The temporary files of the streamed sheets (openpyxl removes them once saved; not when the
    export stops before, e.g. cancelled)."""
    import os

    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None or not isinstance(writer.out, str) or not os.path.exists(writer.out):
            continue
        try:
            writer.close()
        except Exception:  # noqa: BLE001 - a half-written stream; the file goes anyway
            pass
        try:
            os.remove(writer.out)
        except OSError:
            pass

