"""Commands of the actions structurantes step.

    evalkit import actions FICHIER --db BASE [--evaluation ID] [--json]
    evalkit export actions SORTIE.xlsx --db BASE [--evaluation ID] [--json]

The import prints `{"imported": n, "updated": n, "skipped": n, "errors": [...]}` with `--json`.
A file that cannot be imported (not a spreadsheet, empty, no recognisable header) exits 1 with a
French message and imports nothing.
"""

from __future__ import annotations

import sys

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    p = groups["import"].add_parser(
        "actions", help="importer la programmation du contrat de ville (.xlsx ou .csv)",
        description="Importe les actions de la programmation : en-têtes détectés, colonnes reconnues, "
        "lignes de total et intertitres écartés. Réimporter un fichier met à jour sans dupliquer.",
    )
    p.add_argument("file", metavar="FICHIER", help="programmation au format .xlsx ou .csv")
    p.add_argument("--db", required=True, help="fichier de base de données")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    p.set_defaults(func=cmd_import)

    e = groups["export"].add_parser("actions", help="exporter l'étape Actions structurantes en Excel")
    e.add_argument("output", metavar="SORTIE.xlsx")
    e.add_argument("--db", required=True, help="fichier de base de données")
    e.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    e.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    e.set_defaults(func=cmd_export)


def cmd_import(args) -> int:
    from desktop_app.services.base import ServiceError
    from desktop_app.services.input_files import check_spreadsheet

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        try:
            check_spreadsheet(args.file)  # a folder, a device, a pipe, a file too big: refused unread
            report = services.actions.import_file(eid, args.file)
        except ServiceError as exc:
            if args.json:
                print_json({"imported": 0, "updated": 0, "skipped": 0, "errors": [str(exc)]})
            raise
    finally:
        services.close()
    if args.json:
        print_json(report.as_json())
        return 0
    print(report.summary())
    for line in report.errors[:40]:
        print(f"  {line}")
    if len(report.errors) > 40:
        print(f"  … et {len(report.errors) - 40} autre(s) remarque(s) (voir --json).")
    sys.stdout.flush()
    return 0


def cmd_export(args) -> int:
    from desktop_app.exports.actions_xlsx import export_actions

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        path = export_actions(services, eid, args.output)
    finally:
        services.close()
    if args.json:
        print_json({"path": str(path)})
    else:
        print(path)
    return 0
