"""Commands of the actions structurantes step.

    evalkit import actions FICHIER --db BASE [--evaluation ID] [--sheet FEUILLE] [--header-row N]
                           [--map champ=colonne ...] [--dry-run] [--json]
    evalkit export actions --db BASE [--evaluation ID] --out SORTIE.xlsx [--json]

The import accounts for every data row of the file: imported, updated (already known: same key),
merged (one row per funder) or left out with its reason and amount, so that
amount_imported + amount_left_out == amount_file to the cent. `--json` prints header_row, sheet,
mapping, sections, totals_rows, rows_read, imported, updated, merged, skipped, amount_file,
amount_imported, amount_left_out (euros, as numbers), left_out [{sheet, row, reason, amount}],
warnings and remarks; on failure it prints {"error": "..."} too. A file that cannot be imported
exits 1 with a French message and imports nothing.
"""

from __future__ import annotations

import sys

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    p = groups["import"].add_parser(
        "actions", help="importer la programmation du contrat de ville (.xlsx, .xls, .ods, .csv, .txt)",
        description="Importe les actions de la programmation (ou un tableau de subventions au format SCDL) : "
        "en-têtes détectés, colonnes reconnues, lignes de total et intertitres reconnus. Chaque ligne est "
        "importée, mise à jour ou écartée avec sa raison et son montant ; le rapprochement des montants est "
        "affiché. Réimporter le même fichier ne change rien : une ligne est reconnue par son n° de dossier, "
        "sinon par son intitulé, son porteur, son année et ses quartiers. Un fichier de plus de 100 000 "
        "lignes remplies est refusé.",
    )
    p.add_argument("file", metavar="FICHIER", help="programmation (.xlsx, .xlsm, .xls, .ods, .csv ou .txt)")
    p.add_argument("--sheet", metavar="FEUILLE", help="n'importer que cette feuille du classeur")
    p.add_argument("--header-row", type=int, metavar="N", help="numéro de la ligne d'en-tête (comme dans le tableur)")
    p.add_argument("--map", action="append", default=[], metavar="CHAMP=COLONNE",
                   help="imposer ce que contient une colonne (nom ou lettre), par ex. porteur=\"Qui porte ?\" "
                   "ou montant=F ; champs : intitule, porteur, siret, pilier, quartiers, dossier, annee, montant, "
                   "sollicite, financeur, ignorer… (répétable)")
    p.add_argument("--dry-run", action="store_true", help="tout calculer sans rien enregistrer")
    p.add_argument("--restore-deleted", action="store_true",
                   help="réimporter aussi les actions supprimées dans l'application (sinon leurs lignes sont "
                   "écartées, avec leur montant)")
    p.add_argument("--db", required=True, help="fichier de base de données")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    p.set_defaults(func=cmd_import)

    e = groups["export"].add_parser("actions", help="exporter l'étape Actions structurantes en Excel")
    # --out as every other export (README); the positional form of earlier versions still works
    e.add_argument("output", metavar="SORTIE.xlsx", nargs="?")
    e.add_argument("--out", dest="out", metavar="FICHIER.xlsx")
    e.add_argument("--db", required=True, help="fichier de base de données")
    e.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    e.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    e.set_defaults(func=cmd_export)


def cmd_import(args) -> int:
    from desktop_app.services.actions_import import adjust_plans, format_euros
    from desktop_app.services.base import ServiceError

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        try:
            plans = None
            if args.sheet is not None or args.header_row is not None or args.map:
                preview = services.actions.preview(args.file, require_header=args.header_row is None)
                plans = adjust_plans(preview, args.sheet, args.header_row, args.map)
            report = services.actions.import_file(eid, args.file, plans, dry_run=args.dry_run,
                                                  restore_deleted=args.restore_deleted)
        except ServiceError as exc:
            if args.json:
                print_json({"error": str(exc), "imported": 0, "updated": 0, "skipped": 0})
            raise
    finally:
        services.close()
    if args.json:
        print_json(report.as_json())
        return 0
    if args.dry_run:
        print("Simulation : rien n'a été enregistré.")
    print(report.summary())
    if report.restored:
        print(f"{report.restored} ligne(s) d'actions supprimées dans l'application réimportée(s).")
    elif report.deleted_rows:
        print(f"{report.deleted_rows} ligne(s) d'actions supprimées dans l'application non réimportée(s) "
              "(--restore-deleted pour les réimporter).")
    for line in report.warnings:
        print(f"⚠ {line}")
    if report.left_out:
        print(f"Lignes écartées ({len(report.left_out)}) :")
        for o in report.left_out[:40]:
            amount = f" — {format_euros(o.amount)}" if o.amount else ""
            print(f"  ligne {o.row} : {o.reason}{amount}")
        if len(report.left_out) > 40:
            print(f"  … et {len(report.left_out) - 40} autre(s) (voir --json).")
    remarks = [line for line in report.errors if "ligne de total" not in line and "intertitre" not in line]
    for line in remarks[:40]:
        print(f"  {line}")
    if len(remarks) > 40:
        print(f"  … et {len(remarks) - 40} autre(s) remarque(s) (voir --json).")
    sys.stdout.flush()
    return 0


def cmd_export(args) -> int:
    from desktop_app.commands.util import UserError

    target = args.out or args.output
    if not target or (args.out and args.output):
        raise UserError("Indiquez le fichier à écrire, une seule fois : --out FICHIER.xlsx.")
    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        path = services.actions.export_workbook(eid, target)
    finally:
        services.close()
    if args.json:
        print_json({"path": str(path)})
    else:
        print(path)
    return 0
