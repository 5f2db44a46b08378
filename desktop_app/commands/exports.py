"""The deliverables from the command line.

    evalkit export pdf --db BASE [--evaluation ID] --out SYNTHESE.pdf [--json]
    evalkit export xlsx --db BASE [--evaluation ID] --out GRILLES.xlsx [--json]
    evalkit export letters --db BASE [--evaluation ID] --out DOSSIER|COURRIERS.docx|COURRIERS.pdf
                           [--format docx|pdf] [--force] [--json]

A letter inviting to an atelier already past (or asking for documents by a past deadline) is
refused (exit 1) unless `--force` confirms it; the forced export lists it in `warnings`.

`--json` prints `{"kind", "files", "detail", "warnings"}`. Progress goes to stderr unless
`--json` or `--quiet` is given.
"""

from __future__ import annotations

import sys

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def _common(p) -> None:
    p.add_argument("--db", required=True, help="fichier de base de données")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--json", action="store_true", help="afficher le résultat en JSON")
    p.add_argument("--quiet", action="store_true", help="ne pas afficher la progression")


def register(groups) -> None:
    export = groups["export"]
    p = export.add_parser("pdf", help="la synthèse de l'évaluation en PDF", description="Écrit le rapport de synthèse (PDF).")
    _common(p)
    p.add_argument("--out", required=True, metavar="FICHIER.pdf", help="fichier PDF à écrire")
    p.set_defaults(func=cmd_pdf)

    x = export.add_parser("xlsx", help="les grilles remplies dans un classeur Excel", description="Écrit un classeur avec une feuille par outil du kit utilisé.")
    _common(x)
    x.add_argument("--out", required=True, metavar="FICHIER.xlsx", help="classeur à écrire")
    x.set_defaults(func=cmd_xlsx)

    w = export.add_parser(
        "letters", help="les courriers aux partenaires (Word ou PDF)",
        description="Publipostage du courrier aux partenaires du Cadrage. --out FICHIER.docx ou FICHIER.pdf : un seul "
        "document avec tous les courriers ; --out DOSSIER : un fichier par partenaire (--format docx ou pdf).",
    )
    _common(w)
    w.add_argument("--out", required=True, metavar="SORTIE", help="dossier, ou fichier .docx / .pdf")
    w.add_argument("--format", choices=("docx", "pdf"), help="format des fichiers par partenaire (par défaut : docx)")
    w.add_argument(
        "--force", action="store_true",
        help="exporter même si la date de l'atelier ou la date limite des contributions est passée",
    )
    w.set_defaults(func=cmd_letters)


def _progress(args):
    if args.json or args.quiet:
        return None

    last = {"line": ""}

    def report(done: int, total: int, text: str = "") -> None:
        pct = int(100 * done / total) if total else 100
        line = f"{pct:3d} % {text[:70]}"
        if line == last["line"]:
            return
        last["line"] = line
        sys.stderr.write(f"\r{pct:3d} % {text[:70]:<70}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def _run(args, call) -> int:
    from desktop_app.commands.util import UserError

    if not args.out.strip():
        raise UserError("Indiquez le fichier à écrire avec --out.")
    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        result = call(services, eid)
    finally:
        services.close()
    if args.json:
        print_json(result.as_dict())
    else:
        for path in result.paths:
            print(path)
        for warning in result.warnings:
            print(f"Attention : {warning}", file=sys.stderr)
    return 0


def _check_suffix(path: str, suffix: str) -> None:
    from desktop_app.commands.util import UserError

    if not path.lower().endswith(suffix):
        raise UserError(f"Le fichier de sortie doit se terminer par {suffix} : {path}")


def cmd_pdf(args) -> int:
    _check_suffix(args.out, ".pdf")
    return _run(args, lambda s, eid: s.exports.pdf(eid, args.out, _progress(args)))


def cmd_xlsx(args) -> int:
    _check_suffix(args.out, ".xlsx")
    return _run(args, lambda s, eid: s.exports.xlsx(eid, args.out, _progress(args)))


def cmd_letters(args) -> int:
    from desktop_app.commands.util import UserError
    from desktop_app.services.exports import PastDatesError

    try:
        return _run(args, lambda s, eid: s.exports.letters(eid, args.out, args.format, _progress(args), force=args.force))
    except PastDatesError as exc:
        message = str(exc).replace("ou confirmez l'export.", "ou ajoutez --force pour les exporter quand même.")
        raise UserError(message) from None
