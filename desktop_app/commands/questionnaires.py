"""`evalkit questionnaire …`: Excel templates, import of filled files, export of the responses.

    evalkit questionnaire template ID --db D [--evaluation E] --out FICHIER.xlsx [--respondent CODE]
    evalkit questionnaire template ID --db D --per-invitee --out DOSSIER
    evalkit questionnaire import FICHIER... --db D [--evaluation E] [--questionnaire ID] [--partial]
    evalkit questionnaire export --db D --out FICHIER.xlsx [--questionnaire ID] [--labels|--codes]

`import` prints one line per file (importé / mis à jour / refusé, with the reasons and the
per-cell messages; a refused file's lines go to stderr) and exits with 1 when any file is refused,
with or without --json. A respondent's file replaces the response they already had (the response
replaced is named), unless --keep-both is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    root = groups["root"]
    q = root.add_parser("questionnaire", help="questionnaires aux communes et aux associations (Excel)")
    sub = q.add_subparsers(dest="questionnaire_command", required=True, parser_class=type(q))

    t = sub.add_parser("template", help="générer le fichier Excel à remplir d'un questionnaire")
    t.add_argument("id", metavar="ID", help="identifiant du questionnaire (ex. questionnaire-communes)")
    t.add_argument("--db", required=True)
    t.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    t.add_argument("--out", required=True, metavar="FICHIER.xlsx", help="fichier à écrire (un dossier avec --per-invitee)")
    t.add_argument("--respondent", metavar="CODE_OU_NOM", help="pré-remplir l'identité d'un répondant invité")
    t.add_argument("--per-invitee", action="store_true", help="un fichier pré-rempli par répondant invité, dans le dossier --out")
    t.add_argument("--deadline", metavar="JJ/MM/AAAA", default="", help="date limite de retour indiquée dans le fichier")
    t.add_argument("--return-to", default="", metavar="ADRESSE", help="à qui renvoyer le fichier")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_template)

    i = sub.add_parser("import", help="importer des questionnaires remplis (un ou plusieurs fichiers .xlsx)")
    i.add_argument("files", nargs="+", metavar="FICHIER")
    i.add_argument("--db", required=True)
    i.add_argument("--evaluation")
    i.add_argument("--questionnaire", metavar="ID", help="refuser les fichiers d'un autre questionnaire")
    i.add_argument("--partial", action="store_true",
                   help="importer les réponses valides des fichiers qui comportent des erreurs")
    i.add_argument("--keep-both", action="store_true",
                   help="si le répondant a déjà une réponse, en créer une seconde (doublon à trancher dans "
                   "l'application) au lieu de la remplacer")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_import)

    from desktop_app.commands.xlsform import add_export_parser

    add_export_parser(sub, "xlsform")

    e = sub.add_parser("export", help="exporter toutes les réponses dans un classeur Excel")
    e.add_argument("--db", required=True)
    e.add_argument("--evaluation")
    e.add_argument("--out", required=True, metavar="FICHIER.xlsx")
    e.add_argument("--questionnaire", action="append", metavar="ID", help="limiter à ce questionnaire (répétable)")
    e.add_argument("--with-personal-data", action="store_true", help="inclure les réponses signalées comme données personnelles")
    shown = e.add_mutually_exclusive_group()
    shown.add_argument("--labels", dest="labels", action="store_true", default=True,
                       help="réponses en libellés, en-têtes en clair (par défaut)")
    shown.add_argument("--codes", dest="labels", action="store_false",
                       help="réponses en codes, en-têtes = identifiants des questions (comme KoboToolbox / ODK)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_export)

    from desktop_app.commands.xlsform import add_kobo_parser  # KoboToolbox / ODK submissions

    add_kobo_parser(sub)


def _questionnaire(services, evaluation_id: str, tool_id: str):
    from desktop_app.commands.util import UserError

    known = services.questionnaires.questionnaires(evaluation_id)
    for info in known:
        if info.tool_id == tool_id:
            return info
    names = ", ".join(i.tool_id for i in known) or "aucun"
    raise UserError(f"Questionnaire inconnu : « {tool_id} ». Questionnaires du kit : {names}.")


def _find_invitee(services, evaluation_id: str, kind: str, wanted: str):
    from desktop_app.commands.util import UserError
    from desktop_app.core.questionnaire_respondents import clean_code, normalise_name

    invitees = services.questionnaires.invitees(evaluation_id, kind)
    code = clean_code(kind, wanted)
    for inv in invitees:
        if (code and inv.code == code) or normalise_name(inv.name) == normalise_name(wanted):
            return inv
    raise UserError(f"« {wanted} » ne figure pas parmi les répondants invités ({len(invitees)} invité(s)).")


def cmd_template(args: argparse.Namespace) -> int:
    from desktop_app.commands.util import UserError

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        info = _questionnaire(services, eid, args.id)
        out = Path(args.out)
        if args.per_invitee:
            invitees = services.questionnaires.invitees(eid, info.respondent_type)
            if not invitees:
                raise UserError("Aucun répondant invité : ajoutez-en dans l'application (onglet « Diffusion Excel »).")
            if out.suffix.lower() == ".xlsx":
                raise UserError("Avec --per-invitee, --out est un dossier.")
            paths = services.exports.questionnaire_templates(eid, info.tool_id, out, [i.respondent for i in invitees],
                                                             deadline=args.deadline, return_to=args.return_to)
        else:
            if out.suffix.lower() != ".xlsx":
                raise UserError("Le fichier à écrire doit avoir l'extension .xlsx.")
            respondent = None
            if args.respondent:
                respondent = _find_invitee(services, eid, info.respondent_type, args.respondent).respondent
            try:
                paths = [services.exports.questionnaire_template(eid, info.tool_id, out, respondent,
                                                                 deadline=args.deadline, return_to=args.return_to)]
            except OSError as exc:
                raise UserError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
    finally:
        services.close()
    if args.json:
        print_json({"questionnaire": info.tool_id, "files": [str(p) for p in paths]})
    else:
        for p in paths:
            print(p)
    return 0


_MARKS = {"imported": "✔ importé", "updated": "↻ mis à jour", "refused": "✘ refusé"}


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.services.kobo_import import is_submissions_export

    kobo = [f for f in args.files if is_submissions_export(f)]
    if kobo:
        return _import_submissions(args, kobo)
    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        if args.questionnaire:
            _questionnaire(services, eid, args.questionnaire)
        outcomes = services.questionnaires.import_files(
            eid, [Path(f) for f in args.files], partial=args.partial, expected_tool=args.questionnaire,
            keep_both=args.keep_both,
        )
    finally:
        services.close()
    counts = {k: sum(1 for o in outcomes if o.status == k) for k in ("imported", "updated", "refused")}
    if args.json:
        print_json({
            "files": [
                {
                    "file": o.file_name, "status": o.status, "questionnaire": o.tool_title, "respondent": o.respondent,
                    "response_id": o.response_id, "partial": o.partial, "unchanged": o.unchanged,
                    "duplicate": o.duplicate, "replaced": o.replaced, "reason": o.reason, "errors": list(o.errors),
                    "warnings": list(o.warnings), "notes": list(o.notes),
                }
                for o in outcomes
            ],
            **counts,
        })
    else:
        for o in outcomes:
            stream = sys.stderr if o.status == "refused" else sys.stdout
            label = _MARKS[o.status] + (" (réponses valides seulement)" if o.partial else "")
            label += " (aucun changement)" if o.unchanged else ""
            who = f" — {o.respondent}" if o.respondent else ""
            print(f"{label} : {o.file_name}{who}", file=stream)
            if o.reason:
                print(f"    {o.reason}", file=stream)
            if o.replaced:
                print(f"    remplace {o.replaced}.", file=stream)
            for message in o.errors:
                print(f"    erreur : {message}", file=stream)
            for message in o.warnings:
                print(f"    attention : {message}", file=stream)
            if o.duplicate:
                print("    attention : ce répondant avait déjà une réponse ; choisissez celle à conserver dans l'onglet « Réponses ».",
                      file=stream)
        n = len(outcomes)
        print(f"{n} fichier{'s' if n > 1 else ''} : {counts['imported']} importé(s), {counts['updated']} mis à jour, "
              f"{counts['refused']} refusé(s).")
    return 1 if counts["refused"] else 0


def _import_submissions(args: argparse.Namespace, kobo: list[str]) -> int:
    """KoboToolbox / ODK Central exports given to `questionnaire import`: each submission becomes
    a response of the questionnaire its columns name (or of --questionnaire)."""
    from desktop_app.commands.util import UserError
    from desktop_app.commands.xlsform import cmd_import_kobo
    from desktop_app.services.kobo_import import KoboImportService

    if len(kobo) != len(args.files):
        raise UserError(
            "Importez les exports KoboToolbox / ODK Central séparément des questionnaires Excel "
            f"({', '.join(Path(f).name for f in kobo)}) : une commande pour chaque sorte de fichier."
        )
    status = 0
    for name in kobo:
        tool = args.questionnaire
        if not tool:
            services = open_services(args.db)
            try:
                tool = KoboImportService(services).guess_tool(resolve_evaluation(services, args.evaluation), Path(name))
            finally:
                services.close()
            if tool is None:
                raise UserError(
                    f"« {Path(name).name} » est un export KoboToolbox / ODK, mais aucune de ses colonnes n'est une "
                    "question d'un questionnaire de l'évaluation : indiquez lequel avec --questionnaire ID."
                )
        status = max(status, cmd_import_kobo(argparse.Namespace(
            file=name, db=args.db, evaluation=args.evaluation, tool=tool, json=args.json)))
    return status


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.commands.util import UserError

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        for tool_id in args.questionnaire or []:
            _questionnaire(services, eid, tool_id)
        out = Path(args.out)
        if out.suffix.lower() != ".xlsx":
            raise UserError("Le fichier à écrire doit avoir l'extension .xlsx.")
        try:
            path = services.exports.questionnaire_responses(eid, out, args.questionnaire,
                                                            include_sensitive=args.with_personal_data, labels=args.labels)
        except OSError as exc:
            raise UserError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
        responses = sum(len(services.questionnaires.responses(eid, i.tool_id))
                        for i in services.questionnaires.questionnaires(eid)
                        if not args.questionnaire or i.tool_id in args.questionnaire)
    finally:
        services.close()
    if args.json:
        print_json({"file": str(path), "responses": responses})
    else:
        print(path)
    return 0
