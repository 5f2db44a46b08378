"""Fieldwork commands: `evalkit export fieldwork` (the Excel workbook of the Ateliers and Terrain
steps, consent honoured) and `evalkit import engagements` (a list of the contract's commitments)."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    p = groups["export"].add_parser(
        "fieldwork", help="ateliers, immersions, témoignages (avec accord) et engagements vers Excel"
    )
    p.add_argument("--db", required=True, help="fichier de base de données")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (facultatif s'il n'y en a qu'une)")
    p.add_argument("--out", required=True, metavar="FICHIER.xlsx", help="classeur à écrire")
    p.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    p.set_defaults(func=cmd_export)

    p = groups["import"].add_parser(
        "engagements", help="importer la liste des engagements du contrat (.xlsx, .csv)"
    )
    p.add_argument("file", metavar="FICHIER", help="liste des engagements (.xlsx ou .csv)")
    p.add_argument("--db", required=True, help="fichier de base de données")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (facultatif s'il n'y en a qu'une)")
    p.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    p.set_defaults(func=cmd_import)


def cmd_export(args) -> int:
    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        summary = services.terrain.export_workbook(eid, Path(args.out))
    finally:
        services.close()
    if args.json:
        print_json(
            {
                "ok": True,
                "file": str(summary.path),
                "sheets": summary.sheets,
                "left_out": summary.left_out,
                "masked": summary.masked,
            }
        )
    else:
        print(summary.text())
    return 0


def cmd_import(args) -> int:
    from desktop_app.services.input_files import check_spreadsheet

    check_spreadsheet(args.file, xls_readable=True)  # a folder, a device, a pipe, a file too big: refused unread
    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        report = services.commitments.import_commitments(eid, Path(args.file))
        total = services.commitments.commitment_summary(eid)
    finally:
        services.close()
    if args.json:
        print_json({"ok": True, "added": report.added, "updated": report.updated, "total": total.total})
    else:
        print(report.text(), file=sys.stdout)
        print(total.text())
    return 0
