"""`evalkit kit import-xlsform` / `evalkit kit export-xlsform`: XLSForm (KoboToolbox, ODK) in and out.

    evalkit kit import-xlsform FICHIER.xlsx|.xls --out DOSSIER [--id ID] [--force] [--json]
    evalkit kit export-xlsform ID --out FICHIER.xlsx [--kit DOSSIER] [--json]
    evalkit questionnaire import-kobo FICHIER.xlsx|.csv --db D --tool ID [--evaluation E] [--json]

`import-xlsform` writes DOSSIER/<id>.yaml (a kit questionnaire) and prints the French report of
what could not be taken over, row by row; a form with no question left is refused (exit 1,
nothing written). `export-xlsform` writes a kit questionnaire as an XLSForm checked by pyxform.
`import-kobo` imports the submissions of a KoboToolbox / ODK export (services/kobo_import.py);
it exits with 1 when a row is refused (the other rows are imported, re-importing changes nothing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.commands.util import UserError, print_json


def register(groups) -> None:
    kit = groups.get("kit")
    if kit is None:
        return
    i = kit.add_parser("import-xlsform", help="convertir un formulaire XLSForm (KoboToolbox, ODK) en questionnaire du kit")
    i.add_argument("file", metavar="FICHIER", help="formulaire XLSForm (.xlsx ou .xls)")
    i.add_argument("--out", required=True, metavar="DOSSIER", help="dossier où écrire l'outil (<id>.yaml)")
    i.add_argument("--id", help="identifiant de l'outil (par défaut : form_id du formulaire)")
    i.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe déjà")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_import_xlsform)

    add_export_parser(kit, "export-xlsform")


def add_export_parser(sub, name: str) -> None:
    """`evalkit kit export-xlsform` and `evalkit questionnaire xlsform`: one command, two names."""
    e = sub.add_parser(name, help="écrire un questionnaire du kit au format XLSForm (KoboToolbox, ODK Central)")
    e.add_argument("tool", metavar="ID", help="identifiant du questionnaire (voir evalkit kit check)")
    e.add_argument("--out", required=True, metavar="FICHIER.xlsx")
    e.add_argument("--kit", metavar="DOSSIER", help="dossier du kit (par défaut : le kit fourni)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_export_xlsform)


def add_kobo_parser(sub) -> None:
    """`evalkit questionnaire import-kobo` (called by commands/questionnaires.py)."""
    k = sub.add_parser("import-kobo", help="importer les soumissions d'un export KoboToolbox ou ODK Central (.xlsx, .csv)")
    k.add_argument("file", metavar="FICHIER")
    k.add_argument("--db", required=True)
    k.add_argument("--evaluation")
    k.add_argument("--tool", required=True, metavar="ID", help="questionnaire du kit auquel les soumissions répondent")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_import_kobo)


def cmd_import_kobo(args: argparse.Namespace) -> int:
    from desktop_app.commands.util import open_services, resolve_evaluation
    from desktop_app.services.kobo_import import KoboImportService

    services = open_services(args.db)
    try:
        evaluation_id = resolve_evaluation(services, args.evaluation)
        result = KoboImportService(services).import_file(evaluation_id, args.tool, Path(args.file))
    finally:
        services.close()
    if args.json:
        print_json(result.to_json())
    else:
        print(result.summary())
        if result.ignored_columns:
            print("Colonnes ignorées (aucune question du questionnaire) : " + ", ".join(result.ignored_columns))
        for row in result.rows:
            if row.outcome != "refused":
                print(f"  {row.text()}")
    for row in result.rows:
        if row.outcome == "refused":
            print(f"Refusée : {row.text()}", file=sys.stderr)
    if result.refused:
        print(
            f"Erreur : {result.refused} soumission(s) refusée(s), rien n'a été enregistré pour elles ; "
            "corrigez-les sur le serveur ou dans l'export, puis importez de nouveau.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_import_xlsform(args: argparse.Namespace) -> int:
    from desktop_app.kit.xlsform import XlsFormError, import_xlsform

    try:
        result = import_xlsform(Path(args.file), Path(args.out), tool_id=args.id, replace=args.force)
    except XlsFormError as exc:
        if args.json:
            print_json({"ok": False, "error": str(exc)})
        raise UserError(str(exc)) from None
    if args.json:
        print_json(result.to_json())
    else:
        print("\n".join(result.text_report()))
    return 0


def cmd_export_xlsform(args: argparse.Namespace) -> int:
    from desktop_app import paths
    from desktop_app.kit.loader import KitError, load_folder
    from desktop_app.kit.xlsform_export import XlsFormExportError, export_xlsform

    folder = Path(args.kit) if args.kit else paths.forms_dir()
    try:
        kit = load_folder(folder)
        summary = export_xlsform(kit, args.tool, Path(args.out))
    except KitError as exc:
        raise UserError(f"le kit « {folder} » n'est pas valide :\n" + "\n".join(str(p) for p in exc.problems)) from None
    except XlsFormExportError as exc:
        if args.json:
            print_json({"ok": False, "error": str(exc)})
        raise UserError(str(exc)) from None
    if args.json:
        print_json(summary.to_json())
        return 0
    print(
        f"Questionnaire « {summary.tool_id} » écrit au format XLSForm : {summary.path} "
        f"({summary.questions} questions, {summary.choice_lists} listes de choix)."
    )
    for warning in summary.warnings:
        print(f"Attention : {warning}", file=sys.stderr)
    return 0
